// SPDX-License-Identifier: Apache-2.0
#include "verify/elf_parts.h"

#include <algorithm>
#include <vector>

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"

namespace portable_ld {

namespace {

using namespace llvm::ELF;

// Below it the whole file is read: one read(2), and nothing to plan.
constexpr uint64_t k_parts_threshold = 16 * 1024;
// Parts closer than this are read as one: copying a page costs less than a system call.
constexpr uint64_t k_merge_gap = 4096;
// The first read: the ELF header, and the program headers and .interp that follow it.
constexpr uint64_t k_head = 4096;

// Sections Go's linkers write: a Go program's verdict reads its tables, so it is read
// whole.
bool is_go_section(llvm::StringRef name) {
  return name == ".go.buildinfo" || name == ".gopclntab" || name == ".data.rel.ro.gopclntab" ||
         name == ".gosymtab" || name == ".data.rel.ro.gosymtab" || name == ".note.go.buildid";
}

// The buffer and what of it has been read.
class Parts {
public:
  Parts(const RegularFile &file, llvm::WritableMemoryBuffer &buffer)
      : m_file(file), m_buffer(buffer) {}

  // Asks for [offset, offset + size); false when it lies outside the file.
  bool want(uint64_t offset, uint64_t size) {
    uint64_t end = m_buffer.getBufferSize();
    if (offset > end || size > end - offset) {
      return false;
    }
    if (size != 0) {
      m_wanted.push_back({offset, offset + size});
    }
    return true;
  }

  // Reads what was asked for and is not read yet, near parts as one.
  llvm::Error read() {
    std::sort(m_wanted.begin(), m_wanted.end());
    std::vector<std::pair<uint64_t, uint64_t>> merged;
    for (auto [begin, end] : m_wanted) {
      if (!merged.empty() && begin <= merged.back().second + k_merge_gap) {
        merged.back().second = std::max(merged.back().second, end);
      } else {
        merged.push_back({begin, end});
      }
    }
    m_wanted.clear();
    for (auto [begin, end] : merged) {
      if (is_read(begin, end)) {
        continue;
      }
      if (llvm::Error error =
              m_file.read_at(begin, end - begin, m_buffer.getBufferStart() + begin)) {
        return error;
      }
      m_read.push_back({begin, end});
    }
    return llvm::Error::success();
  }

private:
  bool is_read(uint64_t begin, uint64_t end) const {
    return std::any_of(m_read.begin(), m_read.end(), [&](const auto &range) {
      return range.first <= begin && end <= range.second;
    });
  }

  const RegularFile &m_file;
  llvm::WritableMemoryBuffer &m_buffer;
  std::vector<std::pair<uint64_t, uint64_t>> m_wanted, m_read;
};

// After the first read: true when the parts suffice, and every part is read.
template <class ELFT>
llvm::Expected<bool> read_parts(Parts &parts, llvm::StringRef bytes) {
  using Phdr = typename ELFT::Phdr;
  using Shdr = typename ELFT::Shdr;
  auto created = llvm::object::ELFFile<ELFT>::create(bytes);
  if (!created) {
    llvm::consumeError(created.takeError());
    return false;
  }
  const llvm::object::ELFFile<ELFT> &elf = *created;
  const typename ELFT::Ehdr &header = elf.getHeader();
  // Headers as linkers write them; anything else is read whole, and its reader judges it.
  if ((header.e_type != ET_EXEC && header.e_type != ET_DYN) ||
      header.e_phentsize != sizeof(Phdr) || header.e_shentsize != sizeof(Shdr) ||
      header.e_shnum == 0 || header.e_shnum >= SHN_LORESERVE ||
      header.e_shstrndx >= header.e_shnum) {
    return false;
  }
  if (!parts.want(header.e_phoff, uint64_t{header.e_phnum} * sizeof(Phdr)) ||
      !parts.want(header.e_shoff, uint64_t{header.e_shnum} * sizeof(Shdr))) {
    return false;
  }
  if (llvm::Error error = parts.read()) {
    return error;
  }
  auto program_headers = elf.program_headers();
  auto sections = elf.sections();
  if (!program_headers || !sections) {
    llvm::consumeError(program_headers.takeError());
    llvm::consumeError(sections.takeError());
    return false;
  }
  bool has_dynamic = false;
  for (const Phdr &phdr : *program_headers) {
    if (phdr.p_type == PT_DYNAMIC || phdr.p_type == PT_INTERP || phdr.p_type == PT_NOTE) {
      has_dynamic |= phdr.p_type == PT_DYNAMIC;
      if (!parts.want(phdr.p_offset, phdr.p_filesz)) {
        return false;
      }
    }
  }
  if (!has_dynamic) {
    return false; // static: its verdict reads .symtab and the code
  }
  auto want_section = [&](uint64_t index) {
    if (index >= sections->size()) {
      return false;
    }
    const Shdr &section = (*sections)[index];
    return section.sh_type == SHT_NOBITS || parts.want(section.sh_offset, section.sh_size);
  };
  if (!want_section(header.e_shstrndx)) {
    return false;
  }
  for (const Shdr &section : *sections) {
    switch (section.sh_type) {
    case SHT_DYNSYM:
    case SHT_GNU_verneed:
      if (!want_section(&section - sections->begin()) || !want_section(section.sh_link)) {
        return false;
      }
      break;
    case SHT_GNU_versym:
    case SHT_DYNAMIC:
    case SHT_NOTE:
      if (!want_section(&section - sections->begin())) {
        return false;
      }
      break;
    default:
      break;
    }
  }
  if (llvm::Error error = parts.read()) {
    return error;
  }
  auto names = elf.getSectionStringTable(*sections);
  if (!names) {
    llvm::consumeError(names.takeError());
    return false;
  }
  for (const Shdr &section : *sections) {
    auto name = elf.getSectionName(section, *names);
    if (!name) {
      llvm::consumeError(name.takeError());
      return false;
    }
    if (is_go_section(*name)) {
      return false;
    }
  }
  // DT_NEEDED, DT_RPATH and DT_RUNPATH are offsets in DT_STRTAB, an address.
  auto entries = elf.dynamicEntries();
  if (!entries) {
    llvm::consumeError(entries.takeError());
    return false;
  }
  uint64_t strtab_address = 0, strtab_size = 0;
  for (const typename ELFT::Dyn &entry : *entries) {
    if (entry.getTag() == DT_STRTAB) {
      strtab_address = entry.getPtr();
    } else if (entry.getTag() == DT_STRSZ) {
      strtab_size = entry.getVal();
    }
  }
  if (strtab_size != 0) {
    auto strtab = elf.toMappedAddr(strtab_address);
    if (!strtab) {
      llvm::consumeError(strtab.takeError());
      return false;
    }
    if (!parts.want(static_cast<uint64_t>(*strtab - elf.base()), strtab_size)) {
      return false;
    }
  }
  if (llvm::Error error = parts.read()) {
    return error;
  }
  return true;
}

} // namespace

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
read_dynamic_elf_parts(const RegularFile &file, const std::string &path, BufferPool &pool) {
  if (file.size() < k_parts_threshold) {
    return nullptr;
  }
  std::unique_ptr<llvm::WritableMemoryBuffer> buffer = pool.get(file.size(), path);
  if (!buffer) {
    return nullptr;
  }
  Parts parts(file, *buffer);
  parts.want(0, std::min(k_head, file.size()));
  if (llvm::Error error = parts.read()) {
    return error;
  }
  llvm::StringRef bytes(buffer->getBufferStart(), buffer->getBufferSize());
  if (!bytes.startswith("\x7f" "ELF") || bytes.size() < EI_NIDENT) {
    return nullptr;
  }
  unsigned char elf_class = bytes[EI_CLASS], data = bytes[EI_DATA];
  llvm::Expected<bool> suffice =
      elf_class == ELFCLASS64 && data == ELFDATA2LSB   ? read_parts<llvm::object::ELF64LE>(parts, bytes)
      : elf_class == ELFCLASS64 && data == ELFDATA2MSB ? read_parts<llvm::object::ELF64BE>(parts, bytes)
      : elf_class == ELFCLASS32 && data == ELFDATA2LSB ? read_parts<llvm::object::ELF32LE>(parts, bytes)
      : elf_class == ELFCLASS32 && data == ELFDATA2MSB ? read_parts<llvm::object::ELF32BE>(parts, bytes)
                                                       : false;
  if (!suffice) {
    return suffice.takeError();
  }
  if (!*suffice) {
    return nullptr;
  }
  return std::unique_ptr<llvm::MemoryBuffer>(std::move(buffer));
}

} // namespace portable_ld
