// SPDX-License-Identifier: Apache-2.0
#include "verify/library_exports.h"
#include "support/regular_file.h"

#include "llvm/Object/ELFObjectFile.h"

namespace portable_ld {

namespace {

template <class ELFT>
llvm::Error read_exports(const llvm::object::ELFObjectFile<ELFT> &object,
                         LibraryExports &exports) {
  const llvm::object::ELFFile<ELFT> &elf = object.getELFFile();
  exports.machine = elf.getHeader().e_machine;
  llvm::Expected<typename ELFT::ShdrRange> sections = elf.sections();
  if (!sections) {
    return sections.takeError();
  }
  for (const typename ELFT::Shdr &section : *sections) {
    if (section.sh_type != llvm::ELF::SHT_GNU_verdef) {
      continue;
    }
    llvm::Expected<std::vector<llvm::object::VerDef>> definitions =
        elf.getVersionDefinitions(section);
    if (!definitions) {
      return definitions.takeError();
    }
    for (const llvm::object::VerDef &definition : *definitions) {
      // LLVM 14 names a definition with the rest of the string table: up to the NUL.
      std::string name = definition.Name.c_str();
      if (definition.Flags & llvm::ELF::VER_FLG_BASE) {
        exports.soname = std::move(name); // the base definition is named for DT_SONAME
      } else {
        exports.versions.push_back(std::move(name));
      }
    }
  }
  llvm::Expected<std::vector<llvm::object::VersionEntry>> versions =
      object.readDynsymVersions();
  if (!versions) {
    return versions.takeError();
  }
  size_t index = 0;
  for (const llvm::object::ELFSymbolRef &symbol : object.getDynamicSymbolIterators()) {
    const llvm::object::VersionEntry *version =
        index < versions->size() ? &(*versions)[index] : nullptr;
    ++index;
    llvm::Expected<const typename ELFT::Sym *> entry = object.getSymbol(symbol.getRawDataRefImpl());
    llvm::Expected<llvm::StringRef> name = symbol.getName();
    if (!entry || !name) {
      llvm::consumeError(entry.takeError());
      llvm::consumeError(name.takeError());
      continue;
    }
    const typename ELFT::Sym &sym = **entry;
    if (sym.isUndefined() || sym.getBinding() == llvm::ELF::STB_LOCAL ||
        sym.st_shndx == llvm::ELF::SHN_ABS || name->empty()) {
      continue; // SHN_ABS: the version markers GNU ld defines, one per version
    }
    ExportedSymbol exported;
    exported.name = name->str();
    exported.version = version ? version->Name : "";
    exported.size = sym.st_size;
    exported.weak = sym.getBinding() == llvm::ELF::STB_WEAK;
    switch (sym.getType()) {
    case llvm::ELF::STT_OBJECT:
    case llvm::ELF::STT_COMMON:
      exported.kind = ExportKind::Object;
      break;
    case llvm::ELF::STT_TLS:
      exported.kind = ExportKind::Tls;
      break;
    default: // STT_FUNC, STT_GNU_IFUNC, STT_NOTYPE
      exported.kind = ExportKind::Function;
    }
    exports.symbols.push_back(std::move(exported));
  }
  return llvm::Error::success();
}

} // namespace

llvm::Expected<LibraryExports> read_library_exports(const std::string &path) {
  auto fail = [&](const llvm::Twine &reason) {
    return llvm::createStringError(std::errc::invalid_argument, "'%s': %s", path.c_str(),
                                   reason.str().c_str());
  };
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer = read_regular_file(path);
  if (!buffer) {
    return fail(llvm::toString(buffer.takeError()));
  }
  llvm::Expected<std::unique_ptr<llvm::object::ObjectFile>> object =
      llvm::object::ObjectFile::createObjectFile((*buffer)->getMemBufferRef());
  if (!object) {
    return fail(llvm::toString(object.takeError()));
  }
  LibraryExports exports;
  llvm::Error error = llvm::Error::success();
  if (const auto *elf = llvm::dyn_cast<llvm::object::ELF64LEObjectFile>(object->get())) {
    error = read_exports(*elf, exports);
  } else {
    return fail("not a 64-bit little-endian ELF shared object");
  }
  if (error) {
    return fail(llvm::toString(std::move(error)));
  }
  return exports;
}

} // namespace portable_ld
