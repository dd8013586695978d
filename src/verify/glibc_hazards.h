// SPDX-License-Identifier: Apache-2.0
//
// glibc's static trap: a static glibc image that calls NSS functions, iconv_open or dlopen
// still loads shared objects at run time (libnss_*.so, gconv modules, the dlopen'ed
// library), and those link against the running system's libc.so.6. The image is pinned to
// the glibc it was linked with. The hazards in a static image (from .symtab, Go's cgo
// symbols, direct calls to dlopen, or glibc's NSS loader string), and in a linker's warnings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace portable_ld {

// What the loaded shared objects are for; each kind has its own fix.
enum class HazardKind {
  Nss,    // name, user and group lookups: libnss_*.so
  Dlopen, // the program loads a library itself
  Iconv,  // character set conversion: gconv modules
};
const char *to_string(HazardKind kind); // "nss", "dlopen", "iconv"
HazardKind hazard_kind_of(std::string_view symbol);

// A glibc function in a static image that loads shared objects at run time.
struct Hazard {
  std::string symbol;  // "getaddrinfo", "dlopen"; "nss" when only glibc's NSS loader is evident
  std::string package; // who calls it, if known: a Go package ("net"), or "libstdc++"
  HazardKind kind() const { return hazard_kind_of(symbol); }
};

// What a static glibc image shows of its hazards; elf.cpp reads it, find_static_hazards
// interprets it.
struct StaticImage {
  std::vector<std::string_view> strings;           // .rodata (the whole file if unknown)
  std::vector<std::string_view> go_function_names; // Go's pclntab
  bool has_symtab = false;
  // .symtab: NSS functions and iconv_open defined (a libc.a member is linked only when
  // something refers to it), and the names is_cgo_symbol() accepts.
  std::vector<std::string> defined;
  std::vector<std::string> cgo_symbols;
  // dlopen and dlmopen with a direct call in the code (call_sites.h): libc.a's own
  // start-up links them into every static image, so only a caller makes them a hazard.
  std::vector<std::string> called;
  bool iconv_only_from_libstdcxx = false; // every call to iconv_open is libstdc++'s
};

// A function whose presence (NSS, iconv_open) or call (dlopen, dlmopen) is a hazard.
bool is_hazard_function(std::string_view name);
bool is_presence_hazard(std::string_view name); // NSS functions and iconv_open
// cgo's C-side wrappers "_cgo_<hash>_Cfunc_<name>" (linked whether or not Go's dead-code
// elimination kept their Go side) and Go's "<package>._cgo_<hash>_..." that name the package.
bool is_cgo_symbol(std::string_view name);

// Everything the image shows, one entry per function, packages filled in where known.
// Functions glibc links in with another one (getpwnam brings getpwnam_r, getaddrinfo
// brings gethostbyname2_r) are named only through the one the program used.
std::vector<Hazard> find_static_hazards(const StaticImage &image);
// The verdict's warning for a static glibc image without .symtab: C code's calls to dlopen
// cannot be told from libc.a's own copy there. A link sees them in the linker's warnings.
constexpr std::string_view k_unseen_dlopen_warning =
    "no symbol table: calls to dlopen from C code cannot be seen in this image";

std::vector<Hazard> hazards_from_linker_warnings(std::string_view linker_output);
void merge_hazards(std::vector<Hazard> &into, const std::vector<Hazard> &more);
std::string describe(const std::vector<Hazard> &hazards); // "getaddrinfo (net), getpwnam"

} // namespace portable_ld
