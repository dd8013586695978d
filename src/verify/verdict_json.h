// SPDX-License-Identifier: Apache-2.0
//
// A verdict as JSON, in the documented schema (docs/log-schema.md), shared by the log,
// `check --json` and the reproducer's manifest. Apart from the readers so that they, and
// verify.h, need no llvm/Support/JSON.h: clang 14 with libstdc++ 12 cannot compile that
// header in C++20 (tests/fuzz/README.md), and the fuzzer is built from the readers.
#pragma once

#include <string_view>

#include "verify/go_binary.h"
#include "verify/verify.h"

#include "llvm/Support/JSON.h"

namespace portable_ld {

llvm::json::Object to_json(const Verdict &verdict);
// How deeply the brackets of `text` nest, outside its strings: LLVM 14's JSON parser
// recurses once per level, so a note is parsed only when this is small.
size_t json_depth(std::string_view text);
// The verdict's "go" member (docs/verdicts.md, Go binaries).
llvm::json::Object to_json(const GoBinary &go);

} // namespace portable_ld
