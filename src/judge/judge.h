// SPDX-License-Identifier: Apache-2.0
//
// Judgement: a Verdict against what was required of it (a static image, GOARCH, the
// NSS policy, the portability policy), after a link, a guarded Go link and in `check`,
// so that all three decide alike. The only place violations are worded. Its twin before
// the link is link/static_rewrite.h, which must agree with it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "judge/portability_policy.h"
#include "verify/verify.h"

#include "llvm/Support/Error.h"

namespace portable_ld {

// What a static link that still needs glibc's NSS (verify/glibc_hazards.h) gets.
enum class NssPolicy { Ignore, Warn, Error };
const char *to_string(NssPolicy policy);
// Parses "error", "warn" or "ignore"; `origin` names the setting in the error.
llvm::Expected<NssPolicy> parse_nss_policy(const std::string &value, const std::string &origin);

struct Requirements {
  bool static_required = false;
  std::optional<std::string> goarch; // GOARCH of a Go link, compared with the output
  // With static_required: what a static image that still needs glibc's NSS gets, and
  // the setting that chose it (named in the warning's hint).
  NssPolicy nss = NssPolicy::Warn;
  std::string nss_setting = "PORTABLE_LD_NSS";
  // Dynamic ELF outputs: newest symbol versions and allowed libraries.
  PortabilityPolicy portability;

  // Nothing is asked of the file (the NSS policy alone asks nothing: it qualifies a
  // static request).
  bool none() const {
    return !static_required && !(goarch && !goarch->empty()) && portability.empty();
  }
};

struct Violation {
  std::string message;            // "'server': static link requested but ..."
  std::vector<std::string> notes; // the evidence
  std::string hint;
  bool fatal = true;              // false: reported as a warning, the file passes
  // For a warning that a setting can turn into an error: that setting.
  std::string escalated_by = {};
};

// Every way `verdict` fails `requirements`; empty when it passes.
std::vector<Violation> judge(const Verdict &verdict, const Requirements &requirements);

// The evidence of dynamic linking in a verdict, e.g. "PT_INTERP '/lib64/ld-linux-x86-64.so.2';
// NEEDED libc.so.6", in the format's own terms.
std::string dynamic_evidence(const Verdict &verdict);

} // namespace portable_ld
