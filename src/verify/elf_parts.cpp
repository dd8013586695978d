// SPDX-License-Identifier: Apache-2.0
#include "verify/elf_parts.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Process.h"

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

// The buffer and what of it has been read: parts on at most BufferPool::k_largest bytes
// of pages, which bounds what a file makes of a sparse buffer. A file whose tables are
// larger is mapped instead: node's 7 MB of them cost 1.3 ms mapped, 6 ms copied into
// pages made for them.
class Parts {
public:
  Parts(const RegularFile &file, BufferPool::Buffer &buffer)
      : m_file(file), m_buffer(buffer), m_page(llvm::sys::Process::getPageSizeEstimate()) {}

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

  // [begin, end) holds the file's bytes already: they are written into the buffer.
  void mark_read(uint64_t begin, uint64_t end) {
    m_read.push_back({begin, end});
    uint64_t bytes = page_bytes(begin, end);
    m_page_bytes += bytes;
    m_buffer.wrote(bytes);
  }

  // Reads what was asked for and is not read yet, near parts as one; false, reading
  // nothing, when that would pass the limit.
  llvm::Expected<bool> read() {
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
    std::erase_if(merged, [this](auto range) { return is_read(range.first, range.second); });
    uint64_t bytes = m_page_bytes;
    for (auto [begin, end] : merged) {
      bytes += page_bytes(begin, end);
    }
    if (bytes > BufferPool::k_largest) {
      return false;
    }
    for (auto [begin, end] : merged) {
      if (llvm::Error error =
              m_file.read_at(begin, end - begin, m_buffer.getBufferStart() + begin)) {
        return error;
      }
      mark_read(begin, end);
    }
    return true;
  }

private:
  // The bytes of the pages that [begin, end) lies on.
  uint64_t page_bytes(uint64_t begin, uint64_t end) const {
    return llvm::alignTo(end, m_page) - llvm::alignDown(begin, m_page);
  }
  bool is_read(uint64_t begin, uint64_t end) const {
    return std::any_of(m_read.begin(), m_read.end(), [&](const auto &range) {
      return range.first <= begin && end <= range.second;
    });
  }

  const RegularFile &m_file;
  BufferPool::Buffer &m_buffer;
  const uint64_t m_page;
  std::vector<std::pair<uint64_t, uint64_t>> m_wanted, m_read;
  uint64_t m_page_bytes = 0;
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
  if (llvm::Expected<bool> read = parts.read(); !read || !*read) {
    return read;
  }
  auto program_headers = elf.program_headers();
  auto sections = elf.sections();
  if (!program_headers || !sections) {
    llvm::consumeError(program_headers.takeError());
    llvm::consumeError(sections.takeError());
    return false;
  }
  bool has_dynamic = false, needs_loader = false;
  for (const Phdr &phdr : *program_headers) {
    if (phdr.p_type == PT_DYNAMIC || phdr.p_type == PT_INTERP || phdr.p_type == PT_NOTE) {
      has_dynamic |= phdr.p_type == PT_DYNAMIC;
      needs_loader |= phdr.p_type == PT_INTERP;
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
  if (llvm::Expected<bool> read = parts.read(); !read || !*read) {
    return read;
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
    needs_loader |= entry.getTag() == DT_NEEDED;
  }
  // A static-pie image has a PT_DYNAMIC too, and its verdict reads .symtab and the code,
  // which the parts leave out: reading it so would be in vain. (A library that needs no
  // other is read whole as well; it is rare.)
  if (!needs_loader) {
    return false;
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
  if (llvm::Expected<bool> read = parts.read(); !read || !*read) {
    return read;
  }
  return true;
}

// From the first bytes alone: false when the image is surely not a linked one with a
// PT_DYNAMIC (its program headers lie in them and name none), else true.
template <class ELFT>
bool may_be_dynamic_image(llvm::StringRef head) {
  auto created = llvm::object::ELFFile<ELFT>::create(head);
  if (!created) {
    llvm::consumeError(created.takeError());
    return false;
  }
  const typename ELFT::Ehdr &header = created->getHeader();
  if (header.e_type != ET_EXEC && header.e_type != ET_DYN) {
    return false;
  }
  auto program_headers = created->program_headers();
  if (!program_headers) {
    llvm::consumeError(program_headers.takeError()); // beyond the first bytes: read on
    return true;
  }
  return std::any_of(program_headers->begin(), program_headers->end(),
                     [](const typename ELFT::Phdr &phdr) { return phdr.p_type == PT_DYNAMIC; });
}

} // namespace

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
read_dynamic_elf_parts(const RegularFile &file, const std::string &path, BufferPool &pool) {
  if (file.size() < k_parts_threshold || file.size() > BufferPool::k_largest_sparse) {
    return nullptr;
  }
  // The first read goes to the stack: a static image is told by its program headers
  // before any of the pool's memory is taken.
  alignas(8) std::array<char, k_head> head;
  uint64_t head_size = std::min(k_head, file.size());
  if (llvm::Error error = file.read_at(0, head_size, head.data())) {
    return error;
  }
  llvm::StringRef head_bytes(head.data(), head_size);
  if (!head_bytes.startswith("\x7f" "ELF") || head_bytes.size() < EI_NIDENT) {
    return nullptr;
  }
  // Calls read<ELFT>() for the file's class and byte order; false for others.
  auto by_type = [&](auto read) -> llvm::Expected<bool> {
    unsigned char elf_class = head_bytes[EI_CLASS], data = head_bytes[EI_DATA];
    using namespace llvm::object;
    if (elf_class == ELFCLASS64) {
      return data == ELFDATA2LSB   ? read(ELF64LE())
             : data == ELFDATA2MSB ? read(ELF64BE())
                                   : false;
    }
    if (elf_class == ELFCLASS32) {
      return data == ELFDATA2LSB   ? read(ELF32LE())
             : data == ELFDATA2MSB ? read(ELF32BE())
                                   : false;
    }
    return false;
  };
  llvm::Expected<bool> may_be_dynamic = by_type([&](auto type) -> llvm::Expected<bool> {
    return may_be_dynamic_image<decltype(type)>(head_bytes);
  });
  if (!may_be_dynamic || !*may_be_dynamic) {
    return may_be_dynamic ? llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>(nullptr)
                          : may_be_dynamic.takeError();
  }
  std::unique_ptr<BufferPool::Buffer> buffer = pool.get(file.size(), path);
  if (!buffer) {
    return nullptr;
  }
  std::memcpy(buffer->getBufferStart(), head.data(), head_size);
  Parts parts(file, *buffer);
  parts.mark_read(0, head_size);
  llvm::StringRef bytes(buffer->getBufferStart(), buffer->getBufferSize());
  llvm::Expected<bool> suffice = by_type([&](auto type) -> llvm::Expected<bool> {
    return read_parts<decltype(type)>(parts, bytes);
  });
  if (!suffice) {
    return suffice.takeError();
  }
  if (!*suffice) {
    return nullptr;
  }
  return std::unique_ptr<llvm::MemoryBuffer>(std::move(buffer));
}

} // namespace portable_ld
