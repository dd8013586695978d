// SPDX-License-Identifier: Apache-2.0
#include "link/log.h"

#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/chrono.h>

#include "support/diagnostics.h"
#include "support/json.h"
#include "verify/verdict_json.h"

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace portable_ld {

namespace {

// Go's environment that identifies the build; never the whole environment.
constexpr const char *k_go_variables[] = {"GOOS", "GOARCH", "GOVERSION", "CGO_ENABLED",
                                          "TOOLEXEC_IMPORTPATH"};

std::string utc_timestamp() {
  auto now = std::chrono::system_clock::now();
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
      1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(now)),
                     millis);
}

int64_t microseconds(double ms) { return static_cast<int64_t>(ms * 1000); }

// {"inputs": [{"path", "real_path", "size", "sha256", "package": {...}, "members"}, ...], "sbom",
// "package_note"}: the files the linker read, in its order, the SBOM written of them and
// the package note written into the output.
llvm::json::Object provenance_json(const std::vector<LinkInput> &inputs,
                                   const std::optional<std::string> &sbom,
                                   const std::optional<std::string> &package_note) {
  llvm::json::Array array;
  for (const LinkInput &input : inputs) {
    llvm::json::Object entry{{"path", json_string(input.path)},
                             {"real_path", json_string(input.real_path)},
                             {"size", static_cast<int64_t>(input.size)}};
    if (!input.sha256.empty()) {
      entry["sha256"] = json_string(input.sha256);
    }
    if (input.package) {
      entry["package"] =
          llvm::json::Object{{"name", json_string(input.package->name)},
                             {"version", json_string(input.package->version)},
                             {"architecture", json_string(input.package->architecture)}};
    }
    if (!input.error.empty()) {
      entry["error"] = json_string(input.error);
    }
    if (!input.members.empty()) {
      entry["members"] = json_strings(input.members);
    }
    array.push_back(std::move(entry));
  }
  llvm::json::Object object{{"inputs", std::move(array)}};
  if (sbom) {
    object["sbom"] = json_string(*sbom);
  }
  if (package_note) {
    object["package_note"] = json_string(*package_note);
  }
  return object;
}

// Opens without blocking: a FIFO with no reader would hold the link forever (it fails
// with ENXIO instead). Writes then block as usual, for a FIFO that has a reader.
int open_for_append(const std::string &path) {
  const int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0 && errno == ENOENT) {
    llvm::sys::fs::create_directories(llvm::sys::path::parent_path(path));
    fd = ::open(path.c_str(), flags, 0644);
  }
  if (fd >= 0) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  }
  return fd;
}

// write(2) with SIGXFSZ ignored: past `ulimit -f` the write fails with EFBIG instead of
// the signal killing portable-ld after a link that succeeded. Restored at once, so that
// no program portable-ld runs inherits the change.
ssize_t write_ignoring_file_size_limit(int fd, const std::string &bytes) {
  struct sigaction ignore = {}, previous = {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGXFSZ, &ignore, &previous);
  ssize_t written = ::write(fd, bytes.data(), bytes.size());
  int saved_errno = errno;
  ::sigaction(SIGXFSZ, &previous, nullptr);
  errno = saved_errno;
  return written;
}

} // namespace

llvm::json::Object to_json(const InvocationRecord &record, const Config &config) {
  llvm::SmallString<256> cwd;
  llvm::sys::fs::current_path(cwd);
  llvm::json::Object go;
  for (const char *name : k_go_variables) {
    if (const char *value = std::getenv(name)) {
      go[name] = json_string(value);
    }
  }
  llvm::json::Array changes;
  for (const ArgumentChange &change : record.changes) {
    changes.push_back(to_json(change));
  }

  llvm::json::Object object{
      {"schema", k_log_schema_version},
      {"time", utc_timestamp()},
      {"pid", static_cast<int64_t>(::getpid())},
      {"cwd", json_string(cwd)},
      {"role", to_string(record.role)},
      {"argv", json_strings(record.argv_received)},
      {"argv_run", json_strings(record.argv_run)},
      {"backend", json_string(record.backend)},
      {"go", std::move(go)},
      {"static_requested", record.static_requested},
      {"static_source", to_string(record.static_source)},
      {"changes", std::move(changes)},
      {"exit_code", record.exit_code},
      {"duration_us", llvm::json::Object{{"total", microseconds(record.total_ms)},
                                         {"backend", microseconds(record.backend_ms)},
                                         {"verify", microseconds(record.verify_ms)}}},
      {"result", to_string(record.result)},
  };
  if (record.expanded) {
    object["argv_expanded"] = json_strings(*record.expanded);
  }
  if (record.backend_status) {
    object["backend_status"] =
        llvm::json::Object{{"code", record.backend_status->code},
                           {"signal", record.backend_status->signal}};
  }
  if (record.reproducer) {
    object["reproducer"] = json_string(*record.reproducer);
  }
  if (record.output) {
    object["output"] = json_string(*record.output);
  }
  if (record.glibc_floor) {
    object["glibc_floor"] = *record.glibc_floor;
  }
  if (record.provenance) {
    object["provenance"] = provenance_json(*record.provenance, record.sbom, record.package_note);
  }
  if (record.verdict) {
    object["verdict"] = to_json(*record.verdict);
  }
  if (!record.errors.empty()) {
    object["errors"] = json_strings(record.errors);
  }
  if (!record.warnings.empty()) {
    object["warnings"] = json_strings(record.warnings);
  }
  if (config.config_file) {
    object["config_file"] = json_string(*config.config_file);
  }
  return object;
}

const char *to_string(Result result) {
  switch (result) {
  case Result::Ok:
    return "ok";
  case Result::Passthrough:
    return "passthrough";
  case Result::BackendFailed:
    return "backend-failed";
  case Result::VerifyFailed:
    return "verify-failed";
  case Result::BadOutput:
    return "bad-output";
  case Result::Unverified:
    return "unverified";
  case Result::Error:
    return "error";
  }
  llvm_unreachable("unknown Result");
}

void record_judgement(InvocationRecord &record, const JudgedOutput &judged) {
  record.verdict = judged.verdict;
  for (const Violation &violation : judged.violations) {
    (violation.fatal ? record.errors : record.warnings).push_back(violation.message);
  }
}

int close_record(InvocationRecord &record, int exit_code, Result result, Clock::time_point start,
                 const Config &config, Diagnostics &diagnostics, bool quiet) {
  record.exit_code = exit_code;
  record.result = result;
  record.total_ms = ms_since(start);
  if (config.log_path && !(quiet && *config.log_path == "-")) {
    append_log(*config.log_path, to_json(record, config), diagnostics, !quiet);
  }
  return exit_code;
}

void append_log(const std::string &path, llvm::json::Object record,
                Diagnostics &diagnostics, bool warn) {
  std::string line;
  llvm::raw_string_ostream stream(line);
  stream << llvm::json::Value(std::move(record));
  stream.flush();
  line += '\n';

  const bool to_stderr = path == "-";
  int fd = to_stderr ? 2 : open_for_append(path);
  if (fd < 0) {
    if (warn) {
      diagnostics.warn("cannot write log '{}': {}", path,
                       errno == ENXIO ? "a FIFO that no process reads" : std::strerror(errno));
    }
    return;
  }
  // O_APPEND makes each write() atomic in position; the lock keeps a large record from
  // being split by a concurrent writer on file systems that do not honour that.
  struct stat before = {};
  bool regular = false;
  if (!to_stderr) {
    ::flock(fd, LOCK_EX);
    regular = ::fstat(fd, &before) == 0 && S_ISREG(before.st_mode);
  }
  ssize_t written = write_ignoring_file_size_limit(fd, line);
  int saved_errno = errno;
  // A torn record (full disk, file size limit) is cut off again, under the lock, so that
  // the next record starts a line of its own instead of being lost with it.
  if (regular && written != static_cast<ssize_t>(line.size())) {
    if (::ftruncate(fd, before.st_size) != 0) {
      // The torn bytes stay; the next record still begins on a new line.
      (void)write_ignoring_file_size_limit(fd, "\n");
    }
  }
  if (!to_stderr) {
    ::close(fd);
  }
  if (written != static_cast<ssize_t>(line.size()) && warn) {
    diagnostics.warn("cannot write log '{}': {}", path,
                     written < 0 ? std::strerror(saved_errno) : "short write");
  }
}

} // namespace portable_ld
