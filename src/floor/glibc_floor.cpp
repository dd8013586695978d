// SPDX-License-Identifier: Apache-2.0
#include "floor/glibc_floor.h"
#include "floor/glibc_stubs.h"
#include "support/regular_file.h"
#include "support/subprocess.h"
#include "support/version.h"
#include "support/xdg_paths.h"
#include "verify/library_exports.h"
#include "verify/symbol_versions.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include <fmt/format.h>

#include "llvm/ADT/StringRef.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"

namespace portable_ld {

namespace {

// In the floor's directory: the members of glibc_compat_members().
constexpr std::string_view k_compat_archive = "libportable-ld-compat.a";


// Runs the backend with `args` after its own words; an error carries the first line of
// its stderr.
llvm::Error build_with_backend(const std::string &program, const std::vector<std::string> &backend,
                               const std::vector<std::string> &args, std::string_view what) {
  std::vector<std::string> argv = backend;
  argv.insert(argv.end(), args.begin(), args.end());
  llvm::Expected<SpawnResult> spawned =
      spawn_and_wait({program, argv, current_environment(), StderrMode::Capture});
  if (!spawned) {
    return spawned.takeError();
  }
  if (int code = spawned->status.shell_code(); code != 0) {
    llvm::StringRef said = llvm::StringRef(spawned->captured_stderr).trim().split('\n').first;
    return llvm::createStringError(std::errc::io_error, "%s failed: '%s' exited %d%s%s",
                                   std::string(what).c_str(), program.c_str(), code,
                                   said.empty() ? "" : ": ", said.str().c_str());
  }
  return llvm::Error::success();
}

// Build directories that a killed link left (over an hour old) go.
void remove_stale_builds(const std::string &root) {
  std::error_code error;
  auto now = std::chrono::system_clock::now();
  for (llvm::sys::fs::directory_iterator it(root, error), end; !error && it != end;
       it.increment(error)) {
    llvm::ErrorOr<llvm::sys::fs::basic_file_status> status = it->status();
    if (llvm::sys::path::filename(it->path()).startswith("building-") && status &&
        now - status->getLastModificationTime() > std::chrono::hours(1)) {
      llvm::sys::fs::remove_directories(it->path());
    }
  }
}

// The directory of the host's libc.so.6, as the backend finds it.
llvm::Expected<std::string> host_library_directory(const std::string &program,
                                                   const std::vector<std::string> &backend) {
  std::vector<std::string> argv = backend;
  argv.push_back("-print-file-name=libc.so.6");
  int status = 0;
  llvm::Expected<std::string> output =
      run_capturing_stdout(program, argv, {}, status, StderrMode::Capture);
  if (!output) {
    return output.takeError();
  }
  llvm::SmallString<256> path(llvm::StringRef(*output).trim());
  if (status != 0 || !llvm::sys::path::is_absolute(path) || !llvm::sys::fs::exists(path)) {
    return llvm::createStringError(std::errc::no_such_file_or_directory,
                                   "'%s' does not find libc.so.6 (-print-file-name)",
                                   program.c_str());
  }
  llvm::SmallString<256> real;
  if (llvm::sys::fs::real_path(path, real)) {
    real = path;
  }
  return llvm::sys::path::parent_path(real).str();
}

// The cache key: the floor, portable-ld's version and compatibility sources, and each
// host library's path, size and modification time (a glibc update changes them).
std::string cache_key(std::string_view floor, const std::string &directory,
                      const std::vector<std::string> &libraries) {
  std::string identity = fmt::format("{}\n{}\n", floor, k_version);
  for (const CompatMember &member : glibc_compat_members(floor)) {
    identity += member.source;
  }
  for (const std::string &library : libraries) {
    std::string path = directory + "/" + library;
    llvm::sys::fs::file_status status;
    if (!llvm::sys::fs::status(path, status)) {
      identity += fmt::format(
          "{} {} {}\n", path, status.getSize(),
          status.getLastModificationTime().time_since_epoch().count());
    }
  }
  return fmt::format("{:016x}", llvm::xxHash64(identity));
}

std::string linker_script_path(const std::string &directory, const std::string &file) {
  return "\"" + directory + "/" + file + "\"";
}

// The stubs, the linker scripts and the shim, built into `work`, whose files name
// themselves by `final_directory` (where `work` will be renamed to).
llvm::Error build_floor(std::string_view floor, const std::string &program,
                        const std::vector<std::string> &backend,
                        const std::string &host_directory,
                        const std::vector<std::string> &libraries, const std::string &work,
                        const std::string &final_directory) {
  std::vector<LibraryExports> host;
  for (const std::string &library : libraries) {
    llvm::Expected<LibraryExports> exports =
        read_library_exports(host_directory + "/" + library);
    if (!exports) {
      return exports.takeError();
    }
    if (exports->soname.empty()) {
      exports->soname = library;
    }
    host.push_back(std::move(*exports));
  }
  for (const StubLibrary &stub : plan_glibc_stubs(host, floor)) {
    std::string base = work + "/" + stub.soname;
    if (llvm::Error error = write_whole_file(base + ".s", stub.assembly)) {
      return error;
    }
    if (llvm::Error error = write_whole_file(base + ".map", stub.version_script)) {
      return error;
    }
    if (llvm::Error error = build_with_backend(
            program, backend,
            {"-shared", "-nostdlib", "-o", base, base + ".s", "-Wl,--version-script=" + base + ".map",
             "-Wl,-soname," + stub.soname},
            "building the stub of " + stub.soname)) {
      return error;
    }
  }
  // The compatibility archive: each member compiled with the backend, so the host's
  // headers define the structures it fills.
  std::vector<llvm::NewArchiveMember> members;
  for (const CompatMember &member : glibc_compat_members(floor)) {
    std::string source = work + "/" + std::string(member.name) + ".c";
    std::string object = work + "/" + std::string(member.name) + ".o";
    if (llvm::Error error = write_whole_file(source, member.source)) {
      return error;
    }
    if (llvm::Error error =
            // C even when the backend is a C++ driver (portable-ld++).
            build_with_backend(program, backend, {"-x", "c", "-c", "-O2", "-fPIC", "-o", object, source},
                        fmt::format("building {} for the floor", member.symbols))) {
      return error;
    }
    llvm::Expected<llvm::NewArchiveMember> archived =
        llvm::NewArchiveMember::getFile(object, /*Deterministic=*/true);
    if (!archived) {
      return archived.takeError();
    }
    members.push_back(std::move(*archived));
  }
  if (!members.empty()) {
    if (llvm::Error error =
            llvm::writeArchive(work + "/" + std::string(k_compat_archive), members,
                               /*WriteSymtab=*/true, llvm::object::Archive::K_GNU,
                               /*Deterministic=*/true, /*Thin=*/false)) {
      return error;
    }
  }
  // The names -lc, -lm, ... find first: scripts that name the stubs. libc.so also
  // brings the host's libc_nonshared.a, the compatibility archive (searched with libc,
  // so that libgcc_eh.a's and libstdc++.a's references find it too), and the old homes
  // of the symbols glibc 2.34 moved into libc.so.6, each linked only when the program
  // uses one of its symbols.
  const std::string &loader = libraries.back();
  std::string libc = fmt::format(
      "/* portable-ld: glibc floor {} */\nGROUP ( {} \"{}/libc_nonshared.a\" ", floor,
      linker_script_path(final_directory, "libc.so.6"), host_directory);
  if (!members.empty()) {
    libc += linker_script_path(final_directory, std::string(k_compat_archive)) + " ";
  }
  libc += "AS_NEEDED ( " + linker_script_path(final_directory, loader) + " ";
  for (const char *moved : {"libpthread.so.0", "libdl.so.2", "librt.so.1", "libutil.so.1",
                            "libanl.so.1", "libresolv.so.2"}) {
    libc += linker_script_path(final_directory, moved) + " ";
  }
  libc += ") )\n";
  if (llvm::Error error = write_whole_file(work + "/libc.so", libc)) {
    return error;
  }
  for (const std::string &library : libraries) {
    llvm::StringRef name = library;
    if (!name.startswith("lib") || name == "libc.so.6") {
      continue;
    }
    std::string script = name.substr(0, name.find(".so")).str() + ".so";
    if (llvm::Error error =
            write_whole_file(work + "/" + script,
                       fmt::format("INPUT ( {} )\n", linker_script_path(final_directory, library)))) {
      return error;
    }
  }
  return llvm::Error::success();
}

} // namespace

llvm::Expected<GlibcFloor> prepare_glibc_floor(std::string_view floor, const std::string &program,
                                               const std::vector<std::string> &backend) {
  llvm::Expected<std::string> host_directory = host_library_directory(program, backend);
  if (!host_directory) {
    return host_directory.takeError();
  }
  // The loader's name says the architecture without reading libc.so.6 (2 MB) on every
  // link; a stub build reads it anyway.
  unsigned machine = 0;
  if (llvm::sys::fs::exists(*host_directory + "/ld-linux-x86-64.so.2")) {
    machine = llvm::ELF::EM_X86_64;
  } else if (llvm::sys::fs::exists(*host_directory + "/ld-linux-aarch64.so.1")) {
    machine = llvm::ELF::EM_AARCH64;
  } else {
    return llvm::createStringError(
        std::errc::not_supported,
        "the backend's glibc in '%s' is not for amd64 or arm64 (no ld-linux-x86-64.so.2 or "
        "ld-linux-aarch64.so.1 there): glibc floors are made for those two",
        host_directory->c_str());
  }
  std::vector<std::string> libraries = glibc_floor_libraries(machine);
  std::optional<std::string> root = xdg_path(XdgDirectory::Cache, "glibc-floor");
  if (!root) {
    return llvm::createStringError(std::errc::no_such_file_or_directory,
                                   "no cache directory for the glibc floor's stubs (set "
                                   "XDG_CACHE_HOME or HOME to an absolute path)");
  }
  GlibcFloor result;
  result.floor = std::string(floor);
  result.host_directory = *host_directory;
  result.libraries = libraries;
  result.directory =
      fmt::format("{}/{}-{}", *root, floor, cache_key(floor, *host_directory, libraries));
  result.start_up_wrapped = glibc_floor_below_merge(floor);
  if (llvm::sys::fs::exists(result.directory + "/libc.so")) {
    return result;
  }
  if (std::error_code error = llvm::sys::fs::create_directories(*root)) {
    return llvm::createStringError(error, "cannot create '%s': %s", root->c_str(),
                                   error.message().c_str());
  }
  remove_stale_builds(*root);
  llvm::SmallString<256> work;
  if (std::error_code error =
          llvm::sys::fs::createUniqueDirectory(*root + "/building", work)) {
    return llvm::createStringError(error, "cannot create a directory in '%s': %s",
                                   root->c_str(), error.message().c_str());
  }
  llvm::Error built = build_floor(floor, program, backend, *host_directory, libraries,
                                  std::string(work), result.directory);
  if (!built) {
    // Another link may have finished first: its directory is as good as ours.
    if (std::error_code error = llvm::sys::fs::rename(work, result.directory);
        error && !llvm::sys::fs::exists(result.directory + "/libc.so")) {
      built = llvm::createStringError(error, "cannot rename '%s' to '%s': %s", work.c_str(),
                                      result.directory.c_str(), error.message().c_str());
    }
  }
  if (llvm::sys::fs::exists(work)) {
    llvm::sys::fs::remove_directories(work);
  }
  if (built) {
    return built;
  }
  return result;
}

std::vector<SymbolAboveFloor> symbols_above_floor(const GlibcFloor &floor,
                                                  const std::vector<std::string> &symbols) {
  std::vector<SymbolAboveFloor> above;
  std::vector<LibraryExports> host;
  for (const std::string &library : floor.libraries) {
    llvm::Expected<LibraryExports> exports =
        read_library_exports(floor.host_directory + "/" + library);
    if (!exports) {
      llvm::consumeError(exports.takeError());
      continue;
    }
    host.push_back(std::move(*exports));
  }
  for (const std::string &symbol : symbols) {
    std::optional<SymbolAboveFloor> oldest;
    bool within = false;
    for (const LibraryExports &library : host) {
      for (const ExportedSymbol &exported : library.symbols) {
        if (exported.name != symbol) {
          continue;
        }
        SymbolVersion version = split_symbol_version(exported.version);
        if (version.family != "GLIBC" || !is_numeric_version(version.version)) {
          continue;
        }
        if (compare_versions(version.version, floor.floor) <= 0) {
          within = true;
        } else if (!oldest || compare_versions(version.version,
                                               split_symbol_version(oldest->version).version) < 0) {
          oldest = SymbolAboveFloor{symbol, exported.version, library.soname};
        }
      }
    }
    if (oldest && !within) {
      above.push_back(std::move(*oldest));
    }
  }
  return above;
}

std::vector<FloorArgument> glibc_floor_leading_args(const GlibcFloor &floor) {
  return {{"-L" + floor.directory,
           fmt::format("glibc floor {0}: the stub libraries of the host's glibc, each symbol at "
                       "its newest version up to {0}, are found first",
                       floor.floor)}};
}

std::vector<FloorArgument> glibc_floor_trailing_args(const GlibcFloor &floor, bool executable,
                                                     const std::vector<std::string> &args) {
  std::string runtime = fmt::format("glibc floor {}: this machine's shared libgcc and libstdc++ "
                                    "need its own glibc, and an older system's are older than "
                                    "the code expects",
                                    floor.floor);
  // A host library the program links against (libsqlite3.so) needs the host's glibc: its
  // needs are checked against the stubs otherwise, and fail. On the older system that
  // system's own copy of the library is loaded, with its own needs.
  std::vector<FloorArgument> trailing = {
      {"-static-libgcc", runtime},
      {"-static-libstdc++", runtime},
      {"-Wl,--allow-shlib-undefined",
       fmt::format("glibc floor {}: a library linked here needs this machine's glibc, not the "
                   "floor's; the older system loads its own copy",
                   floor.floor)}};
  if (executable && floor.start_up_wrapped) {
    trailing.push_back({"-Wl,--wrap=__libc_start_main",
                        "glibc before 2.34 runs a program's constructors only through the init "
                        "function that 2.34's crt1.o no longer passes: portable-ld's start-up "
                        "shim passes one"});
  }
  bool asks_for_relr = std::any_of(args.begin(), args.end(), [](const std::string &arg) {
    llvm::StringRef text = arg;
    size_t at = text.find("pack-relative-relocs");
    return at != llvm::StringRef::npos && !text.substr(0, at).endswith("no");
  });
  if (asks_for_relr && compare_versions(floor.floor, "2.36") < 0) {
    trailing.push_back(
        {"-Wl,-z,nopack-relative-relocs",
         fmt::format("glibc floor {}: DT_RELR relocations need glibc 2.36's loader", floor.floor)});
  }
  return trailing;
}

} // namespace portable_ld
