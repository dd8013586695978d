// SPDX-License-Identifier: Apache-2.0
//
// Memory for reading parts of many files in turn, kept and reused: a check over a
// directory then neither maps nor unmaps memory per file. (Mapping a file, its page faults
// and unmapping it cost twice the system time of reading the few kilobytes a verdict
// needs, and every unmapping interrupts the CPUs of the other threads.) Buffers go by
// powers of two up to k_largest, populated when made; at most k_kept_bytes of them are
// kept. Above that, up to k_largest_sparse, a buffer is a reservation whose pages come as
// they are written: its reader writes at most k_largest bytes of it, at the offsets of
// the file's parts, and it is reused (most of a verdict's parts lie near a file's start,
// on pages an earlier file made) for k_sparse_uses files, then unmapped, so that the
// pages of parts scattered over it (section headers lie at a file's end) do not pile up.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

namespace portable_ld {

class BufferPool : public std::enable_shared_from_this<BufferPool> {
  struct Token {}; // make_shared needs a public constructor; create() alone can call it

public:
  // A pool is shared: each buffer holds it, so that the buffer can return.
  static std::shared_ptr<BufferPool> create() { return std::make_shared<BufferPool>(Token{}); }
  explicit BufferPool(Token) {}
  BufferPool(const BufferPool &) = delete;
  BufferPool &operator=(const BufferPool &) = delete;
  ~BufferPool();

  static constexpr size_t k_largest = size_t{1} << 20;
  static constexpr size_t k_kept_bytes = size_t{8} << 20;
  static constexpr size_t k_largest_sparse = size_t{64} << 20;
  // Measured over /usr/bin and 800 libraries: a sparse buffer held 1.6 MiB at most after
  // 64 files; unmapping one after 8 made a check of /usr/bin 8% slower.
  static constexpr unsigned k_sparse_uses = 64;

  // A buffer of `size` bytes named `name`, whose bytes are not cleared (they may be an
  // earlier file's): its reader writes what it reads, and above k_largest no more than
  // k_largest bytes. It returns to the pool when it goes. Null above k_largest_sparse,
  // or when no memory can be had.
  std::unique_ptr<llvm::WritableMemoryBuffer> get(size_t size, llvm::StringRef name);

private:
  struct Chunk {
    char *data = nullptr;
    size_t capacity = 0;
    unsigned uses = 0; // of a sparse chunk
    bool sparse() const { return capacity > k_largest; }
  };
  class Buffer;
  void put(Chunk chunk);

  std::mutex m_mutex;
  std::vector<Chunk> m_free;
  size_t m_kept = 0; // the bytes of m_free's populated chunks
};

} // namespace portable_ld
