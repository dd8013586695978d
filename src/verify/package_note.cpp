// SPDX-License-Identifier: Apache-2.0
#include "verify/package_note.h"

// llvm/Object/ELF.h, not ELFObjectFile.h: that one brings llvm/Support/JSON.h, which the
// fuzzer's clang cannot compile in C++20 (tests/fuzz/README.md).
#include "llvm/Object/ELF.h"
#include "llvm/Support/Endian.h"

namespace portable_ld {

namespace {

template <class ELFT>
llvm::Expected<std::vector<PackageNote>> find_notes(llvm::StringRef file) {
  llvm::Expected<llvm::object::ELFFile<ELFT>> created = llvm::object::ELFFile<ELFT>::create(file);
  if (!created) {
    return created.takeError();
  }
  const llvm::object::ELFFile<ELFT> &elf = *created;
  auto sections = elf.sections();
  if (!sections) {
    return sections.takeError();
  }
  auto names = elf.getSectionStringTable(*sections);
  if (!names) {
    return names.takeError();
  }
  std::vector<PackageNote> notes;
  uint64_t file_size = elf.getBufSize();
  for (const typename ELFT::Shdr &section : *sections) {
    if (section.sh_type != llvm::ELF::SHT_NOTE) {
      continue;
    }
    auto name = elf.getSectionName(section, *names);
    if (!name) {
      llvm::consumeError(name.takeError());
      continue;
    }
    if (*name != ".note.package" || section.sh_offset > file_size ||
        section.sh_size > file_size - section.sh_offset) {
      continue;
    }
    std::string_view bytes(reinterpret_cast<const char *>(elf.base()) + section.sh_offset,
                           section.sh_size);
    for (PackageNote note :
         parse_package_notes(bytes, ELFT::TargetEndianness == llvm::support::little)) {
      note.desc_offset += section.sh_offset;
      notes.push_back(note);
    }
  }
  return notes;
}

} // namespace

std::vector<PackageNote> parse_package_notes(std::string_view bytes, bool little_endian) {
  auto word = [&](size_t at) {
    return little_endian ? llvm::support::endian::read32le(bytes.data() + at)
                         : llvm::support::endian::read32be(bytes.data() + at);
  };
  auto padded = [](uint64_t size) { return (size + 3) & ~uint64_t{3}; };
  std::vector<PackageNote> notes;
  // `at` may pass the end by a descriptor's padding: compared, never subtracted.
  for (uint64_t at = 0; at + 12 <= bytes.size();) {
    uint64_t name_size = word(at), desc_size = word(at + 4);
    uint32_t type = word(at + 8);
    uint64_t name_at = at + 12;
    uint64_t desc_at = name_at + padded(name_size);
    if (desc_at > bytes.size() || desc_size > bytes.size() - desc_at) {
      break;
    }
    std::string_view name = bytes.substr(name_at, name_size);
    if (!name.empty() && name.back() == '\0') {
      name.remove_suffix(1);
    }
    if (type == k_package_note_type && name == k_package_note_owner) {
      std::string_view desc = bytes.substr(desc_at, desc_size);
      notes.push_back({desc_at, desc_size, desc.substr(0, desc.find('\0'))});
    }
    at = desc_at + padded(desc_size);
  }
  return notes;
}

llvm::Expected<std::vector<PackageNote>> find_package_notes(llvm::StringRef file) {
  using namespace llvm::object;
  if (file.size() < llvm::ELF::EI_NIDENT || !file.startswith(llvm::ELF::ElfMagic)) {
    return llvm::createStringError(std::errc::invalid_argument, "not an ELF file");
  }
  bool is64 = file[llvm::ELF::EI_CLASS] == llvm::ELF::ELFCLASS64;
  bool little = file[llvm::ELF::EI_DATA] == llvm::ELF::ELFDATA2LSB;
  if (is64) {
    return little ? find_notes<ELF64LE>(file) : find_notes<ELF64BE>(file);
  }
  return little ? find_notes<ELF32LE>(file) : find_notes<ELF32BE>(file);
}

} // namespace portable_ld
