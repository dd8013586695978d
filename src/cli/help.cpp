// SPDX-License-Identifier: Apache-2.0
//
// `portable-ld --help` and `--version`.
#include <fmt/format.h>

#include "cli/cli.h"
#include "link/config.h"
#include "support/version.h"

#include "llvm/Config/llvm-config.h"

namespace portable_ld {

void print_version() {
  fmt::print("portable-ld {} (LLVM {})\n", k_version, LLVM_VERSION_STRING);
}

void print_help() {
  fmt::print(R"(OVERVIEW: portable-ld {} - a drop-in external linker for Go that logs, enforces
-static and verifies every link with LLVM's Object library

USAGE:
  portable-ld [compiler driver arguments...]   wrap the backend compiler driver
  portable-ld --launcher [--static] [--log=PATH] DRIVER [arguments...]
                                              wrap DRIVER (CMake's linker launcher)
  portable-ld check [--static] [--json] [--goarch=ARCH] [--nss=POLICY] [--policy=NAME]
                    [--max-glibc=V] [--allow-libs=LIBS] ... FILE...   (check --help)
  portable-ld check --sbom FILE               the CycloneDX SBOM of a file's package note
  portable-ld replay [--keep] [-o FILE] BUNDLE.tar   re-run a PORTABLE_LD_REPRODUCE bundle
  portable-ld++ ...                           the same, with c++ as the default backend
  portable-ld --help | --version

  go build -ldflags '-linkmode=external -extld=portable-ld' .
  PORTABLE_LD_STATIC=1 go build -ldflags '-linkmode=external -extld=portable-ld' .
  CC=portable-ld go build .
  PORTABLE_LD_STATIC=1 go build -toolexec=portable-ld .
                      toolexec guard: when static is requested, force an external,
                      verified link (Go's internal linker ignores -extldflags)

SETTINGS (environment first, then the config file):
{}
EXIT CODES (wrapper): the backend's own status (128+n when killed by signal n), or
  64 bad setting, recursion or impossible static request; 65 output failed verification
  (removed); 66 output missing or unreadable; 70 internal error; 126 backend cannot be
  executed; 127 backend not found. Under -toolexec the Go tool's status takes the
  backend's place, and 70 also means runtime/cgo could not be added to the link.
EXIT CODES (check): 0 all pass; 1 a requirement failed; 2 a file is unreadable or not an
  object file.

See portable-ld(1) and docs/ for the log schema and every diagnostic.
)",
             k_version, describe_settings());
}

} // namespace portable_ld
