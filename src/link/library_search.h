// SPDX-License-Identifier: Apache-2.0
//
// After a failed static link: which libraries define the symbols the linker could not
// find, and what to add to the link (docs/static-linking.md#when-the-static-link-fails).
// A static archive does not carry its own dependencies (libxml2.a needs libz.a,
// liblzma.a, libm.a, ICU); the libraries are looked up where the backend looks, in its
// `-print-search-dirs` directories: static archives through their symbol index
// (llvm::object::Archive), GNU ld scripts such as glibc's libm.a followed, then shared
// libraries for the symbols no archive defines; pkg-config's --static answer for the
// needing library, when it has a module.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "link/backend_output.h"
#include "link/undefined_references.h"

namespace portable_ld {

// The "libraries: =dir:dir" line of `cc -print-search-dirs`: each directory once, in
// order, without trailing slashes (and with "..", as the compiler gives them, resolved).
std::vector<std::string> library_directories(std::string_view print_search_dirs);

// Where a symbol is defined: by the library `-l<name>`, in `file`.
struct Definer {
  std::string name;           // "m", "z", "icuuc"
  std::string file;           // "/usr/lib/x86_64-linux-gnu/libz.a"
  bool static_archive = true; // false: only a shared library defines it
};

// For each symbol, the first library in search order that defines it: static archives
// first; for the rest, shared libraries. Symbols that none defines are absent.
std::map<std::string, Definer> find_definers(const std::vector<std::string> &symbols,
                                             const std::vector<std::string> &directories);

// The pkg-config module whose Libs name -l`library` (libxml-2.0 for xml2), from the .pc
// files of `pc_directories`; nullopt when none.
std::optional<std::string> pkg_config_module_for(const std::string &library,
                                                 const std::vector<std::string> &pc_directories);

// What a failed static link lacks, for the user.
struct MissingLibraries {
  // "libxml2.a needs crc32, deflate (-lz); pow (-lm)": one per needing file.
  std::vector<std::string> notes;
  std::vector<std::string> flags;       // "-lz", "-lm", in order of first need
  std::vector<std::string> needing;     // "-lxml2": where the flags go after
  std::vector<std::string> shared_only; // "libz3.so": no static archive anywhere
  std::vector<std::string> not_found;   // symbols no library defines
};
MissingLibraries describe_missing(const std::vector<UndefinedReference> &references,
                                  const std::map<std::string, Definer> &definers);

// A pkg-config module's answer for the whole set: "pkg-config --static --libs libxml-2.0"
// and what it printed ("-lxml2 -licui18n -licuuc -licudata -lz -llzma -lm").
struct PkgConfigAnswer {
  std::string module;
  std::string libs;
};

// The failure, its notes and a hint that says what to add and where (after the library
// that needs it; for Go through -extldflags or CGO_LDFLAGS), or that the program cannot be
// static while it uses a library that has no static archive.
StaticFailure explain_missing_libraries(const MissingLibraries &missing,
                                        const std::vector<PkgConfigAnswer> &pkg_config,
                                        bool from_go);

} // namespace portable_ld
