// SPDX-License-Identifier: Apache-2.0
//
// The map of portable-ld. Data flows one way:
//
//   argv -> config (config.h) -> @file expansion (response_file.h) -> classification
//        (arguments.h) -> static rewrite (policy.h) -> backend run (subprocess.h)
//        -> verification (verify.h, verify_{elf,macho,coff}.cpp) -> judgement (policy.h)
//        -> log record (log.h) -> exit status
//
// driver.cpp runs that pipeline for the wrapper; check_command.cpp runs verification and
// judgement alone for `portable-ld check`. main.cpp only picks one of them.
#pragma once

#include <string>
#include <vector>

#include "config.h"

namespace portable_ld {

// portable-ld's own exit codes (docs/exit-codes.md). Everywhere else the backend's
// status is returned unchanged (128+n when it was killed by signal n).
enum ExitCode : int {
  k_exit_usage = 64,          // malformed setting, recursion, or a static request that cannot be met
  k_exit_not_static = 65,     // the output failed verification (it has been removed)
  k_exit_bad_output = 66,     // the link succeeded but its output is missing or unreadable
  k_exit_internal = 70,       // portable-ld could not do its own work (e.g. a temp file)
  k_exit_cannot_execute = 126, // the backend exists but cannot be executed
  k_exit_not_found = 127,      // the backend does not exist
};

// `portable-ld check` exit codes.
enum CheckExitCode : int {
  k_check_pass = 0,
  k_check_policy_failed = 1,
  k_check_unreadable = 2,
};

constexpr const char *k_version = "0.1.0";

// The compiler-driver wrapper: `argv` is exactly what the build passed to `cc`. The
// settings are read from the environment and the config file, or given (replay).
int run_wrapper(const std::vector<std::string> &argv);
int run_wrapper(const std::vector<std::string> &argv, Config config);

// Launcher mode, for CMake's <LANG>_LINKER_LAUNCHER = "portable-ld;--launcher": argv is
// `portable-ld --launcher [--static] [--log=PATH] DRIVER ARGS...`; DRIVER is the backend in
// place of PORTABLE_LD_CC, and the options, written by the build's own configuration,
// override the environment and the config file for this link.
int run_launcher(const std::vector<std::string> &argv);

// `portable-ld check [options] FILE...`; `args` excludes "portable-ld check".
int run_check(const std::vector<std::string> &args);

// `portable-ld --help` and `--version`.
void print_help();
void print_version();

} // namespace portable_ld
