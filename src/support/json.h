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
// A string as an object key, which cannot be {"hex": ...}: unchanged when it is UTF-8,
// else with its bad bytes replaced by U+FFFD. llvm::json asserts that a key is UTF-8, so
// a key read from a file goes through here.
std::string json_key(llvm::StringRef text);
// Each of `strings` (std::string or std::string_view) as json_string does it.
template <class Strings>
llvm::json::Array json_strings(const Strings &strings) {
  llvm::json::Array array;
  array.reserve(strings.size());
  for (const auto &text : strings) {
    array.push_back(json_string(llvm::StringRef(text.data(), text.size())));
  }
  return array;
}

} // namespace portable_ld
