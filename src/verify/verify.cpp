// SPDX-License-Identifier: Apache-2.0
#include "verify/verify.h"

#include <limits>

#include "support/buffer_pool.h"
#include "support/regular_file.h"
#include "verify/elf_parts.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/Magic.h"
#include "llvm/Object/Binary.h"
#include "llvm/Object/MachOUniversal.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/ErrorHandling.h"

namespace portable_ld {

const char *to_string(Format format) {
  switch (format) {
  case Format::Elf:
    return "elf";
  case Format::MachO:
    return "macho";
  case Format::Coff:
    return "coff";
  }
  llvm_unreachable("unknown Format");
}

const char *to_string(ImageKind kind) {
  switch (kind) {
  case ImageKind::Executable:
    return "executable";
  case ImageKind::PieExecutable:
    return "pie-executable";
  case ImageKind::SharedLibrary:
    return "shared-library";
  case ImageKind::Bundle:
    return "bundle";
  case ImageKind::Relocatable:
    return "relocatable";
  case ImageKind::Core:
    return "core";
  case ImageKind::DsymCompanion:
    return "dsym-companion";
  case ImageKind::DebugCompanion:
    return "debug-companion";
  case ImageKind::Other:
    return "other";
  }
  llvm_unreachable("unknown ImageKind");
}

VerdictStorage::~VerdictStorage() = default;

std::string_view Verdict::keep(std::string text) {
  if (!storage) {
    storage = std::make_shared<VerdictStorage>();
  }
  return storage->made.emplace_back(std::move(text));
}

std::string Verdict::kind_name() const {
  return kind == ImageKind::Other ? other_kind : to_string(kind);
}

const char *to_string(Linkage linkage) {
  switch (linkage) {
  case Linkage::Static:
    return "static";
  case Linkage::StaticPie:
    return "static-pie";
  case Linkage::Dynamic:
    return "dynamic";
  case Linkage::None:
    return "none";
  }
  llvm_unreachable("unknown Linkage");
}

namespace {

// A Plan 9 a.out header: a big-endian magic _MAGIC(f, b) = f | ((4*b)*b + 7), with f 0 or
// HDR_MAGIC (0x8000, a 64-bit target), for the architectures Go builds for plan9/
// (386: b = 11, amd64: 26, arm: 20).
bool is_plan9_executable(llvm::StringRef data) {
  if (data.size() < 32) {
    return false;
  }
  uint32_t magic = llvm::support::endian::read32be(data.data()) & ~0x8000u;
  for (uint32_t b = 1; b < 64; ++b) {
    if (magic == 4 * b * b + 7) {
      return true;
    }
  }
  return false;
}

} // namespace

llvm::Expected<Verdict> inspect_file(const std::string &path, SymbolDetail detail,
                                     BufferPool *pool) {
  auto file_error = [&](const llvm::Twine &reason) {
    return llvm::createStringError(std::errc::invalid_argument, "'%s': %s", path.c_str(),
                                   reason.str().c_str());
  };
  llvm::Expected<RegularFile> file = RegularFile::open(path);
  if (!file) {
    return file_error(llvm::toString(file.takeError()));
  }
  if (pool) {
    auto parts = read_dynamic_elf_parts(*file, path, *pool);
    if (!parts) {
      return file_error(llvm::toString(parts.takeError()));
    }
    if (*parts) {
      // The parts hold what the verdict of a dynamically linked image that is no Go
      // program reads. Any other verdict, and any error, comes from the whole file.
      llvm::Expected<Verdict> verdict = inspect_buffer(std::move(*parts), path, detail);
      if (verdict && verdict->linkage == Linkage::Dynamic && !verdict->go) {
        return verdict;
      }
      if (!verdict) {
        llvm::consumeError(verdict.takeError());
      }
    }
  }
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      file->read_all(path, std::numeric_limits<uint64_t>::max());
  if (!buffer) {
    return file_error(llvm::toString(buffer.takeError()));
  }
  return inspect_buffer(std::move(*buffer), path, detail);
}

llvm::Expected<Verdict> inspect_buffer(std::unique_ptr<llvm::MemoryBuffer> buffer,
                                       const std::string &path, SymbolDetail detail) {
  auto file_error = [&](const llvm::Twine &reason) {
    return llvm::createStringError(std::errc::invalid_argument, "'%s': %s", path.c_str(),
                                   reason.str().c_str());
  };
  llvm::file_magic magic = llvm::identify_magic(buffer->getBuffer());
  switch (magic) {
  case llvm::file_magic::elf_executable:
  case llvm::file_magic::elf_shared_object:
  case llvm::file_magic::elf_relocatable:
  case llvm::file_magic::elf_core:
  case llvm::file_magic::elf:
    break;
  // LLVM 14's Mach-O and PE readers trust headers that a hostile file can make them loop
  // on or read past the end of: those are checked first.
  case llvm::file_magic::macho_executable:
  case llvm::file_magic::macho_dynamically_linked_shared_lib:
  case llvm::file_magic::macho_dynamically_linked_shared_lib_stub:
  case llvm::file_magic::macho_bundle:
  case llvm::file_magic::macho_object:
  case llvm::file_magic::macho_dynamic_linker:
  case llvm::file_magic::macho_preload_executable:
  case llvm::file_magic::macho_core:
  case llvm::file_magic::macho_kext_bundle:
  case llvm::file_magic::macho_dsym_companion:
    if (llvm::Error error = check_macho_load_commands(buffer->getBuffer())) {
      return file_error("malformed object: " + llvm::toString(std::move(error)));
    }
    break;
  case llvm::file_magic::pecoff_executable:
    if (llvm::Error error = check_pe_headers(buffer->getBuffer())) {
      return file_error("malformed object: " + llvm::toString(std::move(error)));
    }
    break;
  case llvm::file_magic::coff_object:
    // LLVM takes any file that starts with two zero bytes for a COFF object of machine
    // IMAGE_FILE_MACHINE_UNKNOWN: a file of zeros, a Plan 9 a.out. No target links one.
    if (llvm::StringRef data = buffer->getBuffer();
        data.size() >= 2 && data[0] == 0 && data[1] == 0) {
      return file_error(is_plan9_executable(data)
                            ? "a Plan 9 a.out executable, not an ELF, Mach-O or PE/COFF file"
                            : "not an ELF, Mach-O or PE/COFF file");
    }
    break;
  case llvm::file_magic::macho_universal_binary:
    return file_error("universal (fat) Mach-O files are not checked yet; extract one "
                      "architecture with 'lipo -thin ARCH'");
  default:
    if (buffer->getBufferSize() == 0) {
      return file_error("empty file, not an ELF, Mach-O or PE/COFF file");
    }
    return file_error("not an ELF, Mach-O or PE/COFF file");
  }

  llvm::Expected<std::unique_ptr<llvm::object::Binary>> binary =
      llvm::object::createBinary(buffer->getMemBufferRef());
  if (!binary) {
    return file_error("malformed object: " + llvm::toString(binary.takeError()));
  }
  llvm::Expected<Verdict> verdict = (*binary)->isELF()     ? inspect_elf(**binary, detail)
                                    : (*binary)->isMachO() ? inspect_macho(**binary)
                                                           : inspect_coff(**binary);
  if (!verdict) {
    return file_error("malformed object: " + llvm::toString(verdict.takeError()));
  }
  verdict->path = path;
  if (!verdict->storage) {
    verdict->storage = std::make_shared<VerdictStorage>();
  }
  verdict->storage->file = std::move(buffer); // the bytes the verdict's views point into
  return verdict;
}

} // namespace portable_ld
