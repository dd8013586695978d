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
  std::string floor;                  // "2.28"
  std::string directory;              // the stubs, and libc.so, libm.so, ... naming them
  bool start_up_wrapped = false;      // below 2.34: __libc_start_main goes through the shim
  std::string host_directory;         // where the host's libraries are
  std::vector<std::string> libraries; // their SONAMEs (glibc_floor_libraries())
};

// The floor's stubs for the host libraries `backend` (argv before the link's arguments;
// `program` its resolved path) links against, made on first use. Parallel links are
// safe: each builds in a directory of its own and renames it into place. Errors say
// which library or build failed.
llvm::Expected<GlibcFloor> prepare_glibc_floor(std::string_view floor, const std::string &program,
                                               const std::vector<std::string> &backend);

// A symbol the floor cannot give: the host's glibc defines it, only in newer versions.
struct SymbolAboveFloor {
  std::string symbol;  // "getrandom"
  std::string version; // its oldest version, "GLIBC_2.25"
  std::string library; // "libc.so.6"
};
// Those of `symbols` (a failed link's undefined references) that are above the floor, in
// the order given; the others are not the floor's doing.
std::vector<SymbolAboveFloor> symbols_above_floor(const GlibcFloor &floor,
                                                  const std::vector<std::string> &symbols);

// What a final link adds for `floor`: the stub directory ahead of every other (-L); libgcc
// and libstdc++ linked statically (the host's libgcc_s.so.1 and libstdc++.so.6 need its
// own glibc, and an older system's are older than the code expects); below 2.34, for an
// executable, the --wrap that sends start-up through the shim; below 2.36, where the
// link's arguments (`args`) ask for DT_RELR, which older loaders cannot apply, the
// option that takes it back (only a linker that knows the one knows the other).
// Each with the reason the log's `changes` give for it.
struct FloorArgument {
  std::string arg;
  std::string reason;
};
std::vector<FloorArgument> glibc_floor_leading_args(const GlibcFloor &floor);
std::vector<FloorArgument> glibc_floor_trailing_args(const GlibcFloor &floor, bool executable,
                                                     const std::vector<std::string> &args);

} // namespace portable_ld
