// SPDX-License-Identifier: Apache-2.0
//
// find_bytes finds what std::string_view::find finds, wherever the needle lies against the
// 16-byte blocks of the vector search and the end of the haystack.
#include "support/find_bytes.h"

#include "unit_test.h"

#include <random>
#include <string>

namespace portable_ld {
namespace {

TEST_CASE("find_bytes: the first occurrence at or after `from`, as find() says") {
  std::mt19937_64 random(7);
  for (size_t needle_size = 1; needle_size <= 20; ++needle_size) {
    for (size_t size = 0; size < 90; ++size) {
      // Few letters, so that first and last bytes match often and the full compare decides.
      std::string haystack(size, 'a');
      for (char &byte : haystack) {
        byte = static_cast<char>('a' + random() % 3);
      }
      std::string needle(needle_size, 'a');
      for (char &byte : needle) {
        byte = static_cast<char>('a' + random() % 3);
      }
      if (size >= needle_size && random() % 2 == 0) {
        haystack.replace(random() % (size - needle_size + 1), needle_size, needle);
      }
      for (size_t from = 0; from <= size + 1; from += 1 + from / 8) {
        CAPTURE(haystack);
        CAPTURE(needle);
        CAPTURE(from);
        CHECK(find_bytes(haystack, needle, from) == std::string_view(haystack).find(needle, from));
      }
    }
  }
}

TEST_CASE("find_bytes: bytes above 0x7f and NULs") {
  std::string haystack("\x00\xff\x80GLIBC_PRIVATE\x00", 17);
  CHECK(find_bytes(std::string(64, '\xff') + haystack, "GLIBC_PRIVATE") == 67);
  CHECK(find_bytes(std::string(64, '\0') + haystack, std::string_view("\0\xff", 2)) == 64);
  CHECK(find_bytes(haystack, "GLIBC_PRIVATEX") == std::string_view::npos);
  CHECK(find_bytes(haystack, "") == 0);
  CHECK(find_bytes(haystack, "G", 100) == std::string_view::npos);
}

} // namespace
} // namespace portable_ld
