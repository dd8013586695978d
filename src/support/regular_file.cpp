// SPDX-License-Identifier: Apache-2.0
#include "support/regular_file.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

namespace portable_ld {

namespace {

const char *kind_of(mode_t mode) {
  if (S_ISDIR(mode)) {
    return "a directory";
  }
  if (S_ISFIFO(mode)) {
    return "a FIFO";
  }
  if (S_ISCHR(mode)) {
    return "a character device";
  }
  if (S_ISBLK(mode)) {
    return "a block device";
  }
  if (S_ISSOCK(mode)) {
    return "a socket";
  }
  return "not a file";
}

// An open descriptor, closed when it goes.
struct OpenFile {
  int fd = -1;
  uint64_t size = 0;
  OpenFile() = default;
  OpenFile(const OpenFile &) = delete;
  OpenFile &operator=(const OpenFile &) = delete;
  ~OpenFile() {
    if (fd >= 0) {
      ::close(fd);
    }
  }
};

// Opens `path` without blocking, and only if it is a regular file.
llvm::Error open_regular_file(const std::string &path, OpenFile &file) {
  file.fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (file.fd < 0) {
    std::error_code error(errno, std::generic_category());
    return llvm::createStringError(error, error.message());
  }
  struct stat status;
  if (::fstat(file.fd, &status) != 0) {
    std::error_code error(errno, std::generic_category());
    return llvm::createStringError(error, error.message());
  }
  if (S_ISDIR(status.st_mode)) {
    return llvm::createStringError(std::make_error_code(std::errc::is_a_directory),
                                   "Is a directory");
  }
  if (!S_ISREG(status.st_mode)) {
    return llvm::createStringError(std::errc::invalid_argument, "%s, not a regular file",
                                   kind_of(status.st_mode));
  }
  file.size = static_cast<uint64_t>(status.st_size);
  return llvm::Error::success();
}

} // namespace

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> read_regular_file(const std::string &path,
                                                                      uint64_t limit) {
  OpenFile file;
  if (llvm::Error error = open_regular_file(path, file)) {
    return error;
  }
  int fd = file.fd;
  uint64_t size = file.size;
  if (size > limit) {
    return llvm::createStringError(std::errc::file_too_large,
                                   "%llu bytes, larger than the %llu this reads",
                                   static_cast<unsigned long long>(size),
                                   static_cast<unsigned long long>(limit));
  }
  // The size from fstat, not "until EOF": a file that grows meanwhile is read as it was.
  auto buffer = llvm::MemoryBuffer::getOpenFile(
      llvm::sys::fs::convertFDToNativeFile(fd), path, size, /*RequiresNullTerminator=*/false,
      /*IsVolatile=*/size < k_map_threshold);
  if (!buffer) {
    return llvm::createStringError(buffer.getError(), buffer.getError().message());
  }
  return std::move(*buffer);
}

llvm::Expected<std::string> read_regular_file_head(const std::string &path, size_t size) {
  OpenFile file;
  if (llvm::Error error = open_regular_file(path, file)) {
    return error;
  }
  std::string head(std::min<uint64_t>(size, file.size), '\0');
  size_t done = 0;
  while (done < head.size()) {
    ssize_t got = ::pread(file.fd, head.data() + done, head.size() - done,
                          static_cast<off_t>(done));
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      std::error_code error(errno, std::generic_category());
      return llvm::createStringError(error, error.message());
    }
    if (got == 0) {
      break; // truncated meanwhile
    }
    done += static_cast<size_t>(got);
  }
  head.resize(done);
  return head;
}

llvm::Error write_whole_file(const std::string &path, std::string_view bytes) {
  std::error_code error;
  llvm::raw_fd_ostream out(path, error);
  if (error) {
    return llvm::createStringError(error, "cannot write '%s': %s", path.c_str(),
                                   error.message().c_str());
  }
  out << bytes;
  out.close();
  if (out.has_error()) {
    error = out.error();
    out.clear_error(); // else the stream's destructor aborts the process
    return llvm::createStringError(error, "cannot write '%s': %s", path.c_str(),
                                   error.message().c_str());
  }
  return llvm::Error::success();
}

llvm::Expected<FileBeside> create_file_beside(const std::string &path) {
  FileBeside file;
  for (int attempt = 0; attempt < 16; ++attempt) {
    uint64_t random = (uint64_t{llvm::sys::Process::GetRandomNumber()} << 32) |
                      llvm::sys::Process::GetRandomNumber();
    file.path = path + "." + llvm::utohexstr(random, /*LowerCase=*/true) + ".tmp";
    file.fd = ::open(file.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (file.fd >= 0) {
      return file;
    }
    if (errno != EEXIST) {
      break;
    }
  }
  std::error_code error(errno, std::generic_category());
  return llvm::createStringError(error, error.message());
}

llvm::Error replace_whole_file(const std::string &path, std::string_view bytes) {
  auto fail = [&](std::error_code error) {
    return llvm::createStringError(error, "cannot write '%s': %s", path.c_str(),
                                   error.message().c_str());
  };
  llvm::Expected<FileBeside> beside = create_file_beside(path);
  if (!beside) {
    return fail(llvm::errorToErrorCode(beside.takeError()));
  }
  int fd = beside->fd;
  const std::string &temporary = beside->path;
  std::error_code error;
  {
    llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
    out << bytes;
    out.close();
    if (out.has_error()) {
      error = out.error();
      out.clear_error();
    }
  }
  if (!error) {
    error = llvm::sys::fs::rename(temporary, path);
  }
  if (error) {
    llvm::sys::fs::remove(temporary);
    return fail(error);
  }
  return llvm::Error::success();
}

} // namespace portable_ld
