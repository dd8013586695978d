// SPDX-License-Identifier: Apache-2.0
#include "reproduce.h"

#include <cstdlib>
#include <map>
#include <optional>
#include <unistd.h>

#include <fmt/format.h>

#include "diagnostics.h"
#include "driver.h"
#include "subprocess.h"
#include "verify.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TarWriter.h"
#include "llvm/Support/raw_ostream.h"

extern char **environ;

namespace portable_ld {

namespace {

constexpr int k_bundle_schema = 1;
constexpr const char *k_manifest = "reproduce.json";

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

std::string shell_quote(llvm::StringRef word) {
  std::string quoted = "'";
  for (char c : word) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

llvm::json::Array strings(const std::vector<std::string> &values) {
  return json_strings(values);
}

// A ustar archive as llvm::TarWriter writes it: 512-byte headers (name, prefix, octal
// size, type), data padded to 512 bytes, and PAX 'x' records carrying long paths.
llvm::Expected<std::map<std::string, llvm::StringRef>> read_tar(llvm::StringRef data) {
  std::map<std::string, llvm::StringRef> entries;
  std::string pax_path;
  if (data.size() < 512) {
    return llvm::createStringError(std::errc::invalid_argument,
                                   "not a tar archive, or truncated (at byte 0)");
  }
  for (size_t offset = 0; offset + 512 <= data.size();) {
    llvm::StringRef header = data.substr(offset, 512);
    if (header.find_first_not_of('\0') == llvm::StringRef::npos) {
      break; // the end-of-archive blocks
    }
    auto field = [&](size_t at, size_t size) {
      return header.substr(at, size).split('\0').first;
    };
    unsigned long long size = 0;
    if (field(257, 5) != "ustar" || field(124, 12).trim(" ").getAsInteger(8, size) ||
        offset + 512 + size > data.size()) {
      return llvm::createStringError(std::errc::invalid_argument,
                                     "not a tar archive, or truncated (at byte %zu)", offset);
    }
    llvm::StringRef body = data.substr(offset + 512, size);
    char type = header[156];
    std::string name = field(0, 100).str();
    if (field(257, 5) == "ustar" && !field(345, 155).empty()) {
      name = (field(345, 155) + "/" + name).str();
    }
    if (type == 'x') {
      for (llvm::StringRef rest = body; !rest.empty();) {
        auto [record, next] = rest.split('\n');
        rest = next;
        llvm::StringRef value = record.split(' ').second;
        if (value.consume_front("path=")) {
          pax_path = value.str();
        }
      }
    } else {
      if (!pax_path.empty()) {
        name = std::move(pax_path);
        pax_path.clear();
      }
      if (type == '0' || type == '\0') {
        entries[name] = body;
      }
    }
    offset += 512 + (size + 511) / 512 * 512;
  }
  return entries;
}

constexpr const char *k_replay_usage = "usage: portable-ld replay [--keep] [-o FILE] BUNDLE.tar";

void print_replay_help() {
  fmt::print(R"(USAGE: portable-ld replay [--keep] [-o FILE] BUNDLE.tar

Runs the final link kept in a reproducer bundle (PORTABLE_LD_REPRODUCE) again, from the
bundle alone: its files are extracted into a temporary directory, the recorded
arguments and settings are restored (what this environment sets wins), and the link
goes through the wrapper again: static rewrite, backend, verification. The link's log
record goes to standard error.

OPTIONS:
  --keep                  keep the temporary directory (inputs in files/, output in out/)
  -o FILE, --output=FILE  when the replayed link succeeds, copy its output to FILE; a link
                          that fails, in the backend or in verification, leaves FILE as
                          it was
  --help                  print this help

EXIT CODES: the replayed link's status, as the wrapper's (0, 65 failed verification, the
  backend's own status, ...); 64 usage, or a file that is unreadable or not a bundle;
  70 the temporary directory or FILE cannot be written.
)");
}

// Copies the replayed output to `destination` through a temporary file beside it, then
// renamed over it: `destination` is either left as it was or replaced whole, with the
// output's permissions.
llvm::Error copy_output(const std::string &from, const std::string &destination) {
  auto fail = [&](std::error_code error) {
    return llvm::createStringError(error, "cannot write '%s': %s", destination.c_str(),
                                   error.message().c_str());
  };
  llvm::ErrorOr<llvm::sys::fs::perms> mode = llvm::sys::fs::getPermissions(from);
  if (!mode) {
    return llvm::createStringError(mode.getError(), "cannot write '%s': '%s': %s",
                                   destination.c_str(), from.c_str(),
                                   mode.getError().message().c_str());
  }
  int fd = -1;
  llvm::SmallString<256> temporary;
  if (std::error_code error = llvm::sys::fs::createUniqueFile(
          destination + ".portable-ld-%%%%%%", fd, temporary)) {
    return fail(error);
  }
  std::error_code error = llvm::sys::fs::copy_file(from, fd);
  ::close(fd);
  if (!error) {
    error = llvm::sys::fs::setPermissions(temporary, *mode);
  }
  if (!error) {
    error = llvm::sys::fs::rename(temporary, destination);
  }
  if (error) {
    llvm::sys::fs::remove(temporary);
    return fail(error);
  }
  return llvm::Error::success();
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
  llvm::SmallString<256> path(directory);
  llvm::sys::path::append(path, base + ".tar");
  llvm::Expected<std::unique_ptr<llvm::TarWriter>> tar =
      llvm::TarWriter::create(path.str(), base);
  if (!tar) {
    return tar.takeError();
  }

  // TarWriter's stream aborts the process on a write error: make sure the bundle fits
  // (its inputs, plus room for the manifest) before writing it.
  uint64_t needed = 1 << 20;
  for (const std::string &arg : invocation.args) {
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

  // Every argument that names a file, but the output: what Go deletes afterwards.
  llvm::json::Array files;
  std::map<std::string, std::string> bundled;
  std::vector<std::string> missing;
  for (const std::string &arg : invocation.args) {
    if (arg == output || bundled.count(arg) || !llvm::sys::fs::is_regular_file(arg)) {
      continue;
    }
    auto buffer = llvm::MemoryBuffer::getFile(arg, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer) {
      missing.push_back(arg);
      continue;
    }
    std::string name = fmt::format("files/{}/{}", bundled.size(),
                                   llvm::sys::path::filename(arg).str());
    (*tar)->append(name, (*buffer)->getBuffer());
    bundled[arg] = name;
    files.push_back(llvm::json::Object{{"original", json_string(arg)}, {"bundled", name}});
  }

  int version_status = 0;
  llvm::Expected<std::string> version = run_capturing_stdout(
      record.backend, {config.backend.front(), "--version"}, {}, version_status);
  std::string backend_version =
      version ? llvm::StringRef(*version).split('\n').first.str() : llvm::toString(version.takeError());

  llvm::json::Object environment;
  for (char **entry = environ; *entry; ++entry) {
    auto [name, value] = llvm::StringRef(*entry).split('=');
    if (is_selected_variable(name)) {
      environment[name.str()] = json_string(value);
    }
  }
  char cwd[4096];
  llvm::json::Object manifest{
      {"schema", k_bundle_schema},
      {"portable_ld", k_version},
      {"argv", strings(record.argv_received)},
      {"args", strings(invocation.args)},
      {"argv_run", strings(record.argv_run)},
      {"argv_run_expanded", strings(expanded_run)},
      {"backend", json_string(record.backend)},
      {"backend_command", strings(config.backend)},
      {"backend_version", json_string(backend_version)},
      {"cwd", json_string(::getcwd(cwd, sizeof cwd) ? cwd : "")},
      {"output", json_string(output)},
      {"result", to_string(record.result)},
      {"exit_code", record.exit_code},
      {"errors", strings(record.errors)},
      {"policy", llvm::json::Object{{"static_requested", record.static_requested},
                                    {"static_source", to_string(record.static_source)},
                                    {"nss", to_string(config.nss)},
                                    {"libc", to_string(config.libc)}}},
      {"environment", std::move(environment)},
      {"files", std::move(files)},
      {"files_unreadable", strings(missing)},
  };
  if (record.verdict) {
    manifest["verdict"] = to_json(*record.verdict);
  }
  std::string text;
  llvm::raw_string_ostream(text) << llvm::formatv("{0:2}", llvm::json::Value(std::move(manifest)))
                                 << '\n';
  (*tar)->append(k_manifest, text);

  // For a human with tar: the backend command on the bundled files.
  std::string script = "#!/bin/sh\n# The backend command of this link, on the bundled files; "
                       "'portable-ld replay' also re-verifies.\ncd \"$(dirname \"$0\")\" && "
                       "mkdir -p out && exec";
  for (size_t i = 0; i < expanded_run.size(); ++i) {
    const std::string &arg = expanded_run[i];
    auto found = bundled.find(arg);
    // Appended in two steps: on " " + a temporary string, GCC 12 warns (-Wrestrict, a
    // false positive in std::string's insert).
    script += ' ';
    script += shell_quote(found != bundled.end() ? found->second
                          : arg == output         ? "out/" + llvm::sys::path::filename(output).str()
                                                  : arg);
  }
  (*tar)->append("replay.sh", script + "\n");
  return std::string(path.str());
}

namespace {

// The replayed link's settings: the replaying environment's, over the recorded ones, the
// recorded backend command and static request (from whichever setting made them), and
// the recorded GOARCH; no config file of this user's, the record on stderr, no new bundle.
llvm::Expected<Config> replay_config(const llvm::json::Object &manifest) {
  RecordedSettings recorded;
  std::string goarch;
  if (const llvm::json::Object *environment = manifest.getObject("environment")) {
    for (const auto &[name, value] : *environment) {
      std::string text = value.getAsString().getValueOr("").str();
      if (llvm::StringRef(name).startswith("PORTABLE_LD_")) {
        recorded[name.str()] = text;
      } else if (name == "GOARCH") {
        goarch = text;
      }
    }
  }
  if (const llvm::json::Array *words = manifest.getArray("backend_command")) {
    std::string command;
    for (const llvm::json::Value &word : *words) {
      if (!command.empty()) {
        command += ' ';
      }
      command += shell_quote(word.getAsString().getValueOr("")); // split_command_words reads it
    }
    if (!command.empty()) {
      recorded.try_emplace("PORTABLE_LD_CC", command);
    }
  }
  if (const llvm::json::Object *policy = manifest.getObject("policy")) {
    if (policy->getBoolean("static_requested").getValueOr(false)) {
      recorded.try_emplace("PORTABLE_LD_STATIC", "1");
    }
  }
  llvm::Expected<Config> config = load_config(&recorded);
  if (config) {
    config->log_path = "-";
    config->reproduce_dir.reset();
    if (config->goarch.empty()) {
      config->goarch = goarch;
    }
  }
  return config;
}

} // namespace

int run_replay(const std::vector<std::string> &args) {
  Diagnostics diagnostics;
  bool keep = false;
  std::string bundle;
  std::optional<std::string> destination; // -o FILE
  for (size_t i = 0; i < args.size(); ++i) {
    llvm::StringRef arg = args[i];
    if (arg == "--help") {
      print_replay_help();
      return 0;
    }
    if (arg == "--keep") {
      keep = true;
    } else if (arg == "-o" || arg.startswith("--output=")) {
      llvm::StringRef file = arg.split('=').second;
      if (arg == "-o") {
        file = i + 1 < args.size() ? llvm::StringRef(args[++i]) : "";
      }
      if (file.empty()) {
        diagnostics.error("replay: {} needs a file name", arg == "-o" ? "-o" : "--output=");
        diagnostics.hint(k_replay_usage);
        return k_exit_usage;
      }
      destination = file.str();
    } else if (bundle.empty() && !arg.startswith("-")) {
      bundle = arg.str();
    } else {
      diagnostics.error("replay: unexpected argument '{}'", arg.str());
      diagnostics.hint(k_replay_usage);
      return k_exit_usage;
    }
  }
  if (bundle.empty()) {
    diagnostics.error("replay: no bundle given");
    diagnostics.hint(k_replay_usage);
    return k_exit_usage;
  }
  auto buffer = llvm::MemoryBuffer::getFile(bundle, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    diagnostics.error("replay: cannot read '{}': {}", bundle, buffer.getError().message());
    return k_exit_usage;
  }
  llvm::Expected<std::map<std::string, llvm::StringRef>> entries =
      read_tar((*buffer)->getBuffer());
  if (!entries) {
    diagnostics.error("replay: '{}': {}", bundle, llvm::toString(entries.takeError()));
    return k_exit_usage;
  }
  // Names are BASE/...: drop the base directory.
  std::map<std::string, llvm::StringRef> files;
  for (const auto &[name, data] : *entries) {
    files[llvm::StringRef(name).split('/').second.str()] = data;
  }
  auto manifest_entry = files.find(k_manifest);
  llvm::Expected<llvm::json::Value> manifest =
      manifest_entry == files.end()
          ? llvm::Expected<llvm::json::Value>(llvm::createStringError(
                std::errc::invalid_argument, "no %s in the bundle", k_manifest))
          : llvm::json::parse(manifest_entry->second);
  const llvm::json::Object *object = manifest ? manifest->getAsObject() : nullptr;
  if (!object || object->getInteger("schema").getValueOr(0) != k_bundle_schema) {
    diagnostics.error("replay: '{}' is not a portable-ld reproducer: {}", bundle,
                      manifest ? "unknown schema" : llvm::toString(manifest.takeError()));
    return k_exit_usage;
  }

  llvm::SmallString<128> directory;
  if (std::error_code error =
          llvm::sys::fs::createUniqueDirectory("portable-ld-replay", directory)) {
    diagnostics.error("replay: cannot create a directory: {}", error.message());
    return k_exit_internal;
  }
  std::map<std::string, std::string> mapped; // original path -> extracted path
  if (const llvm::json::Array *list = object->getArray("files")) {
    for (const llvm::json::Value &file : *list) {
      const llvm::json::Object *entry = file.getAsObject();
      auto original = entry ? entry->getString("original") : llvm::None;
      auto name = entry ? entry->getString("bundled") : llvm::None;
      auto data = name ? files.find(name->str()) : files.end();
      if (!original || data == files.end()) {
        continue;
      }
      llvm::SmallString<256> target(directory);
      llvm::sys::path::append(target, *name);
      llvm::sys::fs::create_directories(llvm::sys::path::parent_path(target));
      std::error_code error;
      llvm::raw_fd_ostream out(target, error);
      if (error) {
        diagnostics.error("replay: cannot write '{}': {}", target.str().str(), error.message());
        return k_exit_internal;
      }
      out << data->second;
      mapped[original->str()] = std::string(target.str());
    }
  }
  std::string output = object->getString("output").getValueOr("a.out").str();
  llvm::SmallString<256> replayed_output(directory);
  llvm::sys::path::append(replayed_output, "out", llvm::sys::path::filename(output));
  llvm::sys::fs::create_directories(llvm::sys::path::parent_path(replayed_output));

  std::vector<std::string> argv{"portable-ld"};
  bool output_mapped = false;
  if (const llvm::json::Array *recorded = object->getArray("args")) {
    for (const llvm::json::Value &value : *recorded) {
      std::string arg = value.getAsString().getValueOr("").str();
      if (auto found = mapped.find(arg); found != mapped.end()) {
        arg = found->second;
      } else if (arg == output) {
        arg = std::string(replayed_output.str());
        output_mapped = true;
      } else if (arg == "-o" + output) {
        arg = "-o" + std::string(replayed_output.str());
        output_mapped = true;
      }
      argv.push_back(std::move(arg));
    }
  }
  if (!output_mapped) {
    // A link without -o wrote a.out where it ran: the replay writes into out/ too.
    argv.push_back("-o");
    argv.push_back(std::string(replayed_output.str()));
  }
  llvm::Expected<Config> config = replay_config(*object);
  if (!config) {
    diagnostics.error("replay: {}", llvm::toString(config.takeError()));
    return k_exit_usage;
  }
  diagnostics.note("replaying '{}' ({} files; recorded result: {}) in '{}'", bundle,
                   mapped.size(), object->getString("result").getValueOr("?").str(),
                   directory.str().str());
  int exit_code = run_wrapper(argv, std::move(*config));
  // -o FILE: the output of a link that succeeded, verification included, and nothing
  // otherwise (a failed verification has removed it already).
  if (destination && exit_code == 0) {
    if (llvm::Error error = copy_output(std::string(replayed_output.str()), *destination)) {
      diagnostics.error("replay: {}", llvm::toString(std::move(error)));
      exit_code = k_exit_internal;
    } else {
      diagnostics.note("wrote '{}'", *destination);
    }
  } else if (destination) {
    diagnostics.note("'{}' not written: the replayed link failed", *destination);
  }
  if (keep) {
    diagnostics.note("kept '{}'", directory.str().str());
  } else {
    llvm::sys::fs::remove_directories(directory);
  }
  return exit_code;
}

} // namespace portable_ld
