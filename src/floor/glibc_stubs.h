// SPDX-License-Identifier: Apache-2.0
//
// A glibc floor's stub libraries, as text: for each of the host's glibc libraries, an
// assembly file that defines every symbol at its newest GLIBC_ version not above the
// floor, and the version script that makes that version the default. The backend builds
// them (floor/glibc_floor.h); a link against them binds no newer version. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "verify/library_exports.h"

namespace portable_ld {

// The libraries a floor stands in for, by SONAME, ld.so last; `machine` picks ld.so's
// name (EM_X86_64 or EM_AARCH64; others have no floor).
std::vector<std::string> glibc_floor_libraries(unsigned machine);

// The library that defined `symbol` before glibc 2.34 merged it into libc.so.6
// ("libpthread.so.0" for pthread_create), or empty.
std::string_view moved_symbol_library(std::string_view symbol);

struct StubLibrary {
  std::string soname;
  std::string assembly;       // GNU as syntax, for every architecture
  std::string version_script; // GNU ld syntax
  size_t symbols = 0;
};

// One stub per library in `host` (read from the host's files), for `floor` ("2.31"). Below
// 2.34, the symbols in moved_symbol_library() leave libc.so.6's stub for their old
// library's, so that the link records them there, as a link on an old system would.
std::vector<StubLibrary> plan_glibc_stubs(const std::vector<LibraryExports> &host,
                                          std::string_view floor);

// Below 2.34 (glibc's merge of libpthread and the others into libc, and its new start-up
// ABI): moved symbols go to their old libraries, and start-up goes through the shim.
bool glibc_floor_below_merge(std::string_view floor);

// One member of the floor's compatibility archive, as C: a function or variable that the
// host's static libraries (libstdc++.a, libgcc_eh.a) or start-up code use and that glibc
// gained only after the floor. The archive is searched with libc, so a member is linked
// only where something uses it.
struct CompatMember {
  std::string_view name;    // file stem, "dl-find-object"
  std::string_view symbols; // what it defines, for docs and tests: "_dl_find_object"
  std::string_view source;  // C, compiled with the host's headers
};
// The members a floor needs: the start-up shim below 2.34 (glibc 2.34's crt1.o passes no
// init function to __libc_start_main, and an older glibc's then runs no constructors: the
// shim wraps the call, -Wl,--wrap=__libc_start_main, and passes one that runs _init and
// .init_array, as those versions' __libc_csu_init did) and the resolver functions under
// their 2.34 names (res_search, calling libresolv's __res_search) below 2.34; stat,
// fstat, lstat, fstatat, mknod, mknodat (and the 64 forms) through __xstat and its kin
// below 2.33; fcntl64 below 2.28; getentropy below 2.25; __libc_single_threaded below
// 2.32; _dl_find_object below 2.35; arc4random below 2.36.
std::vector<CompatMember> glibc_compat_members(std::string_view floor);

} // namespace portable_ld
