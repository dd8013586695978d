// SPDX-License-Identifier: Apache-2.0
//
// dpkg's database, read directly (not by running dpkg-query per file): which installed
// Debian package ships a file, and that package's version and architecture. The status
// file lists the packages; <admindir>/info/<package>[:<arch>].list lists each one's files.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace portable_ld {

struct DebianPackage {
  std::string name;         // "libc6-dev"
  std::string version;      // "2.36-9+deb12u9"
  std::string architecture; // "amd64", "all"
};

// The installed packages of a status file ("Status: install ok installed"), by the name
// their file list is under: "name:arch" for every package, and "name" too for the
// architecture-independent ones and those not co-installable (Multi-Arch other than
// "same"), as dpkg names the .list files.
std::map<std::string, DebianPackage> parse_dpkg_status(llvm::StringRef text);

// The directories dpkg may have listed a file under besides its own name: a file in
// /usr/lib is /lib/... in the lists of packages built before the /usr merge, and the
// other way round. `path` first.
std::vector<std::string> dpkg_path_spellings(llvm::StringRef path);

// The packages that ship `paths` (absolute, lexically normal), from `admindir`
// (/var/lib/dpkg): path -> package, for those found. An unreadable database is an error;
// a path no package ships is simply absent.
llvm::Expected<std::map<std::string, DebianPackage>>
find_debian_packages(const std::string &admindir, const std::vector<std::string> &paths);

} // namespace portable_ld
