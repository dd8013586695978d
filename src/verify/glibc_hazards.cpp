// SPDX-License-Identifier: Apache-2.0
//
// glibc's static trap: a statically linked program that calls the NSS functions
// (getaddrinfo, getpwnam, ...) or iconv_open still loads glibc's shared libnss_*.so /
// gconv modules at run time, from the glibc version it was built with, so it is static
// but not portable. The linker warns ("Using 'getaddrinfo' in statically linked
// applications requires at runtime the shared libraries ..."), and the binary keeps the
// evidence:
//  - the functions themselves in .symtab (when not stripped);
//  - for Go, the cgo trampolines' names in the pclntab, which survive -s:
//    "net._C2func_getaddrinfo", "os/user._Cfunc_mygetpwuid_r", ... naming the package;
//  - glibc's own "libnss_%s.so" format string, which only NSS-using programs contain.
#include "verify/glibc_hazards.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <string_view>

namespace portable_ld {

namespace {

// clang-format off
constexpr std::string_view k_nss_functions[] = {
  "getaddrinfo", "getgrent", "getgrgid", "getgrgid_r", "getgrnam", "getgrnam_r",
  "getgrouplist", "gethostbyaddr", "gethostbyaddr_r", "gethostbyname", "gethostbyname2",
  "gethostbyname2_r", "gethostbyname_r", "getnameinfo", "getprotobyname",
  "getprotobyname_r", "getpwent", "getpwnam", "getpwnam_r", "getpwuid", "getpwuid_r",
  "getservbyname", "getservbyname_r", "getservbyport", "getspnam", "iconv_open",
  "initgroups",
};
// clang-format on

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

// memmem (glibc's two-way search) instead of string_view::find, which tries every '.'
// of a 15 MB binary: the scan must not cost more than the rest of `check`.
size_t find_bytes(std::string_view haystack, std::string_view needle, size_t from = 0) {
  if (from > haystack.size()) {
    return std::string_view::npos;
  }
  const void *at = ::memmem(haystack.data() + from, haystack.size() - from, needle.data(),
                            needle.size());
  return at ? static_cast<size_t>(static_cast<const char *>(at) - haystack.data())
            : std::string_view::npos;
}

bool is_package_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '/' || c == '.' || c == '-';
}

// Go cgo trampolines: "<package>._C2func_<name>" or "<package>._Cfunc_<name>", where
// <name> may be a wrapper around an NSS function (os/user's mygetpwuid_r). Searched with
// Boyer-Moore-Horspool, which skips most of a megabyte-sized pclntab.
void find_go_trampolines(std::string_view names, std::vector<Hazard> &hazards) {
  for (std::string_view marker : {std::string_view("._C2func_"), std::string_view("._Cfunc_")}) {
    const std::boyer_moore_horspool_searcher searcher(marker.begin(), marker.end());
    for (auto it = std::search(names.begin(), names.end(), searcher); it != names.end();
         it = std::search(it + 1, names.end(), searcher)) {
      size_t at = static_cast<size_t>(it - names.begin());
      size_t name_start = at + marker.size();
      size_t name_end = name_start;
      while (name_end < names.size() && is_package_char(names[name_end]) &&
             names[name_end] != '.' && names[name_end] != '/') {
        ++name_end;
      }
      std::string_view name = names.substr(name_start, name_end - name_start);
      auto function = std::find_if(std::begin(k_nss_functions), std::end(k_nss_functions),
                                   [&](std::string_view f) {
                                     return name == f ||
                                            (name.starts_with("my") && name.substr(2) == f);
                                   });
      if (function == std::end(k_nss_functions)) {
        continue;
      }
      size_t package_start = at;
      while (package_start > 0 && is_package_char(names[package_start - 1])) {
        --package_start;
      }
      std::string_view package = names.substr(package_start, at - package_start);
      add_unique(hazards, {std::string(*function), std::string(package)});
    }
  }
}

} // namespace

bool is_nss_function(std::string_view name) {
  // Called for every symbol of a static image: reject most names at the first byte.
  if (name.size() < 7 || (name[0] != 'g' && name[0] != 'i')) {
    return false;
  }
  return std::find(std::begin(k_nss_functions), std::end(k_nss_functions), name) !=
         std::end(k_nss_functions);
}

std::vector<Hazard> find_go_cgo_hazards(const std::vector<std::string_view> &function_names) {
  std::vector<Hazard> hazards;
  for (std::string_view names : function_names) {
    find_go_trampolines(names, hazards);
  }
  sort_by_symbol(hazards);
  return hazards;
}

std::vector<Hazard> find_glibc_static_hazards(const StaticImage &image) {
  const std::vector<std::string> &nss_symbols = image.nss_symbols;
  std::vector<Hazard> hazards;
  for (const std::string &symbol : nss_symbols) {
    // getpwnam calls getpwnam_r: name the function the program used.
    std::string_view name = symbol;
    if (name.ends_with("_r") &&
        std::find(nss_symbols.begin(), nss_symbols.end(), name.substr(0, name.size() - 2)) !=
            nss_symbols.end()) {
      continue;
    }
    add_unique(hazards, {symbol, ""});
  }
  auto has_nss_loader = [&] {
    return std::any_of(image.strings.begin(), image.strings.end(), [](std::string_view region) {
      return find_bytes(region, "libnss_%s.so") != std::string_view::npos;
    });
  };
  if (hazards.empty() && has_nss_loader()) {
    hazards.push_back({"nss", ""}); // stripped: glibc's NSS loader, callers unknown
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
