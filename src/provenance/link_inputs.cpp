// SPDX-License-Identifier: Apache-2.0
#include "provenance/link_inputs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <system_error>

#include "provenance/dependency_file.h"
#include "provenance/link_map.h"
#include "provenance/provenance_cache.h"
#include "support/regular_file.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Object/Archive.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Parallel.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"

namespace portable_ld {

namespace {

// Where Debian packages install files (the FHS); a file elsewhere (/tmp, /home, a build
// tree) is no package's, and needs no look into dpkg's database.
bool may_be_packaged(llvm::StringRef path) {
  for (llvm::StringRef top : {"/usr/", "/lib/", "/lib32/", "/lib64/", "/libx32/", "/bin/",
                              "/sbin/", "/opt/", "/etc/", "/var/lib/"}) {
    if (path.startswith(top)) {
      return true;
    }
  }
  return false;
}

// The packages of `candidates` (path -> package; absent: none), from the cache where it
// knows them, else from one read of the database, which the cache then learns.
std::map<std::string, DebianPackage> packages_of(const std::vector<std::string> &candidates,
                                                 const std::string &admindir,
                                                 std::vector<std::string> &warnings) {
  std::map<std::string, DebianPackage> packages;
  llvm::SmallString<256> status_path(admindir);
  llvm::sys::path::append(status_path, "status");
  struct stat status;
  if (::stat(status_path.c_str(), &status) != 0) {
    return packages; // not a Debian system: no packages, and nothing to say
  }
  const std::string database = file_identity(status_path.str().str(), status);
  std::vector<std::string> unknown;
  llvm::StringSet<> asked;
  for (const std::string &path : candidates) {
    if (!may_be_packaged(path)) {
      continue;
    }
    if (std::optional<DebianPackage> cached = cached_package(database, path)) {
      if (!cached->name.empty()) {
        packages[path] = std::move(*cached);
      }
    } else if (asked.insert(path).second) {
      unknown.push_back(path);
    }
  }
  if (unknown.empty()) {
    return packages;
  }
  llvm::Expected<std::map<std::string, DebianPackage>> found =
      find_debian_packages(admindir, unknown);
  if (!found) {
    warnings.push_back("provenance: no Debian packages: " + llvm::toString(found.takeError()));
    return packages;
  }
  for (const std::string &path : unknown) {
    auto hit = found->find(path);
    cache_package(database, path,
                  hit == found->end() ? std::nullopt : std::optional(hit->second));
    if (hit != found->end()) {
      packages[path] = hit->second;
    }
  }
  return packages;
}

// `path` made absolute from the current directory, "." dropped (".." kept: it may cross a
// symbolic link).
std::string absolute_path(llvm::StringRef path) {
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/false);
  return absolute.str().str();
}

// The absolute `path` with symbolic links resolved; itself when it cannot be.
std::string real_path_of(const std::string &absolute) {
  llvm::SmallString<256> real;
  return llvm::sys::fs::real_path(absolute, real) ? absolute : real.str().str();
}

} // namespace

// Read, not mapped (support/regular_file.h maps large files): an input that another job
// of a parallel build truncates meanwhile would stop a mapping's reader with SIGBUS.
llvm::Expected<std::string> sha256_of_file(const std::string &path, uint64_t &size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    std::error_code error(errno, std::generic_category());
    return llvm::createStringError(error, "cannot read '%s': %s", path.c_str(),
                                   error.message().c_str());
  }
  llvm::SHA256 hasher;
  std::vector<uint8_t> buffer(1 << 16);
  size = 0;
  for (;;) {
    ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      std::error_code error(errno, std::generic_category());
      ::close(fd);
      return llvm::createStringError(error, "cannot read '%s': %s", path.c_str(),
                                     error.message().c_str());
    }
    if (got == 0) {
      break;
    }
    hasher.update(llvm::ArrayRef<uint8_t>(buffer.data(), static_cast<size_t>(got)));
    size += static_cast<uint64_t>(got);
  }
  ::close(fd);
  return llvm::toHex(hasher.final(), /*LowerCase=*/true);
}

HashesByIdentity hash_files_ahead(const std::vector<std::string> &paths,
                                  const std::atomic<bool> &stop) {
  HashesByIdentity hashes;
  for (const std::string &path : paths) {
    if (stop.load(std::memory_order_relaxed)) {
      break;
    }
    llvm::SmallString<256> real;
    if (llvm::sys::fs::real_path(path, real)) {
      continue;
    }
    struct stat before;
    if (::stat(real.c_str(), &before) != 0 || !S_ISREG(before.st_mode)) {
      continue;
    }
    uint64_t size = 0;
    llvm::Expected<std::string> hash = sha256_of_file(real.str().str(), size);
    struct stat after;
    if (!hash) {
      llvm::consumeError(hash.takeError());
      continue;
    }
    std::string identity = file_identity(real.str().str(), before);
    if (::stat(real.c_str(), &after) == 0 && identity == file_identity(real.str().str(), after) &&
        size == static_cast<uint64_t>(before.st_size)) {
      hashes.emplace(std::move(identity), std::move(*hash));
    }
  }
  return hashes;
}

std::vector<LinkInput> describe_link_inputs(const std::vector<std::string> &paths,
                                            const std::string &admindir,
                                            std::vector<std::string> &warnings,
                                            const HashesByIdentity &ahead) {
  std::vector<LinkInput> inputs;
  std::vector<std::string> absolutes; // each input's name, made absolute
  std::vector<std::string> lookups;   // each input's absolute and real paths
  for (const std::string &named : paths) {
    // lld escapes a space, '#' and '$' in its names as Make does; the others do not.
    std::string unescaped = undo_make_escapes(named);
    const std::string &path = unescaped != named && !llvm::sys::fs::exists(named) &&
                                      llvm::sys::fs::exists(unescaped)
                                  ? unescaped
                                  : named;
    LinkInput input;
    input.path = path;
    absolutes.push_back(absolute_path(path));
    input.real_path = real_path_of(absolutes.back());
    lookups.push_back(input.real_path);
    if (absolutes.back() != input.real_path) {
      lookups.push_back(absolutes.back());
    }
    inputs.push_back(std::move(input));
  }

  // The packages first: a packaged file's hash may be cached. The real file's package
  // first: its bytes are what was linked. Else the package of the name the linker opened
  // (a symbolic link such as libm.so in a -dev package).
  if (!admindir.empty()) {
    std::map<std::string, DebianPackage> packages = packages_of(lookups, admindir, warnings);
    for (size_t i = 0; i < inputs.size(); ++i) {
      auto real = packages.find(inputs[i].real_path);
      auto named = packages.find(absolutes[i]);
      if (real != packages.end()) {
        inputs[i].package = real->second;
      } else if (named != packages.end()) {
        inputs[i].package = named->second;
      }
    }
  }

  // The hashes, on every core: libc.a alone is megabytes, and most files were not hashed
  // ahead (only the link's own inputs are).
  llvm::parallelForEachN(0, inputs.size(), [&](size_t i) {
    LinkInput &input = inputs[i];
    struct stat status;
    if (::stat(input.real_path.c_str(), &status) != 0) {
      input.error = "cannot read '" + input.path +
                    "': " + std::error_code(errno, std::generic_category()).message();
      return;
    }
    if (!S_ISREG(status.st_mode)) {
      input.error = "'" + input.path + "' is not a regular file";
      return;
    }
    if (llvm::Expected<std::string> head = read_regular_file_head(input.real_path, 8)) {
      input.archive = *head == "!<thin>\n"   ? LinkInput::Archive::Thin
                      : *head == "!<arch>\n" ? LinkInput::Archive::Regular
                                              : LinkInput::Archive::None;
    } else {
      llvm::consumeError(head.takeError());
    }
    std::string identity = file_identity(input.real_path, status);
    auto made = ahead.find(identity);
    if (made != ahead.end()) {
      input.sha256 = made->second;
      input.size = static_cast<uint64_t>(status.st_size);
      return;
    }
    if (input.package) {
      if (std::optional<std::string> cached = cached_sha256(identity)) {
        input.sha256 = std::move(*cached);
        input.size = static_cast<uint64_t>(status.st_size);
        return;
      }
    }
    llvm::Expected<std::string> hash = sha256_of_file(input.real_path, input.size);
    if (!hash) {
      input.error = llvm::toString(hash.takeError());
      return;
    }
    input.sha256 = std::move(*hash);
    if (input.package && input.size == static_cast<uint64_t>(status.st_size)) {
      cache_sha256(identity, input.sha256);
    }
  });
  return inputs;
}

namespace {

// A thin archive's member files, beside it ("./obj/foo.o"), with the names the archive
// stores ("obj/foo.o"), in its order.
struct ThinMember {
  std::string path;
  std::string stored;
  std::string real_path;
};

std::vector<ThinMember> thin_members(const LinkInput &input, std::vector<std::string> &warnings) {
  std::vector<ThinMember> members;
  auto fail = [&](llvm::Error error) {
    warnings.push_back("provenance: cannot read the thin archive '" + input.path +
                       "': " + llvm::toString(std::move(error)));
  };
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> bytes = read_regular_file(input.path);
  if (!bytes) {
    fail(bytes.takeError());
    return members;
  }
  auto archive = llvm::object::Archive::create((*bytes)->getMemBufferRef());
  if (!archive) {
    fail(archive.takeError());
    return members;
  }
  llvm::Error error = llvm::Error::success();
  for (const llvm::object::Archive::Child &child : (*archive)->children(error)) {
    llvm::Expected<llvm::StringRef> name = child.getName();
    llvm::Expected<std::string> path = child.getFullName(); // joined to the archive's directory
    if (!name || !path) {
      llvm::consumeError(name.takeError());
      llvm::consumeError(path.takeError());
      continue;
    }
    std::string real = real_path_of(absolute_path(*path));
    members.push_back({std::move(*path), name->str(), std::move(real)});
  }
  if (error) {
    fail(std::move(error));
  }
  return members;
}

} // namespace

std::vector<std::string> fill_archive_members(std::vector<LinkInput> &inputs,
                                              llvm::StringRef map,
                                              std::vector<std::string> &warnings) {
  std::vector<LinkInput *> archives;
  std::vector<std::string> paths;
  for (LinkInput &input : inputs) {
    if (input.archive != LinkInput::Archive::None) {
      archives.push_back(&input);
      paths.push_back(input.path);
    }
  }
  if (archives.empty()) {
    return {};
  }
  ArchiveMembers found = archive_members(map, paths);
  std::vector<std::set<std::string>> seen(archives.size());
  auto add = [&](size_t index, const std::vector<std::string> &members) {
    for (const std::string &member : members) {
      if (seen[index].insert(member).second) {
        archives[index]->members.push_back(member);
      }
    }
  };
  for (size_t i = 0; i < archives.size(); ++i) {
    add(i, found.by_archive[i]);
  }
  // Another spelling of the same file (lld's "dir/../lib/libc.a"), by real path.
  for (const MappedArchive &other : found.other_spellings) {
    std::string real = real_path_of(absolute_path(other.path));
    for (size_t i = 0; i < archives.size(); ++i) {
      if (archives[i]->real_path == real) {
        add(i, other.members);
      }
    }
  }
  // A thin archive's members by the names it stores, and their files as inputs: those
  // the map names, whether as "ARCHIVE(MEMBER)" (the name stored, or joined to the
  // archive's directory) or, GNU ld's way, by their own paths. (mold's dependency file
  // lists every member file it read, taken or not: those stay, as a file given on the
  // command line too would.)
  std::set<std::string> described;
  for (const LinkInput &input : inputs) {
    described.insert(input.real_path);
  }
  std::vector<std::string> more;
  for (LinkInput *archive : archives) {
    if (archive->archive != LinkInput::Archive::Thin) {
      continue;
    }
    std::vector<ThinMember> members = thin_members(*archive, warnings);
    std::set<std::string> spelt; // real paths of what the map named
    std::string directory = llvm::sys::path::parent_path(archive->path).str();
    for (const std::string &member : archive->members) {
      spelt.insert(real_path_of(absolute_path(member)));
      if (!directory.empty()) {
        spelt.insert(real_path_of(absolute_path(directory + "/" + member)));
      }
    }
    std::vector<std::string> paths;
    for (const ThinMember &member : members) {
      paths.push_back(member.path);
    }
    std::vector<bool> named = named_as_words(map, paths);
    archive->members.clear();
    for (size_t i = 0; i < members.size(); ++i) {
      if (!named[i] && !spelt.count(members[i].real_path)) {
        continue;
      }
      archive->members.push_back(members[i].stored);
      if (described.insert(members[i].real_path).second) {
        more.push_back(members[i].path);
      }
    }
  }
  return more;
}

} // namespace portable_ld
