// SPDX-License-Identifier: Apache-2.0
//
// The static-link policy, in two halves that must agree:
//  - before the link, rewrite_for_static() turns a final link's command line into one
//    that really links statically (and records every change and why);
//  - after the link (and in `check`), judge() compares a Verdict with what was required.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "arguments.h"
#include "config.h"
#include "portability_policy.h"
#include "verify.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

namespace portable_ld {

struct ArgumentChange {
  std::string action; // "add", "remove" or "replace"
  std::string from;   // the argument(s) removed or replaced
  std::string to;     // the argument added or substituted
  std::string reason;
};
llvm::json::Object to_json(const ArgumentChange &change);

struct StaticRewrite {
  std::vector<std::string> args; // the rewritten argv[1..]
  std::vector<ArgumentChange> changes;
};

// Makes a final link static: ensures -static (exe), turns -pie into -static-pie (PIE),
// drops what contradicts a static link (-rdynamic and friends, a --dynamic-linker). An
// error when the product cannot be static (a shared library).
llvm::Expected<StaticRewrite> rewrite_for_static(const Invocation &invocation);

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
