// SPDX-License-Identifier: Apache-2.0
#include "link/config.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <sstream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "support/quoting.h"
#include "verify/symbol_versions.h"
#include "support/regular_file.h"
#include "support/xdg_paths.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace po = boost::program_options;

namespace portable_ld {

namespace {

// A value together with the words that name its origin in a diagnostic.
struct RawValue {
  std::string value;
  std::string origin;
};

llvm::Error invalid_value(const RawValue &raw, const char *expected) {
  return llvm::createStringError(std::errc::invalid_argument,
                                 "%s: invalid value '%s' (expected %s)", raw.origin.c_str(),
                                 abbreviate(raw.value).c_str(), expected);
}

llvm::Expected<bool> parse_bool(const RawValue &raw) {
  std::string lower = llvm::StringRef(raw.value).trim().lower();
  if (lower == "1" || lower == "true" || lower == "yes" || lower == "on") {
    return true;
  }
  if (lower == "0" || lower == "false" || lower == "no" || lower == "off") {
    return false;
  }
  return invalid_value(raw, "1, true, yes, on, 0, false, no or off");
}

StaticSource static_source_of(const RawValue &raw) {
  return llvm::StringRef(raw.origin).startswith("PORTABLE_LD_") ? StaticSource::Environment
                                                                : StaticSource::ConfigFile;
}

llvm::Error apply_cc(Config &config, const RawValue &raw) {
  llvm::Expected<std::vector<std::string>> words = split_command_words(raw.value);
  if (!words) {
    return llvm::createStringError(std::errc::invalid_argument, "%s: %s", raw.origin.c_str(),
                                   llvm::toString(words.takeError()).c_str());
  }
  if (words->empty()) {
    return llvm::createStringError(std::errc::invalid_argument, "%s: empty command",
                                   raw.origin.c_str());
  }
  // A relative path would be looked up in each directory the build runs in, which an
  // untrusted module controls; a bare name is looked up on PATH.
  const std::string &program = words->front();
  if (program.find('/') != std::string::npos && !llvm::sys::path::is_absolute(program)) {
    return llvm::createStringError(
        std::errc::invalid_argument,
        "%s: '%s' is a relative path (it would be found in whatever directory a build "
        "step runs in); use an absolute path or a name on PATH",
        raw.origin.c_str(), program.c_str());
  }
  config.backend = std::move(*words);
  config.backend_origin = BackendOrigin::Setting;
  config.backend_setting = raw.origin;
  return llvm::Error::success();
}

llvm::Error apply_nss(Config &config, const RawValue &raw) {
  llvm::Expected<NssPolicy> policy = parse_nss_policy(raw.value, raw.origin);
  if (!policy) {
    return policy.takeError();
  }
  config.nss = *policy;
  return llvm::Error::success();
}

llvm::Error apply_log(Config &config, const RawValue &raw) {
  llvm::Expected<std::optional<std::string>> log = parse_log_value(raw.value, raw.origin);
  if (!log) {
    return log.takeError();
  }
  config.log_path = std::move(*log);
  return llvm::Error::success();
}

llvm::Error apply_static(Config &config, const RawValue &raw) {
  llvm::Expected<bool> value = parse_bool(raw);
  if (!value) {
    return value.takeError();
  }
  config.static_requested = *value;
  config.static_source = *value ? static_source_of(raw) : StaticSource::None;
  return llvm::Error::success();
}

// musl: a static libc without NSS. musl-gcc wraps the system gcc with musl's headers,
// libraries and startup files, for compiles and links alike; a dynamic musl binary
// would need musl's loader, which glibc systems lack, so final links are static. Applied
// after cc and static, whose explicit choices it leaves alone.
llvm::Error apply_libc(Config &config, const RawValue &raw) {
  std::string libc = llvm::StringRef(raw.value).trim().lower();
  if (libc != to_string(Libc::Glibc) && libc != to_string(Libc::Musl)) {
    return invalid_value(raw, "glibc or musl");
  }
  config.libc = libc == to_string(Libc::Musl) ? Libc::Musl : Libc::Glibc;
  if (config.libc != Libc::Musl) {
    return llvm::Error::success();
  }
  if (config.backend_origin == BackendOrigin::Default) {
    config.backend = {"musl-gcc"};
    config.backend_origin = BackendOrigin::Setting;
    config.backend_setting = raw.origin + "=musl";
    config.backend_package_hint = "install musl-gcc (Debian: apt-get install musl-tools), or "
                                  "set PORTABLE_LD_CC to a musl C compiler";
  }
  if (!config.static_requested) {
    config.static_requested = true;
    config.static_source = static_source_of(raw);
  }
  return llvm::Error::success();
}

llvm::Error apply_fuse_ld(Config &config, const RawValue &raw) {
  std::string linker = llvm::StringRef(raw.value).trim().lower();
  static const char *const k_linkers[] = {"auto", "mold", "lld", "bfd", "gold", "default"};
  if (std::find(std::begin(k_linkers), std::end(k_linkers), linker) == std::end(k_linkers)) {
    return invalid_value(raw, "auto, mold, lld, bfd, gold or default");
  }
  config.fuse_ld = linker == "default" ? "" : linker;
  return llvm::Error::success();
}

llvm::Error apply_reproduce(Config &config, const RawValue &raw) {
  std::string dir = llvm::StringRef(raw.value).trim().str();
  if (!llvm::sys::path::is_absolute(dir)) {
    return llvm::createStringError(std::errc::invalid_argument,
                                   "%s: '%s' is not an absolute path (links run in many "
                                   "directories)",
                                   raw.origin.c_str(), abbreviate_path(dir).c_str());
  }
  config.reproduce_dir = dir;
  return llvm::Error::success();
}

llvm::Error apply_reproduce_on(Config &config, const RawValue &raw) {
  std::string when = llvm::StringRef(raw.value).trim().lower();
  if (when != "failure" && when != "always") {
    return invalid_value(raw, "failure or always");
  }
  config.reproduce_always = when == "always";
  return llvm::Error::success();
}

// The portability rows apply in table order, as build_portability_policy() does for
// `check`: the preset first, then each family's limit, then the libraries.
llvm::Error apply_policy(Config &config, const RawValue &raw) {
  llvm::Expected<PortabilityPolicy> preset =
      portability_preset(llvm::StringRef(raw.value).trim(), raw.origin);
  if (!preset) {
    return preset.takeError();
  }
  config.portability = std::move(*preset);
  return llvm::Error::success();
}

template <const char *Family>
llvm::Error apply_max_version(Config &config, const RawValue &raw) {
  return set_max_version(config.portability, Family, raw.value, raw.origin);
}
constexpr char k_glibc[] = "GLIBC", k_glibcxx[] = "GLIBCXX", k_cxxabi[] = "CXXABI",
               k_gcc[] = "GCC";

llvm::Error apply_allow_libs(Config &config, const RawValue &raw) {
  return set_allowed_libs(config.portability, raw.value, raw.origin);
}

llvm::Error apply_glibc(Config &config, const RawValue &raw) {
  return set_glibc_floor(config, raw.value, raw.origin);
}

llvm::Error apply_provenance(Config &config, const RawValue &raw) {
  llvm::Expected<bool> value = parse_bool(raw);
  if (!value) {
    return value.takeError();
  }
  config.provenance = *value;
  return llvm::Error::success();
}

// The one table of settings: config-file key, environment variable, value syntax,
// meaning (for --help), and how a value applies to the Config. Rows apply in this order.
// PORTABLE_LD_CONFIG names the file itself and so is environment-only.
struct Setting {
  const char *key;
  const char *env;
  const char *syntax;
  const char *help;
  llvm::Error (*apply)(Config &config, const RawValue &raw);
};
// clang-format off
constexpr Setting k_settings[] = {
  {"cc",     "PORTABLE_LD_CC",     "COMMAND",     "backend compiler driver, split into words without a shell (default: cc)", apply_cc},
  {"nss",    "PORTABLE_LD_NSS",    "error|warn|ignore", "a static link that still needs glibc's NSS at run time (getaddrinfo, getpwnam, ...): fail, warn or stay silent (default: warn)", apply_nss},
  {"log",    "PORTABLE_LD_LOG",    "PATH|-|off",  "JSON-lines log: absolute path, - for stderr, off to disable (default: $XDG_STATE_HOME/portable-ld/links.jsonl, else ~/.local/state/portable-ld/links.jsonl, else off)", apply_log},
  {"static", "PORTABLE_LD_STATIC", "BOOL",        "final links must be static: 1/true/yes/on or 0/false/no/off (default: 0)", apply_static},
  {"libc",   "PORTABLE_LD_LIBC",   "glibc|musl",  "musl: every invocation runs musl-gcc (Debian: musl-tools) and final links are static, with no NSS (default: glibc, the backend's own)", apply_libc},
  {"fuse_ld",      "PORTABLE_LD_FUSE_LD",      "auto|mold|lld|bfd|gold|default", "the linker for final links, as -fuse-ld=; auto: mold, else lld, if the backend accepts it (probed once, cached) (default: default, the backend's own)", apply_fuse_ld},
  {"reproduce",    "PORTABLE_LD_REPRODUCE",    "DIR",    "absolute directory for reproducer bundles of final links (portable-ld replay BUNDLE re-runs one) (default: none)", apply_reproduce},
  {"reproduce_on", "PORTABLE_LD_REPRODUCE_ON", "failure|always", "which final links leave a bundle (default: failure: a failed link or verification)", apply_reproduce_on},
  {"policy", "PORTABLE_LD_POLICY", "NAME",        "portability preset for dynamic outputs: manylinux2014, manylinux_2_28 or debian12 (default: none)", apply_policy},
  {"max_glibc",   "PORTABLE_LD_MAX_GLIBC",   "VERSION", "dynamic outputs need at most this GLIBC_ symbol version, e.g. 2.17", apply_max_version<k_glibc>},
  {"max_glibcxx", "PORTABLE_LD_MAX_GLIBCXX", "VERSION", "... at most this GLIBCXX_ version (libstdc++), e.g. 3.4.19", apply_max_version<k_glibcxx>},
  {"max_cxxabi",  "PORTABLE_LD_MAX_CXXABI",  "VERSION", "... at most this CXXABI_ version (libstdc++), e.g. 1.3.7", apply_max_version<k_cxxabi>},
  {"max_gcc",     "PORTABLE_LD_MAX_GCC",     "VERSION", "... at most this GCC_ version (libgcc_s), e.g. 4.8.0", apply_max_version<k_gcc>},
  {"allow_libs",  "PORTABLE_LD_ALLOW_LIBS",  "LIBS",    "dynamic outputs may need only these libraries (comma-separated sonames), besides a preset's", apply_allow_libs},
  {"glibc",       "PORTABLE_LD_GLIBC",       "VERSION", "final links of dynamic ELF programs and libraries are built for this glibc or newer (stub libraries from the host's glibc; amd64 and arm64), and verified against it, e.g. 2.28 (default: the host's)", apply_glibc},
  {"provenance",  "PORTABLE_LD_PROVENANCE",  "BOOL",    "final links (not for darwin) record the files the linker read, with their SHA-256 and Debian package, in the log record, a CycloneDX SBOM beside the output (OUTPUT.cdx.json) and a package note in it (default: off)", apply_provenance},
};
// clang-format on
constexpr const char *k_config_env = "PORTABLE_LD_CONFIG";

po::options_description settings_description() {
  po::options_description description;
  for (const Setting &setting : k_settings) {
    description.add_options()(setting.key, po::value<std::string>());
  }
  return description;
}

std::string setting_keys() {
  std::string keys;
  for (const Setting &setting : k_settings) {
    keys += (keys.empty() ? "" : ", ") + std::string(setting.key);
  }
  return keys;
}

// No config file is this large; a bound keeps a wrong path (a log, an image) cheap.
constexpr uint64_t k_config_size_limit = 1024 * 1024;

llvm::Expected<std::map<std::string, RawValue>> read_config_file(const std::string &path) {
  // A regular file of reasonable size only: a FIFO would block every link, /dev/zero
  // would be read until memory ran out.
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      read_regular_file(path, k_config_size_limit);
  if (!buffer) {
    return llvm::createStringError(std::errc::invalid_argument,
                                   "cannot read config file '%s': %s", path.c_str(),
                                   llvm::toString(buffer.takeError()).c_str());
  }
  // Boost stops a message at the first NUL; say what the file is instead.
  if (size_t nul = (*buffer)->getBuffer().find('\0'); nul != llvm::StringRef::npos) {
    return llvm::createStringError(std::errc::invalid_argument,
                                   "'%s': not a text file (a NUL byte at offset %zu)",
                                   path.c_str(), nul);
  }
  std::istringstream stream((*buffer)->getBuffer().str());
  po::variables_map map;
  try {
    po::store(po::parse_config_file(stream, settings_description(), false), map);
  } catch (const po::unknown_option &e) {
    return llvm::createStringError(std::errc::invalid_argument,
                                   "'%s': '%s' is not a portable-ld setting (valid keys: %s)",
                                   path.c_str(), e.get_option_name().c_str(),
                                   setting_keys().c_str());
  } catch (const po::error &e) {
    return llvm::createStringError(std::errc::invalid_argument, "'%s': %s", path.c_str(),
                                   e.what());
  }
  std::map<std::string, RawValue> values;
  for (const auto &[key, value] : map) {
    values[key] = {value.as<std::string>(), fmt::format("'{}': {}", path, key)};
  }
  return values;
}

llvm::Expected<std::optional<std::string>> config_file_path() {
  if (const char *explicit_path = std::getenv(k_config_env); explicit_path && *explicit_path) {
    if (!llvm::sys::path::is_absolute(explicit_path)) {
      return llvm::createStringError(std::errc::invalid_argument,
                                     "%s: '%s' is not an absolute path", k_config_env,
                                     abbreviate_path(explicit_path).c_str());
    }
    return std::string(explicit_path);
  }
  std::optional<std::string> path = xdg_path(XdgDirectory::Config, "config");
  if (!path || !llvm::sys::fs::exists(*path)) {
    return std::nullopt;
  }
  // HOME or XDG_CONFIG_HOME inside a Go module would let the module being built choose
  // the backend. PORTABLE_LD_CONFIG, which only the environment sets, may name any file.
  for (llvm::StringRef dir = llvm::sys::path::parent_path(*path); !dir.empty();
       dir = llvm::sys::path::parent_path(dir)) {
    std::string go_mod = (dir + "/go.mod").str();
    if (llvm::sys::fs::exists(go_mod)) {
      return llvm::createStringError(
          std::errc::operation_not_permitted,
          "config file '%s' lies inside a Go module ('%s'): a module being built must not "
          "choose portable-ld's settings; move the file out, or name it with %s",
          path->c_str(), go_mod.c_str(), k_config_env);
    }
    if (dir == llvm::sys::path::root_path(dir)) {
      break;
    }
  }
  return path;
}

// The settings given in the environment, by key; VAR= on a command line means "not set".
// A variable given twice in the environment has the value getenv() sees, the first, as
// for every other program that reads it.
std::map<std::string, RawValue> environment_values() {
  std::map<std::string, RawValue> values;
  for (const Setting &setting : k_settings) {
    if (const char *value = std::getenv(setting.env); value && *value) {
      values[setting.key] = {value, setting.env};
    }
  }
  return values;
}

// The settings in `settings` (by variable), by key.
std::map<std::string, RawValue> values_of(const RecordedSettings &settings) {
  std::map<std::string, RawValue> values;
  for (const Setting &setting : k_settings) {
    if (auto found = settings.find(setting.env); found != settings.end()) {
      values[setting.key] = {found->second, setting.env};
    }
  }
  return values;
}

} // namespace

const char *to_string(StaticSource source) {
  switch (source) {
  case StaticSource::None:
    return "none";
  case StaticSource::Environment:
    return "env";
  case StaticSource::ConfigFile:
    return "config";
  case StaticSource::Launcher:
    return "launcher";
  case StaticSource::Arguments:
    return "args";
  }
  llvm_unreachable("unknown StaticSource");
}

std::optional<std::string> default_log_path() {
  return xdg_path(XdgDirectory::State, "links.jsonl");
}

llvm::Expected<Config> load_config(const SettingLayers *layers) {
  Config config;
  // The environment wins over the file (or the recording), key by key.
  std::map<std::string, RawValue> values = environment_values();
  if (layers) {
    for (auto &[key, raw] : values_of(layers->forced)) {
      if (raw.value.empty()) {
        values.erase(key);
      } else {
        values[key] = raw;
      }
    }
    for (auto &[key, raw] : values_of(layers->recorded)) {
      if (!raw.value.empty()) {
        values.try_emplace(key, raw);
      }
    }
  } else {
    llvm::Expected<std::optional<std::string>> file = config_file_path();
    if (!file) {
      return file.takeError();
    }
    if (const std::optional<std::string> &path = *file) {
      llvm::Expected<std::map<std::string, RawValue>> file_values = read_config_file(*path);
      if (!file_values) {
        return file_values.takeError();
      }
      for (auto &[key, raw] : *file_values) {
        values.try_emplace(key, raw);
      }
      config.config_file = *path;
    }
  }

  config.log_path = default_log_path();
  for (const Setting &setting : k_settings) {
    if (auto found = values.find(setting.key); found != values.end()) {
      if (llvm::Error error = setting.apply(config, found->second)) {
        return error;
      }
    }
  }

  if (const char *goarch = std::getenv("GOARCH")) {
    config.goarch = goarch;
  }
  if (const char *depth = std::getenv(k_depth_variable); depth && *depth) {
    // Only portable-ld sets it, to a count from 1. Anything else (negative, huge, not a
    // number) is refused: a preset value must not buy more nesting.
    unsigned long long value = 0;
    if (llvm::StringRef(depth).getAsInteger(10, value) || value > 1000) {
      return llvm::createStringError(
          std::errc::invalid_argument,
          "%s: invalid value '%s' (portable-ld sets it for the compiler it runs, to a "
          "count of nested portable-ld processes; unset it)",
          k_depth_variable, abbreviate(depth).c_str());
    }
    config.depth = static_cast<int>(value);
  }
  return config;
}

std::string describe_backend_origin(const Config &config) {
  switch (config.backend_origin) {
  case BackendOrigin::Default:
    return "default";
  case BackendOrigin::Setting:
    return config.backend_setting;
  case BackendOrigin::ProgramName:
    return "the name portable-ld++";
  case BackendOrigin::Launcher:
    return "the --launcher argument";
  }
  llvm_unreachable("unknown BackendOrigin");
}

void apply_program_name(Config &config, const std::string &argv0) {
  if (llvm::StringRef(llvm::sys::path::filename(argv0)).endswith("++") &&
      config.backend_origin == BackendOrigin::Default) {
    config.backend = {"c++"};
    config.backend_origin = BackendOrigin::ProgramName;
  }
}

llvm::Error set_glibc_floor(Config &config, const std::string &value,
                            const std::string &origin) {
  std::string floor = llvm::StringRef(value).trim().str();
  if (llvm::StringRef(floor).startswith("GLIBC_")) {
    floor = floor.substr(6);
  }
  if (!is_numeric_version(floor) || !llvm::StringRef(floor).startswith("2.") ||
      floor.back() == '.') {
    return invalid_value({value, origin}, "a glibc version, e.g. 2.17 or 2.28");
  }
  config.glibc_floor = floor;
  // The floor is also the GLIBC limit the output is verified against, unless a lower
  // one was set.
  auto limit = std::find_if(config.portability.max_versions.begin(),
                            config.portability.max_versions.end(),
                            [](const FamilyVersion &entry) { return entry.family == "GLIBC"; });
  if (limit == config.portability.max_versions.end() ||
      compare_versions(floor, limit->version) < 0) {
    return set_max_version(config.portability, "GLIBC", floor, origin);
  }
  return llvm::Error::success();
}

void apply_launcher(Config &config, const LauncherOptions &launcher) {
  config.backend = {launcher.driver};
  config.backend_origin = BackendOrigin::Launcher;
  if (launcher.static_request) {
    config.static_requested = true;
    config.static_source = StaticSource::Launcher;
  }
  if (launcher.log) {
    config.log_path = *launcher.log;
  }
  if (launcher.glibc_floor) {
    // Checked when the option was read (run_launcher).
    llvm::consumeError(set_glibc_floor(config, *launcher.glibc_floor, "--glibc"));
  }
}

const char *to_string(Libc libc) {
  switch (libc) {
  case Libc::Glibc:
    return "glibc";
  case Libc::Musl:
    return "musl";
  }
  llvm_unreachable("unknown Libc");
}

llvm::Expected<std::optional<std::string>> parse_log_value(const std::string &raw,
                                                           const std::string &origin) {
  const std::string value = llvm::StringRef(raw).trim().str();
  if (llvm::StringRef(value).equals_insensitive("off")) {
    return std::nullopt;
  }
  if (value == "-" || llvm::sys::path::is_absolute(value)) {
    return value;
  }
  return llvm::createStringError(
      std::errc::invalid_argument,
      "%s: '%s' is not an absolute path (links run in many directories; use an "
      "absolute path, - for stderr or off)",
      origin.c_str(), abbreviate_path(value).c_str());
}

std::string describe_settings() {
  std::string text;
  for (const Setting &setting : k_settings) {
    // Long names and syntaxes push the help to the next line rather than out of line.
    std::string head = fmt::format("  {:<24} {:<16}", setting.env, setting.syntax);
    if (head.size() > 43) {
      head += "\n" + std::string(43, ' ');
    }
    text += fmt::format("{} {}\n", head, setting.help);
  }
  text += fmt::format("  {:<24} {:<16} {}\n", k_config_env, "PATH",
                      "config file with the same keys as 'key = value' lines "
                      "(default: $XDG_CONFIG_HOME/portable-ld/config, else "
                      "~/.config/portable-ld/config, if it exists)");
  return text;
}

} // namespace portable_ld
