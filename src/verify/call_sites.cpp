// SPDX-License-Identifier: Apache-2.0
#include "verify/call_sites.h"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <immintrin.h>
// glibc 2.33's; clang 14 cannot compile it as C++ (it uses _Bool), so the fuzzer's clang
// build takes the SSE2 path.
#if __has_include(<sys/platform/x86.h>) && !defined(__clang__)
#include <sys/platform/x86.h>
#endif
#endif

namespace portable_ld {

namespace {

uint32_t read_le32(const char *bytes) {
  uint32_t value;
  std::memcpy(&value, bytes, sizeof value);
  if constexpr (std::endian::native == std::endian::big) {
    value = __builtin_bswap32(value);
  }
  return value;
}

bool is_target(std::span<const uint64_t> targets, uint64_t address) {
  return std::find(targets.begin(), targets.end(), address) != targets.end();
}

// call rel32 (E8) and jmp rel32 (E9, a tail call): target = next instruction + rel32.
// The instruction at offset p reaches target t when rel32 + p == t - address - 5 (mod
// 2^32). The vector paths compare the low 16 bits of that sum, for 16 or 32 offsets at a
// time, with every target's: a pair of bytes loaded at p + 1 is the low half of p's rel32.
// Where one matches (a true call, or one offset in 65536 by chance) the block's offsets
// are checked in full (opcode, 64-bit target). Most bytes of C code are not calls to
// dlopen, so there is no branch per E8 byte (one in 50 bytes of a static Go program's C
// code, each a misprediction when they were checked one by one), and half-width lanes
// take half the compares of full ones.
class X86Scan {
public:
  X86Scan(std::string_view code, uint64_t address, std::span<const uint64_t> targets,
          std::vector<CallSite> &sites)
      : m_begin(code.data()), m_size(code.size()), m_address(address), m_targets(targets),
        m_sites(sites) {
    for (uint64_t target : targets) {
      m_sums.push_back(static_cast<uint16_t>(target - address - 5));
    }
  }

  void run(X86Vectors vectors) {
    if (m_size < 5) {
      return;
    }
    size_t done = 0;
#if defined(__SSE2__)
    done = vectors == X86Vectors::Widest && has_avx2() ? scan_avx2() : scan_sse2();
#else
    (void)vectors;
#endif
    for (size_t offset = done; offset + 5 <= m_size; ++offset) {
      check(offset);
    }
  }

private:
  // The instruction at `offset`, if it is a call or jump to a target.
  void check(size_t offset) {
    if ((static_cast<unsigned char>(m_begin[offset]) & 0xfe) != 0xe8) {
      return;
    }
    uint64_t site = m_address + offset;
    int32_t displacement = static_cast<int32_t>(read_le32(m_begin + offset + 1));
    uint64_t target = site + 5 + static_cast<uint64_t>(static_cast<int64_t>(displacement));
    if (is_target(m_targets, target)) {
      m_sites.push_back({site, target});
    }
  }

#if defined(__SSE2__) // the vector paths: x86-64 always, i386 when built for SSE2
  // From glibc, which asked the CPU at start-up. (libgcc's __builtin_cpu_supports would
  // ask again in a constructor of every run, and each CPUID exits to the hypervisor of a
  // virtual machine: a tenth of a millisecond per process, measured.)
  static bool has_avx2() {
#if defined(CPU_FEATURE_ACTIVE)
    return CPU_FEATURE_ACTIVE(AVX2);
#else
    return false;
#endif
  }

  // Offsets [0, returned) done, 16 a time: the 16-bit lanes of the bytes from offset + 1
  // are the low halves of the rel32s of the even offsets, those from offset + 2 of the odd
  // ones; `evens` and `odds` hold those offsets (mod 2^16).
  size_t scan_sse2() {
    size_t offset = 0;
    __m128i evens = _mm_setr_epi16(0, 2, 4, 6, 8, 10, 12, 14);
    __m128i odds = _mm_setr_epi16(1, 3, 5, 7, 9, 11, 13, 15);
    const __m128i step = _mm_set1_epi16(16);
    for (; offset + 20 <= m_size; offset += 16) {
      const char *at = m_begin + offset;
      __m128i even_sums =
          _mm_add_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i *>(at + 1)), evens);
      __m128i odd_sums =
          _mm_add_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i *>(at + 2)), odds);
      evens = _mm_add_epi16(evens, step);
      odds = _mm_add_epi16(odds, step);
      __m128i any = _mm_setzero_si128();
      for (uint16_t sum : m_sums) {
        __m128i wanted = _mm_set1_epi16(static_cast<short>(sum));
        any = _mm_or_si128(any, _mm_or_si128(_mm_cmpeq_epi16(even_sums, wanted),
                                             _mm_cmpeq_epi16(odd_sums, wanted)));
      }
      if (_mm_movemask_epi8(any) != 0) {
        for (size_t i = 0; i < 16; ++i) {
          check(offset + i);
        }
      }
    }
    return offset;
  }

  // The same, 32 offsets a time.
  __attribute__((target("avx2"))) size_t scan_avx2() {
    size_t offset = 0;
    __m256i evens = _mm256_setr_epi16(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    __m256i odds = _mm256_setr_epi16(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    const __m256i step = _mm256_set1_epi16(32);
    for (; offset + 36 <= m_size; offset += 32) {
      const char *at = m_begin + offset;
      __m256i even_sums = _mm256_add_epi16(
          _mm256_loadu_si256(reinterpret_cast<const __m256i *>(at + 1)), evens);
      __m256i odd_sums = _mm256_add_epi16(
          _mm256_loadu_si256(reinterpret_cast<const __m256i *>(at + 2)), odds);
      evens = _mm256_add_epi16(evens, step);
      odds = _mm256_add_epi16(odds, step);
      __m256i any = _mm256_setzero_si256();
      for (uint16_t sum : m_sums) {
        __m256i wanted = _mm256_set1_epi16(static_cast<short>(sum));
        any = _mm256_or_si256(any, _mm256_or_si256(_mm256_cmpeq_epi16(even_sums, wanted),
                                                   _mm256_cmpeq_epi16(odd_sums, wanted)));
      }
      if (!_mm256_testz_si256(any, any)) {
        for (size_t i = 0; i < 32; ++i) {
          check(offset + i);
        }
      }
    }
    return offset;
  }
#endif

  const char *m_begin;
  size_t m_size;
  uint64_t m_address;
  std::span<const uint64_t> m_targets;
  std::vector<CallSite> &m_sites;
  std::vector<uint16_t> m_sums; // t - address - 5 (mod 2^16) for each target t
};

// BL (100101) and B (000101) with a signed 26-bit word offset from the instruction.
void find_aarch64(std::string_view code, uint64_t address, std::span<const uint64_t> targets,
                  std::vector<CallSite> &sites) {
  for (size_t offset = 0; offset + 4 <= code.size(); offset += 4) {
    uint32_t word = read_le32(code.data() + offset);
    uint32_t opcode = word >> 26;
    if (opcode != 0b100101 && opcode != 0b000101) {
      continue;
    }
    int64_t words = static_cast<int64_t>(static_cast<int32_t>(word << 6) >> 6);
    uint64_t site = address + offset;
    uint64_t target = site + static_cast<uint64_t>(words * 4);
    if (is_target(targets, target)) {
      sites.push_back({site, target});
    }
  }
}

} // namespace

std::vector<CallSite> find_call_sites(CallEncoding encoding, std::string_view code,
                                      uint64_t address, std::span<const uint64_t> targets,
                                      X86Vectors vectors) {
  std::vector<CallSite> sites;
  if (targets.empty()) {
    return sites;
  }
  switch (encoding) {
  case CallEncoding::X86:
    X86Scan(code, address, targets, sites).run(vectors);
    break;
  case CallEncoding::AArch64:
    find_aarch64(code, address, targets, sites);
    break;
  }
  std::sort(sites.begin(), sites.end(),
            [](const CallSite &a, const CallSite &b) { return a.address < b.address; });
  return sites;
}

} // namespace portable_ld
