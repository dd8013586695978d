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

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "judge/judge.h"
#include "judge/portability_policy.h"

#include "llvm/Support/Error.h"

namespace portable_ld {


enum class StaticSource { None, Environment, ConfigFile, Launcher, Arguments };
const char *to_string(StaticSource source);

// PORTABLE_LD_LIBC: the backend's own C library, or musl (musl-gcc, always static).
enum class Libc { Glibc, Musl };
const char *to_string(Libc libc);

// Who chose the backend, for diagnostics and for the defaults that yield to any choice.
enum class BackendOrigin {
  Default,     // cc
  Setting,     // PORTABLE_LD_CC, the config file's cc, or libc=musl (backend_setting)
  ProgramName, // called as portable-ld++: c++
  Launcher,    // --launcher DRIVER
};

// What `--launcher [--static] [--log=PATH] DRIVER` says: it overrides the settings.
struct LauncherOptions {
  std::string driver;
  bool static_request = false;
  std::optional<std::optional<std::string>> log; // set: overrides; inner nullopt: off
  std::optional<std::string> glibc_floor;        // --glibc=VERSION: PORTABLE_LD_GLIBC's
};

struct Config {
  // Backend compiler driver as argv words (PORTABLE_LD_CC, split without a shell).
  std::vector<std::string> backend = {"cc"};
  BackendOrigin backend_origin = BackendOrigin::Default;
  // With BackendOrigin::Setting, the setting in diagnostics' words: "PORTABLE_LD_CC",
  // "'FILE': cc" or "PORTABLE_LD_LIBC=musl".
  std::string backend_setting;
  // What to install when the backend is missing, when a setting chose it (libc=musl).
  std::string backend_package_hint;
  Libc libc = Libc::Glibc;
  // Final links must be static (PORTABLE_LD_STATIC).
  bool static_requested = false;
  StaticSource static_source = StaticSource::None;
  // A static link whose output still needs glibc's NSS: PORTABLE_LD_NSS.
  NssPolicy nss = NssPolicy::Warn;
  // Dynamic outputs: PORTABLE_LD_POLICY, PORTABLE_LD_MAX_<FAMILY>, PORTABLE_LD_ALLOW_LIBS.
  PortabilityPolicy portability;
  // PORTABLE_LD_REPRODUCE: where final links leave reproducer bundles (link/reproducer.h), and
  // PORTABLE_LD_REPRODUCE_ON: for failed links only (default) or for every one.
  std::optional<std::string> reproduce_dir;
  // PORTABLE_LD_GLIBC: final links of dynamic ELF outputs are made for this glibc
  // ("2.28"; floor/glibc_floor.h).
  std::optional<std::string> glibc_floor;
  // PORTABLE_LD_PROVENANCE: final links record the files the linker read (provenance/).
  bool provenance = false;
  // PORTABLE_LD_FUSE_LD: "" (the backend's default linker), auto, mold, lld, bfd or gold.
  std::string fuse_ld;
  bool reproduce_always = false;
  // JSON-lines log: a path, "-" for stderr, or nullopt when logging is off.
  std::optional<std::string> log_path;
  // The config file that was read, if any (logged for traceability).
  std::optional<std::string> config_file;

  // Not settings, but read from the environment once with them: GOARCH of the Go build
  // that runs us (empty when unset), and how deep portable-ld is nested in itself
  // (PORTABLE_LD_DEPTH, which portable-ld sets for its backend).
  std::string goarch;
  int depth = 0;
};

// Where the backend came from, in a diagnostic's words: "default", "PORTABLE_LD_CC",
// "the name portable-ld++", "the --launcher argument", ...
std::string describe_backend_origin(const Config &config);

// Called as portable-ld++ (CXX=portable-ld++) with no backend chosen, the default backend
// is the C++ driver, as g++ is gcc's: cmd/go links C++ packages with $CXX.
void apply_program_name(Config &config, const std::string &argv0);

// PORTABLE_LD_GLIBC's value (`origin` names it in errors): the floor, and the GLIBC limit
// of the portability policy unless that is lower.
llvm::Error set_glibc_floor(Config &config, const std::string &value, const std::string &origin);

// A launcher's DRIVER and options override the settings for this link.
void apply_launcher(Config &config, const LauncherOptions &launcher);

// The variable that counts nested portable-ld processes (Config::depth).
constexpr const char *k_depth_variable = "PORTABLE_LD_DEPTH";

// Settings by environment variable, from elsewhere than the environment and the config
// file: replay's.
using RecordedSettings = std::map<std::string, std::string>;
struct SettingLayers {
  // Below the environment, in place of the config file: a reproducer's settings.
  RecordedSettings recorded;
  // Above the environment: what the caller insists on; an empty value unsets.
  RecordedSettings forced;
};

// Reads the environment and the config file, or, given `layers`, the environment between
// them and no config file. A malformed value is an error naming the variable (or the file
// and key) and the accepted values.
llvm::Expected<Config> load_config(const SettingLayers *layers = nullptr);

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
