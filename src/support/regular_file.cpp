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

// errno as an error that says only the reason.
llvm::Error errno_error() {
  std::error_code error(errno, std::generic_category());
  return llvm::createStringError(error, error.message());
}

} // namespace

// Opens `path` without blocking, and only if it is a regular file.
llvm::Expected<RegularFile> RegularFile::open(const std::string &path) {
  RegularFile file;
  file.m_fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (file.m_fd < 0) {
    return errno_error();
  }
  struct stat status;
  if (::fstat(file.m_fd, &status) != 0) {
    return errno_error();
  }
  if (S_ISDIR(status.st_mode)) {
    return llvm::createStringError(std::make_error_code(std::errc::is_a_directory),
                                   "Is a directory");
  }
  if (!S_ISREG(status.st_mode)) {
    return llvm::createStringError(std::errc::invalid_argument, "%s, not a regular file",
                                   kind_of(status.st_mode));
  }
  file.m_size = static_cast<uint64_t>(status.st_size);
  return file;
}

RegularFile::~RegularFile() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

llvm::Expected<uint64_t> RegularFile::read_up_to(uint64_t offset, uint64_t size,
                                                char *into) const {
  uint64_t done = 0;
  while (done < size) {
    ssize_t got = ::pread(m_fd, into + done, size - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return errno_error();
    }
    if (got == 0) {
      break; // truncated meanwhile
    }
    done += static_cast<uint64_t>(got);
  }
  return done;
}

llvm::Error RegularFile::read_at(uint64_t offset, uint64_t size, char *into) const {
  llvm::Expected<uint64_t> done = read_up_to(offset, size, into);
  if (!done) {
    return done.takeError();
  }
  if (*done < size) {
    return llvm::createStringError(std::errc::io_error, "the file shrank while it was read");
  }
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
RegularFile::read_all(const std::string &path, uint64_t limit) const {
  if (m_size > limit) {
    return llvm::createStringError(std::errc::file_too_large,
                                   "%llu bytes, larger than the %llu this reads",
                                   static_cast<unsigned long long>(m_size),
                                   static_cast<unsigned long long>(limit));
  }
  // The size from fstat, not "until EOF": a file that grows meanwhile is read as it was.
  auto buffer = llvm::MemoryBuffer::getOpenFile(
      llvm::sys::fs::convertFDToNativeFile(m_fd), path, m_size,
      /*RequiresNullTerminator=*/false, /*IsVolatile=*/m_size < k_map_threshold);
  if (!buffer) {
    return llvm::createStringError(buffer.getError(), buffer.getError().message());
  }
  return std::move(*buffer);
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> read_regular_file(const std::string &path,
                                                                      uint64_t limit) {
  llvm::Expected<RegularFile> file = RegularFile::open(path);
  if (!file) {
    return file.takeError();
  }
  return file->read_all(path, limit);
}

llvm::Expected<std::string> read_regular_file_head(const std::string &path, size_t size) {
  llvm::Expected<RegularFile> file = RegularFile::open(path);
  if (!file) {
    return file.takeError();
  }
  std::string head(std::min<uint64_t>(size, file->size()), '\0');
  llvm::Expected<uint64_t> done = file->read_up_to(0, head.size(), head.data());
  if (!done) {
    return done.takeError();
  }
  head.resize(*done);
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
