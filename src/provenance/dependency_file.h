// SPDX-License-Identifier: Apache-2.0
//
// The files a linker read, from the Make rule it writes for --dependency-file (GNU ld
// 2.35+, gold, lld, mold): "OUTPUT: \ INPUT \ INPUT ...". A pure function.
#pragma once

#include <string>
#include <vector>

#include "llvm/ADT/StringRef.h"

namespace portable_ld {

// The first rule's prerequisites, in order, each once. Make's escapes are undone:
// "\ " (a space in a name), "\#" and "$$". Lines end at a newline without a backslash.
std::vector<std::string> dependency_file_inputs(llvm::StringRef text);

} // namespace portable_ld
