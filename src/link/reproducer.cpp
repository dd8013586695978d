// SPDX-License-Identifier: Apache-2.0
#include "link/reproducer.h"

#include <map>
#include <unistd.h>

#include <fmt/format.h>

#include "support/json.h"
#include "support/quoting.h"
#include "support/subprocess.h"
#include "support/version.h"
#include "verify/verdict_json.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TarWriter.h"
#include "llvm/Support/raw_ostream.h"

extern char **environ;

namespace portable_ld {

namespace {

// The environment that shapes a link: Go's target, the C toolchain's search paths, and
// portable-ld's own settings (but not where it logs or writes bundles).
bool is_selected_variable(llvm::StringRef name) {
  static const char *const k_names[] = {
      "GOOS",         "GOARCH",          "GOVERSION",       "GOROOT",        "GOAMD64",
      "CGO_ENABLED",  "CGO_CFLAGS",      "CGO_LDFLAGS",     "CC",            "CXX",
      "PATH",         "LIBRARY_PATH",    "COMPILER_PATH",   "GCC_EXEC_PREFIX",
      "LD_LIBRARY_PATH", "SOURCE_DATE_EPOCH"};
  for (const char *known : k_names) {
    if (name == known) {
      return true;
    }
  }
  return name.startswith("PORTABLE_LD_") && !name.startswith("PORTABLE_LD_REPRODUCE") &&
         name != "PORTABLE_LD_LOG" && name != "PORTABLE_LD_DEPTH" &&
         name != "PORTABLE_LD_CONFIG";
}

// TarWriter's stream aborts the process on a write error: make sure the bundle fits (its
// inputs, plus room for the manifest) before writing it.
llvm::Error check_space(const std::string &directory, const std::vector<std::string> &args,
                        const std::string &output) {
  uint64_t needed = 1 << 20;
  for (const std::string &arg : args) {
    uint64_t size = 0;
    if (arg != output && llvm::sys::fs::is_regular_file(arg) &&
        !llvm::sys::fs::file_size(arg, size)) {
      needed += size + 1024;
    }
  }
  llvm::ErrorOr<llvm::sys::fs::space_info> space = llvm::sys::fs::disk_space(directory);
  if (space && space->available < needed) {
    return llvm::createStringError(std::errc::no_space_on_device,
                                   "'%s' has %llu bytes free, the bundle needs about %llu",
                                   directory.c_str(),
                                   static_cast<unsigned long long>(space->available),
                                   static_cast<unsigned long long>(needed));
  }
  return llvm::Error::success();
}

// Every argument that names a file, but the output: what Go deletes afterwards.
struct BundledFiles {
  llvm::json::Array manifest;                 // {"original", "bundled"} entries
  std::map<std::string, std::string> by_path; // original -> files/N/NAME
  std::vector<std::string> unreadable;
};
BundledFiles bundle_files(llvm::TarWriter &tar, const std::vector<std::string> &args,
                          const std::string &output) {
  BundledFiles files;
  for (const std::string &arg : args) {
    if (arg == output || files.by_path.count(arg) || !llvm::sys::fs::is_regular_file(arg)) {
      continue;
    }
    auto buffer = llvm::MemoryBuffer::getFile(arg, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer) {
      files.unreadable.push_back(arg);
      continue;
    }
    std::string name = fmt::format("files/{}/{}", files.by_path.size(),
                                   llvm::sys::path::filename(arg).str());
    tar.append(name, (*buffer)->getBuffer());
    files.by_path[arg] = name;
    files.manifest.push_back(
        llvm::json::Object{{"original", json_string(arg)}, {"bundled", name}});
  }
  return files;
}

llvm::json::Object selected_environment() {
  llvm::json::Object environment;
  for (char **entry = environ; *entry; ++entry) {
    auto [name, value] = llvm::StringRef(*entry).split('=');
    if (is_selected_variable(name)) {
      environment[json_key(name)] = json_string(value);
    }
  }
  return environment;
}

// The backend's --version line, or why it could not be had.
std::string backend_version(const InvocationRecord &record, const Config &config) {
  int status = 0;
  llvm::Expected<std::string> version =
      run_capturing_stdout(record.backend, {config.backend.front(), "--version"}, {}, status);
  return version ? llvm::StringRef(*version).split('\n').first.str()
                 : llvm::toString(version.takeError());
}

// For a human with tar: the backend command on the bundled files.
std::string replay_script(const std::vector<std::string> &expanded_run,
                          const BundledFiles &files, const std::string &output) {
  std::string script = "#!/bin/sh\n# The backend command of this link, on the bundled files; "
                       "'portable-ld replay' also re-verifies.\ncd \"$(dirname \"$0\")\" && "
                       "mkdir -p out && exec";
  for (const std::string &arg : expanded_run) {
    auto found = files.by_path.find(arg);
    // Appended in two steps: on " " + a temporary string, GCC 12 warns (-Wrestrict, a
    // false positive in std::string's insert).
    script += ' ';
    script += shell_quote(found != files.by_path.end() ? found->second
                          : arg == output ? "out/" + llvm::sys::path::filename(output).str()
                                          : arg);
  }
  return script + "\n";
}

} // namespace

llvm::Expected<std::string> write_reproducer(const std::string &directory,
                                             const InvocationRecord &record,
                                             const Invocation &invocation,
                                             const std::vector<std::string> &expanded_run,
                                             const Config &config) {
  std::string output = record.output.value_or("a.out");
  std::string base = fmt::format("portable-ld-{}-{}", llvm::sys::path::filename(output).str(),
                                 ::getpid());
  if (std::error_code error = llvm::sys::fs::create_directories(directory)) {
    return llvm::createStringError(error, "cannot create '%s': %s", directory.c_str(),
                                   error.message().c_str());
  }
  if (llvm::Error error = check_space(directory, invocation.args, output)) {
    return error;
  }
  llvm::SmallString<256> path(directory);
  llvm::sys::path::append(path, base + ".tar");
  llvm::Expected<std::unique_ptr<llvm::TarWriter>> tar =
      llvm::TarWriter::create(path.str(), base);
  if (!tar) {
    return tar.takeError();
  }
  BundledFiles files = bundle_files(**tar, invocation.args, output);

  char cwd[4096];
  llvm::json::Object manifest{
      {"schema", k_bundle_schema},
      {"portable_ld", k_version},
      {"argv", json_strings(record.argv_received)},
      {"args", json_strings(invocation.args)},
      {"argv_run", json_strings(record.argv_run)},
      {"argv_run_expanded", json_strings(expanded_run)},
      {"backend", json_string(record.backend)},
      {"backend_command", json_strings(config.backend)},
      {"backend_version", json_string(backend_version(record, config))},
      {"cwd", json_string(::getcwd(cwd, sizeof cwd) ? cwd : "")},
      {"output", json_string(output)},
      {"result", to_string(record.result)},
      {"exit_code", record.exit_code},
      {"errors", json_strings(record.errors)},
      {"policy", llvm::json::Object{{"static_requested", record.static_requested},
                                    {"static_source", to_string(record.static_source)},
                                    {"nss", to_string(config.nss)},
                                    {"libc", to_string(config.libc)}}},
      {"environment", selected_environment()},
      {"files", std::move(files.manifest)},
      {"files_unreadable", json_strings(files.unreadable)},
  };
  if (record.verdict) {
    manifest["verdict"] = to_json(*record.verdict);
  }
  std::string text;
  llvm::raw_string_ostream(text) << llvm::formatv("{0:2}", llvm::json::Value(std::move(manifest)))
                                 << '\n';
  (*tar)->append(k_manifest, text);
  (*tar)->append("replay.sh", replay_script(expanded_run, files, output));
  return std::string(path.str());
}

} // namespace portable_ld
