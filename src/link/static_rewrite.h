// SPDX-License-Identifier: Apache-2.0
//
// The static-link rewrite, before the link: a final link's command line made into one
// that really links statically, every change recorded with its reason. Its twin after
// the link is judge() (judge/judge.h), which must agree with it.
#pragma once

#include <string>
#include <vector>

#include "link/arguments.h"

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

} // namespace portable_ld
