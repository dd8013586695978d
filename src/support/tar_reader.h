// SPDX-License-Identifier: Apache-2.0
//
// A reader for the tar archives llvm::TarWriter writes (LLVM 14 has no tar reader):
// 512-byte ustar headers (name, prefix, octal size, type), data padded to 512 bytes, and
// PAX 'x' records carrying long paths.
#pragma once

#include <map>
#include <string>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace portable_ld {

// Each regular file's path and contents (views into `data`).
llvm::Expected<std::map<std::string, llvm::StringRef>> read_tar(llvm::StringRef data);

} // namespace portable_ld
