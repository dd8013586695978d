// SPDX-License-Identifier: Apache-2.0
//
// Entry point. Invoked under its own name, portable-ld answers --help, --version, the
// `check` subcommand, launcher mode (--launcher DRIVER) and -toolexec calls (a Go tool's
// path first); every other command line (and
// every command line when installed under another name, e.g. as `cc`) is a
// compiler-driver invocation to wrap.
#include <string>
#include <vector>

#include "cli/cli.h"

#include "llvm/Support/Path.h"

int main(int argc, char **argv) {
  std::vector<std::string> args(argv, argv + argc);
  if (args.empty()) {
    args.push_back("portable-ld"); // execve with an empty argv: be the wrapper of nothing
  }
  if (llvm::sys::path::filename(args[0]).startswith("portable-ld") && args.size() >= 2) {
    if (args.size() == 2 && args[1] == "--help") {
      portable_ld::print_help();
      return 0;
    }
    if (args.size() == 2 && args[1] == "--version") {
      portable_ld::print_version();
      return 0;
    }
    if (args[1] == "--launcher") {
      return portable_ld::run_launcher(args);
    }
    if (args[1] == "replay") {
      return portable_ld::run_replay({args.begin() + 2, args.end()});
    }
    if (args[1] == "check") {
      return portable_ld::run_check({args.begin() + 2, args.end()});
    }
    if (portable_ld::is_toolexec_call(args)) {
      return portable_ld::run_toolexec(args);
    }
  }
  return portable_ld::run_wrapper(args);
}
