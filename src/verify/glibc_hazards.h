// SPDX-License-Identifier: Apache-2.0
//
// glibc's static NSS trap: a static glibc image that calls NSS or iconv functions still
// loads glibc's shared modules at run time. The hazards in a static image (from Go's cgo
// trampoline names, .symtab, or glibc's NSS loader string), and in a linker's warnings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace portable_ld {

// A glibc function in a static image that still needs glibc's shared libraries at run
// time (NSS, iconv); `package` is the Go package whose cgo code calls it, if known.
struct Hazard {
  std::string symbol;  // "getaddrinfo"; "nss" when only glibc's NSS loader is evident
  std::string package; // "net", "os/user", or empty
};

struct StaticImage {
  std::vector<std::string_view> strings;        // .rodata (the whole file if unknown)
  std::vector<std::string> nss_symbols;         // NSS functions defined in .symtab
};
bool is_nss_function(std::string_view name);
// A Go program's cgo calls, which name the functions and their packages. Its symbol table
// also holds what those call in turn (getaddrinfo brings the whole resolver), which would
// only bury the answer: when this finds something, it is the answer.
std::vector<Hazard> find_go_cgo_hazards(const std::vector<std::string_view> &function_names);
// Otherwise: the NSS functions in .symtab, else glibc's NSS loader string.
std::vector<Hazard> find_glibc_static_hazards(const StaticImage &image);
std::vector<Hazard> hazards_from_linker_warnings(std::string_view linker_output);
void merge_hazards(std::vector<Hazard> &into, const std::vector<Hazard> &more);
std::string describe(const std::vector<Hazard> &hazards); // "getaddrinfo (net), getpwnam"

} // namespace portable_ld
