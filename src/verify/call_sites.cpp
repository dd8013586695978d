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
// 2^32): that sum is compared for every offset, four or eight at a time, with every
// target, and the few offsets that match are checked in full (opcode, 64-bit target).
// Most bytes of C code are not calls to dlopen, so there is no branch per E8 byte (one in
// 50 bytes of a static Go program's C code, each a misprediction when they were checked
// one by one).
class X86Scan {
public:
  X86Scan(std::string_view code, uint64_t address, std::span<const uint64_t> targets,
          std::vector<CallSite> &sites)
      : m_begin(code.data()), m_size(code.size()), m_address(address), m_targets(targets),
        m_sites(sites) {
    for (uint64_t target : targets) {
      m_sums.push_back(static_cast<uint32_t>(target - address - 5));
    }
  }

  void run() {
    if (m_size < 5) {
      return;
    }
    size_t done = 0;
#if defined(__SSE2__)
    done = has_avx2() ? scan_avx2() : scan_sse2();
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

  // Offsets [0, returned) done, 16 a time: for each r < 4, the dwords at r + 1, r + 5,
  // r + 9 and r + 13 are the rel32s of the offsets r, r + 4, r + 8 and r + 12, and the
  // lanes of offsets[r] hold those offsets (mod 2^32).
  size_t scan_sse2() {
    size_t offset = 0;
    __m128i offsets[4];
    for (int r = 0; r < 4; ++r) {
      offsets[r] = _mm_setr_epi32(r, r + 4, r + 8, r + 12);
    }
    const __m128i step = _mm_set1_epi32(16);
    for (; offset + 20 <= m_size; offset += 16) {
      __m128i any = _mm_setzero_si128();
      __m128i sums[4];
      for (int r = 0; r < 4; ++r) {
        __m128i rel = _mm_loadu_si128(reinterpret_cast<const __m128i *>(m_begin + offset + r + 1));
        sums[r] = _mm_add_epi32(rel, offsets[r]);
        offsets[r] = _mm_add_epi32(offsets[r], step);
      }
      for (uint32_t sum : m_sums) {
        __m128i wanted = _mm_set1_epi32(static_cast<int>(sum));
        for (int r = 0; r < 4; ++r) {
          any = _mm_or_si128(any, _mm_cmpeq_epi32(sums[r], wanted));
        }
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
    __m256i offsets[4];
    for (int r = 0; r < 4; ++r) {
      offsets[r] = _mm256_setr_epi32(r, r + 4, r + 8, r + 12, r + 16, r + 20, r + 24, r + 28);
    }
    const __m256i step = _mm256_set1_epi32(32);
    for (; offset + 36 <= m_size; offset += 32) {
      __m256i any = _mm256_setzero_si256();
      __m256i sums[4];
      for (int r = 0; r < 4; ++r) {
        __m256i rel =
            _mm256_loadu_si256(reinterpret_cast<const __m256i *>(m_begin + offset + r + 1));
        sums[r] = _mm256_add_epi32(rel, offsets[r]);
        offsets[r] = _mm256_add_epi32(offsets[r], step);
      }
      for (uint32_t sum : m_sums) {
        __m256i wanted = _mm256_set1_epi32(static_cast<int>(sum));
        for (int r = 0; r < 4; ++r) {
          any = _mm256_or_si256(any, _mm256_cmpeq_epi32(sums[r], wanted));
        }
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
  std::vector<uint32_t> m_sums; // t - address - 5 for each target t
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
                                      uint64_t address, std::span<const uint64_t> targets) {
  std::vector<CallSite> sites;
  if (targets.empty()) {
    return sites;
  }
  switch (encoding) {
  case CallEncoding::X86:
    X86Scan(code, address, targets, sites).run();
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
