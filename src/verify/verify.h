// SPDX-License-Identifier: Apache-2.0
//
// What a linked file is, read with LLVM's Object library the way llvm-readobj walks a
// binary: MemoryBuffer::getFile -> identify_magic -> createBinary -> one reader per format
// (elf.cpp, macho.cpp, coff.cpp). The file is never executed.
// A Verdict is a plain description; whether it is acceptable is decided by the policy
// (judge/judge.h), so that `check` and the link wrapper judge identically.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verify/glibc_hazards.h"
#include "verify/go_binary.h"
#include "verify/symbol_versions.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace llvm {
class MemoryBuffer;
namespace object {
class Binary;
}
} // namespace llvm

namespace portable_ld {

class BufferPool;

enum class Linkage {
  Static,    // no loader, no shared-library dependencies
  StaticPie, // ELF: position-independent, self-relocating, no loader
  Dynamic,   // needs a dynamic loader or shared libraries at run time
  None,      // not a linked image (relocatable object)
};
const char *to_string(Linkage linkage);

enum class Format { Elf, MachO, Coff };
const char *to_string(Format format); // "elf", "macho", "coff"

// What an image is, in the same words for every format.
enum class ImageKind {
  Executable,
  PieExecutable,
  SharedLibrary, // ELF ET_DYN library, Mach-O dylib, PE DLL
  Bundle,        // Mach-O MH_BUNDLE
  Relocatable,   // an object file
  Core,
  DsymCompanion, // Mach-O MH_DSYM
  DebugCompanion, // ELF separate debug file (objcopy --only-keep-debug)
  Other,         // a header value portable-ld has no name for (Verdict::other_kind)
};
const char *to_string(ImageKind kind); // "executable", "pie-executable", ...

// What the views of a Verdict point into: the file's bytes, mapped, and the few names
// made while reading it. Shared, so that a copy of a verdict stays valid.
struct VerdictStorage {
  std::unique_ptr<llvm::MemoryBuffer> file;
  std::deque<std::string> made; // a deque: its strings never move
  ~VerdictStorage();
};

// How much of the undefined dynamic symbols a reader needs. Summary is for one that shows
// only how many there are and the newest version they need (check's text without a
// portability policy): names are not read, which is most of reading a directory of
// programs. A verdict read so lists no names; see Verdict::unlisted_undefined.
enum class SymbolDetail { Full, Summary };

struct Verdict {
  std::string path;
  Format format = Format::Elf;
  std::string format_name; // LLVM's name, e.g. "elf64-x86-64", "Mach-O 64-bit x86-64"
  std::string arch;        // GOARCH spelling: amd64, arm64, 386, arm, riscv64, ...
  ImageKind kind = ImageKind::Other;
  std::string other_kind;  // ImageKind::Other: "e_type-N", "filetype-N"
  Linkage linkage = Linkage::None;
  std::string interpreter;              // ELF PT_INTERP, Mach-O LC_LOAD_DYLINKER
  std::vector<std::string> needed;      // DT_NEEDED, LC_LOAD_*DYLIB, PE imported DLLs
  std::vector<std::string> rpath;       // DT_RPATH, LC_RPATH
  std::vector<std::string> runpath;     // DT_RUNPATH
  std::vector<std::string_view> undefined; // undefined dynamic symbols (PE: imported names)
  std::vector<VersionedSymbol> versioned; // ELF: those of them with a version requirement
  // Read with SymbolDetail::Summary (ELF with section headers): the undefined symbols
  // counted but not in `undefined`, and `versioned` holds one entry per version
  // requirement they use, in order of first use, without a symbol name.
  size_t unlisted_undefined = 0;
  std::vector<Hazard> hazards;          // static glibc ELF only: see glibc_hazards.cpp
  // Static glibc ELF: the glibc version linked in (__nptl_version or __libc_version in
  // .symtab), empty when the image does not say. Hazards pin the image to it.
  std::string glibc_version;
  bool uses_libstdcxx = false; // with hazards: libstdc++ is linked in
  std::vector<std::string> warnings;    // oddities that do not decide the verdict
  std::optional<GoBinary> go;           // ELF Go programs: build info, linker, runtime/cgo
  std::vector<std::string> package_notes; // ELF: each .note.package note's JSON (verify/package_note.h)
  std::shared_ptr<VerdictStorage> storage; // what `undefined` and `versioned` view

  // A view of `text` that lives as long as the verdict (and its copies).
  std::string_view keep(std::string text);

  // The kind as the JSON and the text output spell it.
  std::string kind_name() const;
  bool is_executable() const {
    return kind == ImageKind::Executable || kind == ImageKind::PieExecutable;
  }
  bool is_static() const { return linkage == Linkage::Static || linkage == Linkage::StaticPie; }
  size_t undefined_count() const { return undefined.size() + unlisted_undefined; }
};

// Reads and describes `path`. Errors name the file and the reason (unreadable, not an
// object file, truncated or malformed headers). With a `pool`, a dynamically linked ELF
// image is read in parts into its memory (verify/elf_parts.h), for a caller that reads
// many files; without one, every file is read whole.
llvm::Expected<Verdict> inspect_file(const std::string &path,
                                     SymbolDetail detail = SymbolDetail::Full,
                                     BufferPool *pool = nullptr);
// The same for bytes already read; `path` names them in errors and in the verdict.
llvm::Expected<Verdict> inspect_buffer(std::unique_ptr<llvm::MemoryBuffer> bytes,
                                       const std::string &path,
                                       SymbolDetail detail = SymbolDetail::Full);

// Per-format readers, each in its own file.
llvm::Expected<Verdict> inspect_elf(const llvm::object::Binary &binary,
                                    SymbolDetail detail = SymbolDetail::Full);
llvm::Expected<Verdict> inspect_macho(const llvm::object::Binary &binary);
llvm::Expected<Verdict> inspect_coff(const llvm::object::Binary &binary);

// Bounds checks run on a file's bytes before createBinary, on the headers LLVM 14's
// readers trust: the error names what lies outside the file, or the load command LLVM 14
// would loop on. Bytes of another format pass.
// A thin Mach-O file: ncmds and sizeofcmds against the file, each load command's cmdsize,
// no LC_IDENT (macho.cpp).
llvm::Error check_macho_load_commands(llvm::StringRef file);
// A PE image: its signature, COFF file header and optional header, with the data
// directories it claims (coff.cpp).
llvm::Error check_pe_headers(llvm::StringRef file);

// The verdict's JSON is in verify/verdict_json.h.

} // namespace portable_ld
