// SPDX-License-Identifier: Apache-2.0
//
// BufferPool hands out buffers of the size asked for and reuses what comes back without
// clearing it. A large file's buffer is sparse: one size for all of them, renewed once the
// pages written into it pass k_kept_bytes, and no more than k_sparse_buffers at once.
#include "support/buffer_pool.h"

#include "unit_test.h"

#include <cstring>
#include <vector>

namespace portable_ld {
namespace {

// Whether `buffer` still holds what was written at `at` into the buffer before it, that
// is, whether it is that buffer's memory again and not a new mapping (which reads zeros).
bool holds_mark(BufferPool::Buffer &buffer, size_t at) {
  return std::memcmp(buffer.getBufferStart() + at, "mark", 4) == 0;
}
void mark(BufferPool::Buffer &buffer, size_t at) {
  std::memcpy(buffer.getBufferStart() + at, "mark", 4);
}

TEST_CASE("a buffer has the size asked for and comes back with its bytes") {
  auto pool = BufferPool::create();
  {
    auto buffer = pool->get(100 * 1000, "a");
    REQUIRE(buffer);
    CHECK(buffer->getBufferSize() == 100 * 1000);
    CHECK(buffer->getBufferIdentifier() == "a");
    mark(*buffer, 99 * 1000);
  }
  auto again = pool->get(90 * 1000, "b"); // the same power of two
  REQUIRE(again);
  CHECK(holds_mark(*again, 99 * 1000));
  // In use, it is not handed out twice.
  auto other = pool->get(90 * 1000, "c");
  REQUIRE(other);
  CHECK(!holds_mark(*other, 99 * 1000));
}

TEST_CASE("a sparse buffer is reused until k_kept_bytes of pages were written into it") {
  auto pool = BufferPool::create();
  const size_t size = 40 << 20;
  const size_t per_file = BufferPool::k_largest;
  const size_t kept_for = BufferPool::k_kept_bytes / per_file + 1;
  for (size_t use = 0; use < kept_for; ++use) {
    CAPTURE(use);
    // Sizes differ from file to file: one sparse buffer holds them all.
    auto buffer = pool->get(use % 2 ? size : BufferPool::k_largest + 1, "big");
    REQUIRE(buffer);
    CHECK(holds_mark(*buffer, 0) == (use > 0));
    mark(*buffer, 0);
    buffer->wrote(per_file);
  }
  // More than k_kept_bytes: the next buffer is new memory.
  auto renewed = pool->get(size, "big");
  REQUIRE(renewed);
  CHECK(!holds_mark(*renewed, 0));
  mark(*renewed, 0);
  // A small file does not take the sparse buffer, even when it is the only one free.
  renewed.reset();
  auto small = pool->get(BufferPool::k_largest, "small");
  REQUIRE(small);
  CHECK(!holds_mark(*small, 0));
  mark(*small, 0);
  small.reset();
  // And the small buffer was kept: a sparse buffer takes nothing of k_kept_bytes.
  auto small_again = pool->get(BufferPool::k_largest, "small");
  REQUIRE(small_again);
  CHECK(holds_mark(*small_again, 0));
}

TEST_CASE("no more than k_sparse_buffers at once, and none above k_largest_sparse") {
  auto pool = BufferPool::create();
  std::vector<std::unique_ptr<BufferPool::Buffer>> held;
  for (unsigned i = 0; i < BufferPool::k_sparse_buffers; ++i) {
    held.push_back(pool->get(BufferPool::k_largest_sparse, "largest"));
    REQUIRE(held.back());
  }
  CHECK(!pool->get(BufferPool::k_largest + 1, "one more"));
  held.pop_back();
  CHECK(pool->get(BufferPool::k_largest + 1, "one more"));
  CHECK(!pool->get(BufferPool::k_largest_sparse + 1, "huge"));
}

} // namespace
} // namespace portable_ld
