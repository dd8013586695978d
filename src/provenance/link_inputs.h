// SPDX-License-Identifier: Apache-2.0
//
// A link's inputs as provenance: each file the linker read, with its size, its SHA-256
// and the installed Debian package that ships it (PORTABLE_LD_PROVENANCE).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "provenance/dpkg_database.h"

#include "llvm/ADT/StringRef.h"

namespace portable_ld {

struct LinkInput {
  std::string path;      // as the linker named it
  std::string real_path; // absolute, symbolic links resolved
  uint64_t size = 0;
  std::string sha256;    // lowercase hex
  std::optional<DebianPackage> package;
  std::string error;     // why the file could not be read after the link (then no hash)
  // An ar archive ("!<arch>"), or a thin one ("!<thin>": paths of member files, which
  // the linker reads).
  enum class Archive { None, Regular, Thin } archive = Archive::None;
  std::vector<std::string> members; // an archive's members the link took, as its map names them
};

// SHA-256s by file identity (provenance_cache.h's file_identity()).
using HashesByIdentity = std::map<std::string, std::string>;

// Hashes the regular files among `paths`, a link's own inputs, known before it runs: on
// a thread of its own while the backend links, this costs the link no time (Go's go.o
// alone is tens of megabytes). A file that changes while it is read is left out; `stop`
// set ends the work early.
HashesByIdentity hash_files_ahead(const std::vector<std::string> &paths,
                                  const std::atomic<bool> &stop);

// Describes `paths` (relative ones from the current directory), in their order. The
// packages come from dpkg's database in `admindir`; without one (not Debian), none.
// `ahead` holds hashes already made. What could not be read is said in `warnings`:
// provenance never fails a link.
std::vector<LinkInput> describe_link_inputs(const std::vector<std::string> &paths,
                                            const std::string &admindir,
                                            std::vector<std::string> &warnings,
                                            const HashesByIdentity &ahead = {});

// The SHA-256 of `path`'s bytes, in lowercase hex, read in pieces.
llvm::Expected<std::string> sha256_of_file(const std::string &path, uint64_t &size);

// Each archive among `inputs` given the members the linker's `map` names for it
// (provenance/link_map.h), matched by real path, whichever way the map spells it. A thin
// archive's members are files of their own, which GNU ld and lld leave out of their
// dependency file: returned are those the link took that are not among `inputs`, as
// paths to describe as inputs too.
std::vector<std::string> fill_archive_members(std::vector<LinkInput> &inputs,
                                              llvm::StringRef map,
                                              std::vector<std::string> &warnings);

} // namespace portable_ld
