// SPDX-License-Identifier: Apache-2.0
//
// Compiled as C++17, with verify/verdict_json.cpp and support/json.cpp (CMakeLists.txt).
#include "render_json.h"

#include <cstdio>
#include <cstdlib>

#include "verify/verdict_json.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace portable_ld_fuzz {

std::string render_json(const portable_ld::Verdict &verdict) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::json::Value(portable_ld::to_json(verdict));
  // What the log's readers rely on: the text parses back. A verdict that breaks it is a
  // finding.
  if (llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text); !parsed) {
    std::fprintf(stderr, "the verdict's JSON does not parse: %s\n",
                 llvm::toString(parsed.takeError()).c_str());
    std::abort();
  }
  return text;
}

} // namespace portable_ld_fuzz
