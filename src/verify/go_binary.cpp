// SPDX-License-Identifier: Apache-2.0
#include "verify/go_binary.h"


#include <algorithm>
#include <cstring>
#include <utility>

#include "support/find_bytes.h"
#include "support/quoting.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/ErrorHandling.h"

namespace portable_ld {

namespace {

// debug/buildinfo: a 32-byte header, 16-byte aligned, starting with this magic; byte 15
// bit 2 says the version and module strings follow inline (Go >= 1.18), each prefixed by
// its length as a uvarint.
constexpr std::string_view k_build_info_magic = "\xff Go buildinf:";
constexpr size_t k_build_info_header = 32;
constexpr unsigned char k_flag_inline_strings = 2;

bool read_uvarint(std::string_view &data, uint64_t &value) {
  value = 0;
  for (unsigned shift = 0; shift < 64 && !data.empty(); shift += 7) {
    auto byte = static_cast<unsigned char>(data.front());
    data.remove_prefix(1);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      return true;
    }
  }
  return false;
}

bool read_string(std::string_view &data, std::string_view &out) {
  uint64_t size = 0;
  if (!read_uvarint(data, size) || size > data.size()) {
    return false;
  }
  out = data.substr(0, size);
  data.remove_prefix(size);
  return true;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return find_bytes(haystack, needle) != std::string_view::npos;
}

// runtime/debug's `build\tKEY=VALUE`: KEY and VALUE are strconv.Quote'd when they hold
// blanks, quotes or (for KEY) '='.
std::optional<GoBuildSetting> parse_setting(std::string_view text) {
  GoBuildSetting setting;
  if (text.starts_with('"')) {
    size_t end = 1;
    while (end < text.size() && text[end] != '"') {
      end += text[end] == '\\' ? 2 : 1;
    }
    if (end >= text.size()) {
      return std::nullopt;
    }
    std::optional<std::string> key = go_unquote(text.substr(0, end + 1));
    if (!key || end + 1 >= text.size() || text[end + 1] != '=') {
      return std::nullopt;
    }
    setting.key = std::move(*key);
    text.remove_prefix(end + 2);
  } else {
    size_t equals = text.find('=');
    if (equals == std::string_view::npos) {
      return std::nullopt;
    }
    setting.key = std::string(text.substr(0, equals));
    text.remove_prefix(equals + 1);
  }
  if (text.starts_with('"')) {
    std::optional<std::string> value = go_unquote(text);
    if (!value) {
      return std::nullopt;
    }
    setting.value = std::move(*value);
  } else {
    setting.value = std::string(text);
  }
  return setting;
}

void parse_module_info(std::string_view info, GoBinary &go) {
  // Framed by two 16-byte sentinels (cmd/go's modload.ModInfoData).
  if (info.size() >= 33 && info[info.size() - 17] == '\n') {
    info = info.substr(16, info.size() - 32);
  }
  for (llvm::StringRef rest = llvm::StringRef(info.data(), info.size()); !rest.empty();) {
    auto [line, next] = rest.split('\n');
    rest = next;
    auto [kind, value] = line.split('\t');
    if (kind == "path") {
      go.path = value.str();
    } else if (kind == "mod" || kind == "dep" || kind == "=>") {
      // PATH VERSION [SUM]; a replacement by a directory has no version.
      llvm::SmallVector<llvm::StringRef, 3> fields;
      value.split(fields, '\t');
      GoModule module{fields[0].str(), fields.size() >= 2 ? fields[1].str() : "",
                      fields.size() >= 3 ? fields[2].str() : "", "", ""};
      if (kind == "mod") {
        go.main_module = fields.size() >= 2 ? (fields[0] + " " + fields[1]).str() : value.str();
        go.module = std::move(module);
      } else if (kind == "dep") {
        go.deps.push_back(std::move(module));
      } else if (!go.deps.empty() && go.deps.back().replaced_path.empty()) {
        if (module.version == "(devel)") {
          module.version.clear(); // a directory: Go 1.19 writes "(devel)", later ones nothing
        }
        GoModule &replaced = go.deps.back();
        replaced.replaced_path = std::exchange(replaced.path, module.path);
        replaced.replaced_version = std::exchange(replaced.version, module.version);
        replaced.sum = module.sum;
      }
    } else if (kind == "build") {
      if (std::optional<GoBuildSetting> setting = parse_setting({value.data(), value.size()})) {
        go.settings.push_back(std::move(*setting));
      }
    }
  }
}

} // namespace

const std::string *GoBinary::setting(std::string_view key) const {
  for (const GoBuildSetting &setting : settings) {
    if (setting.key == key) {
      return &setting.value;
    }
  }
  return nullptr;
}

bool parse_go_build_info(std::string_view blob, GoBinary &into) {
  // The header is 16-byte aligned within the first 64 KiB (debug/buildinfo searches so).
  std::string_view window = blob.substr(0, 64 * 1024);
  size_t at = 0;
  for (;; at += 16) {
    if (at + k_build_info_header > window.size()) {
      into.build_info_problem = "no build information header in .go.buildinfo";
      return false;
    }
    if (window.substr(at, k_build_info_magic.size()) == k_build_info_magic) {
      break;
    }
  }
  auto flags = static_cast<unsigned char>(blob[at + 15]);
  if (!(flags & k_flag_inline_strings)) {
    into.build_info_problem = "build information in the pre-Go 1.18 layout (not read)";
    return false;
  }
  std::string_view data = blob.substr(at + k_build_info_header);
  std::string_view version, module_info;
  if (!read_string(data, version) || !read_string(data, module_info)) {
    into.build_info_problem = "build information is truncated";
    return false;
  }
  into.has_build_info = true;
  into.version = std::string(version);
  parse_module_info(module_info, into);
  return true;
}

std::string_view go_function_names(std::string_view pclntab, bool little_endian) {
  if (pclntab.size() < 8) {
    return pclntab;
  }
  auto read = [&](size_t at, size_t size) -> std::optional<uint64_t> {
    if (at + size > pclntab.size()) {
      return std::nullopt;
    }
    uint64_t value = 0;
    for (size_t i = 0; i < size; ++i) {
      uint64_t byte = static_cast<unsigned char>(pclntab[at + (little_endian ? size - 1 - i : i)]);
      value = (value << 8) | byte;
    }
    return value;
  };
  uint64_t magic = *read(0, 4);
  size_t pointer = static_cast<unsigned char>(pclntab[7]);
  // The offsets after nfunc and nfiles: Go 1.16-1.17 (0xfffffffa), then 1.18-1.19
  // (0xfffffff0) and 1.20 on (0xfffffff1), which put textStart first.
  size_t skip = magic == 0xfffffffa ? 2 : (magic == 0xfffffff0 || magic == 0xfffffff1) ? 3 : 0;
  if (skip == 0 || (pointer != 4 && pointer != 8)) {
    return pclntab;
  }
  std::optional<uint64_t> names = read(8 + skip * pointer, pointer);
  std::optional<uint64_t> end = read(8 + (skip + 1) * pointer, pointer); // cuOffset
  if (!names || !end || *names > *end || *end > pclntab.size()) {
    return pclntab;
  }
  return pclntab.substr(*names, *end - *names);
}

size_t find_dot_underscore(std::string_view text, size_t from) {
  return find_bytes(text, "._", from);
}

bool starts_cgo_function_marker(std::string_view rest) {
  return rest.starts_with("_Cfunc_") || rest.starts_with("_C2func_") ||
         rest.starts_with("_cgoexp_");
}

std::string_view cgo_package_of(std::string_view function) {
  for (size_t at = find_dot_underscore(function); at != std::string_view::npos;
       at = find_dot_underscore(function, at + 2)) {
    if (at > 0 && starts_cgo_function_marker(function.substr(at + 1))) {
      std::string_view package = function.substr(0, at);
      return package == "runtime/cgo" ? std::string_view() : package;
    }
  }
  return {};
}

std::vector<std::string> cgo_packages_in(std::string_view names) {
  std::vector<std::string> packages;
  for (size_t at = find_dot_underscore(names); at != std::string_view::npos;
       at = find_dot_underscore(names, at + 2)) {
    if (!starts_cgo_function_marker(names.substr(at + 1))) {
      continue;
    }
    size_t start = names.rfind('\0', at);
    start = start == std::string_view::npos ? 0 : start + 1;
    std::string_view package = names.substr(start, at - start);
    if (!package.empty() && package != "runtime/cgo" &&
        std::find(packages.begin(), packages.end(), package) == packages.end()) {
      packages.emplace_back(package);
    }
  }
  std::sort(packages.begin(), packages.end());
  return packages;
}

bool GoBinary::only_standard_cgo() const {
  return cgo_packages && !cgo_packages->empty() &&
         std::all_of(cgo_packages->begin(), cgo_packages->end(), [](const std::string &package) {
           return package == "net" || package == "os/user";
         });
}

bool GoBinary::builds_without_cgo() const {
  return !cgo_packages || cgo_packages->empty() || only_standard_cgo();
}

std::optional<GoBinary> describe_go_binary(const GoSections &sections) {
  if (sections.build_info.empty() && sections.function_names.empty() && !sections.has_go_note) {
    return std::nullopt;
  }
  GoBinary go;
  if (sections.build_info.empty()) {
    go.build_info_problem = "no .go.buildinfo section (Go < 1.13, or removed)";
  } else {
    parse_go_build_info(sections.build_info, go);
  }

  if (!sections.comment.empty()) {
    std::string_view first = sections.comment.substr(0, sections.comment.find('\0', 1));
    while (!first.empty() && first.front() == '\0') {
      first.remove_prefix(1);
    }
    go.linker = GoLinker::External;
    go.linker_evidence = ".comment: " + std::string(first);
  } else if (sections.has_gosymtab) {
    go.linker = GoLinker::Internal;
    go.linker_evidence = "Go's own: .gosymtab, no .comment";
  }

  // Only an external link needs runtime/cgo (and only it is judged): other binaries are
  // spared a scan of .rodata. Nor does a -linkshared program, whose runtime (and
  // runtime/cgo) lives in a Go shared library: it has no Go function table of its own,
  // and needs libraries. (An externally linked PIE has none either: the linker merges
  // it into .data.rel.ro; but a static one needs nothing, so its runtime is in it.)
  if (go.linker == GoLinker::External && !sections.rodata.empty() &&
      (!sections.function_names.empty() || sections.self_contained)) {
    // Not .gopclntab: its file table names runtime's own cgo.go ("runtime/cgo.go").
    bool present = sections.runtime_cgo_in_symtab
                       ? *sections.runtime_cgo_in_symtab
                       : std::any_of(sections.rodata.begin(), sections.rodata.end(),
                                     [](std::string_view bytes) {
                                       return contains(bytes, "runtime/cgo: ");
                                     });
    go.runtime_cgo = present ? GoBinary::RuntimeCgo::Present : GoBinary::RuntimeCgo::Absent;
  }
  if (!sections.function_names.empty()) {
    go.cgo_packages = sections.cgo_packages_in_symtab
                          ? *sections.cgo_packages_in_symtab
                          : cgo_packages_in(sections.function_names);
  }
  return go;
}

bool extldflags_request_static(const std::string &extldflags) {
  llvm::Expected<std::vector<std::string>> flags = split_command_words(extldflags);
  if (!flags) {
    llvm::consumeError(flags.takeError());
    return false;
  }
  return std::any_of(flags->begin(), flags->end(), [](const std::string &flag) {
    return flag == "-static" || flag == "--static" || flag == "-static-pie";
  });
}

bool ldflags_static_request_ignored(const GoBinary &go) {
  const std::string *ldflags = go.setting("-ldflags");
  if (!ldflags) {
    return false;
  }
  // cmd/go splits -ldflags as cmd/internal/quoted does, and so does split_command_words.
  llvm::Expected<std::vector<std::string>> split = split_command_words(*ldflags);
  if (!split) {
    llvm::consumeError(split.takeError());
    return false;
  }
  std::vector<std::string> &words = *split;
  bool static_request = false;
  bool external = false;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string_view word = words[i];
    // Go's flag package takes -flag, --flag, -flag=value and -flag value.
    if (word.starts_with("--")) {
      word.remove_prefix(1);
    }
    auto value_of = [&](std::string_view name) -> std::optional<std::string> {
      if (word == name && i + 1 < words.size()) {
        return words[++i];
      }
      if (word.starts_with(name) && word.size() > name.size() && word[name.size()] == '=') {
        return std::string(word.substr(name.size() + 1));
      }
      return std::nullopt;
    };
    if (std::optional<std::string> extld = value_of("-extldflags")) {
      static_request = extldflags_request_static(*extld);
    } else if (std::optional<std::string> mode = value_of("-linkmode")) {
      external = *mode == "external";
    }
  }
  return static_request && !external;
}

const char *to_string(GoLinker linker) {
  switch (linker) {
  case GoLinker::Unknown:
    return "unknown";
  case GoLinker::Internal:
    return "internal";
  case GoLinker::External:
    return "external";
  }
  llvm_unreachable("unknown GoLinker");
}

} // namespace portable_ld
