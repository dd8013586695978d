// SPDX-License-Identifier: Apache-2.0
//
// Portability of a dynamic ELF output (docs/portability.md), the manylinux idea: a dynamic binary
// runs on every distribution whose glibc, libstdc++ and libgcc are at least as new as the
// newest symbol versions it requires, and which ship every library it needs. The policy
// is the newest version allowed per family (GLIBC, GLIBCXX, CXXABI, GCC) and the allowed
// DT_NEEDED libraries; presets (manylinux2014, ...) are data in portability_policy.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verify/symbol_versions.h"
#include "verify/verify.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace portable_ld {

struct PortabilityPolicy {
  std::string preset;                     // the preset's name, if one was chosen
  std::vector<FamilyVersion> max_versions; // at most one per family
  std::optional<std::vector<std::string>> allowed_libs;
  bool empty() const { return max_versions.empty() && !allowed_libs; }
};

// One setting as given: its value, and the words that name where it came from.
struct PolicySetting {
  std::string value;
  std::string origin;
};
// The policy from its settings, asked for by config-file key ("policy", "max_glibc",
// "max_glibcxx", "max_cxxabi", "max_gcc", "allow_libs"; each given zero or more times):
// the preset first, then each family's limits in the order given, then the libraries.
// For `check`'s options; the settings' rows (link/config.cpp) apply the same three steps
// in the same order, so both mean the same.
llvm::Expected<PortabilityPolicy>
build_portability_policy(llvm::function_ref<std::vector<PolicySetting>(llvm::StringRef key)> given);

// The preset named `name` (manylinux2014, manylinux_2_28, ...); the error lists them.
llvm::Expected<PortabilityPolicy> portability_preset(std::string_view name,
                                                     const std::string &origin);
// Sets the limit of `family` to `version` ("2.17"), replacing the preset's.
llvm::Error set_max_version(PortabilityPolicy &policy, const std::string &family,
                            const std::string &version, const std::string &origin);
// "libc.so.6,libm.so.6" (commas or blanks); adds to the preset's list.
llvm::Error set_allowed_libs(PortabilityPolicy &policy, const std::string &text,
                             const std::string &origin);

} // namespace portable_ld
