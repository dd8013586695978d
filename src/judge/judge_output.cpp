// SPDX-License-Identifier: Apache-2.0
#include "judge/judge_output.h"

#include "support/diagnostics.h"
#include "verify/glibc_hazards.h"

#include "llvm/Support/FileSystem.h"

namespace portable_ld {

bool JudgedOutput::rejected() const {
  return std::any_of(violations.begin(), violations.end(),
                     [](const Violation &violation) { return violation.fatal; });
}

llvm::Expected<JudgedOutput> judge_output(const std::string &path,
                                          const Requirements &requirements,
                                          std::optional<std::string_view> linker_output,
                                          SymbolDetail detail, BufferPool *pool) {
  llvm::Expected<Verdict> verdict = inspect_file(
      path, requirements.portability.empty() ? detail : SymbolDetail::Full, pool);
  if (!verdict) {
    return verdict.takeError();
  }
  if (linker_output && verdict->is_static()) {
    merge_hazards(verdict->hazards, hazards_from_linker_warnings(*linker_output));
    // The linker saw every call to dlopen: what the image could not show is known.
    std::erase(verdict->warnings, std::string(k_unseen_dlopen_warning));
  }
  JudgedOutput judged{std::move(*verdict), {}};
  judged.violations = judge(judged.verdict, requirements);
  return judged;
}

void report(Diagnostics &diagnostics, const Violation &violation,
            const std::string &fallback_hint) {
  if (violation.fatal) {
    diagnostics.error("{}", violation.message);
  } else {
    diagnostics.warn("{}", violation.message);
  }
  for (const std::string &note : violation.notes) {
    diagnostics.note("{}", note);
  }
  const std::string &hint = violation.hint.empty() ? fallback_hint : violation.hint;
  if (!violation.fatal && !violation.escalated_by.empty()) {
    diagnostics.hint("{}; {}=error makes this an error, =ignore silences it", hint,
                     violation.escalated_by);
  } else if (!hint.empty()) {
    diagnostics.hint("{}", hint);
  }
}

void report_all(Diagnostics &diagnostics, const std::vector<Violation> &violations,
                const std::string &fallback_hint, bool show_warnings) {
  for (bool fatal : {false, true}) {
    for (const Violation &violation : violations) {
      if (violation.fatal == fatal && (fatal || show_warnings)) {
        report(diagnostics, violation, fatal ? fallback_hint : "");
      }
    }
  }
}

void remove_rejected_output(Diagnostics &diagnostics, const std::string &path) {
  if (!llvm::sys::fs::remove(path)) {
    diagnostics.note("removed '{}'", path);
  }
}

} // namespace portable_ld
