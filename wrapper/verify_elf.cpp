// SPDX-License-Identifier: Apache-2.0
//
// ELF: PT_INTERP, PT_DYNAMIC, DT_NEEDED/RPATH/RUNPATH/FLAGS_1, undefined .dynsym entries,
// e_type and e_machine. One template serves the four ELFT variants.
//
// Linkage: an interpreter or any DT_NEEDED means dynamic; an ET_DYN image without
// either that is marked DF_1_PIE (or has an entry point and no DT_SONAME, for linkers
// that do not set the flag) is static-pie; an ET_EXEC without either is static.
#include "verify.h"

#include <map>

#include "llvm/Object/ELFObjectFile.h"

namespace portable_ld {

namespace {

using namespace llvm::ELF;

std::string goarch_for(unsigned machine, bool is64, bool little_endian) {
  switch (machine) {
  case EM_386:
    return "386";
  case EM_X86_64:
    return is64 ? "amd64" : "x32";
  case EM_AARCH64:
    return "arm64";
  case EM_ARM:
    return "arm";
  case EM_RISCV:
    return is64 ? "riscv64" : "riscv";
  case EM_PPC64:
    return little_endian ? "ppc64le" : "ppc64";
  case EM_PPC:
    return "ppc";
  case EM_S390:
    return is64 ? "s390x" : "s390";
  case EM_MIPS:
    return std::string(is64 ? "mips64" : "mips") + (little_endian ? "le" : "");
  case 258: // EM_LOONGARCH, newer than LLVM 14's headers
    return "loong64";
  case EM_SPARCV9:
    return "sparc64";
  default:
    return "e_machine-" + std::to_string(machine);
  }
}

// Calls visit(symbol, name, index) for every symbol of every section of `type` (SHT_DYNSYM,
// SHT_SYMTAB) that `keep` accepts, past the reserved null entry; names are read only for
// kept symbols, since a Go binary's .symtab has tens of thousands.
template <class ELFT, class Keep, class Visit>
llvm::Error for_each_symbol(const llvm::object::ELFFile<ELFT> &elf,
                            typename ELFT::ShdrRange sections, unsigned type, Keep keep,
                            Visit visit) {
  for (const typename ELFT::Shdr &section : sections) {
    if (section.sh_type != type) {
      continue;
    }
    auto symbols = elf.symbols(&section);
    if (!symbols) {
      return symbols.takeError();
    }
    // An empty table (sh_size 0) has not even the null entry, and drop_front() on an
    // empty ArrayRef would run far past the buffer.
    if (symbols->empty()) {
      continue;
    }
    auto names = elf.getStringTableForSymtab(section);
    if (!names) {
      return names.takeError();
    }
    for (size_t index = 1; index < symbols->size(); ++index) {
      const typename ELFT::Sym &symbol = (*symbols)[index];
      if (!keep(symbol)) {
        continue;
      }
      auto name = symbol.getName(*names);
      if (!name) {
        return name.takeError();
      }
      visit(symbol, *name, index);
    }
  }
  return llvm::Error::success();
}

template <class ELFT>
llvm::Expected<Verdict> inspect(const llvm::object::ELFObjectFile<ELFT> &object) {
  const llvm::object::ELFFile<ELFT> &elf = object.getELFFile();
  const typename ELFT::Ehdr &header = elf.getHeader();
  Verdict verdict;
  verdict.format = "elf";
  verdict.format_name = object.getFileFormatName().str();
  verdict.arch = goarch_for(header.e_machine, ELFT::Is64Bits,
                            ELFT::TargetEndianness == llvm::support::little);

  auto program_headers = elf.program_headers();
  if (!program_headers) {
    return program_headers.takeError();
  }
  bool has_dynamic = false;
  llvm::StringRef file = {reinterpret_cast<const char *>(elf.base()), elf.getBufSize()};
  for (const typename ELFT::Phdr &phdr : *program_headers) {
    if (phdr.p_type == PT_DYNAMIC) {
      // LLVM 14's ELFFile::dynamicEntries() trusts PT_DYNAMIC's p_offset and p_filesz
      // and reads wherever they point: a segment past the end of the file would crash.
      if (phdr.p_offset > file.size() || phdr.p_filesz > file.size() - phdr.p_offset) {
        return llvm::createStringError(std::errc::invalid_argument,
                                       "PT_DYNAMIC lies outside the file");
      }
      has_dynamic = true;
    } else if (phdr.p_type == PT_INTERP) {
      if (phdr.p_offset > file.size() || phdr.p_filesz > file.size() - phdr.p_offset) {
        return llvm::createStringError(std::errc::invalid_argument,
                                       "PT_INTERP lies outside the file");
      }
      verdict.interpreter =
          file.substr(phdr.p_offset, phdr.p_filesz).split('\0').first.str();
    }
  }

  bool pie_flag = false;
  bool has_soname = false;
  if (has_dynamic) {
    auto entries = elf.dynamicEntries();
    if (!entries) {
      return entries.takeError();
    }
    uint64_t strtab_address = 0, strtab_size = 0;
    std::vector<std::pair<int64_t, uint64_t>> string_entries; // (tag, offset)
    for (const typename ELFT::Dyn &entry : *entries) {
      switch (entry.getTag()) {
      case DT_STRTAB:
        strtab_address = entry.getPtr();
        break;
      case DT_STRSZ:
        strtab_size = entry.getVal();
        break;
      case DT_FLAGS_1:
        pie_flag = (entry.getVal() & DF_1_PIE) != 0;
        break;
      case DT_SONAME:
        has_soname = true;
        break;
      case DT_NEEDED:
      case DT_RPATH:
      case DT_RUNPATH:
        string_entries.emplace_back(entry.getTag(), entry.getVal());
        break;
      default:
        break;
      }
    }
    if (!string_entries.empty()) {
      auto strtab = elf.toMappedAddr(strtab_address);
      if (!strtab) {
        return strtab.takeError();
      }
      size_t start = static_cast<size_t>(*strtab - elf.base());
      if (start > file.size() || strtab_size > file.size() - start) {
        return llvm::createStringError(std::errc::invalid_argument,
                                       "DT_STRTAB lies outside the file");
      }
      llvm::StringRef strings = file.substr(start, strtab_size);
      for (auto [tag, offset] : string_entries) {
        if (offset >= strings.size()) {
          return llvm::createStringError(std::errc::invalid_argument,
                                         "dynamic string offset 0x%llx is past DT_STRSZ",
                                         static_cast<unsigned long long>(offset));
        }
        std::string value = strings.substr(offset).split('\0').first.str();
        (tag == DT_NEEDED  ? verdict.needed
         : tag == DT_RPATH ? verdict.rpath
                           : verdict.runpath)
            .push_back(std::move(value));
      }
    }
  }

  // Undefined dynamic symbols, from .dynsym when section headers survive.
  auto sections = elf.sections();
  if (!sections) {
    return sections.takeError();
  }
  // With their version requirements: .gnu.version holds one index per .dynsym entry, and
  // .gnu.version_r maps indexes to "GLIBC_2.14" in "libc.so.6".
  llvm::ArrayRef<typename ELFT::Versym> versyms;
  struct Needed {
    std::string name, file;
    bool weak;
  };
  std::map<unsigned, Needed> versions; // .gnu.version index -> the version it requires
  for (const typename ELFT::Shdr &section : *sections) {
    if (section.sh_type == SHT_GNU_versym) {
      auto entries = elf.template getSectionContentsAsArray<typename ELFT::Versym>(section);
      if (!entries) {
        return entries.takeError();
      }
      versyms = *entries;
    } else if (section.sh_type == SHT_GNU_verneed) {
      auto needs = elf.getVersionDependencies(section);
      if (!needs) {
        return needs.takeError();
      }
      // LLVM 14 copies each name with the rest of the string table behind it: c_str()
      // stops at the name's own NUL.
      for (const llvm::object::VerNeed &need : *needs) {
        for (const llvm::object::VernAux &aux : need.AuxV) {
          versions[aux.Other & VERSYM_VERSION] = {aux.Name.c_str(), need.File.c_str(),
                                                  (aux.Flags & VER_FLG_WEAK) != 0};
        }
      }
    }
  }
  if (llvm::Error error = for_each_symbol(
          elf, *sections, SHT_DYNSYM,
          [](const typename ELFT::Sym &symbol) { return symbol.isUndefined(); },
          [&](const typename ELFT::Sym &, llvm::StringRef name, size_t index) {
            verdict.undefined.push_back(name.str());
            if (index < versyms.size()) {
              auto found = versions.find(versyms[index].vs_index & VERSYM_VERSION);
              if (found != versions.end()) {
                verdict.versioned.push_back(
                    {name.str(), found->second.name, found->second.file, found->second.weak});
              }
            }
          })) {
    return error;
  }

  switch (header.e_type) {
  case ET_REL:
    verdict.kind = "relocatable";
    verdict.linkage = Linkage::None;
    return verdict;
  case ET_CORE:
    verdict.kind = "core";
    verdict.linkage = Linkage::None;
    return verdict;
  case ET_EXEC:
    verdict.kind = "executable";
    break;
  case ET_DYN:
    verdict.kind = (!verdict.interpreter.empty() || pie_flag ||
                    (verdict.needed.empty() && !has_soname && header.e_entry != 0))
                       ? "pie-executable"
                       : "shared-library";
    break;
  default:
    verdict.kind = "e_type-" + std::to_string(header.e_type);
    verdict.linkage = Linkage::None;
    return verdict;
  }

  // One walk over the section headers collects what the Go facts and the NSS scan read:
  // Go's function names live in .gopclntab and C strings in .rodata, so a 15 MB binary
  // is never scanned whole. Without section headers, the whole file stands in.
  GoSections go_sections;
  go_sections.has_section_headers = !sections->empty();
  bool glibc_marks = false;
  for (const typename ELFT::Shdr &section : *sections) {
    if (section.sh_type == SHT_NOBITS || section.sh_offset > file.size() ||
        section.sh_size > file.size() - section.sh_offset) {
      continue;
    }
    auto name = elf.getSectionName(section);
    if (!name) {
      llvm::consumeError(name.takeError());
      continue;
    }
    std::string_view bytes(file.data() + section.sh_offset, section.sh_size);
    if (*name == ".gopclntab") {
      go_sections.function_names = bytes;
    } else if (*name == ".rodata" || name->startswith(".rodata.")) {
      go_sections.rodata.push_back(bytes);
    } else if (*name == ".go.buildinfo") {
      go_sections.build_info = bytes;
    } else if (*name == ".comment") {
      go_sections.comment = bytes;
    } else if (*name == ".gosymtab") {
      go_sections.has_gosymtab = true;
    } else if (*name == ".note.go.buildid") {
      go_sections.has_go_note = true;
    } else if (*name == ".note.ABI-tag" || name->startswith("__libc_")) {
      glibc_marks = true; // glibc's crt1.o note, and the sections of its static libc
    }
  }
  verdict.go = describe_go_binary(go_sections);

  bool needs_loader = !verdict.interpreter.empty() || !verdict.needed.empty();
  if (needs_loader || verdict.kind == "shared-library") {
    verdict.linkage = Linkage::Dynamic;
  } else {
    verdict.linkage = verdict.kind == "pie-executable" ? Linkage::StaticPie : Linkage::Static;
    // NSS and iconv load shared modules only in glibc: a static musl image has none of
    // glibc's marks and calls getaddrinfo freely. Without section headers, assume glibc.
    if (!sections->empty() && !glibc_marks) {
      return verdict;
    }
    // Static, but perhaps not self-contained: glibc's NSS and iconv (glibc_hazards.cpp).
    std::vector<std::string_view> function_names;
    StaticImage image;
    if (!go_sections.function_names.empty()) {
      function_names.push_back(go_sections.function_names);
    }
    image.strings = go_sections.rodata;
    if (sections->empty()) {
      function_names.push_back(std::string_view(file.data(), file.size()));
      image.strings.push_back(function_names.back());
    }
    verdict.hazards = find_go_cgo_hazards(function_names);
    if (!verdict.hazards.empty()) {
      return verdict;
    }
    if (llvm::Error error = for_each_symbol(
            elf, *sections, SHT_SYMTAB,
            [](const typename ELFT::Sym &symbol) {
              return !symbol.isUndefined() && symbol.getType() == STT_FUNC;
            },
            [&](const typename ELFT::Sym &, llvm::StringRef name, size_t) {
              if (is_nss_function(name)) {
                image.nss_symbols.push_back(name.str());
              }
            })) {
      return error;
    }
    verdict.hazards = find_glibc_static_hazards(image);
  }
  return verdict;
}

} // namespace

llvm::Expected<Verdict> inspect_elf(const llvm::object::Binary &binary) {
  using namespace llvm::object;
  if (const auto *object = llvm::dyn_cast<ELF64LEObjectFile>(&binary)) {
    return inspect(*object);
  }
  if (const auto *object = llvm::dyn_cast<ELF32LEObjectFile>(&binary)) {
    return inspect(*object);
  }
  if (const auto *object = llvm::dyn_cast<ELF64BEObjectFile>(&binary)) {
    return inspect(*object);
  }
  if (const auto *object = llvm::dyn_cast<ELF32BEObjectFile>(&binary)) {
    return inspect(*object);
  }
  llvm_unreachable("isELF() binary of no ELFT");
}

} // namespace portable_ld
