// SPDX-License-Identifier: Apache-2.0
#include "support/xdg_paths.h"

#include <cstdlib>

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/Path.h"

namespace portable_ld {

namespace {

struct XdgDefault {
  const char *variable;
  const char *under_home;
};

XdgDefault xdg_default(XdgDirectory directory) {
  switch (directory) {
  case XdgDirectory::Config:
    return {"XDG_CONFIG_HOME", ".config"};
  case XdgDirectory::State:
    return {"XDG_STATE_HOME", ".local/state"};
  case XdgDirectory::Cache:
    return {"XDG_CACHE_HOME", ".cache"};
  }
  llvm_unreachable("unknown XdgDirectory");
}

} // namespace

std::optional<std::string> xdg_path(XdgDirectory directory, llvm::StringRef name) {
  XdgDefault where = xdg_default(directory);
  llvm::SmallString<256> path;
  if (const char *xdg = std::getenv(where.variable); xdg && llvm::sys::path::is_absolute(xdg)) {
    path = xdg;
  } else if (const char *home = std::getenv("HOME");
             home && llvm::sys::path::is_absolute(home)) {
    path = home;
    llvm::sys::path::append(path, where.under_home);
  } else {
    return std::nullopt;
  }
  llvm::sys::path::append(path, "portable-ld", name);
  return std::string(path);
}

} // namespace portable_ld
