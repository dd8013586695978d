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

namespace {

constexpr std::string_view k_start_up = R"(/* portable-ld: start-up for a glibc floor below 2.34. */
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

constexpr std::string_view k_single_threaded = R"(/* portable-ld: glibc 2.32's
   __libc_single_threaded for an older glibc. 0 says "maybe several threads", so
   libstdc++ always takes its atomic paths: correct, only not the shortcut. */
char __libc_single_threaded = 0;
)";

constexpr std::string_view k_dl_find_object = R"(/* portable-ld: glibc 2.35's
   _dl_find_object for an older glibc, from dl_iterate_phdr (glibc 2.2.5): the object
   whose PT_LOAD segments hold the address, and its PT_GNU_EH_FRAME. libgcc's unwinder
   reads only the mapping and the eh_frame pointer. */
#define _GNU_SOURCE
#include <link.h>
#include <string.h>

struct search {
  const char *address;
  struct dl_find_object *result;
  int found;
};

static int visit(struct dl_phdr_info *info, size_t size, void *data) {
  struct search *search = data;
  const char *start = 0, *end = 0;
  void *eh_frame = 0;
  int contains = 0;
  (void)size;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
    const char *begin = (const char *)(info->dlpi_addr + segment->p_vaddr);
    if (segment->p_type == PT_LOAD) {
      if (!start || begin < start) start = begin;
      if (begin + segment->p_memsz > end) end = begin + segment->p_memsz;
      if (search->address >= begin && search->address < begin + segment->p_memsz) contains = 1;
    } else if (segment->p_type == PT_GNU_EH_FRAME) {
      eh_frame = (void *)begin;
    }
  }
  if (!contains) return 0;
  memset(search->result, 0, sizeof *search->result);
  search->result->dlfo_map_start = (void *)start;
  search->result->dlfo_map_end = (void *)end;
  search->result->dlfo_eh_frame = eh_frame;
  search->found = 1;
  return 1;
}

int _dl_find_object(void *address, struct dl_find_object *result) {
  struct search search = {address, result, 0};
  dl_iterate_phdr(visit, &search);
  return search.found ? 0 : -1;
}
)";

constexpr std::string_view k_arc4random = R"(/* portable-ld: glibc 2.36's arc4random
   for an older glibc, from the getrandom system call (Linux 3.17), as glibc's own. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

void arc4random_buf(void *buffer, size_t size) {
  char *next = buffer;
  while (size > 0) {
    long got = syscall(SYS_getrandom, next, size, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      abort(); /* arc4random cannot fail: glibc aborts too */
    }
    next += got;
    size -= (size_t)got;
  }
}

uint32_t arc4random(void) {
  uint32_t value;
  arc4random_buf(&value, sizeof value);
  return value;
}

uint32_t arc4random_uniform(uint32_t bound) {
  if (bound < 2) return 0;
  uint32_t floor = -bound % bound; /* 2^32 mod bound: values below it are biased */
  for (;;) {
    uint32_t value = arc4random();
    if (value >= floor) return value % bound;
  }
}
)";

constexpr std::string_view k_resolver = R"(/* portable-ld: the resolver functions glibc
   2.34 exports under their own names. Before, <resolv.h> renamed them (res_search to
   __res_search, ...), and libresolv.so.2 exported only those names. */
#include <resolv.h>

#define FORWARD(type, name, parameters, arguments) \
  extern type __##name parameters;                  \
  type name parameters { return __##name arguments; }

FORWARD(int, dn_comp, (const char *a, unsigned char *b, int c, unsigned char **d, unsigned char **e), (a, b, c, d, e))
FORWARD(int, dn_expand, (const unsigned char *a, const unsigned char *b, const unsigned char *c, char *d, int e), (a, b, c, d, e))
FORWARD(int, dn_skipname, (const unsigned char *a, const unsigned char *b), (a, b))
FORWARD(int, res_dnok, (const char *a), (a))
FORWARD(int, res_hnok, (const char *a), (a))
FORWARD(int, res_mailok, (const char *a), (a))
FORWARD(int, res_ownok, (const char *a), (a))
FORWARD(int, res_mkquery, (int a, const char *b, int c, int d, const unsigned char *e, int f, const unsigned char *g, unsigned char *h, int i), (a, b, c, d, e, f, g, h, i))
FORWARD(int, res_nmkquery, (res_state s, int a, const char *b, int c, int d, const unsigned char *e, int f, const unsigned char *g, unsigned char *h, int i), (s, a, b, c, d, e, f, g, h, i))
FORWARD(int, res_query, (const char *a, int b, int c, unsigned char *d, int e), (a, b, c, d, e))
FORWARD(int, res_nquery, (res_state s, const char *a, int b, int c, unsigned char *d, int e), (s, a, b, c, d, e))
FORWARD(int, res_querydomain, (const char *a, const char *b, int c, int d, unsigned char *e, int f), (a, b, c, d, e, f))
FORWARD(int, res_nquerydomain, (res_state s, const char *a, const char *b, int c, int d, unsigned char *e, int f), (s, a, b, c, d, e, f))
FORWARD(int, res_search, (const char *a, int b, int c, unsigned char *d, int e), (a, b, c, d, e))
FORWARD(int, res_nsearch, (res_state s, const char *a, int b, int c, unsigned char *d, int e), (s, a, b, c, d, e))
FORWARD(int, res_send, (const unsigned char *a, int b, unsigned char *c, int d), (a, b, c, d))
FORWARD(int, res_nsend, (res_state s, const unsigned char *a, int b, unsigned char *c, int d), (s, a, b, c, d))
)";

constexpr std::string_view k_stat = R"(/* portable-ld: the stat family as glibc 2.33
   exports it, for an older glibc, whose <sys/stat.h> made stat() an inline call of
   __xstat(_STAT_VER, ...), which it exports; mknod likewise through __xmknod. */
#include <fcntl.h>
#include <sys/stat.h>

#if defined(__x86_64__)
#define STAT_VERSION 1 /* _STAT_VER_LINUX */
#else
#define STAT_VERSION 0 /* _STAT_VER_KERNEL: arm64 */
#endif
#define MKNOD_VERSION 0 /* _MKNOD_VER_LINUX */

extern int __xstat(int, const char *, struct stat *);
extern int __lxstat(int, const char *, struct stat *);
extern int __fxstat(int, int, struct stat *);
extern int __fxstatat(int, int, const char *, struct stat *, int);
extern int __xstat64(int, const char *, struct stat64 *);
extern int __lxstat64(int, const char *, struct stat64 *);
extern int __fxstat64(int, int, struct stat64 *);
extern int __fxstatat64(int, int, const char *, struct stat64 *, int);
extern int __xmknod(int, const char *, mode_t, dev_t *);
extern int __xmknodat(int, int, const char *, mode_t, dev_t *);

int stat(const char *path, struct stat *buf) { return __xstat(STAT_VERSION, path, buf); }
int lstat(const char *path, struct stat *buf) { return __lxstat(STAT_VERSION, path, buf); }
int fstat(int fd, struct stat *buf) { return __fxstat(STAT_VERSION, fd, buf); }
int fstatat(int dirfd, const char *path, struct stat *buf, int flags) {
  return __fxstatat(STAT_VERSION, dirfd, path, buf, flags);
}
int stat64(const char *path, struct stat64 *buf) { return __xstat64(STAT_VERSION, path, buf); }
int lstat64(const char *path, struct stat64 *buf) { return __lxstat64(STAT_VERSION, path, buf); }
int fstat64(int fd, struct stat64 *buf) { return __fxstat64(STAT_VERSION, fd, buf); }
int fstatat64(int dirfd, const char *path, struct stat64 *buf, int flags) {
  return __fxstatat64(STAT_VERSION, dirfd, path, buf, flags);
}
int mknod(const char *path, mode_t mode, dev_t dev) {
  return __xmknod(MKNOD_VERSION, path, mode, &dev);
}
int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev) {
  return __xmknodat(MKNOD_VERSION, dirfd, path, mode, &dev);
}
)";

constexpr std::string_view k_fcntl64 = R"(/* portable-ld: glibc 2.28's fcntl64, which
   <fcntl.h> calls for fcntl under _FILE_OFFSET_BITS=64; on a 64-bit system it is fcntl. */
#include <stdarg.h>

extern int fcntl(int, int, ...);

int fcntl64(int fd, int command, ...) {
  va_list arguments;
  va_start(arguments, command);
  void *argument = va_arg(arguments, void *);
  va_end(arguments);
  return fcntl(fd, command, argument);
}
)";

constexpr std::string_view k_getentropy = R"(/* portable-ld: glibc 2.25's getentropy for an
   older glibc (std::random_device calls it), from the getrandom system call (Linux
   3.17), with glibc's contract: at most 256 bytes, all of them or -1. */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

int getentropy(void *buffer, size_t length) {
  if (length > 256) {
    errno = EIO;
    return -1;
  }
  char *next = buffer;
  while (length > 0) {
    long got = syscall(SYS_getrandom, next, length, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    next += got;
    length -= (size_t)got;
  }
  return 0;
}
)";

struct VersionedMember {
  std::string_view since; // the glibc version that has it
  CompatMember member;
};

constexpr VersionedMember k_compat_members[] = {
    {"2.34", {"start", "__wrap___libc_start_main", k_start_up}},
    {"2.34", {"resolver", "res_search res_nsearch res_query dn_expand ...", k_resolver}},
    {"2.33", {"stat", "stat fstat lstat fstatat mknod mknodat, and their 64 forms", k_stat}},
    {"2.28", {"fcntl64", "fcntl64", k_fcntl64}},
    {"2.25", {"getentropy", "getentropy", k_getentropy}},
    {"2.32", {"single-threaded", "__libc_single_threaded", k_single_threaded}},
    {"2.35", {"dl-find-object", "_dl_find_object", k_dl_find_object}},
    {"2.36", {"arc4random", "arc4random arc4random_buf arc4random_uniform", k_arc4random}},
};

} // namespace

std::vector<CompatMember> glibc_compat_members(std::string_view floor) {
  std::vector<CompatMember> members;
  for (const VersionedMember &entry : k_compat_members) {
    if (compare_versions(floor, entry.since) < 0) {
      members.push_back(entry.member);
    }
  }
  return members;
}

} // namespace portable_ld
