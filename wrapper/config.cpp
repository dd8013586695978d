// SPDX-License-Identifier: Apache-2.0
#include "config.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace po = boost::program_options;

namespace portable_ld {

namespace {

// The one table of settings: config-file key, environment variable, value syntax, meaning.
// PORTABLE_LD_CONFIG names the file itself and so is environment-only.
struct Setting {
  const char *key;
  const char *env;
  const char *syntax;
  const char *help;
};
// clang-format off
constexpr Setting k_settings[] = {
  {"cc",     "PORTABLE_LD_CC",     "COMMAND",     "backend compiler driver, split into words without a shell (default: cc)"},
  {"nss",    "PORTABLE_LD_NSS",    "error|warn|ignore", "a static link that still needs glibc's NSS at run time (getaddrinfo, getpwnam, ...): fail, warn or stay silent (default: warn)"},
  {"log",    "PORTABLE_LD_LOG",    "PATH|-|off",  "JSON-lines log: absolute path, - for stderr, off to disable (default: $XDG_STATE_HOME/portable-ld/links.jsonl, else ~/.local/state/portable-ld/links.jsonl, else off)"},
  {"static", "PORTABLE_LD_STATIC", "BOOL",        "final links must be static: 1/true/yes/on or 0/false/no/off (default: 0)"},
  {"libc",   "PORTABLE_LD_LIBC",   "glibc|musl",  "musl: every invocation runs musl-gcc (Debian: musl-tools) and final links are static, with no NSS (default: glibc, the backend's own)"},
  {"fuse_ld",      "PORTABLE_LD_FUSE_LD",      "auto|mold|lld|bfd|gold|default", "the linker for final links, as -fuse-ld=; auto: mold, else lld, if the backend accepts it (probed once, cached) (default: default, the backend's own)"},
  {"reproduce",    "PORTABLE_LD_REPRODUCE",    "DIR",    "absolute directory for reproducer bundles of final links (portable-ld replay BUNDLE re-runs one) (default: none)"},
  {"reproduce_on", "PORTABLE_LD_REPRODUCE_ON", "failure|always", "which final links leave a bundle (default: failure: a failed link or verification)"},
  {"policy", "PORTABLE_LD_POLICY", "NAME",        "portability preset for dynamic outputs: manylinux2014, manylinux_2_28 or debian12 (default: none)"},
  {"max_glibc",   "PORTABLE_LD_MAX_GLIBC",   "VERSION", "dynamic outputs need at most this GLIBC_ symbol version, e.g. 2.17"},
  {"max_glibcxx", "PORTABLE_LD_MAX_GLIBCXX", "VERSION", "... at most this GLIBCXX_ version (libstdc++), e.g. 3.4.19"},
  {"max_cxxabi",  "PORTABLE_LD_MAX_CXXABI",  "VERSION", "... at most this CXXABI_ version (libstdc++), e.g. 1.3.7"},
  {"max_gcc",     "PORTABLE_LD_MAX_GCC",     "VERSION", "... at most this GCC_ version (libgcc_s), e.g. 4.8.0"},
  {"allow_libs",  "PORTABLE_LD_ALLOW_LIBS",  "LIBS",    "dynamic outputs may need only these libraries (comma-separated sonames), besides a preset's"},
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

std::string env_to_key(const std::string &name) {
  for (const Setting &setting : k_settings) {
    if (name == setting.env) {
      return setting.key;
    }
  }
  return {};
}

// A value together with the words that name its origin in a diagnostic.
struct RawValue {
  std::string value;
  std::string origin;
};

llvm::Expected<bool> parse_bool(const RawValue &raw) {
  std::string lower = llvm::StringRef(raw.value).trim().lower();
  if (lower == "1" || lower == "true" || lower == "yes" || lower == "on") {
    return true;
  }
  if (lower == "0" || lower == "false" || lower == "no" || lower == "off") {
    return false;
  }
  return llvm::createStringError(
      std::errc::invalid_argument,
      "%s: invalid value '%s' (expected 1, true, yes, on, 0, false, no or off)",
      raw.origin.c_str(), raw.value.c_str());
}

llvm::Expected<std::map<std::string, RawValue>> read_config_file(const std::string &path) {
  if (llvm::sys::fs::is_directory(path)) {
    return llvm::createStringError(std::errc::is_a_directory,
                                   "cannot read config file '%s': Is a directory", path.c_str());
  }
  std::ifstream stream(path);
  if (!stream) {
    return llvm::createStringError(std::errc::no_such_file_or_directory,
                                   "cannot read config file '%s': %s", path.c_str(),
                                   std::strerror(errno));
  }
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

// $XDG_*_HOME, else $HOME/<fallback>. Relative values are ignored, as the XDG spec asks:
// they would resolve in whatever directory the build runs in, which an untrusted module
// controls (docs/go-extld-protocol.md, 'Trust: the working directory and the arguments').
std::optional<llvm::SmallString<256>> user_directory(const char *xdg_variable,
                                                     llvm::StringRef fallback) {
  llvm::SmallString<256> path;
  if (const char *xdg = std::getenv(xdg_variable);
      xdg && llvm::sys::path::is_absolute(xdg)) {
    path = xdg;
  } else if (const char *home = std::getenv("HOME");
             home && llvm::sys::path::is_absolute(home)) {
    path = home;
    llvm::sys::path::append(path, fallback);
  } else {
    return std::nullopt;
  }
  return path;
}

llvm::Expected<std::optional<std::string>> config_file_path() {
  if (const char *explicit_path = std::getenv(k_config_env); explicit_path && *explicit_path) {
    if (!llvm::sys::path::is_absolute(explicit_path)) {
      return llvm::createStringError(std::errc::invalid_argument,
                                     "%s: '%s' is not an absolute path", k_config_env,
                                     explicit_path);
    }
    return std::string(explicit_path);
  }
  std::optional<llvm::SmallString<256>> path = user_directory("XDG_CONFIG_HOME", ".config");
  if (!path) {
    return std::nullopt;
  }
  llvm::sys::path::append(*path, "portable-ld", "config");
  if (!llvm::sys::fs::exists(*path)) {
    return std::nullopt;
  }
  return std::string(*path);
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
  return "none";
}

std::optional<std::string> default_log_path() {
  std::optional<llvm::SmallString<256>> path = user_directory("XDG_STATE_HOME", ".local/state");
  if (!path) {
    return std::nullopt;
  }
  llvm::sys::path::append(*path, "portable-ld", "links.jsonl");
  return std::string(*path);
}

llvm::Expected<std::vector<std::string>> split_command_words(const std::string &text) {
  std::vector<std::string> words;
  size_t i = 0;
  auto is_blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (i < text.size()) {
    if (is_blank(text[i])) {
      ++i;
      continue;
    }
    if (text[i] == '\'' || text[i] == '"') {
      char quote = text[i];
      size_t end = text.find(quote, i + 1);
      if (end == std::string::npos) {
        return llvm::createStringError(std::errc::invalid_argument, "unterminated %c string",
                                       quote);
      }
      words.push_back(text.substr(i + 1, end - i - 1));
      i = end + 1;
      continue;
    }
    size_t end = i;
    while (end < text.size() && !is_blank(text[end])) {
      ++end;
    }
    words.push_back(text.substr(i, end - i));
    i = end;
  }
  return words;
}

llvm::Expected<Config> load_config() {
  Config config;

  // Environment first: Boost stores the first value it sees for a key, and the
  // environment must win over the file.
  std::map<std::string, RawValue> values;
  po::variables_map env_map;
  po::store(po::parse_environment(settings_description(), env_to_key), env_map);
  for (const Setting &setting : k_settings) {
    if (env_map.count(setting.key)) {
      std::string value = env_map[setting.key].as<std::string>();
      if (!value.empty()) { // VAR= on a command line means "not set"
        values[setting.key] = {value, setting.env};
      }
    }
  }

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

  if (auto it = values.find("cc"); it != values.end()) {
    llvm::Expected<std::vector<std::string>> words = split_command_words(it->second.value);
    if (!words) {
      return llvm::createStringError(std::errc::invalid_argument, "%s: %s",
                                     it->second.origin.c_str(),
                                     llvm::toString(words.takeError()).c_str());
    }
    if (words->empty()) {
      return llvm::createStringError(std::errc::invalid_argument, "%s: empty command",
                                     it->second.origin.c_str());
    }
    // A relative path would be looked up in each directory the build runs in, which an
    // untrusted module controls; a bare name is looked up on PATH.
    const std::string &program = words->front();
    if (program.find('/') != std::string::npos && !llvm::sys::path::is_absolute(program)) {
      return llvm::createStringError(
          std::errc::invalid_argument,
          "%s: '%s' is a relative path (it would be found in whatever directory a build "
          "step runs in); use an absolute path or a name on PATH",
          it->second.origin.c_str(), program.c_str());
    }
    config.backend = std::move(*words);
    config.backend_origin = it->second.origin;
  }

  if (auto it = values.find("static"); it != values.end()) {
    llvm::Expected<bool> value = parse_bool(it->second);
    if (!value) {
      return value.takeError();
    }
    config.static_requested = *value;
    if (*value) {
      config.static_source = it->second.origin.starts_with("PORTABLE_LD_")
                                 ? StaticSource::Environment
                                 : StaticSource::ConfigFile;
    }
  }

  // musl: a static libc without NSS. musl-gcc wraps the system gcc with musl's headers,
  // libraries and startup files, for compiles and links alike; a dynamic musl binary
  // would need musl's loader, which glibc systems lack, so final links are static.
  if (auto it = values.find("libc"); it != values.end()) {
    std::string libc = llvm::StringRef(it->second.value).trim().lower();
    if (libc != "glibc" && libc != "musl") {
      return llvm::createStringError(std::errc::invalid_argument,
                                     "%s: invalid value '%s' (expected glibc or musl)",
                                     it->second.origin.c_str(), it->second.value.c_str());
    }
    config.libc = libc;
    if (libc == "musl") {
      if (config.backend_origin == "default") {
        config.backend = {"musl-gcc"};
        config.backend_origin = it->second.origin + "=musl";
        config.backend_package_hint = "install musl-gcc (Debian: apt-get install musl-tools), "
                                      "or set PORTABLE_LD_CC to a musl C compiler";
      }
      if (!config.static_requested) {
        config.static_requested = true;
        config.static_source = it->second.origin.starts_with("PORTABLE_LD_")
                                   ? StaticSource::Environment
                                   : StaticSource::ConfigFile;
      }
    }
  }

  if (auto it = values.find("nss"); it != values.end()) {
    llvm::Expected<NssPolicy> policy = parse_nss_policy(it->second.value, it->second.origin);
    if (!policy) {
      return policy.takeError();
    }
    config.nss = *policy;
  }

  llvm::Expected<PortabilityPolicy> portability =
      build_portability_policy([&](llvm::StringRef key) -> std::vector<PolicySetting> {
        auto it = values.find(key.str());
        if (it == values.end()) {
          return {};
        }
        std::string value = it->second.value;
        if (key == "policy") {
          value = llvm::StringRef(value).trim().str(); // "policy = manylinux2014 "
        }
        return {{value, it->second.origin}};
      });
  if (!portability) {
    return portability.takeError();
  }
  config.portability = std::move(*portability);

  if (auto it = values.find("fuse_ld"); it != values.end()) {
    std::string linker = llvm::StringRef(it->second.value).trim().lower();
    static const char *const k_linkers[] = {"auto", "mold", "lld", "bfd", "gold", "default"};
    if (std::find(std::begin(k_linkers), std::end(k_linkers), linker) == std::end(k_linkers)) {
      return llvm::createStringError(
          std::errc::invalid_argument,
          "%s: invalid value '%s' (expected auto, mold, lld, bfd, gold or default)",
          it->second.origin.c_str(), it->second.value.c_str());
    }
    config.fuse_ld = linker == "default" ? "" : linker;
  }
  if (auto it = values.find("reproduce"); it != values.end()) {
    std::string dir = llvm::StringRef(it->second.value).trim().str();
    if (!llvm::sys::path::is_absolute(dir)) {
      return llvm::createStringError(std::errc::invalid_argument,
                                     "%s: '%s' is not an absolute path (links run in many "
                                     "directories)",
                                     it->second.origin.c_str(), dir.c_str());
    }
    config.reproduce_dir = dir;
  }
  if (auto it = values.find("reproduce_on"); it != values.end()) {
    std::string when = llvm::StringRef(it->second.value).trim().lower();
    if (when != "failure" && when != "always") {
      return llvm::createStringError(std::errc::invalid_argument,
                                     "%s: invalid value '%s' (expected failure or always)",
                                     it->second.origin.c_str(), it->second.value.c_str());
    }
    config.reproduce_always = when == "always";
  }

  config.log_path = default_log_path();
  if (auto it = values.find("log"); it != values.end()) {
    llvm::Expected<std::optional<std::string>> log =
        parse_log_value(it->second.value, it->second.origin);
    if (!log) {
      return log.takeError();
    }
    config.log_path = std::move(*log);
  }
  return config;
}

const char *to_string(NssPolicy policy) {
  switch (policy) {
  case NssPolicy::Ignore:
    return "ignore";
  case NssPolicy::Warn:
    return "warn";
  case NssPolicy::Error:
    return "error";
  }
  return "warn";
}

llvm::Expected<NssPolicy> parse_nss_policy(const std::string &raw, const std::string &origin) {
  std::string value = llvm::StringRef(raw).trim().lower();
  for (NssPolicy policy : {NssPolicy::Ignore, NssPolicy::Warn, NssPolicy::Error}) {
    if (value == to_string(policy)) {
      return policy;
    }
  }
  return llvm::createStringError(std::errc::invalid_argument,
                                 "%s: invalid value '%s' (expected error, warn or ignore)",
                                 origin.c_str(), raw.c_str());
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
      origin.c_str(), value.c_str());
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
