// SPDX-License-Identifier: Apache-2.0
//
// What a shared library defines, version by version (ELF .dynsym, .gnu.version and
// .gnu.version_d): the input a glibc floor's stub libraries are made from.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "llvm/Support/Error.h"

namespace portable_ld {

enum class ExportKind { Function, Object, Tls };

// One version of one defined dynamic symbol: "pthread_create@GLIBC_2.2.5" and
// "pthread_create@@GLIBC_2.34" are two.
struct ExportedSymbol {
  std::string name;
  std::string version; // empty: unversioned
  ExportKind kind = ExportKind::Function;
  uint64_t size = 0;
  bool weak = false;
};

struct LibraryExports {
  std::string soname;
  unsigned machine = 0;                // e_machine
  std::vector<std::string> versions;   // the version definitions, in index order, no base
  std::vector<ExportedSymbol> symbols; // in .dynsym order
};

// Reads the ELF shared object at `path` (a regular file). Errors name the file.
llvm::Expected<LibraryExports> read_library_exports(const std::string &path);

} // namespace portable_ld
