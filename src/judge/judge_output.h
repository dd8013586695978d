// SPDX-License-Identifier: Apache-2.0
//
// The one judgement step of every mode: the wrapper after a final link, the toolexec
// guard after Go's `link`, and `check`. Read the file (verify/verify.h), judge its verdict
// (judge.h), report the violations, and remove an output that failed, so that the three
// modes say the same thing about the same file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "judge/judge.h"
#include "verify/verify.h"

#include "llvm/Support/Error.h"

namespace portable_ld {

class Diagnostics;

struct JudgedOutput {
  Verdict verdict;
  std::vector<Violation> violations;
  // A fatal violation: the file fails.
  bool rejected() const;
};

// Reads `path` and judges it against `requirements`. `linker_output`, when it was read,
// is what the linker printed while writing it: its warnings ("Using 'dlopen' in
// statically linked applications") add what a stripped static image no longer shows.
// The error names the file and why it cannot be read. `detail` is what the caller shows
// of the undefined symbols; Summary only without a portability policy, whose judgement
// names them. `pool` is inspect_file()'s.
llvm::Expected<JudgedOutput> judge_output(const std::string &path,
                                          const Requirements &requirements,
                                          std::optional<std::string_view> linker_output = {},
                                          SymbolDetail detail = SymbolDetail::Full,
                                          BufferPool *pool = nullptr);

// Prints `violation` as an error (fatal) or a warning, then its notes, then its hint, or
// `fallback_hint` when it has none; a warning that a setting can make an error says so.
void report(Diagnostics &diagnostics, const Violation &violation,
            const std::string &fallback_hint = "");

// Prints the warnings (when `show_warnings`), then the errors, each through report();
// `fallback_hint` serves the errors. The caller's own context decides both.
void report_all(Diagnostics &diagnostics, const std::vector<Violation> &violations,
                const std::string &fallback_hint, bool show_warnings);

// Removes an output that failed its judgement, so that no build mistakes it for a good
// one, and notes it.
void remove_rejected_output(Diagnostics &diagnostics, const std::string &path);

} // namespace portable_ld
