// SPDX-License-Identifier: Apache-2.0
//
// Symbol versions as data: "GLIBC_2.34" split into family and version, dotted versions
// compared, and the newest version a verdict requires per family. Arithmetic only; the
// limits a policy sets on them are judge/portability_policy.h's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace portable_ld {

// An undefined dynamic symbol bound to a version of its library (ELF .gnu.version_r).
// Views into the file's string table (Verdict::storage keeps it): a library needs
// hundreds of them, and copies of each cost more than the rest of reading it. A version
// requirement that no symbol uses (GLIBC_ABI_DT_RELR) is one with an empty `symbol`: the
// loader checks it all the same. (A verdict read with SymbolDetail::Summary lists every
// requirement that way, once.)
struct VersionedSymbol {
  std::string_view symbol;  // "memcpy"; empty for a requirement no symbol uses
  std::string_view version; // "GLIBC_2.14"
  std::string_view library; // "libc.so.6"
  // The version requirement is VER_FLG_WEAK: the loader tolerates its absence. (A weak
  // symbol alone is not enough: glibc's loader checks versions, not symbols, and GNU ld
  // leaves the flag off even when every reference is weak.)
  bool weak = false;
};

// "GLIBC_2.17" -> {"GLIBC", "2.17"}; "GLIBC_PRIVATE" -> {"GLIBC", "PRIVATE"};
// "GLIBC_ABI_DT_RELR" -> {"GLIBC", "2.36"}, the release whose loader knows it. Views of
// the name it was split from, or of static text.
struct SymbolVersion {
  std::string_view family;
  std::string_view version;
};
SymbolVersion split_symbol_version(std::string_view name);

// Orders dotted numeric versions ("2.9" < "2.17"); a non-numeric version (PRIVATE) is
// newer than every numeric one.
int compare_versions(std::string_view a, std::string_view b);

// Numbers and dots only ("2.17"), not empty.
bool is_numeric_version(std::string_view version);

// The families a policy can limit, with their PORTABLE_LD_* / check option suffix.
constexpr const char *k_version_families[] = {"GLIBC", "GLIBCXX", "CXXABI", "GCC"};

struct FamilyVersion {
  std::string family;
  std::string version;
};

// Per family, the newest version required (of non-weak and weak symbols alike),
// in k_version_families order, then other families by name.
std::vector<FamilyVersion> newest_versions(const std::vector<VersionedSymbol> &versioned);

} // namespace portable_ld
