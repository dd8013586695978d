// SPDX-License-Identifier: Apache-2.0
#include "floor/glibc_stubs.h"
#include "verify/symbol_versions.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "llvm/BinaryFormat/ELF.h"

namespace portable_ld {

namespace {

struct MovedSymbol {
  std::string_view name;
  std::string_view library;
};

constexpr MovedSymbol k_moved_symbols[] = {
#include "floor/glibc_moved_symbols.inc"
};

constexpr std::string_view k_merge_version = "2.34";

// "GLIBC_2.17" -> "2.17" when it is a numeric GLIBC version; else empty.
std::string_view glibc_version_number(std::string_view version) {
  SymbolVersion split = split_symbol_version(version);
  if (split.family != "GLIBC" || !is_numeric_version(split.version)) {
    return {};
  }
  return split.version;
}

// A stub being filled: its versions (name -> its symbols), the order they were seen in.
struct StubBuilder {
  std::string soname;
  std::vector<std::string> version_order;
  std::map<std::string, std::vector<const ExportedSymbol *>> by_version;

  void add_version(const std::string &version) {
    if (!by_version.count(version)) {
      by_version[version];
      version_order.push_back(version);
    }
  }
  void add(const ExportedSymbol &symbol) {
    add_version(symbol.version);
    by_version[symbol.version].push_back(&symbol);
  }
  StubLibrary finish() const;
};

std::string_view directive_type(ExportKind kind) {
  switch (kind) {
  case ExportKind::Object:
    return "object";
  case ExportKind::Tls:
    return "tls_object";
  case ExportKind::Function:
    break;
  }
  return "function";
}

StubLibrary StubBuilder::finish() const {
  StubLibrary stub;
  stub.soname = soname;
  std::string &out = stub.assembly;
  out += fmt::format("/* Stub of {} made by portable-ld: names and versions only. */\n",
                     soname);
  for (const std::string &version : version_order) {
    for (const ExportedSymbol *symbol : by_version.at(version)) {
      switch (symbol->kind) {
      case ExportKind::Function:
        out += "\t.text\n";
        break;
      case ExportKind::Object:
        out += "\t.data\n";
        break;
      case ExportKind::Tls:
        out += "\t.section .tbss,\"awT\",%nobits\n";
        break;
      }
      // A data symbol keeps its size: an executable that copies it (a copy relocation)
      // takes the size from the library it was linked against.
      out += fmt::format("\t{} {}\n\t.type {}, %{}\n\t.size {}, {}\n{}:\n",
                         symbol->weak ? ".weak" : ".globl", symbol->name, symbol->name,
                         directive_type(symbol->kind), symbol->name, symbol->size, symbol->name);
      if (symbol->kind != ExportKind::Function && symbol->size > 0) {
        out += fmt::format("\t.zero {}\n", symbol->size);
      }
      ++stub.symbols;
    }
  }
  // Oldest version first, each a node of its own; `local: *` once hides the rest.
  bool first = true;
  for (const std::string &version : version_order) {
    stub.version_script += version + " {\n";
    const std::vector<const ExportedSymbol *> &symbols = by_version.at(version);
    if (!symbols.empty()) {
      stub.version_script += "  global:\n";
      for (const ExportedSymbol *symbol : symbols) {
        stub.version_script += "    " + symbol->name + ";\n";
      }
    }
    if (first) {
      stub.version_script += "  local: *;\n";
      first = false;
    }
    stub.version_script += "};\n";
  }
  return stub;
}

bool older(const std::string &a, const std::string &b) {
  return compare_versions(glibc_version_number(a), glibc_version_number(b)) < 0;
}

} // namespace

std::vector<std::string> glibc_floor_libraries(unsigned machine) {
  std::vector<std::string> libraries = {"libc.so.6",    "libm.so.6",    "libpthread.so.0",
                                        "libdl.so.2",   "librt.so.1",   "libutil.so.1",
                                        "libanl.so.1",  "libresolv.so.2"};
  libraries.push_back(machine == llvm::ELF::EM_AARCH64 ? "ld-linux-aarch64.so.1"
                                                       : "ld-linux-x86-64.so.2");
  return libraries;
}

std::string_view moved_symbol_library(std::string_view symbol) {
  auto found = std::lower_bound(
      std::begin(k_moved_symbols), std::end(k_moved_symbols), symbol,
      [](const MovedSymbol &entry, std::string_view name) { return entry.name < name; });
  return found != std::end(k_moved_symbols) && found->name == symbol ? found->library
                                                                     : std::string_view();
}

std::vector<StubLibrary> plan_glibc_stubs(const std::vector<LibraryExports> &host,
                                          std::string_view floor) {
  const bool before_merge = glibc_floor_below_merge(floor);
  std::map<std::string, StubBuilder> stubs;
  std::vector<std::string> order;
  for (const LibraryExports &library : host) {
    StubBuilder &stub = stubs[library.soname];
    stub.soname = library.soname;
    order.push_back(library.soname);
  }
  for (const LibraryExports &library : host) {
    // The version nodes up to the floor, oldest first: the loader checks that each
    // version the output needs from a library is one it defines.
    std::vector<std::string> versions;
    for (const std::string &version : library.versions) {
      std::string_view number = glibc_version_number(version);
      if (!number.empty() && compare_versions(number, floor) <= 0) {
        versions.push_back(version);
      }
    }
    std::stable_sort(versions.begin(), versions.end(), older);
    for (const std::string &version : versions) {
      stubs[library.soname].add_version(version);
    }
    // Per symbol, its newest version up to the floor.
    std::map<std::string_view, const ExportedSymbol *> newest;
    for (const ExportedSymbol &symbol : library.symbols) {
      std::string_view number = glibc_version_number(symbol.version);
      if (number.empty() || compare_versions(number, floor) > 0) {
        continue;
      }
      const ExportedSymbol *&best = newest[symbol.name];
      if (!best || older(best->version, symbol.version)) {
        best = &symbol;
      }
    }
    for (const auto &[name, symbol] : newest) {
      std::string_view moved = before_merge && library.soname == "libc.so.6"
                                   ? moved_symbol_library(name)
                                   : std::string_view();
      auto target = moved.empty() ? stubs.end() : stubs.find(std::string(moved));
      (target != stubs.end() ? target->second : stubs[library.soname]).add(*symbol);
    }
  }
  std::vector<StubLibrary> planned;
  for (const std::string &soname : order) {
    StubBuilder &stub = stubs[soname];
    // A node added for a moved symbol may be older than ones already there.
    std::stable_sort(stub.version_order.begin(), stub.version_order.end(), older);
    planned.push_back(stub.finish());
  }
  return planned;
}

bool glibc_floor_below_merge(std::string_view floor) {
  return compare_versions(floor, k_merge_version) < 0;
}

std::string_view glibc_start_up_source() {
  return R"(/* portable-ld's start-up shim for a glibc floor below 2.34. */
typedef void (*init_function)(int, char **, char **);
extern init_function __init_array_start[] __attribute__((visibility("hidden")));
extern init_function __init_array_end[] __attribute__((visibility("hidden")));
extern void _init(void);

static void portable_ld_init(int argc, char **argv, char **envp) {
  _init();
  for (init_function *f = __init_array_start; f < __init_array_end; ++f) {
    (*f)(argc, argv, envp);
  }
}

int __real___libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
                             void (*init)(void), void (*fini)(void),
                             void (*rtld_fini)(void), void *stack_end);

int __wrap___libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
                             void (*init)(void), void (*fini)(void),
                             void (*rtld_fini)(void), void *stack_end) {
  /* glibc 2.34's crt1.o passes no init function; an older crt1.o passes its own. */
  return __real___libc_start_main(main, argc, argv,
                                  init ? init : (void (*)(void))portable_ld_init, fini,
                                  rtld_fini, stack_end);
}
)";
}

} // namespace portable_ld
