// SPDX-License-Identifier: Apache-2.0
//
// BufferPool hands out buffers of the size asked for, reuses what comes back without
// clearing it, and makes the buffers of large files sparse: one size for all of them, its
// pages written only where the reader writes, and unmapped after k_sparse_uses files.
#include "support/buffer_pool.h"

#include "unit_test.h"

#include <cstring>

namespace portable_ld {
namespace {

TEST_CASE("a buffer has the size asked for and comes back with its bytes") {
  auto pool = BufferPool::create();
  const char *first;
  {
    auto buffer = pool->get(100 * 1000, "a");
    REQUIRE(buffer);
    CHECK(buffer->getBufferSize() == 100 * 1000);
    CHECK(buffer->getBufferIdentifier() == "a");
    first = buffer->getBufferStart();
    std::memcpy(buffer->getBufferStart() + 99 * 1000, "left", 4);
  }
  auto again = pool->get(90 * 1000, "b"); // the same power of two
  REQUIRE(again);
  CHECK(again->getBufferStart() == first);
  CHECK(std::memcmp(again->getBufferStart() + 99 * 1000, "left", 4) == 0);
  // In use, it is not handed out twice.
  auto other = pool->get(90 * 1000, "c");
  REQUIRE(other);
  CHECK(other->getBufferStart() != first);
}

TEST_CASE("buffers above k_largest are sparse, reused, and renewed after k_sparse_uses") {
  auto pool = BufferPool::create();
  const size_t size = 40 << 20, at = size - 100; // a file's section headers lie at its end
  const char *first = nullptr;
  for (unsigned use = 0; use < BufferPool::k_sparse_uses; ++use) {
    CAPTURE(use);
    // Sizes differ from file to file: one sparse buffer holds them all.
    auto buffer = pool->get(use % 2 ? size : BufferPool::k_largest + 1, "big");
    REQUIRE(buffer);
    if (use == 0) {
      first = buffer->getBufferStart();
    } else {
      CHECK(buffer->getBufferStart() == first);
    }
    if (use % 2 && use > 1) {
      CHECK(std::memcmp(buffer->getBufferStart() + at, "left", 4) == 0);
    }
    if (use % 2) {
      std::memcpy(buffer->getBufferStart() + at, "left", 4);
    }
  }
  // k_sparse_uses files have been read into it: the next buffer is new memory.
  auto renewed = pool->get(size, "big");
  REQUIRE(renewed);
  CHECK(std::memcmp(renewed->getBufferStart() + at, "\0\0\0\0", 4) == 0);
  // A small file does not take the sparse buffer, even when it is the only one free.
  const char *sparse = renewed->getBufferStart();
  renewed.reset();
  auto small = pool->get(1000, "small");
  REQUIRE(small);
  CHECK(small->getBufferStart() != sparse);
}

TEST_CASE("no buffer above k_largest_sparse") {
  auto pool = BufferPool::create();
  CHECK(!pool->get(BufferPool::k_largest_sparse + 1, "huge"));
  CHECK(pool->get(BufferPool::k_largest_sparse, "largest"));
}

} // namespace
} // namespace portable_ld
