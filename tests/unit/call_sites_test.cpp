// SPDX-License-Identifier: Apache-2.0
//
// Direct calls found in machine code by their encoded target.
#include "verify/call_sites.h"

#include "unit_test.h"

#include <array>
#include <cstring>
#include <string>

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
