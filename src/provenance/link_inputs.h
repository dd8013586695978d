// SPDX-License-Identifier: Apache-2.0
//
// A link's inputs as provenance: each file the linker read, with its size, its SHA-256
// and the installed Debian package that ships it (PORTABLE_LD_PROVENANCE).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "provenance/dpkg_database.h"

namespace portable_ld {

struct LinkInput {
  std::string path;      // as the linker named it
  std::string real_path; // absolute, symbolic links resolved
  uint64_t size = 0;
  std::string sha256;    // lowercase hex
  std::optional<DebianPackage> package;
  std::string error;     // why the file could not be read after the link (then no hash)
};

// Describes `paths` (relative ones from the current directory), in their order. The
// packages come from dpkg's database in `admindir`; without one (not Debian), none. What
// could not be read is said in `warnings`: provenance never fails a link.
std::vector<LinkInput> describe_link_inputs(const std::vector<std::string> &paths,
                                            const std::string &admindir,
                                            std::vector<std::string> &warnings);

// The SHA-256 of `path`'s bytes, in lowercase hex, read in pieces.
llvm::Expected<std::string> sha256_of_file(const std::string &path, uint64_t &size);

} // namespace portable_ld
