// SPDX-License-Identifier: Apache-2.0
#include "provenance/dpkg_database.h"

#include "support/regular_file.h"

#include "llvm/ADT/StringMap.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace portable_ld {

std::map<std::string, DebianPackage> parse_dpkg_status(llvm::StringRef text) {
  std::map<std::string, DebianPackage> packages;
  DebianPackage package;
  std::string status;
  std::string multi_arch;
  auto finish = [&] {
    if (!package.name.empty() && llvm::StringRef(status).endswith(" installed")) {
      packages[package.name + ":" + package.architecture] = package;
      if (package.architecture == "all" || multi_arch != "same") {
        packages[package.name] = package;
      }
    }
    package = {};
    status.clear();
    multi_arch.clear();
  };
  for (llvm::StringRef rest = text; !rest.empty();) {
    auto [line, next] = rest.split('\n');
    rest = next;
    line = line.rtrim("\r");
    if (line.empty()) {
      finish();
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      continue; // a continuation of a multi-line field (Description, Conffiles)
    }
    auto [field, value] = line.split(':');
    value = value.trim();
    if (field == "Package") {
      package.name = value.str();
    } else if (field == "Version") {
      package.version = value.str();
    } else if (field == "Architecture") {
      package.architecture = value.str();
    } else if (field == "Status") {
      status = value.str();
    } else if (field == "Multi-Arch") {
      multi_arch = value.str();
    }
  }
  finish();
  return packages;
}

std::vector<std::string> dpkg_path_spellings(llvm::StringRef path) {
  std::vector<std::string> spellings{path.str()};
  for (llvm::StringRef top : {"/lib/", "/lib32/", "/lib64/", "/libx32/", "/bin/", "/sbin/"}) {
    if (path.startswith(top)) {
      spellings.push_back("/usr" + path.str());
    } else if (path.startswith(("/usr" + top).str())) {
      spellings.push_back(path.drop_front(4).str());
    }
  }
  return spellings;
}

llvm::Expected<std::map<std::string, DebianPackage>>
find_debian_packages(const std::string &admindir, const std::vector<std::string> &paths) {
  llvm::SmallString<256> status_path(admindir);
  llvm::sys::path::append(status_path, "status");
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> status =
      read_regular_file(status_path.str().str());
  if (!status) {
    return llvm::createStringError(std::errc::io_error, "cannot read '%s': %s",
                                   status_path.c_str(),
                                   llvm::toString(status.takeError()).c_str());
  }
  std::map<std::string, DebianPackage> installed = parse_dpkg_status((*status)->getBuffer());

  // Every spelling of every path -> the path it stands for.
  llvm::StringMap<std::string> wanted;
  for (const std::string &path : paths) {
    for (const std::string &spelling : dpkg_path_spellings(path)) {
      wanted.try_emplace(spelling, path);
    }
  }
  std::map<std::string, DebianPackage> found;
  llvm::SmallString<256> info(admindir);
  llvm::sys::path::append(info, "info");
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it(info, error), end; it != end && !error;
       it.increment(error)) {
    llvm::StringRef list = it->path();
    if (!list.endswith(".list")) {
      continue;
    }
    auto package = installed.find(llvm::sys::path::stem(list).str());
    if (package == installed.end()) {
      continue; // a list left by a package that is not installed (any longer)
    }
    // One package's list that cannot be read (or is not a regular file) costs that
    // package's files their package, not the others theirs.
    llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> files = read_regular_file(list.str());
    if (!files) {
      llvm::consumeError(files.takeError());
      continue;
    }
    for (llvm::StringRef rest = (*files)->getBuffer(); !rest.empty();) {
      auto [line, next] = rest.split('\n');
      rest = next;
      auto hit = wanted.find(line);
      if (hit != wanted.end()) {
        found.emplace(hit->second, package->second);
      }
    }
    if (found.size() == paths.size()) {
      break;
    }
  }
  if (error) {
    return llvm::createStringError(error, "cannot read '%s': %s", info.c_str(),
                                   error.message().c_str());
  }
  return found;
}

} // namespace portable_ld
