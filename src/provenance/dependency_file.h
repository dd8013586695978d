// SPDX-License-Identifier: Apache-2.0
//
// The files a linker read, from the Make rules it writes for --dependency-file (GNU ld
// 2.35+, gold, lld, mold): "OUTPUT: \ INPUT \ INPUT ...", then an empty rule "INPUT:" for
// each input, each after a blank line. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "llvm/ADT/StringRef.h"

namespace portable_ld {

// The inputs, in order, each once. They are read from the empty rules, where each name
// stands whole on its own: GNU ld, gold and mold write names as they are (a space or a
// newline in a name included), lld escapes a space, '#' and '$' as Make does. Without
// empty rules, from the first rule's prerequisites, split at blanks, escapes undone.
std::vector<std::string> dependency_file_inputs(llvm::StringRef text);

// `name` with Make's escapes undone ("\ ", "\#", "$$"), as lld writes them; the caller
// takes it when the name as written names no file.
std::string undo_make_escapes(llvm::StringRef name);

} // namespace portable_ld
