// SPDX-License-Identifier: Apache-2.0
//
// The evidence a static glibc image keeps of its hazards:
//  - .symtab (when not stripped): the NSS functions and iconv_open it defines, since
//    libc.a's member is linked only when something refers to it; dlopen only where code
//    calls it (see StaticImage::called);
//  - cgo's symbols: "_cgo_<hash>_Cfunc_mygetgrgid_r" for each C function a Go package
//    wraps, and "os/user._cgo_<hash>_Cfunc_free", which names the package of <hash>;
//  - for Go, the cgo trampolines' names in the pclntab, which survive -s:
//    "net._C2func_getaddrinfo", "os/user._Cfunc_mygetpwuid_r", ... naming the package;
//  - glibc's own "libnss_%s.so" format string, which only NSS-using programs contain.
// At link time, GNU ld's warning "Using 'getaddrinfo' in statically linked applications
// requires at runtime the shared libraries from the glibc version used for linking".
#include "verify/glibc_hazards.h"
#include "verify/go_binary.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <span>
#include <string_view>

#include "support/find_bytes.h"

#include "llvm/Support/ErrorHandling.h"

namespace portable_ld {

namespace {

// clang-format off
constexpr std::string_view k_presence_functions[] = {
  "getaddrinfo", "getgrent", "getgrgid", "getgrgid_r", "getgrnam", "getgrnam_r",
  "getgrouplist", "gethostbyaddr", "gethostbyaddr_r", "gethostbyname", "gethostbyname2",
  "gethostbyname2_r", "gethostbyname_r", "getnameinfo", "getprotobyname",
  "getprotobyname_r", "getpwent", "getpwnam", "getpwnam_r", "getpwuid", "getpwuid_r",
  "getservbyname", "getservbyname_r", "getservbyport", "getservbyport_r", "getspnam",
  "iconv_open", "initgroups",
};
constexpr std::string_view k_called_functions[] = {"dlmopen", "dlopen"};

// What glibc 2.36's libc.a links in with a function (measured: a static C program that
// calls only the key defines the key and these): named only through the key.
struct Implied {
  std::string_view by;
  std::string_view functions[3];
};
constexpr Implied k_implied[] = {
  {"getaddrinfo", {"gethostbyname2_r", "getservbyname_r"}},
  {"getnameinfo", {"gethostbyaddr_r", "gethostbyname_r", "getservbyport_r"}},
};
// clang-format on

bool contains(std::span<const std::string_view> list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

void sort_by_symbol(std::vector<Hazard> &hazards) {
  std::sort(hazards.begin(), hazards.end(),
            [](const Hazard &a, const Hazard &b) { return a.symbol < b.symbol; });
}

bool add_unique(std::vector<Hazard> &hazards, Hazard hazard) {
  auto same = [&](const Hazard &other) { return other.symbol == hazard.symbol; };
  auto it = std::find_if(hazards.begin(), hazards.end(), same);
  if (it == hazards.end()) {
    hazards.push_back(std::move(hazard));
    return true;
  }
  if (it->package.empty()) {
    it->package = hazard.package;
  }
  return false;
}

bool is_package_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '/' || c == '.' || c == '-';
}

// The hazard function a cgo-wrapped C function stands for: itself, or the function an
// "my" wrapper of a package's C preamble calls (os/user's mygetpwuid_r).
std::string_view hazard_function_of(std::string_view name) {
  if (is_hazard_function(name)) {
    return name;
  }
  if (name.starts_with("my") && is_hazard_function(name.substr(2))) {
    return name.substr(2);
  }
  return {};
}

// Go cgo trampolines: "<package>._C2func_<name>" or "<package>._Cfunc_<name>", each "._"
// found as go_binary.h finds them.
void find_go_trampolines(std::string_view names, std::vector<Hazard> &hazards) {
  for (size_t at = find_dot_underscore(names); at != std::string_view::npos;
       at = find_dot_underscore(names, at + 2)) {
    std::string_view rest = names.substr(at + 1);
    size_t marker = rest.starts_with("_C2func_") ? 8 : rest.starts_with("_Cfunc_") ? 7 : 0;
    if (marker == 0) {
      continue;
    }
    size_t name_start = at + 1 + marker;
    size_t name_end = name_start;
    while (name_end < names.size() && is_package_char(names[name_end]) &&
           names[name_end] != '.' && names[name_end] != '/') {
      ++name_end;
    }
    std::string_view function =
        hazard_function_of(names.substr(name_start, name_end - name_start));
    if (function.empty()) {
      continue;
    }
    size_t package_start = at;
    while (package_start > 0 && is_package_char(names[package_start - 1])) {
      --package_start;
    }
    std::string_view package = names.substr(package_start, at - package_start);
    add_unique(hazards, {std::string(function), std::string(package)});
  }
}

// cgo's symbols in .symtab: the C-side wrappers "_cgo_<hash>_Cfunc_<name>" (and _C2func_)
// name the functions; Go's "<package>._cgo_<hash>_..." name the package of each hash.
void find_cgo_symbols(const std::vector<std::string> &symbols, std::vector<Hazard> &hazards) {
  constexpr std::string_view k_prefix = "_cgo_";
  constexpr size_t k_hash_size = 12;
  std::map<std::string_view, std::string_view> package_of_hash;
  for (std::string_view symbol : symbols) {
    size_t at = symbol.find("._cgo_");
    if (at != std::string_view::npos && at > 0) {
      std::string_view hash = symbol.substr(at + 1 + k_prefix.size(), k_hash_size);
      package_of_hash.emplace(hash, symbol.substr(0, at));
    }
  }
  for (std::string_view symbol : symbols) {
    if (!symbol.starts_with(k_prefix) || symbol.size() < k_prefix.size() + k_hash_size + 1) {
      continue;
    }
    std::string_view hash = symbol.substr(k_prefix.size(), k_hash_size);
    std::string_view rest = symbol.substr(k_prefix.size() + k_hash_size);
    for (std::string_view marker : {std::string_view("_C2func_"), std::string_view("_Cfunc_")}) {
      if (!rest.starts_with(marker)) {
        continue;
      }
      std::string_view function = hazard_function_of(rest.substr(marker.size()));
      if (!function.empty()) {
        auto package = package_of_hash.find(hash);
        add_unique(hazards, {std::string(function),
                             package == package_of_hash.end() ? "" : std::string(package->second)});
      }
    }
  }
}

// The presence functions .symtab defines, each named only once: not those glibc links in
// with another one that is there.
void find_defined(const std::vector<std::string> &defined, bool iconv_only_from_libstdcxx,
                  std::vector<Hazard> &hazards) {
  auto is_defined = [&](std::string_view name) {
    return std::find(defined.begin(), defined.end(), name) != defined.end();
  };
  auto implied = [&](std::string_view name) {
    if (name.ends_with("_r") && is_defined(name.substr(0, name.size() - 2))) {
      return true; // getpwnam calls getpwnam_r
    }
    return std::any_of(std::begin(k_implied), std::end(k_implied), [&](const Implied &entry) {
      return is_defined(entry.by) && contains(entry.functions, name);
    });
  };
  for (const std::string &symbol : defined) {
    if (implied(symbol)) {
      continue;
    }
    bool libstdcxx = symbol == "iconv_open" && iconv_only_from_libstdcxx;
    add_unique(hazards, {symbol, libstdcxx ? "libstdc++" : ""});
  }
}

} // namespace

const char *to_string(HazardKind kind) {
  switch (kind) {
  case HazardKind::Nss:
    return "nss";
  case HazardKind::Dlopen:
    return "dlopen";
  case HazardKind::Iconv:
    return "iconv";
  }
  llvm_unreachable("unknown HazardKind");
}

HazardKind hazard_kind_of(std::string_view symbol) {
  if (contains(k_called_functions, symbol)) {
    return HazardKind::Dlopen;
  }
  return symbol == "iconv_open" ? HazardKind::Iconv : HazardKind::Nss;
}

bool is_presence_hazard(std::string_view name) {
  // Called for every symbol of a static image (Go's start with "go", "github.com" and
  // "internal/"): reject most names by their first bytes.
  if (name.starts_with("i")) {
    return name == "iconv_open" || name == "initgroups";
  }
  if (name.size() < 7 || !name.starts_with("get")) {
    return false;
  }
  return contains(k_presence_functions, name);
}

bool is_hazard_function(std::string_view name) {
  if (!name.empty() && name[0] == 'd') {
    return contains(k_called_functions, name);
  }
  return is_presence_hazard(name);
}

bool is_cgo_symbol(std::string_view name) {
  if (name.starts_with("_cgo_")) {
    return true;
  }
  for (size_t at = find_dot_underscore(name); at != std::string_view::npos;
       at = find_dot_underscore(name, at + 2)) {
    if (name.substr(at + 1).starts_with("_cgo_")) {
      return true;
    }
  }
  return false;
}

std::vector<Hazard> find_static_hazards(const StaticImage &image) {
  std::vector<Hazard> hazards;
  for (std::string_view names : image.go_function_names) {
    find_go_trampolines(names, hazards);
  }
  find_cgo_symbols(image.cgo_symbols, hazards);
  find_defined(image.defined, image.iconv_only_from_libstdcxx, hazards);
  for (const std::string &symbol : image.called) {
    add_unique(hazards, {symbol, ""});
  }
  auto has_nss_loader = [&] {
    return std::any_of(image.strings.begin(), image.strings.end(), [](std::string_view region) {
      return find_bytes(region, "libnss_%s.so") != std::string_view::npos;
    });
  };
  // Stripped, and no cgo trampoline says more: glibc's NSS loader, callers unknown.
  if (!image.has_symtab && hazards.empty() && has_nss_loader()) {
    hazards.push_back({"nss", ""});
  }
  sort_by_symbol(hazards);
  return hazards;
}

std::vector<Hazard> hazards_from_linker_warnings(std::string_view linker_output) {
  // "warning: Using 'getaddrinfo' in statically linked applications requires at runtime
  // the shared libraries from the glibc version used for linking"
  std::vector<Hazard> hazards;
  constexpr std::string_view k_before = "Using '";
  constexpr std::string_view k_after = "' in statically linked applications";
  for (size_t at = linker_output.find(k_before); at != std::string_view::npos;
       at = linker_output.find(k_before, at + 1)) {
    size_t start = at + k_before.size();
    size_t end = linker_output.find(k_after, start);
    if (end != std::string_view::npos && end - start < 64) {
      add_unique(hazards, {std::string(linker_output.substr(start, end - start)), ""});
    }
  }
  return hazards;
}

void merge_hazards(std::vector<Hazard> &into, const std::vector<Hazard> &more) {
  for (const Hazard &hazard : more) {
    add_unique(into, hazard);
  }
  sort_by_symbol(into);
}

std::string describe(const std::vector<Hazard> &hazards) {
  std::string text;
  for (const Hazard &hazard : hazards) {
    if (!text.empty()) {
      text += ", ";
    }
    text += hazard.symbol;
    if (!hazard.package.empty()) {
      text += " (" + hazard.package + ")";
    }
  }
  return text;
}

} // namespace portable_ld
