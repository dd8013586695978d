// SPDX-License-Identifier: Apache-2.0
#include "portability_policy.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

namespace portable_ld {

namespace {

struct Preset {
  const char *name;
  const char *description;
  FamilyVersion limits[4];
  const char *libs; // comma-separated
};

// PEP 599 (manylinux2014) and PEP 600 (manylinux_2_28), x86_64: the symbol versions of
// CentOS 7's and AlmaLinux 8's glibc, libstdc++ and libgcc, and the libraries every
// distribution in the tag is assumed to have (auditwheel's policy).
// clang-format off
constexpr const char *k_manylinux_libs =
    "libgcc_s.so.1,libstdc++.so.6,libm.so.6,libdl.so.2,librt.so.1,libc.so.6,libnsl.so.1,"
    "libutil.so.1,libpthread.so.0,libresolv.so.2,libX11.so.6,libXext.so.6,libXrender.so.1,"
    "libICE.so.6,libSM.so.6,libGL.so.1,libgobject-2.0.so.0,libgthread-2.0.so.0,"
    "libglib-2.0.so.0,ld-linux-x86-64.so.2";
const Preset k_presets[] = {
  {"manylinux2014", "CentOS 7 (PEP 599)",
   {{"GLIBC", "2.17"}, {"GLIBCXX", "3.4.19"}, {"CXXABI", "1.3.7"}, {"GCC", "4.8.0"}},
   k_manylinux_libs},
  {"manylinux_2_28", "AlmaLinux 8 (PEP 600)",
   {{"GLIBC", "2.28"}, {"GLIBCXX", "3.4.24"}, {"CXXABI", "1.3.11"}, {"GCC", "7.0.0"}},
   k_manylinux_libs},
  {"debian12", "Debian 12 bookworm",
   {{"GLIBC", "2.36"}, {"GLIBCXX", "3.4.30"}, {"CXXABI", "1.3.13"}, {"GCC", "12.0.0"}},
   nullptr},
};
// clang-format on

bool is_numeric_version(std::string_view version) {
  return !version.empty() && std::all_of(version.begin(), version.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
  });
}

size_t family_rank(const std::string &family) {
  auto begin = std::begin(k_version_families), end = std::end(k_version_families);
  return static_cast<size_t>(std::find(begin, end, family) - begin);
}

} // namespace

SymbolVersion split_symbol_version(std::string_view name) {
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
    return {std::string(name), ""};
  }
  return {std::string(name.substr(0, split)), std::string(name.substr(split + 1))};
}

int compare_versions(std::string_view a, std::string_view b) {
  bool a_numeric = is_numeric_version(a), b_numeric = is_numeric_version(b);
  if (!a_numeric || !b_numeric) {
    return a_numeric == b_numeric ? a.compare(b) : (a_numeric ? -1 : 1);
  }
  llvm::SmallVector<llvm::StringRef, 4> left, right;
  llvm::StringRef(a.data(), a.size()).split(left, '.');
  llvm::StringRef(b.data(), b.size()).split(right, '.');
  for (size_t i = 0; i < std::max(left.size(), right.size()); ++i) {
    unsigned long long x = 0, y = 0;
    if (i < left.size()) {
      left[i].getAsInteger(10, x);
    }
    if (i < right.size()) {
      right[i].getAsInteger(10, y);
    }
    if (x != y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

std::vector<FamilyVersion> newest_versions(const Verdict &verdict) {
  std::vector<FamilyVersion> newest;
  for (const VersionedSymbol &symbol : verdict.versioned) {
    SymbolVersion version = split_symbol_version(symbol.version);
    auto it = std::find_if(newest.begin(), newest.end(), [&](const FamilyVersion &entry) {
      return entry.family == version.family;
    });
    if (it == newest.end()) {
      newest.push_back({version.family, version.version});
    } else if (compare_versions(version.version, it->version) > 0) {
      it->version = version.version;
    }
  }
  std::sort(newest.begin(), newest.end(), [](const FamilyVersion &a, const FamilyVersion &b) {
    size_t x = family_rank(a.family), y = family_rank(b.family);
    return x != y ? x < y : a.family < b.family;
  });
  return newest;
}

llvm::Expected<PortabilityPolicy> portability_preset(std::string_view name,
                                                     const std::string &origin) {
  std::vector<std::string> names;
  for (const Preset &preset : k_presets) {
    if (name == preset.name) {
      PortabilityPolicy policy;
      policy.preset = preset.name;
      policy.max_versions.assign(std::begin(preset.limits), std::end(preset.limits));
      if (preset.libs) {
        if (llvm::Error error = set_allowed_libs(policy, preset.libs, origin)) {
          return error;
        }
      }
      return policy;
    }
    names.push_back(fmt::format("{} ({})", preset.name, preset.description));
  }
  return llvm::createStringError(std::errc::invalid_argument,
                                 "%s: unknown policy '%s' (known: %s)", origin.c_str(),
                                 std::string(name).c_str(),
                                 fmt::format("{}", fmt::join(names, ", ")).c_str());
}

llvm::Error set_max_version(PortabilityPolicy &policy, const std::string &family,
                            const std::string &version, const std::string &origin) {
  std::string value = llvm::StringRef(version).trim().str();
  // "GLIBC_2.17" is accepted for "2.17".
  if (llvm::StringRef(value).startswith(family + "_")) {
    value = value.substr(family.size() + 1);
  }
  if (!is_numeric_version(value) || value.front() == '.' || value.back() == '.') {
    return llvm::createStringError(std::errc::invalid_argument,
                                   "%s: invalid version '%s' (expected numbers and dots, "
                                   "e.g. 2.17)",
                                   origin.c_str(), version.c_str());
  }
  auto it = std::find_if(policy.max_versions.begin(), policy.max_versions.end(),
                         [&](const FamilyVersion &entry) { return entry.family == family; });
  if (it == policy.max_versions.end()) {
    policy.max_versions.push_back({family, value});
  } else {
    it->version = value;
  }
  return llvm::Error::success();
}

llvm::Error set_allowed_libs(PortabilityPolicy &policy, const std::string &text,
                             const std::string &origin) {
  llvm::SmallVector<llvm::StringRef, 16> names;
  llvm::SplitString(text, names, ", \t\n");
  if (names.empty()) {
    return llvm::createStringError(std::errc::invalid_argument,
                                   "%s: empty list (expected library names such as "
                                   "libc.so.6,libm.so.6)",
                                   origin.c_str());
  }
  if (!policy.allowed_libs) {
    policy.allowed_libs.emplace();
  }
  for (llvm::StringRef name : names) {
    if (std::find(policy.allowed_libs->begin(), policy.allowed_libs->end(), name) ==
        policy.allowed_libs->end()) {
      policy.allowed_libs->push_back(name.str());
    }
  }
  return llvm::Error::success();
}

llvm::Expected<PortabilityPolicy>
build_portability_policy(llvm::function_ref<std::vector<PolicySetting>(llvm::StringRef key)> given) {
  PortabilityPolicy policy;
  for (const PolicySetting &preset : given("policy")) {
    llvm::Expected<PortabilityPolicy> named = portability_preset(preset.value, preset.origin);
    if (!named) {
      return named.takeError();
    }
    policy = std::move(*named);
  }
  for (const char *family : k_version_families) {
    for (const PolicySetting &limit : given("max_" + llvm::StringRef(family).lower())) {
      if (llvm::Error error = set_max_version(policy, family, limit.value, limit.origin)) {
        return error;
      }
    }
  }
  for (const PolicySetting &libs : given("allow_libs")) {
    if (llvm::Error error = set_allowed_libs(policy, libs.value, libs.origin)) {
      return error;
    }
  }
  return policy;
}

} // namespace portable_ld
