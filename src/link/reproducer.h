// SPDX-License-Identifier: Apache-2.0
//
// Reproducers (docs/reproducers.md). Go deletes its link directory ($WORK, /tmp/go-link-*) when
// the build ends, so a failed link cannot be looked at afterwards. With
// PORTABLE_LD_REPRODUCE=DIR a final link (a failed one, or every one with
// PORTABLE_LD_REPRODUCE_ON=always) leaves DIR/portable-ld-<output>-<pid>.tar, written with
// llvm::TarWriter:
//   reproduce.json  argv as received and expanded, argv as run and expanded, cwd, the
//                   backend and its --version, portable-ld's version and policy, the
//                   selected environment, and where each input file went
//   files/N/NAME    every input file named on the command line (objects, archives,
//                   libraries, Go's go.o and 000000.o ...)
//   replay.sh       the backend command on the bundled files, for a human with tar
// `portable-ld replay BUNDLE` (cli/replay.cpp) extracts it, maps the paths and runs the
// same wrapper pipeline again (rewrite, backend, verification), with the recorded
// settings, and logs the record on stderr.
#pragma once

#include <string>
#include <vector>

#include "link/arguments.h"
#include "link/config.h"
#include "link/log.h"

#include "llvm/Support/Error.h"

namespace portable_ld {

// The bundle's layout version and its manifest's name.
constexpr int k_bundle_schema = 1;
constexpr const char *k_manifest = "reproduce.json";

// Writes the bundle for `record` (a final link) and returns its path.
llvm::Expected<std::string> write_reproducer(const std::string &directory,
                                             const InvocationRecord &record,
                                             const Invocation &invocation,
                                             const std::vector<std::string> &expanded_run,
                                             const Config &config);

} // namespace portable_ld
