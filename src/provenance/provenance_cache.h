// SPDX-License-Identifier: Apache-2.0
//
// What provenance has learnt before, under $XDG_CACHE_HOME/portable-ld/: a packaged
// file's SHA-256 by the file's identity (device, inode, size, mtime, ctime, path), and a
// path's Debian package by the identity of dpkg's database. Entries are written under a
// unique name and renamed, so parallel links never read half of one; each holds its full
// key, so a hash collision of the names reads as a miss.
#pragma once

#include <optional>
#include <string>
#include <sys/stat.h>

#include "provenance/dpkg_database.h"

namespace portable_ld {

// A file's identity from its status: any write to the file changes its ctime.
std::string file_identity(const std::string &path, const struct stat &status);

std::optional<std::string> cached_sha256(const std::string &identity);
void cache_sha256(const std::string &identity, const std::string &sha256);

// What the cache knows of `path` under dpkg database `database` (the identity of its
// status file): nullopt when it does not know; an empty name when no package ships it.
std::optional<DebianPackage> cached_package(const std::string &database, const std::string &path);
void cache_package(const std::string &database, const std::string &path,
                   const std::optional<DebianPackage> &package);

} // namespace portable_ld
