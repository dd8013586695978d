// SPDX-License-Identifier: Apache-2.0
//
// JSON for the log, `check --json` and reproducers, with no byte of an odd argument or
// path lost.
#pragma once

#include <string>
#include <vector>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

namespace portable_ld {

// A string that is valid JSON text: unchanged when it is UTF-8, else {"hex": "..."}, so
// that no byte of an odd argument or path is lost in the log.
llvm::json::Value json_string(llvm::StringRef text);
llvm::json::Array json_strings(const std::vector<std::string> &strings);

} // namespace portable_ld
