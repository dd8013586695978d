// SPDX-License-Identifier: Apache-2.0
//
// Running the backend driver: posix_spawn with an argv vector, never a shell. While it
// runs, SIGINT/SIGTERM/SIGHUP/SIGQUIT are forwarded to it (signals are read from a
// signalfd, so no handler and no global state), and its exit status is returned exactly.
#pragma once

#include <string>
#include <vector>

#include "llvm/Support/Error.h"

namespace portable_ld {

struct ExitStatus {
  int code = 0;   // exit code, when the process exited
  int signal = 0; // signal number, when it was killed
  // The status a shell would report: the code, or 128+n for signal n.
  int shell_code() const { return signal != 0 ? 128 + signal : code; }
};

// What happens to the child's stderr.
enum class StderrMode {
  Inherit, // our file descriptor, untouched (the normal case)
  Tee,     // copied through to ours as it comes, and the first 64 KiB kept (to explain
           // a failed static link)
  Capture, // kept whole and not shown: the caller prints it (the -### compiler ID)
};

struct SpawnRequest {
  std::string program;           // resolved path of the executable
  std::vector<std::string> argv; // argv[0] first
  std::vector<std::string> env;  // full environment, NAME=value
  StderrMode stderr_mode = StderrMode::Inherit;
  std::string stdout_path = {}; // when set, the child's stdout goes to this new file
};

struct SpawnResult {
  ExitStatus status;
  std::string captured_stderr; // with Tee or Capture
};

// Finds `name` on PATH (a name with a slash is taken as a path). Relative PATH entries
// ("", ".", "bin") are not searched: they name a directory of whatever is being built,
// whose files a Go module controls (Go refuses them too). The error carries
// errc::no_such_file_or_directory or errc::permission_denied, and its message is the
// reason; a program that exists only through a relative entry is a FoundOnlyRelative.
llvm::Expected<std::string> resolve_program(const std::string &name);

// resolve_program's error for a program found only through a relative PATH entry.
class FoundOnlyRelative : public llvm::ErrorInfo<FoundOnlyRelative, llvm::StringError> {
public:
  using ErrorInfo::ErrorInfo;
  static char ID;
};

// Spawns and waits. An error means the program could not be started: its message is the
// reason (strerror text) and its error code the errno.
llvm::Expected<SpawnResult> spawn_and_wait(const SpawnRequest &request);

// An error of resolve_program or spawn_and_wait, taken apart for a diagnostic and an exit
// status.
struct RunError {
  std::error_code code;
  std::string reason;
  bool found_only_relative = false;
};
RunError take_run_error(llvm::Error error);

// Becomes `program` (execve: argv[0] first, `env` as NAME=value, no shell). Returns only
// when that fails, with errno's error code.
std::error_code exec_program(const std::string &program, const std::vector<std::string> &argv,
                             const std::vector<std::string> &env);

// Runs `argv` (argv[0] first) with `env` (empty: this process's environment), its stdout
// in a temporary file, and returns that output; `exit_code` gets the shell status. Its
// stderr is the user's, or (Capture) read and dropped, for a question the user did not ask.
llvm::Expected<std::string> run_capturing_stdout(const std::string &program,
                                                 const std::vector<std::string> &argv,
                                                 std::vector<std::string> env, int &exit_code,
                                                 StderrMode stderr_mode = StderrMode::Inherit);

// The whole content of a file, or an error naming it.
llvm::Expected<std::string> read_whole_file(const std::string &path);

// The environment of this process, and the same with `name` set to `value`.
std::vector<std::string> current_environment();
std::vector<std::string> environment_with(const std::string &name, const std::string &value);

} // namespace portable_ld
