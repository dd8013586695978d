// SPDX-License-Identifier: Apache-2.0
//
// Reading a file that a user or a build named, which may be anything: opened without
// blocking (a FIFO would wait for a writer forever), read only when it is a regular file
// (a character device such as /dev/zero never ends), and refused above a size limit.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

namespace portable_ld {

// The bytes of the regular file `path`, at most `limit` of them. Errors say why, without
// the path ("No such file or directory", "a FIFO, not a regular file", "larger than ...").
// Files below `k_map_threshold` are read; larger ones are mapped, and a mapping costs its
// caller a SIGBUS if another process truncates the file meanwhile, as it does every reader
// that maps (ld, lld, readelf).
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
read_regular_file(const std::string &path,
                  uint64_t limit = std::numeric_limits<uint64_t>::max());

// A regular file opened as read_regular_file() opens it, for a reader that needs parts of
// it: a verdict needs a few kilobytes of a program of megabytes.
class RegularFile {
public:
  static llvm::Expected<RegularFile> open(const std::string &path);
  RegularFile(RegularFile &&other) noexcept : m_fd(other.m_fd), m_size(other.m_size) {
    other.m_fd = -1;
  }
  RegularFile &operator=(RegularFile &&) = delete;
  ~RegularFile();

  // Its size when it was opened.
  uint64_t size() const { return m_size; }
  // Reads up to `size` bytes at `offset` into `into`; fewer where the file ends.
  llvm::Expected<uint64_t> read_up_to(uint64_t offset, uint64_t size, char *into) const;
  // Reads [offset, offset + size) into `into`; an error when the file is shorter now.
  llvm::Error read_at(uint64_t offset, uint64_t size, char *into) const;
  // All of it, as read_regular_file(path, limit) gives it.
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> read_all(const std::string &path,
                                                               uint64_t limit) const;

private:
  RegularFile() = default;
  int m_fd = -1;
  uint64_t m_size = 0;
};

// The first `size` bytes of the regular file `path` (fewer when it is shorter), opened as
// read_regular_file() opens it: what a file is, without reading all of it.
llvm::Expected<std::string> read_regular_file_head(const std::string &path, size_t size);

// Creates or replaces `path` with `bytes`. The error names the file and the reason, a
// failure at close (a full disk) included.
llvm::Error write_whole_file(const std::string &path, std::string_view bytes);

// A new file beside `path` (PATH.<random hex>.tmp), open for writing, to be renamed over
// it: its name is made here, not by createUniqueFile, whose model takes every '%', one in
// a directory's name (my%20project) included, for a random character. The caller closes
// `fd`. The error is the reason alone.
struct FileBeside {
  int fd = -1;
  std::string path;
};
llvm::Expected<FileBeside> create_file_beside(const std::string &path);

// Replaces `path` with `bytes` as one step: written beside it under a unique temporary
// name and renamed over it, so a reader sees the old file or the new one, never a part.
// Errors as write_whole_file()'s; the temporary file is removed on failure.
llvm::Error replace_whole_file(const std::string &path, std::string_view bytes);

// Below it a read(2) into memory costs less than a mapping: its page faults, and the
// TLB shootdown that unmapping sends to the other threads of a parallel check.
inline constexpr uint64_t k_map_threshold = 64 * 1024;

} // namespace portable_ld
