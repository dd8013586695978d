// SPDX-License-Identifier: Apache-2.0
//
// `portable-ld replay [--keep] [-o FILE] BUNDLE.tar` (docs/reproducers.md): a reproducer
// bundle's link, run again through the wrapper from the bundle alone.
#include <map>
#include <memory>
#include <optional>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/cli.h"
#include "link/reproducer.h"
#include "support/diagnostics.h"
#include "support/regular_file.h"
#include "support/quoting.h"
#include "support/tar_reader.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace portable_ld {

namespace {

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
  llvm::Expected<FileBeside> beside = create_file_beside(destination);
  if (!beside) {
    return fail(llvm::errorToErrorCode(beside.takeError()));
  }
  const std::string &temporary = beside->path;
  std::error_code error = llvm::sys::fs::copy_file(from, beside->fd);
  ::close(beside->fd);
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

// The replayed link's settings: the replaying environment's, over the recorded ones, the
// recorded backend command and static request (from whichever setting made them), and
// the recorded GOARCH; no config file of this user's, the record on stderr, no new bundle.
llvm::Expected<Config> replay_config(const llvm::json::Object &manifest) {
  SettingLayers layers;
  layers.forced = {{"PORTABLE_LD_LOG", "-"}, {"PORTABLE_LD_REPRODUCE", ""}};
  std::string goarch;
  if (const llvm::json::Object *environment = manifest.getObject("environment")) {
    for (const auto &[name, value] : *environment) {
      std::string text = value.getAsString().getValueOr("").str();
      if (text.empty()) {
        continue; // VAR= means "not set"
      }
      if (llvm::StringRef(name).startswith("PORTABLE_LD_")) {
        layers.recorded[name.str()] = text;
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
      layers.recorded.try_emplace("PORTABLE_LD_CC", command);
    }
  }
  if (const llvm::json::Object *policy = manifest.getObject("policy")) {
    if (policy->getBoolean("static_requested").getValueOr(false)) {
      layers.recorded.try_emplace("PORTABLE_LD_STATIC", "1");
    }
  }
  llvm::Expected<Config> config = load_config(&layers);
  if (config && config->goarch.empty()) {
    config->goarch = goarch;
  }
  return config;
}

// What `portable-ld replay` was asked.
struct ReplayOptions {
  bool keep = false;
  std::string bundle;
  std::optional<std::string> destination; // -o FILE
};

// Fills `options`; an exit code when there is nothing to replay (--help, a usage error).
std::optional<int> parse_options(const std::vector<std::string> &args, ReplayOptions &options,
                                 Diagnostics &diagnostics) {
  for (size_t i = 0; i < args.size(); ++i) {
    llvm::StringRef arg = args[i];
    if (arg == "--help") {
      print_replay_help();
      return 0;
    }
    if (arg == "--keep") {
      options.keep = true;
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
      options.destination = file.str();
    } else if (options.bundle.empty() && !arg.startswith("-")) {
      options.bundle = arg.str();
    } else {
      diagnostics.error("replay: unexpected argument '{}'", arg.str());
      diagnostics.hint(k_replay_usage);
      return k_exit_usage;
    }
  }
  if (options.bundle.empty()) {
    diagnostics.error("replay: no bundle given");
    diagnostics.hint(k_replay_usage);
    return k_exit_usage;
  }
  return std::nullopt;
}

// A bundle read into memory: its files by name (the base directory dropped) and its
// manifest.
struct Bundle {
  std::unique_ptr<llvm::MemoryBuffer> buffer;
  std::map<std::string, llvm::StringRef> files;
  llvm::json::Value manifest = nullptr;
  const llvm::json::Object &object() const { return *manifest.getAsObject(); }
};

llvm::Expected<Bundle> read_bundle(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    return llvm::createStringError(buffer.getError(), "cannot read '%s': %s", path.c_str(),
                                   buffer.getError().message().c_str());
  }
  Bundle bundle;
  bundle.buffer = std::move(*buffer);
  llvm::Expected<std::map<std::string, llvm::StringRef>> entries =
      read_tar(bundle.buffer->getBuffer());
  if (!entries) {
    return llvm::createStringError(std::errc::invalid_argument, "'%s': %s", path.c_str(),
                                   llvm::toString(entries.takeError()).c_str());
  }
  // Names are BASE/...: drop the base directory.
  for (const auto &[name, data] : *entries) {
    bundle.files[llvm::StringRef(name).split('/').second.str()] = data;
  }
  auto manifest_entry = bundle.files.find(k_manifest);
  llvm::Expected<llvm::json::Value> manifest =
      manifest_entry == bundle.files.end()
          ? llvm::Expected<llvm::json::Value>(llvm::createStringError(
                std::errc::invalid_argument, "no %s in the bundle", k_manifest))
          : llvm::json::parse(manifest_entry->second);
  const llvm::json::Object *object = manifest ? manifest->getAsObject() : nullptr;
  if (!object || object->getInteger("schema").getValueOr(0) != k_bundle_schema) {
    return llvm::createStringError(
        std::errc::invalid_argument, "'%s' is not a portable-ld reproducer: %s", path.c_str(),
        manifest ? "unknown schema" : llvm::toString(manifest.takeError()).c_str());
  }
  bundle.manifest = std::move(*manifest);
  return bundle;
}

// Writes the bundled files under `directory`; returns original path -> extracted path.
llvm::Expected<std::map<std::string, std::string>> extract_files(const Bundle &bundle,
                                                                 llvm::StringRef directory) {
  std::map<std::string, std::string> mapped;
  const llvm::json::Array *list = bundle.object().getArray("files");
  if (!list) {
    return mapped;
  }
  for (const llvm::json::Value &file : *list) {
    const llvm::json::Object *entry = file.getAsObject();
    auto original = entry ? entry->getString("original") : llvm::None;
    auto name = entry ? entry->getString("bundled") : llvm::None;
    auto data = name ? bundle.files.find(name->str()) : bundle.files.end();
    if (!original || data == bundle.files.end()) {
      continue;
    }
    llvm::SmallString<256> target(directory);
    llvm::sys::path::append(target, *name);
    llvm::sys::fs::create_directories(llvm::sys::path::parent_path(target));
    if (llvm::Error error = write_whole_file(std::string(target.str()), data->second)) {
      return error;
    }
    mapped[original->str()] = std::string(target.str());
  }
  return mapped;
}

// The recorded arguments on the extracted files, the recorded `output` in `replayed_output`.
std::vector<std::string> replay_argv(const llvm::json::Object &manifest,
                                     const std::map<std::string, std::string> &mapped,
                                     const std::string &output,
                                     const std::string &replayed_output) {
  std::vector<std::string> argv{"portable-ld"};
  bool output_mapped = false;
  if (const llvm::json::Array *recorded = manifest.getArray("args")) {
    for (const llvm::json::Value &value : *recorded) {
      std::string arg = value.getAsString().getValueOr("").str();
      if (auto found = mapped.find(arg); found != mapped.end()) {
        arg = found->second;
      } else if (arg == output) {
        arg = replayed_output;
        output_mapped = true;
      } else if (arg == "-o" + output) {
        arg = "-o" + replayed_output;
        output_mapped = true;
      }
      argv.push_back(std::move(arg));
    }
  }
  if (!output_mapped) {
    // A link without -o wrote a.out where it ran: the replay writes into out/ too.
    argv.push_back("-o");
    argv.push_back(replayed_output);
  }
  return argv;
}

// Extracts the bundle into `directory`, rebuilds the link's settings and runs it.
int replay(const Bundle &bundle, const ReplayOptions &options, llvm::StringRef directory,
           Diagnostics &diagnostics) {
  llvm::Expected<std::map<std::string, std::string>> mapped = extract_files(bundle, directory);
  if (!mapped) {
    diagnostics.error("replay: {}", llvm::toString(mapped.takeError()));
    return k_exit_internal;
  }
  const std::string output = bundle.object().getString("output").getValueOr("a.out").str();
  llvm::SmallString<256> out(directory);
  llvm::sys::path::append(out, "out", llvm::sys::path::filename(output));
  llvm::sys::fs::create_directories(llvm::sys::path::parent_path(out));
  const std::string replayed_output(out);
  std::vector<std::string> argv = replay_argv(bundle.object(), *mapped, output, replayed_output);
  diagnostics.note("replaying '{}' ({} files; recorded result: {}) in '{}'", options.bundle,
                   mapped->size(), bundle.object().getString("result").getValueOr("?").str(),
                   directory.str());
  // A bad setting is reported as the wrapper reports it.
  llvm::Expected<Config> config = replay_config(bundle.object());
  if (!config) {
    report_settings_error(diagnostics, config.takeError());
    return k_exit_usage;
  }
  int exit_code = run_wrapper(argv, std::move(*config));
  // -o FILE: the output of a link that succeeded, verification included, and nothing
  // otherwise (a failed verification has removed it already).
  if (options.destination && exit_code == 0) {
    if (llvm::Error error = copy_output(replayed_output, *options.destination)) {
      diagnostics.error("replay: {}", llvm::toString(std::move(error)));
      exit_code = k_exit_internal;
    } else {
      diagnostics.note("wrote '{}'", *options.destination);
    }
  } else if (options.destination) {
    diagnostics.note("'{}' not written: the replayed link failed", *options.destination);
  }
  return exit_code;
}

} // namespace

// options -> bundle -> temporary directory -> replay -> clean up.
int run_replay(const std::vector<std::string> &args) {
  Diagnostics diagnostics;
  ReplayOptions options;
  if (std::optional<int> done = parse_options(args, options, diagnostics)) {
    return *done;
  }
  llvm::Expected<Bundle> bundle = read_bundle(options.bundle);
  if (!bundle) {
    diagnostics.error("replay: {}", llvm::toString(bundle.takeError()));
    return k_exit_usage;
  }
  llvm::SmallString<128> directory;
  if (std::error_code error =
          llvm::sys::fs::createUniqueDirectory("portable-ld-replay", directory)) {
    diagnostics.error("replay: cannot create a directory: {}", error.message());
    return k_exit_internal;
  }
  int exit_code = replay(*bundle, options, directory, diagnostics);
  if (options.keep) {
    diagnostics.note("kept '{}'", directory.str().str());
  } else {
    llvm::sys::fs::remove_directories(directory);
  }
  return exit_code;
}

} // namespace portable_ld
