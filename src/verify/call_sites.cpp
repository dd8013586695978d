// SPDX-License-Identifier: Apache-2.0
#include "verify/call_sites.h"

#include <algorithm>
#include <bit>
#include <cstring>

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
// memchr finds the candidates at memory speed; most bytes of code are neither.
void find_x86(std::string_view code, uint64_t address, std::span<const uint64_t> targets,
              std::vector<CallSite> &sites) {
  for (char opcode : {'\xe8', '\xe9'}) {
    const char *begin = code.data();
    const char *end = begin + code.size();
    for (const char *at = begin; end - at >= 5;) {
      const void *found = std::memchr(at, opcode, static_cast<size_t>(end - at - 4));
      if (!found) {
        break;
      }
      at = static_cast<const char *>(found);
      uint64_t site = address + static_cast<uint64_t>(at - begin);
      int32_t displacement = static_cast<int32_t>(read_le32(at + 1));
      uint64_t target = site + 5 + static_cast<uint64_t>(static_cast<int64_t>(displacement));
      if (is_target(targets, target)) {
        sites.push_back({site, target});
      }
      ++at;
    }
  }
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
