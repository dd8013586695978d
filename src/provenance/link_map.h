// SPDX-License-Identifier: Apache-2.0
//
// Which members of each archive a link took, from the map file its linker writes for
// -Map. GNU ld and gold list them under "Archive member included ...", one
// "ARCHIVE(MEMBER)" each; lld and mold name "ARCHIVE(MEMBER):(SECTION)" with every input
// section they placed. A map names only members the linker loaded. It may spell an
// archive's path otherwise than the dependency file does (lld: "/usr/lib/gcc/x86_64-
// linux-gnu/12/../../../x86_64-linux-gnu/libc.a" there, "/usr/lib/x86_64-linux-gnu/
// libc.a" here): such spellings are returned for the caller to compare by real path.
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

struct ArchiveMembers {
  // For each of the archives asked about, the members named under its spelling.
  std::vector<std::vector<std::string>> by_archive;
  // Members named under another spelling of a path with the same file name ("libc.a"),
  // in their first appearance's order.
  std::vector<MappedArchive> other_spellings;
};

// One pass over `map` for the members of `archives` (paths as the linker's dependency
// file spells them). A path in the map starts at the line's start or after a blank: a
// path with a blank in it is found only under its dependency-file spelling. A member's
// name ends at a ')' followed by ':', a blank or the line's end ("f(1).o" is whole).
ArchiveMembers archive_members(llvm::StringRef map, const std::vector<std::string> &archives);

// Which of `paths` `map` names as a whole word (between blanks or a line's ends): GNU
// ld names a thin archive's member by its own path ("./obj/foo.o"), not "ARCHIVE(MEMBER)".
std::vector<bool> named_as_words(llvm::StringRef map, const std::vector<std::string> &paths);

} // namespace portable_ld
