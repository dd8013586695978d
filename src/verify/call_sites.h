// SPDX-License-Identifier: Apache-2.0
//
// Direct calls and jumps to known addresses in machine code, without a disassembler: the
// relocations of a linked image are gone, but a call's target is still encoded in it.
// Used where a symbol's presence proves nothing and its callers do: every static glibc
// image defines dlopen (libc.a's own start-up links that member), only some call it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace portable_ld {

// The instruction sets whose direct calls this can read.
enum class CallEncoding {
  X86,     // 386 and amd64: E8/E9 rel32 (also after an addr32 prefix)
  AArch64, // BL/B imm26, four-byte aligned
};

struct CallSite {
  uint64_t address; // of the call instruction
  uint64_t target;
};

// The x86 scan's vector loop: the widest this CPU has (AVX2, else SSE2), or SSE2 where
// both could run, so that the unit tests run each on a machine with AVX2.
enum class X86Vectors { Widest, Sse2 };

// Every direct call or jump in `code` (loaded at `address`) whose target is one of
// `targets`. A byte pattern that is not an instruction can match by chance; the chance
// that it also hits one of a few given addresses is about 2^-32 per byte.
std::vector<CallSite> find_call_sites(CallEncoding encoding, std::string_view code,
                                      uint64_t address, std::span<const uint64_t> targets,
                                      X86Vectors vectors = X86Vectors::Widest);

} // namespace portable_ld
