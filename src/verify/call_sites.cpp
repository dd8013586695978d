// SPDX-License-Identifier: Apache-2.0
#include "verify/call_sites.h"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
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
// Found 16 bytes at a time with SSE2 in one pass for both opcodes (a static Go program's
// C code has an E8 or E9 byte every 50 bytes, which made memchr restart too often), else
// with memchr, an opcode at a time; most bytes of code are neither.
void find_x86(std::string_view code, uint64_t address, std::span<const uint64_t> targets,
              std::vector<CallSite> &sites) {
  if (code.size() < 5) {
    return;
  }
  const char *begin = code.data();
  size_t last = code.size() - 5; // the last offset an instruction fits at
  auto check = [&](size_t offset) {
    uint64_t site = address + offset;
    int32_t displacement = static_cast<int32_t>(read_le32(begin + offset + 1));
    uint64_t target = site + 5 + static_cast<uint64_t>(static_cast<int64_t>(displacement));
    if (is_target(targets, target)) {
      sites.push_back({site, target});
    }
  };
#if defined(__SSE2__)
  size_t offset = 0;
  const __m128i low_bit_clear = _mm_set1_epi8(static_cast<char>(0xfe));
  const __m128i opcode = _mm_set1_epi8(static_cast<char>(0xe8));
  for (; offset + 15 <= last; offset += 16) {
    __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i *>(begin + offset));
    auto hits = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(bytes, low_bit_clear), opcode)));
    for (; hits != 0; hits &= hits - 1) {
      check(offset + static_cast<size_t>(__builtin_ctz(hits)));
    }
  }
  for (; offset <= last; ++offset) {
    if ((static_cast<unsigned char>(begin[offset]) & 0xfe) == 0xe8) {
      check(offset);
    }
  }
#else
  for (char byte : {'\xe8', '\xe9'}) {
    for (const char *at = begin; at <= begin + last; ++at) {
      at = static_cast<const char *>(std::memchr(at, byte, static_cast<size_t>(begin + last - at + 1)));
      if (!at) {
        break;
      }
      check(static_cast<size_t>(at - begin));
    }
  }
#endif
}

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
    find_x86(code, address, targets, sites);
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
