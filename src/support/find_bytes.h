// SPDX-License-Identifier: Apache-2.0
//
// Searching megabytes of a binary or a linker map for a string.
#pragma once

#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace portable_ld {

// Where `needle` first occurs in `haystack` at or after `from`; npos if nowhere. With
// SSE2, the needle's first and last bytes are compared at 16 offsets at a time and only
// offsets where both match are compared in full: a pair of bytes that far apart is rare
// in code and data, where glibc's memmem (a two-way search) stops at every byte equal to
// the needle's first ('.' of a 15 MB binary, '/' of a map of paths, 'G' of .rodata).
inline size_t find_bytes(std::string_view haystack, std::string_view needle, size_t from = 0) {
  if (from > haystack.size() || needle.size() > haystack.size() - from) {
    return std::string_view::npos;
  }
  if (needle.empty()) {
    return from;
  }
  const char *data = haystack.data();
  size_t at = from;
#if defined(__SSE2__)
  if (needle.size() >= 2) {
    const size_t last = needle.size() - 1;
    const __m128i first_byte = _mm_set1_epi8(needle.front());
    const __m128i last_byte = _mm_set1_epi8(needle.back());
    // Offsets [at, at + 16) start a candidate whose last byte lies below the end.
    for (; at + last + 16 <= haystack.size(); at += 16) {
      __m128i firsts = _mm_loadu_si128(reinterpret_cast<const __m128i *>(data + at));
      __m128i lasts = _mm_loadu_si128(reinterpret_cast<const __m128i *>(data + at + last));
      auto both = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(
          _mm_cmpeq_epi8(firsts, first_byte), _mm_cmpeq_epi8(lasts, last_byte))));
      for (; both != 0; both &= both - 1) {
        size_t candidate = at + static_cast<size_t>(__builtin_ctz(both));
        if (std::memcmp(data + candidate + 1, needle.data() + 1, last - 1) == 0) {
          return candidate;
        }
      }
    }
  }
#endif
  const void *found = ::memmem(data + at, haystack.size() - at, needle.data(), needle.size());
  return found ? static_cast<size_t>(static_cast<const char *>(found) - data)
               : std::string_view::npos;
}

} // namespace portable_ld
