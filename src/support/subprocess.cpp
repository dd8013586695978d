// SPDX-License-Identifier: Apache-2.0
#include "support/subprocess.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <spawn.h>
#include <sys/signalfd.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"

extern char **environ;

namespace portable_ld {

namespace {

constexpr size_t k_max_captured = 64 * 1024;
constexpr int k_forwarded_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// Blocks the forwarded signals and SIGCHLD for its lifetime and restores the old mask, so
// a signal that arrived while we waited is delivered (with its default action) afterwards.
class BlockedSignals {
public:
  BlockedSignals() {
    sigemptyset(&m_set);
    for (int signal : k_forwarded_signals) {
      sigaddset(&m_set, signal);
    }
    sigaddset(&m_set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &m_set, &m_old);
  }
  ~BlockedSignals() { sigprocmask(SIG_SETMASK, &m_old, nullptr); }
  BlockedSignals(const BlockedSignals &) = delete;
  BlockedSignals &operator=(const BlockedSignals &) = delete;
  const sigset_t &set() const { return m_set; }
  const sigset_t &old() const { return m_old; }

private:
  sigset_t m_set;
  sigset_t m_old;
};

class FileActions {
public:
  FileActions() { posix_spawn_file_actions_init(&m_actions); }
  ~FileActions() { posix_spawn_file_actions_destroy(&m_actions); }
  posix_spawn_file_actions_t *get() { return &m_actions; }

private:
  posix_spawn_file_actions_t m_actions;
};

class SpawnAttributes {
public:
  SpawnAttributes() { posix_spawnattr_init(&m_attributes); }
  ~SpawnAttributes() { posix_spawnattr_destroy(&m_attributes); }
  posix_spawnattr_t *get() { return &m_attributes; }

private:
  posix_spawnattr_t m_attributes;
};

std::vector<char *> c_strings(const std::vector<std::string> &strings) {
  std::vector<char *> pointers;
  pointers.reserve(strings.size() + 1);
  for (const std::string &s : strings) {
    pointers.push_back(const_cast<char *>(s.c_str()));
  }
  pointers.push_back(nullptr);
  return pointers;
}

ExitStatus decode(int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    return {0, WTERMSIG(wait_status)};
  }
  return {WEXITSTATUS(wait_status), 0};
}

void write_all(int fd, const char *data, size_t size) {
  while (size > 0) {
    ssize_t written = ::write(fd, data, size);
    if (written < 0 && errno == EINTR) {
      continue;
    }
    if (written <= 0) {
      return;
    }
    data += written;
    size -= static_cast<size_t>(written);
  }
}

} // namespace

char FoundOnlyRelative::ID = 0;

RunError take_run_error(llvm::Error error) {
  RunError taken;
  llvm::handleAllErrors(std::move(error), [&](const llvm::ErrorInfoBase &info) {
    taken.code = info.convertToErrorCode();
    taken.reason = info.message();
    taken.found_only_relative = info.isA<FoundOnlyRelative>();
  });
  return taken;
}

llvm::Expected<std::string> resolve_program(const std::string &name) {
  auto executable = [](const std::string &path) {
    return llvm::sys::fs::can_execute(path) && !llvm::sys::fs::is_directory(path);
  };
  if (name.find('/') != std::string::npos) {
    // A path is checked the way execve will.
    std::error_code error;
    if (!llvm::sys::fs::exists(name)) {
      error = std::make_error_code(std::errc::no_such_file_or_directory);
    } else if (!executable(name)) {
      error = std::make_error_code(std::errc::permission_denied);
    }
    if (error) {
      return llvm::createStringError(error, error.message());
    }
    return name;
  }
  const char *path = std::getenv("PATH");
  llvm::SmallVector<llvm::StringRef, 16> entries;
  llvm::StringRef(path ? path : "").split(entries, ':');
  std::string relative; // the first match through a relative entry, for the message
  for (llvm::StringRef entry : entries) {
    bool absolute = entry.startswith("/");
    std::string candidate = (entry.empty() ? "." : entry.str()) + "/" + name;
    if (!executable(candidate)) {
      continue;
    }
    if (absolute) {
      return candidate;
    }
    if (relative.empty()) {
      relative = candidate;
    }
  }
  if (!relative.empty()) {
    return llvm::make_error<FoundOnlyRelative>(
        "found only as '" + relative +
            "', through a relative PATH entry, which portable-ld does not search: the "
            "directory being built could supply it",
        std::make_error_code(std::errc::no_such_file_or_directory));
  }
  std::error_code error = std::make_error_code(std::errc::no_such_file_or_directory);
  return llvm::createStringError(error, error.message());
}

std::vector<std::string> environment_with(const std::string &name, const std::string &value) {
  std::vector<std::string> env;
  std::string prefix = name + "=";
  for (char **entry = environ; *entry; ++entry) {
    if (std::strncmp(*entry, prefix.c_str(), prefix.size()) != 0) {
      env.emplace_back(*entry);
    }
  }
  env.push_back(prefix + value);
  return env;
}

std::vector<std::string> current_environment() {
  std::vector<std::string> env;
  for (char **entry = environ; *entry; ++entry) {
    env.emplace_back(*entry);
  }
  return env;
}

namespace {

// Starts the child with `request`'s argv and environment, our original signal mask, and
// its stderr on `stderr_pipe`'s write end when that is open (then closed here).
llvm::Expected<pid_t> start_child(const SpawnRequest &request, const BlockedSignals &blocked,
                                  int stderr_pipe[2]) {
  FileActions actions;
  if (stderr_pipe[1] >= 0) {
    posix_spawn_file_actions_adddup2(actions.get(), stderr_pipe[1], 2);
  }
  if (!request.stdout_path.empty()) {
    posix_spawn_file_actions_addopen(actions.get(), 1, request.stdout_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
  }
  // The child starts with our original signal mask. Dispositions are inherited as exec
  // leaves them: portable-ld installs no handlers, and what the caller ignored (nohup's
  // SIGHUP, a background job's SIGINT) stays ignored in the backend too.
  SpawnAttributes attributes;
  posix_spawnattr_setsigmask(attributes.get(), &blocked.old());
  posix_spawnattr_setflags(attributes.get(), POSIX_SPAWN_SETSIGMASK);

  std::vector<char *> argv = c_strings(request.argv);
  std::vector<char *> envp = c_strings(request.env);
  pid_t pid = 0;
  int spawn_error = posix_spawn(&pid, request.program.c_str(), actions.get(), attributes.get(),
                                argv.data(), envp.data());
  if (stderr_pipe[1] >= 0) {
    ::close(stderr_pipe[1]);
  }
  if (spawn_error != 0) {
    if (stderr_pipe[0] >= 0) {
      ::close(stderr_pipe[0]);
    }
    std::error_code code(spawn_error, std::generic_category());
    return llvm::createStringError(code, code.message());
  }
  return pid;
}

// Waits for `pid`, forwarding the blocked signals to it and handing what it writes to
// `stderr_fd` (closed here; -1: none) to `take`. Returns the wait status.
template <class Take>
int wait_forwarding(pid_t pid, const BlockedSignals &blocked, int stderr_fd, Take take) {
  int signal_fd = signalfd(-1, &blocked.set(), SFD_CLOEXEC);
  int wait_status = 0;
  bool reaped = false;
  // Until the child is reaped its pid cannot be reused, so forwarding a signal to it is
  // safe. SIGCHLD arrives through the signalfd and ends the poll.
  while (!(reaped = ::waitpid(pid, &wait_status, WNOHANG) == pid)) {
    pollfd fds[2] = {{signal_fd, POLLIN, 0}, {stderr_fd, POLLIN, 0}};
    // Without a signalfd nothing would wake the poll when the child exits: poll briefly.
    if (::poll(fds, 2, signal_fd < 0 ? 10 : -1) < 0 && errno != EINTR) {
      break;
    }
    if (stderr_fd >= 0 && fds[1].revents != 0) {
      char buffer[8192];
      ssize_t n = ::read(stderr_fd, buffer, sizeof buffer);
      if (n > 0) {
        take(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(stderr_fd);
        stderr_fd = -1;
      }
    }
    if (signal_fd >= 0 && (fds[0].revents & POLLIN)) {
      signalfd_siginfo info;
      if (::read(signal_fd, &info, sizeof info) == sizeof info &&
          info.ssi_signo != SIGCHLD) {
        ::kill(pid, static_cast<int>(info.ssi_signo));
      }
    }
  }
  if (!reaped) {
    while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
    }
  }
  // What the child left in the pipe is read without waiting for end-of-file: a process
  // it started (a daemon, a build server) may hold the pipe open indefinitely.
  if (stderr_fd >= 0) {
    ::fcntl(stderr_fd, F_SETFL, ::fcntl(stderr_fd, F_GETFL) | O_NONBLOCK);
    char buffer[8192];
    for (ssize_t n; (n = ::read(stderr_fd, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR);) {
      if (n > 0) {
        take(buffer, static_cast<size_t>(n));
      }
    }
    ::close(stderr_fd);
  }
  if (signal_fd >= 0) {
    ::close(signal_fd);
  }
  return wait_status;
}

} // namespace

llvm::Expected<SpawnResult> spawn_and_wait(const SpawnRequest &request) {
  BlockedSignals blocked;
  int stderr_pipe[2] = {-1, -1};
  if (request.stderr_mode != StderrMode::Inherit && ::pipe2(stderr_pipe, O_CLOEXEC) != 0) {
    return llvm::createStringError(std::error_code(errno, std::generic_category()),
                                   "cannot create a pipe: %s", std::strerror(errno));
  }
  llvm::Expected<pid_t> pid = start_child(request, blocked, stderr_pipe);
  if (!pid) {
    return pid.takeError();
  }
  SpawnResult result;
  auto take = [&](const char *data, size_t size) {
    if (request.stderr_mode == StderrMode::Capture) {
      result.captured_stderr.append(data, size);
      return;
    }
    write_all(2, data, size);
    size_t room = k_max_captured - std::min(k_max_captured, result.captured_stderr.size());
    result.captured_stderr.append(data, std::min(room, size));
  };
  result.status = decode(wait_forwarding(*pid, blocked, stderr_pipe[0], take));
  return result;
}

llvm::Expected<std::string> read_whole_file(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    return llvm::createStringError(buffer.getError(), "cannot read '%s': %s", path.c_str(),
                                   buffer.getError().message().c_str());
  }
  return (*buffer)->getBuffer().str();
}

llvm::Expected<std::string> run_capturing_stdout(const std::string &program,
                                                 const std::vector<std::string> &argv,
                                                 std::vector<std::string> env, int &exit_code,
                                                 StderrMode stderr_mode) {
  llvm::SmallString<128> path;
  if (std::error_code error = llvm::sys::fs::createTemporaryFile("portable-ld", "out", path)) {
    return llvm::createStringError(error, "cannot create a temporary file: %s",
                                   error.message().c_str());
  }
  if (env.empty()) {
    env = current_environment();
  }
  SpawnRequest request{program, argv, std::move(env), stderr_mode, path.str().str()};
  llvm::Expected<SpawnResult> result = spawn_and_wait(request);
  llvm::Expected<std::string> output =
      result ? read_whole_file(request.stdout_path)
             : llvm::Expected<std::string>(llvm::createStringError(
                   std::errc::no_such_file_or_directory, "cannot run '%s': %s",
                   program.c_str(), llvm::toString(result.takeError()).c_str()));
  llvm::sys::fs::remove(path);
  if (output && result) {
    exit_code = result->status.shell_code();
  }
  return output;
}

std::error_code exec_program(const std::string &program, const std::vector<std::string> &argv,
                             const std::vector<std::string> &env) {
  std::vector<char *> argv_c = c_strings(argv);
  std::vector<char *> env_c = c_strings(env);
  ::execve(program.c_str(), argv_c.data(), env_c.data());
  return std::error_code(errno, std::generic_category());
}

} // namespace portable_ld
