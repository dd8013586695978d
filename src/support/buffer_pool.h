// SPDX-License-Identifier: Apache-2.0
//
// Memory for reading parts of many files in turn, kept and reused: a check over a
// directory then neither maps nor unmaps memory per file. (Mapping a file, its page faults
// and unmapping it cost twice the system time of reading the few kilobytes a verdict
// needs, and every unmapping interrupts the CPUs of the other threads.) Buffers go by
// powers of two up to k_largest, populated when made; at most k_kept_bytes of them are
// kept. Above that, up to k_largest_sparse, a buffer is a reservation whose pages are
// made as its reader writes them, at the offsets of the file's parts; the reader says how
// many (Buffer::wrote). Such a sparse buffer is reused, since most of a verdict's parts
// lie near a file's start, on pages an earlier file made, until more than k_kept_bytes of
// pages were written into it, so that the pages of parts scattered over it (section
// headers lie at a file's end) do not pile up. At most k_sparse_buffers exist at once.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

namespace portable_ld {

class BufferPool : public std::enable_shared_from_this<BufferPool> {
  struct Token {}; // make_shared needs a public constructor; create() alone can call it

public:
  class Buffer;

  // A pool is shared: each buffer holds it, so that the buffer can return.
  static std::shared_ptr<BufferPool> create() { return std::make_shared<BufferPool>(Token{}); }
  explicit BufferPool(Token) {}
  BufferPool(const BufferPool &) = delete;
  BufferPool &operator=(const BufferPool &) = delete;
  ~BufferPool();

  static constexpr size_t k_largest = size_t{1} << 20;
  static constexpr size_t k_kept_bytes = size_t{8} << 20;
  static constexpr size_t k_largest_sparse = size_t{64} << 20;
  static constexpr unsigned k_sparse_buffers = 4;

  // A buffer of `size` bytes named `name`, whose bytes are not cleared (they may be an
  // earlier file's): its reader writes what it reads. It returns to the pool when it
  // goes. Null above k_largest_sparse, when k_sparse_buffers are in use, or when no
  // memory can be had.
  std::unique_ptr<Buffer> get(size_t size, llvm::StringRef name);

private:
  struct Chunk {
    char *data = nullptr;
    size_t capacity = 0;
    size_t written = 0; // bytes of the pages a sparse chunk's readers wrote, at most
    bool sparse() const { return capacity > k_largest; }
  };
  void put(Chunk chunk);

  std::mutex m_mutex;
  std::vector<Chunk> m_free;
  size_t m_kept = 0;     // the bytes of m_free's populated chunks
  unsigned m_sparse = 0; // sparse chunks mapped, free or in use
};

class BufferPool::Buffer final : public llvm::WritableMemoryBuffer {
public:
  Buffer(std::shared_ptr<BufferPool> pool, Chunk chunk, size_t size, llvm::StringRef name);
  ~Buffer() override { m_pool->put(m_chunk); }
  llvm::StringRef getBufferIdentifier() const override { return m_name; }
  // Not a mapping of the file: nothing to unmap, and no SIGBUS if it shrinks.
  BufferKind getBufferKind() const override { return MemoryBuffer_Malloc; }
  // The reader wrote into `bytes` bytes of whole pages (counting a page again when it
  // writes it again).
  void wrote(size_t bytes) { m_chunk.written += bytes; }

private:
  std::shared_ptr<BufferPool> m_pool;
  Chunk m_chunk;
  std::string m_name;
};

} // namespace portable_ld
