// SPDX-License-Identifier: Apache-2.0
//
// The verdict's JSON, as `check --json` and the log write it, for the fuzzer: without
// llvm/Support/JSON.h, which the fuzzer's C++20 sources cannot include under clang 14
// and libstdc++ 12 (README.md).
#pragma once

#include <string>

#include "verify/verify.h"

namespace portable_ld_fuzz {

std::string render_json(const portable_ld::Verdict &verdict);

} // namespace portable_ld_fuzz
