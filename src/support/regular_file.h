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
