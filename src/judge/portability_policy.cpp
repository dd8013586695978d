// SPDX-License-Identifier: Apache-2.0
#include "judge/portability_policy.h"
#include "support/quoting.h"

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

} // namespace

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
                                 abbreviate(name).c_str(),
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
                                   origin.c_str(), abbreviate(version).c_str());
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
