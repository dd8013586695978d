// SPDX-License-Identifier: Apache-2.0
#include "support/json.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"

namespace portable_ld {

llvm::json::Value json_string(llvm::StringRef text) {
  if (llvm::json::isUTF8(text)) {
    return text.str();
  }
  return llvm::json::Object{{"hex", llvm::toHex(text, /*LowerCase=*/true)}};
}

std::string json_key(llvm::StringRef text) {
  return llvm::json::isUTF8(text) ? text.str() : llvm::json::fixUTF8(text);
}

} // namespace portable_ld
