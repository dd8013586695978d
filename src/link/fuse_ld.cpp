// SPDX-License-Identifier: Apache-2.0
#include "link/fuse_ld.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <span>

#include <fmt/format.h>

#include "link/config.h"
#include "support/subprocess.h"
#include "support/xdg_paths.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace portable_ld {

namespace {

// The fastest first (mold, then lld); bfd is every GCC's default.
constexpr const char *k_auto_order[] = {"mold", "lld"};
// For Go's -fuse-ld=gold: gold itself, else lld (which, unlike bfd, links arm64 shared
// Go code with -z nocopyreloc, the reason Go picks gold), mold, bfd.
constexpr const char *k_gold_order[] = {"gold", "lld", "mold", "bfd"};

// The backend as it is now: a new compiler at the same path probes again.
std::string identity(const std::vector<std::string> &backend, const std::string &program) {
  llvm::sys::fs::file_status status;
  llvm::sys::fs::status(program, status);
  std::string words;
  for (const std::string &word : backend) {
    words += (words.empty() ? "" : " ") + word;
  }
  return fmt::format("{}|{}|{}|{}", program, status.getSize(),
                     status.getLastModificationTime().time_since_epoch().count(), words);
}

bool accepts(const std::vector<std::string> &backend, const std::string &program,
             const std::string &linker) {
  std::vector<std::string> argv = backend;
  argv.push_back("-fuse-ld=" + linker);
  argv.push_back("-Wl,--version");
  llvm::Expected<SpawnResult> result = spawn_and_wait(
      {program, argv, current_environment(), StderrMode::Capture, "/dev/null"});
  if (!result) {
    llvm::consumeError(result.takeError());
    return false;
  }
  return result->status.shell_code() == 0;
}


// The first of `candidates` that the backend accepts ("none" if none does): probed once
// per backend and list, and kept in $XDG_CACHE_HOME/portable-ld/fuse-ld, one line per
// answer, so links after the first pay nothing for it; "none" only if `remember_none`.
std::string first_accepted(std::span<const char *const> candidates,
                           const std::vector<std::string> &backend, const std::string &program,
                           bool remember_none) {
  std::string key;
  for (const char *candidate : candidates) {
    key += std::string(key.empty() ? "" : ",") + candidate;
  }
  key += "|" + identity(backend, program);
  std::optional<std::string> cache = xdg_path(XdgDirectory::Cache, "fuse-ld");
  if (cache) {
    if (auto buffer = llvm::MemoryBuffer::getFile(*cache)) {
      for (llvm::StringRef rest = (*buffer)->getBuffer(); !rest.empty();) {
        auto [line, next] = rest.split('\n');
        rest = next;
        auto [cached_key, choice] = line.rsplit('\t');
        if (cached_key == key) {
          return choice.str();
        }
      }
    }
  }
  std::string choice = "none";
  for (const char *linker : candidates) {
    if (accepts(backend, program, linker)) {
      choice = linker;
      break;
    }
  }
  // One line appended under a lock, as the log is: parallel links may probe together,
  // and the first line for a key wins.
  if (cache && (choice != "none" || remember_none) &&
      !llvm::sys::fs::create_directories(llvm::sys::path::parent_path(*cache))) {
    int fd = ::open(cache->c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      std::string line = key + "\t" + choice + "\n";
      ::flock(fd, LOCK_EX);
      [[maybe_unused]] ssize_t written = ::write(fd, line.data(), line.size());
      ::close(fd);
    }
  }
  return choice;
}

} // namespace

std::optional<std::string> choose_fuse_ld(const std::string &setting,
                                          const std::vector<std::string> &backend,
                                          const std::string &program) {
  if (setting.empty() || setting == "default") {
    return std::nullopt;
  }
  if (setting != "auto") {
    return setting;
  }
  // `auto` remembers that neither is there: every link would probe twice otherwise.
  std::string choice = first_accepted(k_auto_order, backend, program, /*remember_none=*/true);
  return choice == "none" ? std::nullopt : std::optional<std::string>(choice);
}

std::optional<std::string> linker_for_gold(const std::vector<std::string> &backend,
                                           const std::string &program) {
  // Not remembered when none works: the hint says to install one, and the next link must
  // see it.
  std::string choice = first_accepted(k_gold_order, backend, program, /*remember_none=*/false);
  return choice == "none" ? std::nullopt : std::optional<std::string>(choice);
}

} // namespace portable_ld
