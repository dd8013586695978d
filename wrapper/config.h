// SPDX-License-Identifier: Apache-2.0
//
// portable-ld's own settings. They never come from the driver argv (that belongs to
// the build and, for Go, partly to untrusted #cgo directives). Sources, highest first:
//   1. PORTABLE_LD_<KEY> environment variables;
//   2. the config file named by PORTABLE_LD_CONFIG, else $XDG_CONFIG_HOME/portable-ld/config
//      (~/.config/portable-ld/config) when it exists.
// Both are read by Boost.Program_options from one table of keys (k_settings in config.cpp);
// the working directory is never consulted, so an untrusted module cannot pick a backend.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "portability_policy.h"

#include "llvm/Support/Error.h"

namespace portable_ld {

// What a static link that still needs glibc's NSS (glibc_hazards.cpp) gets.
enum class NssPolicy { Ignore, Warn, Error };
const char *to_string(NssPolicy policy);
// Parses "error", "warn" or "ignore"; `origin` names the setting in the error.
llvm::Expected<NssPolicy> parse_nss_policy(const std::string &value, const std::string &origin);

enum class StaticSource { None, Environment, ConfigFile, Launcher, Arguments };
const char *to_string(StaticSource source);

struct Config {
  // Backend compiler driver as argv words (PORTABLE_LD_CC, split without a shell).
  std::vector<std::string> backend = {"cc"};
  // Where PORTABLE_LD_CC came from, for diagnostics ("PORTABLE_LD_CC" or "'file': cc").
  std::string backend_origin = "default";
  // What to install when the backend is missing, when a setting chose it (libc=musl).
  std::string backend_package_hint;
  // PORTABLE_LD_LIBC: "glibc" (the backend's own) or "musl" (musl-gcc, always static).
  std::string libc = "glibc";
  // Final links must be static (PORTABLE_LD_STATIC).
  bool static_requested = false;
  StaticSource static_source = StaticSource::None;
  // A static link whose output still needs glibc's NSS: PORTABLE_LD_NSS.
  NssPolicy nss = NssPolicy::Warn;
  // Dynamic outputs: PORTABLE_LD_POLICY, PORTABLE_LD_MAX_<FAMILY>, PORTABLE_LD_ALLOW_LIBS.
  PortabilityPolicy portability;
  // PORTABLE_LD_REPRODUCE: where final links leave reproducer bundles (reproduce.h), and
  // PORTABLE_LD_REPRODUCE_ON: for failed links only (default) or for every one.
  std::optional<std::string> reproduce_dir;
  // PORTABLE_LD_FUSE_LD: "" (the backend's default linker), auto, mold, lld, bfd or gold.
  std::string fuse_ld;
  bool reproduce_always = false;
  // JSON-lines log: a path, "-" for stderr, or nullopt when logging is off.
  std::optional<std::string> log_path;
  // The config file that was read, if any (logged for traceability).
  std::optional<std::string> config_file;
};

// Reads the environment and the config file. A malformed value is an error naming the
// variable (or the file and key) and the accepted values.
llvm::Expected<Config> load_config();

// Splits a command such as "zig cc" or "'/opt/my cc/gcc' -m64" into words, the way Go's
// cmd/internal/quoted.Split does: blanks separate words, a word that starts with a quote
// runs to the matching quote, no escapes.
llvm::Expected<std::vector<std::string>> split_command_words(const std::string &text);

// Interprets a log setting: "off" (nullopt), "-" or an absolute path; `origin` names the
// setting in the error.
llvm::Expected<std::optional<std::string>> parse_log_value(const std::string &value,
                                                           const std::string &origin);

// The documented default log path: $XDG_STATE_HOME/portable-ld/links.jsonl, else
// ~/.local/state/portable-ld/links.jsonl; nullopt when neither variable is set.
std::optional<std::string> default_log_path();

// One line per key, for `portable-ld --help`.
std::string describe_settings();

} // namespace portable_ld
