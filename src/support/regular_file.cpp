// SPDX-License-Identifier: Apache-2.0
#include "support/regular_file.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "llvm/Support/FileSystem.h"
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

} // namespace

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> read_regular_file(const std::string &path,
                                                                      uint64_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    std::error_code error(errno, std::generic_category());
    return llvm::createStringError(error, error.message());
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat status;
  if (::fstat(fd, &status) != 0) {
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
  uint64_t size = static_cast<uint64_t>(status.st_size);
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

} // namespace portable_ld
