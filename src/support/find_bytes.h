// SPDX-License-Identifier: Apache-2.0
//
// Searching megabytes of a binary or a linker map for a string.
#pragma once

#include <cstring>
#include <string_view>

namespace portable_ld {

// Where `needle` first occurs in `haystack` at or after `from`; npos if nowhere. glibc's
// memmem (a two-way search) rather than string_view::find, which stops at every byte
// equal to the needle's first ('.' of a 15 MB binary, '/' of a map of paths).
inline size_t find_bytes(std::string_view haystack, std::string_view needle, size_t from = 0) {
  if (from > haystack.size()) {
    return std::string_view::npos;
  }
  const void *at = ::memmem(haystack.data() + from, haystack.size() - from, needle.data(),
                            needle.size());
  return at ? static_cast<size_t>(static_cast<const char *>(at) - haystack.data())
            : std::string_view::npos;
}

} // namespace portable_ld
