// SPDX-License-Identifier: Apache-2.0
#include "provenance/provenance_cache.h"

#include <algorithm>

#include <fmt/format.h>

#include "support/regular_file.h"
#include "support/xdg_paths.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"

namespace portable_ld {

namespace {

constexpr uint64_t k_entry_limit = 64 << 10;

// <cache>/portable-ld/<kind>/<xxhash64 of key>.
std::optional<std::string> entry_path(llvm::StringRef kind, const std::string &key) {
  return xdg_path(XdgDirectory::Cache, fmt::format("{}/{:016x}", kind, llvm::xxHash64(key)));
}

// The entry's value, when its last line is `key`.
std::optional<std::string> read_entry(llvm::StringRef kind, const std::string &key) {
  std::optional<std::string> path = entry_path(kind, key);
  if (!path) {
    return std::nullopt;
  }
  // A regular file only, and small: the cache directory is the user's, but nothing in it
  // may hang or flood a link.
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> text =
      read_regular_file(*path, k_entry_limit);
  if (!text) {
    llvm::consumeError(text.takeError());
    return std::nullopt;
  }
  llvm::StringRef body = (*text)->getBuffer();
  if (!body.consume_back("\n" + key + "\n")) {
    return std::nullopt;
  }
  return body.str();
}

void write_entry(llvm::StringRef kind, const std::string &key, const std::string &value) {
  std::optional<std::string> path = entry_path(kind, key);
  if (!path) {
    return;
  }
  llvm::sys::fs::create_directories(llvm::sys::path::parent_path(*path));
  // A cache that cannot be written only costs the next link a hash.
  llvm::consumeError(replace_whole_file(*path, value + "\n" + key + "\n"));
}

} // namespace

std::string file_identity(const std::string &path, const struct stat &status) {
  return fmt::format("{}:{}:{}:{}.{:09}:{}.{:09}:{}", status.st_dev, status.st_ino,
                     status.st_size, status.st_mtim.tv_sec, status.st_mtim.tv_nsec,
                     status.st_ctim.tv_sec, status.st_ctim.tv_nsec, path);
}

std::optional<std::string> cached_sha256(const std::string &identity) {
  std::optional<std::string> value = read_entry("sha256", identity);
  if (!value || value->size() != 64 ||
      !std::all_of(value->begin(), value->end(),
                   [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
    return std::nullopt;
  }
  return value;
}

void cache_sha256(const std::string &identity, const std::string &sha256) {
  write_entry("sha256", identity, sha256);
}

std::optional<DebianPackage> cached_package(const std::string &database,
                                            const std::string &path) {
  std::optional<std::string> value = read_entry("dpkg", database + "\n" + path);
  if (!value) {
    return std::nullopt;
  }
  // "name\nversion\narchitecture", or "" for no package.
  llvm::SmallVector<llvm::StringRef, 3> fields;
  llvm::StringRef(*value).split(fields, '\n');
  if (fields.size() != 3) {
    return DebianPackage{};
  }
  return DebianPackage{fields[0].str(), fields[1].str(), fields[2].str()};
}

void cache_package(const std::string &database, const std::string &path,
                   const std::optional<DebianPackage> &package) {
  write_entry("dpkg", database + "\n" + path,
              package ? package->name + "\n" + package->version + "\n" + package->architecture
                      : std::string());
}

} // namespace portable_ld
