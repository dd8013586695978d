// SPDX-License-Identifier: Apache-2.0
//
// Which members of each archive a link took, from the map file its linker writes for
// -Map. GNU ld and gold list them under "Archive member included ...", one
// "ARCHIVE(MEMBER)" each; lld and mold name "ARCHIVE(MEMBER):(SECTION)" with every input
// section they placed. A map names only members the linker loaded, so every member it
// names went into the link. The map may spell an archive's path otherwise than the
// dependency file does (lld: "/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/
// libc.a" there, "/usr/lib/x86_64-linux-gnu/libc.a" here): the caller compares real paths.
// Pure functions.
#pragma once

#include <string>
#include <vector>

#include "llvm/ADT/StringRef.h"

namespace portable_ld {

struct MappedArchive {
  std::string path;                 // as the map spells it
  std::vector<std::string> members; // in their first appearance's order, each once
};

// The archives `map` names members of, in their first appearance's order, among those
// whose file names are `file_names` ("libc.a"). A path is taken back to the line's start,
// a tab or two blanks (map columns), so a path with a single blank in it is whole.
std::vector<MappedArchive> archive_members(llvm::StringRef map,
                                           const std::vector<std::string> &file_names);

} // namespace portable_ld
