// SPDX-License-Identifier: Apache-2.0
//
// The invocation log: one JSON object per line, one line per invocation, schema in
// docs/log-schema.md. Appended with a single write() under O_APPEND and an flock(), so
// many links running at once give intact lines. A log that cannot be written costs one
// warning (on final links only; probes stay silent) and never fails the build.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "judge/judge.h"
#include "judge/judge_output.h"
#include "link/arguments.h"
#include "link/config.h"
#include "link/static_rewrite.h"
#include "provenance/link_inputs.h"
#include "support/subprocess.h"
#include "verify/verify.h"

#include "llvm/Support/JSON.h"

namespace portable_ld {

class Diagnostics;

// The clock of a record's timings, and one of them in milliseconds.
using Clock = std::chrono::steady_clock;
inline double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

constexpr int k_log_schema_version = 2;

// How an invocation ended: the record's "result" (docs/log-schema.md#result).
enum class Result {
  Ok,            // a final link or guarded link whose output meets every requirement
  Passthrough,   // any other role, the backend exited 0
  BackendFailed, // the backend exited non-zero or was killed
  VerifyFailed,  // the output failed a requirement and was removed
  BadOutput,     // the output of a link with requirements is missing or unreadable
  Unverified,    // the same for a link with none: the link stands
  Error,         // portable-ld could not do the invocation
};
const char *to_string(Result result);

struct InvocationRecord {
  Role role = Role::Other;
  std::vector<std::string> argv_received;        // our argv, argv[0] included
  std::optional<std::vector<std::string>> expanded; // argv[1..] after @file expansion
  std::vector<std::string> argv_run;             // what the backend got (empty: not run)
  std::string backend;                           // resolved backend program
  bool static_requested = false;
  StaticSource static_source = StaticSource::None;
  std::vector<ArgumentChange> changes;
  std::optional<ExitStatus> backend_status;
  int exit_code = 0;                             // what portable-ld returned
  double backend_ms = 0, verify_ms = 0, total_ms = 0;
  std::optional<std::string> output;             // the file a final link writes
  std::optional<std::string> glibc_floor;        // PORTABLE_LD_GLIBC, when the link used it
  // PORTABLE_LD_PROVENANCE: the files the linker read, when it said.
  std::optional<std::vector<LinkInput>> provenance;
  std::optional<std::string> sbom;               // the CycloneDX SBOM written beside the output
  std::optional<std::string> package_note;       // the package note written into the output
  std::optional<Verdict> verdict;
  Result result = Result::Error;
  std::vector<std::string> errors;               // portable-ld's own error messages
  std::vector<std::string> warnings;             // and its warnings
  std::optional<std::string> reproducer;         // the bundle written for this link
};

llvm::json::Object to_json(const InvocationRecord &record, const Config &config);

// Adds a judgement to the record: the verdict, the fatal violations' messages as errors
// and the others' as warnings.
void record_judgement(InvocationRecord &record, const JudgedOutput &judged);

// Ends `record` (exit code, result, time since `start`) and appends it to the configured
// log. `quiet`: the role's output is read by Go (a probe, a query), so neither a record
// on stderr nor a warning about the log may appear there. Returns `exit_code`.
int close_record(InvocationRecord &record, int exit_code, Result result, Clock::time_point start,
                 const Config &config, Diagnostics &diagnostics, bool quiet);

// Appends `record` as one line to `path` ("-" = stderr). On failure, warns once through
// `diagnostics` when `warn` is true, and otherwise stays silent.
void append_log(const std::string &path, llvm::json::Object record,
                Diagnostics &diagnostics, bool warn);

} // namespace portable_ld
