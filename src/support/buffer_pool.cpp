// SPDX-License-Identifier: Apache-2.0
#include "support/buffer_pool.h"

#include <algorithm>
#include <bit>
#include <sys/mman.h>

namespace portable_ld {

namespace {

// Whole pages, committed at once: files of one size class read their parts at different
// offsets, and a page fault for each new page cost more than the reads. (Where the kernel
// cannot populate, before Linux 5.14, the pages come as they are touched.) A sparse chunk
// is only reserved: of a file of megabytes a verdict reads a few pages.
char *map_chunk(size_t capacity, bool sparse) {
  void *data = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | (sparse ? MAP_NORESERVE : 0), -1, 0);
  if (data == MAP_FAILED) {
    return nullptr;
  }
#ifdef MADV_POPULATE_WRITE
  if (!sparse) {
    ::madvise(data, capacity, MADV_POPULATE_WRITE);
  }
#endif
  return static_cast<char *>(data);
}

} // namespace

BufferPool::Buffer::Buffer(std::shared_ptr<BufferPool> pool, Chunk chunk, size_t size,
                           llvm::StringRef name)
    : m_pool(std::move(pool)), m_chunk(chunk), m_name(name.str()) {
  init(chunk.data, chunk.data + size, /*RequiresNullTerminator=*/false);
}

BufferPool::~BufferPool() {
  for (const Chunk &chunk : m_free) {
    ::munmap(chunk.data, chunk.capacity);
  }
}

std::unique_ptr<BufferPool::Buffer> BufferPool::get(size_t size, llvm::StringRef name) {
  if (size > k_largest_sparse) {
    return nullptr;
  }
  bool sparse = size > k_largest;
  // Sparse chunks are all of one size, so any holds a file above k_largest.
  size_t capacity = sparse ? k_largest_sparse : std::bit_ceil(std::max<size_t>(size, 64 * 1024));
  Chunk chunk;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    // The smallest that holds it: chunks go by powers of two, so most sizes find one.
    auto best = m_free.end();
    for (auto it = m_free.begin(); it != m_free.end(); ++it) {
      if (it->sparse() == sparse && it->capacity >= size &&
          (best == m_free.end() || it->capacity < best->capacity)) {
        best = it;
      }
    }
    if (best != m_free.end()) {
      chunk = *best;
      m_kept -= chunk.sparse() ? 0 : chunk.capacity;
      m_free.erase(best);
    } else if (sparse && m_sparse == k_sparse_buffers) {
      return nullptr; // each holds a verdict's file, or is being read into
    } else {
      m_sparse += sparse;
    }
  }
  if (!chunk.data) {
    chunk.capacity = capacity;
    if (!(chunk.data = map_chunk(capacity, sparse))) {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_sparse -= sparse;
      return nullptr;
    }
  }
  return std::make_unique<Buffer>(shared_from_this(), chunk, size, name);
}

void BufferPool::put(Chunk chunk) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (chunk.sparse() ? chunk.written <= k_kept_bytes : m_kept + chunk.capacity <= k_kept_bytes) {
      m_free.push_back(chunk);
      m_kept += chunk.sparse() ? 0 : chunk.capacity;
      return;
    }
    m_sparse -= chunk.sparse();
  }
  ::munmap(chunk.data, chunk.capacity);
}

} // namespace portable_ld
