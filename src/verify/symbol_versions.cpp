// SPDX-License-Identifier: Apache-2.0
#include "verify/symbol_versions.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cctype>

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

namespace portable_ld {

namespace {

size_t family_rank(std::string_view family) {
  auto begin = std::begin(k_version_families), end = std::end(k_version_families);
  return static_cast<size_t>(std::find(begin, end, family) - begin);
}

} // namespace

bool is_numeric_version(std::string_view version) {
  return !version.empty() && std::all_of(version.begin(), version.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
  });
}

SymbolVersion split_symbol_version(std::string_view name) {
  // glibc's ABI markers are GLIBC versions that no symbol uses, which the loader checks
  // (GLIBC_ABI_DT_RELR: the image has DT_RELR relocations, glibc 2.36). A known one reads
  // as the release that added it; another is newer than every release.
  if (name.starts_with("GLIBC_ABI_")) {
    std::string_view marker = name.substr(10);
    return {name.substr(0, 5), marker == "DT_RELR" ? std::string_view("2.36") : marker};
  }
  // The version starts after the last '_' that is followed by a digit ("CXXABI_TM_1"),
  // else after the last '_' ("GLIBC_PRIVATE").
  size_t split = std::string_view::npos;
  for (size_t i = name.size(); i-- > 0;) {
    if (name[i] == '_' && i + 1 < name.size() &&
        std::isdigit(static_cast<unsigned char>(name[i + 1]))) {
      split = i;
      break;
    }
  }
  if (split == std::string_view::npos) {
    split = name.rfind('_');
  }
  if (split == std::string_view::npos) {
    return {name, ""};
  }
  return {name.substr(0, split), name.substr(split + 1)};
}

int compare_versions(std::string_view a, std::string_view b) {
  bool a_numeric = is_numeric_version(a), b_numeric = is_numeric_version(b);
  if (!a_numeric || !b_numeric) {
    return a_numeric == b_numeric ? a.compare(b) : (a_numeric ? -1 : 1);
  }
  // Each component compared as a number of any length (a file or a setting may give
  // 2.99999999999999999999, which no integer type holds): without leading zeros, the
  // longer is larger, else the digits decide. A missing component counts as 0. Walked in
  // place: check compares thousands of versions, and split() lists cost more than that.
  auto next = [](std::string_view &rest, bool &done) {
    if (done) {
      return std::string_view();
    }
    size_t dot = rest.find('.');
    std::string_view component = rest.substr(0, dot);
    if (dot == std::string_view::npos) {
      done = true;
    } else {
      rest.remove_prefix(dot + 1);
    }
    return component.substr(std::min(component.find_first_not_of('0'), component.size()));
  };
  bool a_done = false, b_done = false;
  while (!a_done || !b_done) {
    std::string_view x = next(a, a_done), y = next(b, b_done);
    if (x.size() != y.size()) {
      return x.size() < y.size() ? -1 : 1;
    }
    if (int order = x.compare(y); order != 0) {
      return order < 0 ? -1 : 1;
    }
  }
  return 0;
}

std::vector<FamilyVersion> newest_versions(const std::vector<VersionedSymbol> &versioned) {
  std::vector<FamilyVersion> newest;
  // Hundreds of symbols share a dozen versions: each distinct one is split and compared
  // once (check over a directory of binaries spends its time here otherwise).
  // The symbols of one version view the same bytes of the string table, so the address
  // answers before the contents are compared.
  std::vector<std::string_view> seen;
  // The versions seen, by address: one probe answers for most symbols, where scanning
  // `seen` cost more than the rest of check over a directory (a library needs a dozen
  // versions and hundreds of symbols).
  std::array<std::string_view, 64> recent{};
  for (const VersionedSymbol &symbol : versioned) {
    auto same_bytes = [&](std::string_view version) {
      return version.data() == symbol.version.data() && version.size() == symbol.version.size();
    };
    uint64_t address = reinterpret_cast<uintptr_t>(symbol.version.data());
    std::string_view &slot = recent[(address * 0x9e3779b97f4a7c15u) >> 58];
    if (slot.data() != nullptr && same_bytes(slot)) {
      continue;
    }
    slot = symbol.version;
    auto same_text = [&](std::string_view version) { return version == symbol.version; };
    if (std::any_of(seen.begin(), seen.end(), same_bytes) ||
        std::any_of(seen.begin(), seen.end(), same_text)) {
      continue;
    }
    seen.push_back(symbol.version);
    SymbolVersion version = split_symbol_version(symbol.version);
    auto it = std::find_if(newest.begin(), newest.end(), [&](const FamilyVersion &entry) {
      return entry.family == version.family;
    });
    if (it == newest.end()) {
      newest.push_back({std::string(version.family), std::string(version.version)});
    } else if (compare_versions(version.version, it->version) > 0) {
      it->version = std::string(version.version);
    }
  }
  std::sort(newest.begin(), newest.end(), [](const FamilyVersion &a, const FamilyVersion &b) {
    size_t x = family_rank(a.family), y = family_rank(b.family);
    return x != y ? x < y : a.family < b.family;
  });
  return newest;
}

} // namespace portable_ld
