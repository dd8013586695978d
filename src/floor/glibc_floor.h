// SPDX-License-Identifier: Apache-2.0
//
// PORTABLE_LD_GLIBC: the stub libraries of a glibc floor, built with the link's own
// backend from the host's glibc libraries and cached under $XDG_CACHE_HOME/portable-ld/
// glibc-floor/ (docs/glibc-floor.md), and the arguments that make a link use them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "llvm/Support/Error.h"

namespace portable_ld {

struct GlibcFloor {
  std::string directory; // the stubs, and libc.so, libm.so, ... scripts naming them
  std::string start_up;  // the start-up shim's object below 2.34, else empty
};

// The floor's stubs for the host libraries `backend` (argv before the link's arguments;
// `program` its resolved path) links against, made on first use. Parallel links are
// safe: each builds in a directory of its own and renames it into place. Errors say
// which library or build failed.
llvm::Expected<GlibcFloor> prepare_glibc_floor(std::string_view floor, const std::string &program,
                                               const std::vector<std::string> &backend);

// What a final link adds for `floor`: the stub directory ahead of every other (-L), and
// the start-up shim with its --wrap.
std::vector<std::string> glibc_floor_leading_args(const GlibcFloor &floor);
std::vector<std::string> glibc_floor_trailing_args(const GlibcFloor &floor);

} // namespace portable_ld
