// SPDX-License-Identifier: Apache-2.0
//
// Mach-O: LC_LOAD_DYLINKER, the LC_*_DYLIB family, LC_RPATH, undefined symbols, filetype
// and cputype. Apple supports no static executables, so portable-ld calls a Mach-O image
// static when it depends on macOS's own libraries alone (docs/verdicts.md); one with no
// dylinker and no dylibs at all (a kernel, a preload image) is static too. The load
// commands are walked and bounded here before LLVM 14 reads them
// (check_macho_load_commands).
#include "verify/verify.h"

#include <cstddef>

#include "llvm/ADT/StringExtras.h"
#include "llvm/Object/MachO.h"
#include "llvm/Support/Endian.h"

namespace portable_ld {

namespace {

// A load command in an error message: its LC_ name, or its number.
std::string load_command_name(uint32_t cmd) {
  switch (cmd) {
#define HANDLE_LOAD_COMMAND(name, value, type)                                                     \
  case llvm::MachO::name:                                                                          \
    return #name;
#include "llvm/BinaryFormat/MachO.def"
  }
  return "cmd 0x" + llvm::utohexstr(cmd, /*LowerCase=*/true);
}

llvm::Error malformed(const llvm::Twine &message) {
  return llvm::createStringError(std::errc::invalid_argument, "%s", message.str().c_str());
}

// macOS's own libraries: /usr/lib (closed to everyone but Apple by System Integrity
// Protection since 10.11) and /System/Library (its frameworks). Every Go program for
// darwin loads libSystem, Go >= 1.23 also libresolv, and crypto/x509 CoreFoundation and
// Security: as Windows' system DLLs, they are the platform, not a dependency to ship.
bool is_platform_dylib(llvm::StringRef install_name) {
  return install_name.startswith("/usr/lib/") || install_name.startswith("/System/Library/");
}

std::string goarch_for(uint32_t cputype) {
  switch (cputype) {
  case llvm::MachO::CPU_TYPE_X86_64:
    return "amd64";
  case llvm::MachO::CPU_TYPE_ARM64:
    return "arm64";
  case llvm::MachO::CPU_TYPE_I386:
    return "386";
  case llvm::MachO::CPU_TYPE_ARM:
    return "arm";
  case llvm::MachO::CPU_TYPE_POWERPC64:
    return "ppc64";
  default:
    return "cputype-" + std::to_string(cputype);
  }
}

// The NUL-terminated string at `offset` inside a load command, bounded by cmdsize.
llvm::Expected<std::string> command_string(const llvm::object::MachOObjectFile::LoadCommandInfo &command,
                                           uint32_t offset, const char *what) {
  if (offset >= command.C.cmdsize) {
    return llvm::createStringError(std::errc::invalid_argument,
                                   "%s name offset %u is past the load command", what, offset);
  }
  llvm::StringRef bytes(command.Ptr + offset, command.C.cmdsize - offset);
  return bytes.split('\0').first.str();
}

// LC_LOAD_DYLINKER, the dylib load commands and LC_RPATH.
llvm::Error read_load_commands(const llvm::object::MachOObjectFile &object, Verdict &verdict) {
  using namespace llvm::MachO;
  for (const auto &command : object.load_commands()) {
    switch (command.C.cmd) {
    case LC_LOAD_DYLINKER: {
      auto name = command_string(command, object.getDylinkerCommand(command).name, "dylinker");
      if (!name) {
        return name.takeError();
      }
      verdict.interpreter = std::move(*name);
      break;
    }
    case LC_LOAD_DYLIB:
    case LC_LOAD_WEAK_DYLIB:
    case LC_REEXPORT_DYLIB:
    case LC_LAZY_LOAD_DYLIB:
    case LC_LOAD_UPWARD_DYLIB: {
      auto name =
          command_string(command, object.getDylibIDLoadCommand(command).dylib.name, "dylib");
      if (!name) {
        return name.takeError();
      }
      if (command.C.cmd == LC_LOAD_WEAK_DYLIB) {
        verdict.warnings.push_back("weak dylib '" + *name + "' may be absent at run time");
      }
      verdict.needed.push_back(std::move(*name));
      break;
    }
    case LC_RPATH: {
      auto path = command_string(command, object.getRpathCommand(command).path, "rpath");
      if (!path) {
        return path.takeError();
      }
      verdict.rpath.push_back(std::move(*path));
      break;
    }
    default:
      break;
    }
  }
  return llvm::Error::success();
}

llvm::Error read_undefined_symbols(const llvm::object::MachOObjectFile &object,
                                   Verdict &verdict) {
  for (const llvm::object::SymbolRef &symbol : object.symbols()) {
    llvm::Expected<uint32_t> symbol_flags = symbol.getFlags();
    if (!symbol_flags) {
      return symbol_flags.takeError();
    }
    if (!(*symbol_flags & llvm::object::SymbolRef::SF_Undefined)) {
      continue;
    }
    llvm::Expected<llvm::StringRef> name = symbol.getName();
    if (!name) {
      return name.takeError();
    }
    verdict.undefined.emplace_back(name->data(), name->size());
  }
  return llvm::Error::success();
}

// filetype -> kind, and the linkage: the platform's dylibs alone count as static.
void read_kind(uint32_t filetype, uint32_t flags, Verdict &verdict) {
  using namespace llvm::MachO;
  switch (filetype) {
  case MH_OBJECT:
    verdict.kind = ImageKind::Relocatable;
    verdict.linkage = Linkage::None;
    return;
  // Neither runs: a core dump and a dSYM's debug-info companion only describe an image.
  // Their load commands name no dylib, so without this they would pass --static.
  case MH_CORE:
    verdict.kind = ImageKind::Core;
    verdict.linkage = Linkage::None;
    return;
  case MH_DSYM:
    verdict.kind = ImageKind::DsymCompanion;
    verdict.linkage = Linkage::None;
    return;
  case MH_EXECUTE:
    verdict.kind = (flags & MH_PIE) ? ImageKind::PieExecutable : ImageKind::Executable;
    break;
  case MH_DYLIB:
    verdict.kind = ImageKind::SharedLibrary;
    break;
  case MH_BUNDLE:
    verdict.kind = ImageKind::Bundle;
    break;
  default:
    verdict.kind = ImageKind::Other;
    verdict.other_kind = "filetype-" + std::to_string(filetype);
    break;
  }
  bool system_only = std::all_of(verdict.needed.begin(), verdict.needed.end(),
                                 [](const std::string &dylib) { return is_platform_dylib(dylib); });
  verdict.linkage = (system_only && verdict.kind != ImageKind::SharedLibrary &&
                         verdict.kind != ImageKind::Bundle)
                        ? Linkage::Static
                        : Linkage::Dynamic;
}

} // namespace

// LLVM 14's MachOObjectFile constructor walks ncmds load commands, each step bounded by
// sizeofcmds, except after LC_IDENT: it `continue`s past the step, so every later
// iteration records the same LC_IDENT again. The commands after it are never read (a
// dylib behind it goes unseen), and a large ncmds grows memory without bound. So the walk
// is done here first: LLVM's rules for cmdsize, every command inside sizeofcmds (as dyld
// requires; LLVM holds the last one to the file only), and no LC_IDENT.
llvm::Error check_macho_load_commands(llvm::StringRef file) {
  using namespace llvm::MachO;
  if (file.size() < 4) {
    return llvm::Error::success();
  }
  const uint32_t magic = llvm::support::endian::read32be(file.data());
  if (magic != MH_MAGIC && magic != MH_CIGAM && magic != MH_MAGIC_64 && magic != MH_CIGAM_64) {
    return llvm::Error::success(); // not a thin Mach-O file
  }
  const bool is64 = magic == MH_MAGIC_64 || magic == MH_CIGAM_64;
  // MH_MAGIC read big-endian: the file is big-endian.
  const auto order =
      (magic == MH_MAGIC || magic == MH_MAGIC_64) ? llvm::support::big : llvm::support::little;
  const uint64_t header_size = is64 ? sizeof(mach_header_64) : sizeof(mach_header);
  if (file.size() < header_size) {
    return malformed("the Mach-O header runs past the end of the file");
  }
  auto word = [&](uint64_t offset) {
    return llvm::support::endian::read32(file.data() + offset, order);
  };
  const uint32_t filetype = word(offsetof(mach_header, filetype));
  const uint32_t ncmds = word(offsetof(mach_header, ncmds));
  const uint32_t sizeofcmds = word(offsetof(mach_header, sizeofcmds));
  if (sizeofcmds > file.size() - header_size) {
    return malformed("load commands (sizeofcmds " + llvm::Twine(sizeofcmds) +
                     ") run past the end of the file");
  }
  if (uint64_t(ncmds) * sizeof(load_command) > sizeofcmds) {
    return malformed("ncmds " + llvm::Twine(ncmds) + " does not fit in sizeofcmds " +
                     llvm::Twine(sizeofcmds) + " (a load command takes at least 8 bytes)");
  }
  const uint64_t end = header_size + sizeofcmds;
  uint64_t offset = header_size;
  for (uint32_t index = 0; index < ncmds; ++index) {
    if (end - offset < sizeof(load_command)) {
      return malformed("load command " + llvm::Twine(index) +
                       " runs past the end of the load commands (sizeofcmds " +
                       llvm::Twine(sizeofcmds) + ")");
    }
    const uint32_t cmd = word(offset);
    const uint32_t cmdsize = word(offset + 4);
    auto command = [&] {
      return "load command " + std::to_string(index) + " (" + load_command_name(cmd) + ")";
    };
    if (cmdsize < sizeof(load_command)) {
      return malformed(command() + " cmdsize " + llvm::Twine(cmdsize) + " is smaller than 8 bytes");
    }
    // LLVM's alignment: 8 bytes in a 64-bit file, but 4 for a core file's LC_THREAD, which
    // the macOS kernel writes so.
    const uint32_t alignment = (is64 && !(filetype == MH_CORE && cmd == LC_THREAD)) ? 8 : 4;
    if (cmdsize % alignment != 0) {
      return malformed(command() + " cmdsize " + llvm::Twine(cmdsize) + " is not a multiple of " +
                       llvm::Twine(alignment));
    }
    if (cmdsize > end - offset) {
      return malformed(command() + " cmdsize " + llvm::Twine(cmdsize) +
                       " runs past the end of the load commands (sizeofcmds " +
                       llvm::Twine(sizeofcmds) + ")");
    }
    if (cmd == LC_IDENT) {
      return malformed(command() + " is obsolete and not supported");
    }
    offset += cmdsize;
  }
  return llvm::Error::success();
}

llvm::Expected<Verdict> inspect_macho(const llvm::object::Binary &binary) {
  const auto &object = llvm::cast<llvm::object::MachOObjectFile>(binary);
  Verdict verdict;
  verdict.format = Format::MachO;
  verdict.format_name = object.getFileFormatName().str();
  uint32_t filetype = object.is64Bit() ? object.getHeader64().filetype : object.getHeader().filetype;
  uint32_t flags = object.is64Bit() ? object.getHeader64().flags : object.getHeader().flags;
  uint32_t cputype = object.is64Bit() ? object.getHeader64().cputype : object.getHeader().cputype;
  verdict.arch = goarch_for(cputype);
  if (llvm::Error error = read_load_commands(object, verdict)) {
    return error;
  }
  if (llvm::Error error = read_undefined_symbols(object, verdict)) {
    return error;
  }
  read_kind(filetype, flags, verdict);
  return verdict;
}

} // namespace portable_ld
