// SPDX-License-Identifier: Apache-2.0
//
// Direct calls found in machine code by their encoded target.
#include "verify/call_sites.h"

#include "unit_test.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace portable_ld {
namespace {

using namespace std::string_literals;

TEST_CASE("find_call_sites: x86 call and jmp rel32, forwards and backwards") {
  // 0x1000: nop; call 0x1010; jmp 0x0ff0 (rel32 = 0x0ff0 - 0x100b = -0x1b)
  std::string code = "\x90\xe8\x0a\x00\x00\x00\xe9\xe5\xff\xff\xff"s;
  std::array<uint64_t, 2> targets{0x1010, 0x0ff0};
  std::vector<CallSite> sites = find_call_sites(CallEncoding::X86, code, 0x1000, targets);
  REQUIRE(sites.size() == 2);
  CHECK(sites[0].address == 0x1001);
  CHECK(sites[0].target == 0x1010);
  CHECK(sites[1].address == 0x1006);
  CHECK(sites[1].target == 0x0ff0);
  std::array<uint64_t, 1> other{0x2000};
  CHECK(find_call_sites(CallEncoding::X86, code, 0x1000, other).empty());
  // A call cut off by the end of the code is not read.
  CHECK(find_call_sites(CallEncoding::X86, code.substr(0, 5), 0x1000, targets).empty());
}

TEST_CASE("find_call_sites: x86, at every offset of an eight-byte word and at the end") {
  // Filler of E8 E9 and their neighbours E7 EA, whose rel32 lead nowhere near 0x9000.
  for (size_t at = 0; at < 24; ++at) {
    std::string code(32, '\xe9');
    for (size_t i = 0; i < code.size(); i += 3) {
      code[i] = i % 2 ? '\xe7' : '\xea';
    }
    code.resize(at + 5 + 3, '\xe8');
    uint64_t site = 0x8000 + at;
    int32_t rel = static_cast<int32_t>(0x9000 - (site + 5));
    code[at] = '\xe8';
    std::memcpy(&code[at + 1], &rel, 4); // little-endian host for the test's bytes
    std::array<uint64_t, 1> target{0x9000};
    std::vector<CallSite> sites = find_call_sites(CallEncoding::X86, code, 0x8000, target);
    CAPTURE(at);
    REQUIRE(sites.size() == 1);
    CHECK(sites[0].address == site);
    // The last instruction that fits ends at the code's end.
    code.resize(at + 5);
    CHECK(find_call_sites(CallEncoding::X86, code, 0x8000, target).size() == 1);
    code.pop_back();
    CHECK(find_call_sites(CallEncoding::X86, code, 0x8000, target).empty());
  }
}

// What find_call_sites must find, one offset at a time.
std::vector<CallSite> x86_reference(const std::string &code, uint64_t address,
                                    const std::vector<uint64_t> &targets) {
  std::vector<CallSite> sites;
  for (size_t offset = 0; offset + 5 <= code.size(); ++offset) {
    if ((static_cast<unsigned char>(code[offset]) & 0xfe) != 0xe8) {
      continue;
    }
    int32_t rel;
    std::memcpy(&rel, &code[offset + 1], 4);
    uint64_t target = address + offset + 5 + static_cast<uint64_t>(static_cast<int64_t>(rel));
    if (std::find(targets.begin(), targets.end(), target) != targets.end()) {
      sites.push_back({address + offset, target});
    }
  }
  return sites;
}

TEST_CASE("find_call_sites: x86, the vector scan finds what a byte-by-byte scan finds") {
  // Code of every length around the vector widths, and longer than 64 KiB (where the
  // scan's 16-bit offsets wrap), at addresses where the low 32 bits of an offset wrap,
  // dense with E8/E9, with calls planted to each target, to the addresses 2^16 and 2^32
  // away from them (equal in the low 16 or 32 bits, not a target) and just beside them.
  std::mt19937_64 random(42);
  std::vector<size_t> sizes;
  for (size_t size = 0; size < 300; size += size < 80 ? 1 : 37) {
    sizes.push_back(size);
  }
  sizes.insert(sizes.end(), {65536 + 3, 200'003});
  for (uint64_t address : {uint64_t{0x401000}, uint64_t{0xfffffff0}, uint64_t{0x7ffffffffff0}}) {
    for (size_t size : sizes) {
      std::string code(size, '\0');
      for (char &byte : code) {
        byte = static_cast<char>(random() % 4 == 0 ? 0xe8 + random() % 2 : random());
      }
      // Far apart, each compared on its own; and side by side, compared as one.
      std::vector<uint64_t> targets = size % 2 ? std::vector<uint64_t>{address + 0x100, address - 0x2000, address + size}
                                               : std::vector<uint64_t>{address + 0x100, address + 0x250};
      for (size_t plant = 0; size >= 5 && plant < size / 8 + 1; ++plant) {
        size_t at = random() % (size - 4);
        // A target, or one 2^16 or 2^32 away (equal in the low bits), or a near miss.
        uint64_t miss[] = {0, 0, 1ull << 16, 1ull << 32, 0x30};
        uint64_t target = targets[random() % targets.size()] + miss[random() % 5];
        code[at] = static_cast<char>(0xe8 + random() % 2);
        auto rel = static_cast<int32_t>(target - (address + at + 5));
        std::memcpy(&code[at + 1], &rel, 4);
      }
      CAPTURE(address);
      CAPTURE(size);
      std::vector<CallSite> wanted = x86_reference(code, address, targets);
      // The widest vector loop this CPU has, and SSE2, which it would not take otherwise.
      for (X86Vectors vectors : {X86Vectors::Widest, X86Vectors::Sse2}) {
        CAPTURE(static_cast<int>(vectors));
        std::vector<CallSite> found =
            find_call_sites(CallEncoding::X86, code, address, targets, vectors);
        REQUIRE(found.size() == wanted.size());
        for (size_t i = 0; i < found.size(); ++i) {
          CHECK(found[i].address == wanted[i].address);
          CHECK(found[i].target == wanted[i].target);
        }
      }
    }
  }
}

TEST_CASE("find_call_sites: AArch64 BL and B imm26") {
  // 0x4000: bl 0x4010 (imm26 = 4); b 0x3ff8 (imm26 = -3, from 0x4004)
  std::string code = "\x04\x00\x00\x94\xfd\xff\xff\x17"s;
  std::array<uint64_t, 2> targets{0x4010, 0x3ff8};
  std::vector<CallSite> sites = find_call_sites(CallEncoding::AArch64, code, 0x4000, targets);
  REQUIRE(sites.size() == 2);
  CHECK(sites[0].address == 0x4000);
  CHECK(sites[1].address == 0x4004);
  CHECK(sites[1].target == 0x3ff8);
  // Unaligned bytes are no instruction.
  CHECK(find_call_sites(CallEncoding::AArch64, "\x00" + code, 0x3fff, targets).empty());
}

TEST_CASE("find_call_sites: no targets, nothing to find") {
  CHECK(find_call_sites(CallEncoding::X86, "\xe8\x00\x00\x00\x00"s, 0, {}).empty());
}

} // namespace
} // namespace portable_ld
