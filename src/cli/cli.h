// SPDX-License-Identifier: Apache-2.0
//
// The map of portable-ld. Data flows one way:
//
//   argv -> settings (link/config.h) -> @file expansion (link/response_file.h)
//        -> classification (link/arguments.h) -> plan (link/link_plan.h: the static
//        rewrite, link/static_rewrite.h; the linker choice, link/fuse_ld.h)
//        -> backend run (support/subprocess.h) -> a failure explained (link/backend_output.h)
//        -> verification (verify/) -> judgement (judge/) -> provenance (provenance/)
//        -> reproducer (link/reproducer.h) -> log record (link/log.h) -> exit status
//
// Seven layers, one folder and one static library each, each using only those below it
// (tests/layers/check-layers.py holds them to it, and to this map). Every file, one line:
//
// support/   knows nothing of linking
//   buffer_pool.h         memory reused for reading many files' parts, never unmapped per file
//   diagnostics.h         error/warning/note/hint lines in lld's shape; colour, NO_COLOR
//   find_bytes.h          a string in megabytes of a binary or a map, 16 offsets at a time
//   json.h                JSON strings that lose no byte of a non-UTF-8 argument or path
//   quoting.h             Go's command splitting and %q, the shell's single quotes,
//                         control characters escaped for a terminal
//   regular_file.h        a named file's bytes, whole or in parts: regular files only,
//                         never blocking
//   subprocess.h          spawn and exec without a shell, signals forwarded, exact status
//   tar_reader.h          the ustar/PAX archives llvm::TarWriter writes
//   version.h             portable-ld's version
//   xdg_paths.h           the config file, the default log and the cache under XDG
// verify/    reads files, never judges
//   verify.h              Verdict; inspect_file(): identify, then one reader per format
//   elf.cpp               ELF: segments, dynamic section, version needs, kind, sections
//   elf_parts.h           the parts of a dynamic ELF image a verdict reads, by pread(2)
//   macho.cpp             Mach-O: load commands (bounded before LLVM reads them),
//                         undefined symbols, kind
//   coff.cpp              PE/COFF: headers, imports and delay imports, checked before
//                         LLVM reads them
//   go_binary.h           Go's build information, linker and runtime/cgo
//   glibc_hazards.h       NSS, iconv and dlopen in a static glibc image, and in ld's warnings
//   call_sites.h          direct calls to given addresses in x86 and arm64 machine code
//   package_note.h        the ELF package metadata note (.note.package, owner FDO)
//   symbol_versions.h     GLIBC_2.34 as data: split, compare, newest per family
//   library_exports.h     a shared library's defined symbols, version by version
//   verdict_json.h        a verdict's JSON, apart so the readers need no JSON.h (fuzzer)
// judge/     the only place violations are worded
//   judge.h               Requirements, Violation, judge(): a verdict against what was asked
//   portability_policy.h  manylinux-style presets and version and library limits
//   judge_output.h        the one judgement step: verify, judge, report, remove
// floor/     a glibc floor built at link time (PORTABLE_LD_GLIBC)
//   glibc_stubs.h         stub libraries as text: symbols at their newest version up to
//                         the floor, moved symbols in their old libraries, start-up shim
//   glibc_floor.h         the stubs built with the backend, cached, and the link's arguments
// provenance/ what went into a link (PORTABLE_LD_PROVENANCE)
//   dependency_file.h     the files the linker read, from its --dependency-file rule
//   link_map.h            the archive members the linker took, from its -Map file
//   dpkg_database.h       dpkg's status and file lists: the package that ships a file
//   link_inputs.h         each input's size, SHA-256 and Debian package
//   provenance_cache.h    hashes and packages learnt before, under XDG_CACHE_HOME
//   sbom.h                the CycloneDX 1.5 SBOM of a link, written as OUTPUT.cdx.json
//   package_note.h        the package note: an object reserves it, written after the link
// link/      one link, before and after the backend
//   config.h              settings: one table of keys, environment over file, parsed by row
//   arguments.h           classification of a compiler-driver command line
//   response_file.h       @file expansion (Go's %q lines, libiberty) and writing
//   static_rewrite.h      a final link made static, each change with its reason
//   link_plan.h           plan_link(): what runs, decided before anything runs
//   fuse_ld.h             PORTABLE_LD_FUSE_LD and Go's gold: the linker, probed once and cached
//   backend_output.h      what the backend said: why a static link failed, -###, triples
//   undefined_references.h  a failed link's undefined symbols, in each linker's words
//   library_search.h      which libraries define them, and what to add to a static link
//   log.h                 the invocation record, its result, its one-write append
//   reproducer.h          a final link's inputs and command in a tar bundle
// cli/       one file per mode
//   main.cpp              picks the mode from argv
//   wrapper.cpp           the compiler-driver wrapper, and --launcher
//   check.cpp             portable-ld check
//   replay.cpp            portable-ld replay
//   toolexec.cpp          the -toolexec guard
//   help.cpp              --help and --version
//   cli.h                 this map, the exit codes, every mode's entry point
//
// Room for what comes next: hazard detection belongs in verify/ (what a file contains)
// and its wording in judge/; diagnosing a failed link from the linker's messages and the
// libraries on the search path in link/ (beside backend_output.h); what the glibc floor
// rewrites or shims (renamed functions, stat before 2.33) in floor/.
#pragma once

#include <string>
#include <system_error>
#include <vector>

#include "link/config.h"
#include "support/diagnostics.h"

#include "llvm/Support/Error.h"

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

// The status for a program that could not be started, as a shell reports it.
inline int exit_code_for_exec(std::error_code error) {
  return error == std::errc::no_such_file_or_directory ? k_exit_not_found
                                                        : k_exit_cannot_execute;
}

// A malformed setting, as every mode reports it: the error, then where the settings are
// listed.
void report_settings_error(Diagnostics &diagnostics, llvm::Error error);

// `portable-ld check` exit codes.
enum CheckExitCode : int {
  k_check_pass = 0,
  k_check_policy_failed = 1,
  k_check_unreadable = 2,
};

// The compiler-driver wrapper (wrapper.cpp): `argv` is exactly what the build passed to
// `cc`. The settings are read from the environment and the config file, or given (replay).
int run_wrapper(const std::vector<std::string> &argv);
int run_wrapper(const std::vector<std::string> &argv, Config config);

// Launcher mode, for CMake's <LANG>_LINKER_LAUNCHER = "portable-ld;--launcher": argv is
// `portable-ld --launcher [--static] [--log=PATH] DRIVER ARGS...`; DRIVER is the backend in
// place of PORTABLE_LD_CC, and the options, written by the build's own configuration,
// override the environment and the config file for this link.
int run_launcher(const std::vector<std::string> &argv);

// `portable-ld check [options] FILE...` (check.cpp); `args` excludes "portable-ld check".
int run_check(const std::vector<std::string> &args);

// `portable-ld replay [--keep] [-o FILE] BUNDLE` (replay.cpp); `args` excludes
// "portable-ld replay".
int run_replay(const std::vector<std::string> &args);

// The -toolexec guard (toolexec.cpp): `go build -toolexec=portable-ld`. cmd/go then runs
// every Go tool as `portable-ld /GOROOT/pkg/tool/GOOS_GOARCH/TOOL ARGS...` (and its tool
// and compiler identity queries as `portable-ld TOOL -V=full` and `portable-ld CC -### -x c
// -c -`). Every tool but `link` is exec'd untouched. When a static link is requested
// (PORTABLE_LD_STATIC, the config file, or -extldflags with -static), `link` gets
// -linkmode=external -extld=<portable-ld> so Go's internal linker cannot silently ignore
// the request, and runtime/cgo when the import config lacks it (an external link without
// it crashes at startup); its output is verified as a final link's is. `link -V=full`
// gets portable-ld's policy appended, because cmd/go keys its link cache on that line.
//
// is_toolexec_call: argv[1] is an absolute path to a program run with cmd/go's
// TOOLEXEC_IMPORTPATH set or asked for -V=full, or argv is `NAME -### ...`.
bool is_toolexec_call(const std::vector<std::string> &argv);
int run_toolexec(const std::vector<std::string> &argv);

// `portable-ld --help` and `--version` (help.cpp).
void print_help();
void print_version();

} // namespace portable_ld
