// SPDX-License-Identifier: Apache-2.0
//
// ELF: PT_INTERP, PT_DYNAMIC, DT_NEEDED/RPATH/RUNPATH/FLAGS_1, undefined .dynsym entries,
// e_type and e_machine. One template serves the four ELFT variants; one reader serves each
// feature (read_segments, read_dynamic, ...), as llvm-readobj's ELFDumper has one method
// per feature, and inspect() calls them in turn. The offsets and sizes that LLVM 14 takes
// on trust (PT_DYNAMIC, PT_INTERP, DT_STRTAB, section contents) go through file_slice().
//
// Linkage: an interpreter or any DT_NEEDED means dynamic; an ET_DYN image without
// either that is marked DF_1_PIE (or has an entry point and no DT_SONAME, for linkers
// that do not set the flag) is static-pie; an ET_EXEC without either is static.
#include "support/find_bytes.h"
#include "verify/call_sites.h"
#include "verify/glibc_hazards.h"
#include "verify/package_note.h"
#include "verify/verify.h"

#include <algorithm>
#include <array>
#include <bit>
#include <bitset>
#include <cstring>
#include <map>
#include <optional>

// ELF.h and ObjectFile.h, not ELFObjectFile.h: that one brings llvm/Support/JSON.h
// (through ScopedPrinter.h), which clang 14 cannot compile against libstdc++ 12 in C++20,
// and the fuzzer (tests/fuzz) builds this file with clang.
#include "llvm/Object/ELF.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/Endian.h"

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

// Calls visit(symbols, names) -> llvm::Error for every section of `type` (SHT_DYNSYM,
// SHT_SYMTAB) that has entries: its symbols (entry 0 is the reserved null symbol) and its
// string table. The first error stops the walk.
template <class ELFT, class Visit>
llvm::Error for_each_symbol_table(const llvm::object::ELFFile<ELFT> &elf,
                                  typename ELFT::ShdrRange sections, unsigned type,
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
    if (llvm::Error error = visit(*symbols, *names)) {
      return error;
    }
  }
  return llvm::Error::success();
}

// Calls visit(symbol, name, index) for every symbol of every section of `type` that `keep`
// accepts, past the reserved null entry; names are read only for kept symbols, since a Go
// binary's .symtab has tens of thousands.
template <class ELFT, class Keep, class Visit>
llvm::Error for_each_symbol(const llvm::object::ELFFile<ELFT> &elf,
                            typename ELFT::ShdrRange sections, unsigned type, Keep keep,
                            Visit visit) {
  return for_each_symbol_table(
      elf, sections, type,
      [&](typename ELFT::SymRange symbols, llvm::StringRef names) -> llvm::Error {
        for (size_t index = 1; index < symbols.size(); ++index) {
          const typename ELFT::Sym &symbol = symbols[index];
          if (!keep(symbol)) {
            continue;
          }
          auto name = symbol.getName(names);
          if (!name) {
            return name.takeError();
          }
          visit(symbol, *name, index);
        }
        return llvm::Error::success();
      });
}

// The bytes [offset, offset + size) of `file`, or the error "<what> lies outside the
// file". Segments, DT_STRTAB and sections are read at offsets and sizes the file itself
// gives, which LLVM 14 does not check: every one is checked here first.
llvm::Expected<llvm::StringRef> file_slice(llvm::StringRef file, uint64_t offset, uint64_t size,
                                           const char *what) {
  if (offset > file.size() || size > file.size() - offset) {
    return llvm::createStringError(std::errc::invalid_argument, "%s lies outside the file", what);
  }
  return file.substr(offset, size);
}

// What the readers learn beyond the verdict's own fields, for the kind and the linkage.
struct ElfFacts {
  bool has_dynamic = false; // PT_DYNAMIC
  bool pie_flag = false;    // DT_FLAGS_1 has DF_1_PIE
  bool has_soname = false;  // DT_SONAME
  GoSections go;            // the sections the Go facts and the NSS scan read
  bool glibc_marks = false; // glibc's crt1.o note or its static libc's sections
  std::vector<std::string> package_notes; // the JSON of each .note.package note
  bool package_notes_cut = false;         // more than k_max_package_notes or their bytes
};

// What a verdict keeps of a file's package notes: a program has one.
constexpr size_t k_max_package_notes = 16;
constexpr size_t k_max_package_note_bytes = 64 * 1024;

// PT_INTERP (the interpreter's path) and whether there is a PT_DYNAMIC.
template <class ELFT>
llvm::Error read_segments(const llvm::object::ELFFile<ELFT> &elf, llvm::StringRef file,
                          Verdict &verdict, ElfFacts &facts) {
  auto program_headers = elf.program_headers();
  if (!program_headers) {
    return program_headers.takeError();
  }
  for (const typename ELFT::Phdr &phdr : *program_headers) {
    if (phdr.p_type == PT_DYNAMIC) {
      // LLVM 14's ELFFile::dynamicEntries() trusts PT_DYNAMIC's p_offset and p_filesz
      // and reads wherever they point: a segment past the end of the file would crash.
      auto segment = file_slice(file, phdr.p_offset, phdr.p_filesz, "PT_DYNAMIC");
      if (!segment) {
        return segment.takeError();
      }
      facts.has_dynamic = true;
    } else if (phdr.p_type == PT_INTERP) {
      auto segment = file_slice(file, phdr.p_offset, phdr.p_filesz, "PT_INTERP");
      if (!segment) {
        return segment.takeError();
      }
      verdict.interpreter = segment->split('\0').first.str();
    }
  }
  return llvm::Error::success();
}

// A DT_NEEDED, DT_RPATH or DT_RUNPATH entry: its tag and its offset in DT_STRTAB.
using DynamicString = std::pair<int64_t, uint64_t>;

// Appends the strings `entries` name in `strings` (DT_STRTAB) to the verdict, in order;
// a search path as its directories.
llvm::Error read_dynamic_strings(llvm::StringRef strings, const std::vector<DynamicString> &entries,
                                 Verdict &verdict) {
  for (auto [tag, offset] : entries) {
    if (offset >= strings.size()) {
      return llvm::createStringError(std::errc::invalid_argument,
                                     "dynamic string offset 0x%llx is past DT_STRSZ",
                                     static_cast<unsigned long long>(offset));
    }
    llvm::StringRef value = strings.substr(offset).split('\0').first;
    if (tag == DT_NEEDED) {
      verdict.needed.push_back(value.str());
      continue;
    }
    // A search path: one element per directory, as the loader reads it; an empty one is
    // the working directory and stays.
    llvm::SmallVector<llvm::StringRef, 4> directories;
    value.split(directories, ':', /*MaxSplit=*/-1, /*KeepEmpty=*/true);
    std::vector<std::string> &list = tag == DT_RPATH ? verdict.rpath : verdict.runpath;
    for (llvm::StringRef directory : directories) {
      list.push_back(directory.str());
    }
  }
  return llvm::Error::success();
}

// The dynamic section: DT_NEEDED, DT_RPATH and DT_RUNPATH through DT_STRTAB, and for the
// kind DT_FLAGS_1 and DT_SONAME.
template <class ELFT>
llvm::Error read_dynamic(const llvm::object::ELFFile<ELFT> &elf, llvm::StringRef file,
                         Verdict &verdict, ElfFacts &facts) {
  auto entries = elf.dynamicEntries();
  if (!entries) {
    return entries.takeError();
  }
  uint64_t strtab_address = 0, strtab_size = 0;
  std::vector<DynamicString> string_entries;
  for (const typename ELFT::Dyn &entry : *entries) {
    switch (entry.getTag()) {
    case DT_STRTAB:
      strtab_address = entry.getPtr();
      break;
    case DT_STRSZ:
      strtab_size = entry.getVal();
      break;
    case DT_FLAGS_1:
      facts.pie_flag = (entry.getVal() & DF_1_PIE) != 0;
      break;
    case DT_SONAME:
      facts.has_soname = true;
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
  if (string_entries.empty()) {
    return llvm::Error::success();
  }
  auto strtab = elf.toMappedAddr(strtab_address);
  if (!strtab) {
    return strtab.takeError();
  }
  size_t start = static_cast<size_t>(*strtab - elf.base());
  auto strings = file_slice(file, start, strtab_size, "DT_STRTAB");
  if (!strings) {
    return strings.takeError();
  }
  return read_dynamic_strings(*strings, string_entries, verdict);
}

// A version requirement of .gnu.version_r: "GLIBC_2.14" in "libc.so.6".
struct VersionNeed {
  llvm::StringRef name, file; // in the file's string table
  bool weak;
};

// Version index (.gnu.version, 15 bits) -> what it requires, looked up once per dynamic
// symbol: a table by index, at most 32768 entries whatever the file says.
class VersionNeedTable {
public:
  void set(unsigned index, VersionNeed need) {
    index &= VERSYM_VERSION;
    if (index >= m_needs.size()) {
      m_needs.resize(index + 1);
      m_used.resize(index + 1);
    }
    m_needs[index] = need;
  }
  // Marks what it finds: the loader checks every requirement, used by a symbol or not.
  const VersionNeed *find(unsigned index) const {
    index &= VERSYM_VERSION;
    if (index >= m_needs.size() || !m_needs[index]) {
      return nullptr;
    }
    m_used[index] = true;
    return &*m_needs[index];
  }
  bool empty() const { return m_needs.empty(); }
  // The requirements no symbol used (GLIBC_ABI_DT_RELR, or one a tool left behind), as
  // versioned symbols without a name.
  void add_unused(Verdict &verdict) const {
    for (size_t index = 0; index < m_needs.size(); ++index) {
      if (m_needs[index] && !m_used[index]) {
        const VersionNeed &need = *m_needs[index];
        verdict.versioned.push_back({{}, need.name, need.file, need.weak});
      }
    }
  }

private:
  std::vector<std::optional<VersionNeed>> m_needs;
  // Lookups mark entries during one verdict's read (a table never outlives it).
  mutable std::vector<bool> m_used;
};

template <class ELFT>
struct VersionNeeds {
  llvm::ArrayRef<typename ELFT::Versym> versyms; // .gnu.version: one per .dynsym entry
  VersionNeedTable needs;                        // .gnu.version index -> what it requires
};

// The version-needs table (.gnu.version_r, DT_VERNEED): index -> "GLIBC_2.14" in
// "libc.so.6". `fetch(offset, size, what)` gives the table's bytes at an offset from its
// first entry. Each entry and each auxiliary entry takes 16 bytes of the file, so no more
// of them are read than fit in it, whatever the counts say; names stop at their NUL
// (LLVM 14's getVersionDependencies copies the rest of the string table with each one,
// megabytes per file, and follows its counts unbounded).
template <class ELFT, class Fetch>
llvm::Error parse_version_needs(Fetch fetch, uint64_t count, llvm::StringRef strings,
                                uint64_t file_size, VersionNeedTable &needs) {
  auto word = [](const char *at) {
    return llvm::support::endian::read<uint32_t, ELFT::TargetEndianness>(at);
  };
  auto half = [](const char *at) {
    return llvm::support::endian::read<uint16_t, ELFT::TargetEndianness>(at);
  };
  auto name = [&](uint64_t offset) {
    return offset < strings.size() ? strings.substr(offset).split('\0').first : llvm::StringRef();
  };
  uint64_t budget = file_size / 16;
  uint64_t offset = 0;
  for (uint64_t i = 0; i < count && budget > 0; ++i, --budget) {
    llvm::Expected<llvm::StringRef> entry = fetch(offset, 16, "version need");
    if (!entry) {
      return entry.takeError();
    }
    llvm::StringRef file = name(word(entry->data() + 4));
    uint64_t aux = offset + word(entry->data() + 8);
    for (uint16_t j = 0, n = half(entry->data() + 2); j < n && budget > 0; ++j, --budget) {
      llvm::Expected<llvm::StringRef> vernaux = fetch(aux, 16, "version need auxiliary entry");
      if (!vernaux) {
        return vernaux.takeError();
      }
      needs.set(half(vernaux->data() + 6), {name(word(vernaux->data() + 8)), file,
                                            (half(vernaux->data() + 4) & VER_FLG_WEAK) != 0});
      uint32_t next = word(vernaux->data() + 12);
      if (next == 0) {
        break;
      }
      aux += next;
    }
    uint32_t next = word(entry->data() + 12);
    if (next == 0) {
      break;
    }
    offset += next;
  }
  return llvm::Error::success();
}

// .gnu.version holds one index per .dynsym entry, and .gnu.version_r maps indexes to
// "GLIBC_2.14" in "libc.so.6".
template <class ELFT>
llvm::Expected<VersionNeeds<ELFT>> read_version_needs(const llvm::object::ELFFile<ELFT> &elf,
                                                      typename ELFT::ShdrRange sections,
                                                      llvm::StringRef file) {
  VersionNeeds<ELFT> versions;
  for (const typename ELFT::Shdr &section : sections) {
    if (section.sh_type == SHT_GNU_versym) {
      auto entries = elf.template getSectionContentsAsArray<typename ELFT::Versym>(section);
      if (!entries) {
        return entries.takeError();
      }
      versions.versyms = *entries;
    } else if (section.sh_type == SHT_GNU_verneed) {
      auto table = file_slice(file, section.sh_offset, section.sh_size, "SHT_GNU_verneed");
      if (!table) {
        return table.takeError();
      }
      auto strings = elf.getLinkAsStrtab(section);
      if (!strings) {
        return strings.takeError();
      }
      auto fetch = [&](uint64_t offset, uint64_t size, const char *what) {
        return file_slice(*table, offset, size, what);
      };
      if (llvm::Error error = parse_version_needs<ELFT>(fetch, section.sh_info, *strings,
                                                       file.size(), versions.needs)) {
        return error;
      }
    }
  }
  return versions;
}

// The index of the first undefined symbol at or after `index`, or symbols.size(). A
// library defines tens of thousands of symbols: a loop of its own skips them with its
// state in registers.
template <class ELFT>
size_t next_undefined(typename ELFT::SymRange symbols, size_t index) {
  while (index < symbols.size() && !symbols[index].isUndefined()) {
    ++index;
  }
  return index;
}

// A summary of `symbols` from entry 1 on: the undefined ones counted, and the first to
// need each version listed without a name. A library defines tens of thousands of
// symbols, so this loop keeps its state in locals, and is not inlined: inside inspect()
// GCC kept its index in memory, a store and a load per symbol. Returns where it stopped:
// the end, or an undefined symbol whose name lies outside the table, which a full read
// reports.
template <class ELFT>
__attribute__((noinline)) size_t
count_undefined(typename ELFT::SymRange symbols, size_t names_size,
                llvm::ArrayRef<typename ELFT::Versym> versyms, const VersionNeedTable &needs,
                std::bitset<VERSYM_VERSION + 1> &listed, Verdict &verdict) {
  size_t undefined = 0;
  size_t index = next_undefined<ELFT>(symbols, 1);
  for (; index < symbols.size(); index = next_undefined<ELFT>(symbols, index + 1)) {
    const typename ELFT::Sym &symbol = symbols[index];
    if (symbol.st_name >= names_size) {
      break;
    }
    ++undefined;
    if (index >= versyms.size()) {
      continue;
    }
    unsigned version = versyms[index].vs_index & VERSYM_VERSION;
    if (listed[version]) {
      continue;
    }
    if (const VersionNeed *need = needs.find(version)) {
      listed[version] = true;
      verdict.versioned.push_back({{}, need->name, need->file, need->weak});
    }
  }
  verdict.unlisted_undefined += undefined;
  return index;
}

// Undefined dynamic symbols, from .dynsym when section headers survive, with their
// version requirements.
template <class ELFT>
llvm::Error read_undefined_symbols(const llvm::object::ELFFile<ELFT> &elf,
                                   typename ELFT::ShdrRange sections, llvm::StringRef file,
                                   Verdict &verdict, SymbolDetail detail) {
  auto versions = read_version_needs(elf, sections, file);
  if (!versions) {
    return versions.takeError();
  }
  // One pass: a library defines tens of thousands of symbols and needs a few hundred, so
  // a counting pass to size the lists read the whole table twice for a few doublings.
  std::bitset<VERSYM_VERSION + 1> listed; // Summary: the version indexes in `versioned`
  llvm::Error error = for_each_symbol_table(
      elf, sections, SHT_DYNSYM,
      [&](typename ELFT::SymRange symbols, llvm::StringRef names) -> llvm::Error {
        size_t index = 1;
        if (detail == SymbolDetail::Summary) {
          index = count_undefined<ELFT>(symbols, names.size(), versions->versyms,
                                        versions->needs, listed, verdict);
        }
        for (index = next_undefined<ELFT>(symbols, index); index < symbols.size();
             index = next_undefined<ELFT>(symbols, index + 1)) {
          const typename ELFT::Sym &symbol = symbols[index];
          bool has_version = index < versions->versyms.size();
          unsigned version = has_version ? versions->versyms[index].vs_index : 0;
          const VersionNeed *need = has_version ? versions->needs.find(version) : nullptr;
          auto name = symbol.getName(names);
          if (!name) {
            return name.takeError();
          }
          verdict.undefined.emplace_back(name->data(), name->size());
          if (need) {
            verdict.versioned.push_back(
                {verdict.undefined.back(), need->name, need->file, need->weak});
          }
        }
        return llvm::Error::success();
      });
  if (error) {
    return error;
  }
  versions->needs.add_unused(verdict);
  return llvm::Error::success();
}

// The dynamic symbols seen through PT_DYNAMIC, as the loader sees them, for an image
// without section headers (the loader needs none; `strip --strip-section-headers`,
// sstrip, packers). Every address is mapped through the PT_LOAD segments and every
// table bounded by the file before it is read: counts come from the file.
template <class ELFT>
class DynamicSymbols {
public:
  DynamicSymbols(const llvm::object::ELFFile<ELFT> &elf, llvm::StringRef file)
      : m_elf(elf), m_file(file) {}

  llvm::Error read(Verdict &verdict);

private:
  // The entries this reads into m_tags.
  llvm::Error read_tags();
  // The undefined ones of `symbols` (DT_SYMTAB's bytes), with their versions.
  void add_undefined(llvm::StringRef symbols, llvm::StringRef strings, llvm::StringRef versyms,
                     Verdict &verdict) const;
  uint32_t word(const char *at) const {
    return llvm::support::endian::read<uint32_t, ELFT::TargetEndianness>(at);
  }
  uint16_t half(const char *at) const {
    return llvm::support::endian::read<uint16_t, ELFT::TargetEndianness>(at);
  }
  // `size` bytes at virtual address `address`, inside the file.
  llvm::Expected<llvm::StringRef> at(uint64_t address, uint64_t size, const char *what) const {
    auto mapped = m_elf.toMappedAddr(address);
    if (!mapped) {
      return mapped.takeError();
    }
    return file_slice(m_file, static_cast<uint64_t>(*mapped - m_elf.base()), size, what);
  }
  // The number of dynamic symbols, from DT_HASH and DT_GNU_HASH.
  llvm::Expected<uint64_t> symbol_count() const;
  llvm::Expected<uint64_t> gnu_hash_count(uint64_t table) const;
  // DT_VERNEED's entries: version index -> "GLIBC_2.14" in "libc.so.6".
  llvm::Error read_version_needs(llvm::StringRef strings);

  const llvm::object::ELFFile<ELFT> &m_elf;
  llvm::StringRef m_file;
  std::map<int64_t, uint64_t> m_tags; // the dynamic entries this reads, by tag
  VersionNeedTable m_needs;
};

template <class ELFT>
llvm::Expected<uint64_t> DynamicSymbols<ELFT>::gnu_hash_count(uint64_t table) const {
  auto header = at(table, 16, "DT_GNU_HASH");
  if (!header) {
    return header.takeError();
  }
  uint64_t nbuckets = word(header->data()), symoffset = word(header->data() + 4);
  uint64_t bloom_bytes = uint64_t(word(header->data() + 8)) * (ELFT::Is64Bits ? 8 : 4);
  auto buckets = at(table + 16 + bloom_bytes, nbuckets * 4, "DT_GNU_HASH buckets");
  if (!buckets) {
    return buckets.takeError();
  }
  uint64_t last = 0;
  for (uint64_t i = 0; i < nbuckets; ++i) {
    last = std::max<uint64_t>(last, word(buckets->data() + 4 * i));
  }
  if (last < symoffset) {
    return symoffset; // no hashed symbol: only the unhashed ones below symoffset
  }
  // The chain of the last bucket ends at the entry whose low bit is set.
  uint64_t chain = table + 16 + bloom_bytes + nbuckets * 4;
  for (uint64_t index = last;; ++index) {
    auto value = at(chain + 4 * (index - symoffset), 4, "DT_GNU_HASH chain");
    if (!value) {
      return value.takeError();
    }
    if (word(value->data()) & 1) {
      return index + 1;
    }
  }
}

template <class ELFT>
llvm::Expected<uint64_t> DynamicSymbols<ELFT>::symbol_count() const {
  // DT_HASH counts every symbol. DT_GNU_HASH counts up to the last hashed (defined) one:
  // a linker may place undefined symbols after it (Free Pascal's, with an empty table),
  // so with both the larger count holds.
  uint64_t count = 0;
  if (auto hash = m_tags.find(DT_HASH); hash != m_tags.end()) {
    auto header = at(hash->second, 8, "DT_HASH");
    if (!header) {
      return header.takeError();
    }
    count = word(header->data() + 4); // nchain: one per symbol
  }
  if (auto gnu = m_tags.find(DT_GNU_HASH); gnu != m_tags.end()) {
    auto gnu_count = gnu_hash_count(gnu->second);
    if (!gnu_count) {
      return gnu_count.takeError();
    }
    count = std::max(count, *gnu_count);
  }
  return count;
}

template <class ELFT>
llvm::Error DynamicSymbols<ELFT>::read_version_needs(llvm::StringRef strings) {
  auto need = m_tags.find(DT_VERNEED), count = m_tags.find(DT_VERNEEDNUM);
  if (need == m_tags.end() || count == m_tags.end()) {
    return llvm::Error::success();
  }
  auto fetch = [&](uint64_t offset, uint64_t size, const char *what) {
    return at(need->second + offset, size, what);
  };
  return parse_version_needs<ELFT>(fetch, count->second, strings, m_file.size(), m_needs);
}

template <class ELFT>
llvm::Error DynamicSymbols<ELFT>::read_tags() {
  auto entries = m_elf.dynamicEntries();
  if (!entries) {
    return entries.takeError();
  }
  for (const typename ELFT::Dyn &entry : *entries) {
    switch (entry.getTag()) {
    case DT_SYMTAB:
    case DT_STRTAB:
    case DT_STRSZ:
    case DT_HASH:
    case DT_GNU_HASH:
    case DT_VERSYM:
    case DT_VERNEED:
    case DT_VERNEEDNUM:
      m_tags[entry.getTag()] = entry.getVal();
      break;
    default:
      break;
    }
  }
  return llvm::Error::success();
}

template <class ELFT>
llvm::Error DynamicSymbols<ELFT>::read(Verdict &verdict) {
  if (llvm::Error error = read_tags()) {
    return error;
  }
  if (!m_tags.count(DT_SYMTAB) || !m_tags.count(DT_STRTAB)) {
    return llvm::Error::success();
  }
  auto strings = at(m_tags[DT_STRTAB], m_tags[DT_STRSZ], "DT_STRTAB");
  if (!strings) {
    return strings.takeError();
  }
  auto count = symbol_count();
  if (!count) {
    return count.takeError();
  }
  constexpr uint64_t k_symbol_size = sizeof(typename ELFT::Sym);
  if (*count > m_file.size() / k_symbol_size) {
    return llvm::createStringError(std::errc::invalid_argument,
                                   "the dynamic symbol table lies outside the file");
  }
  auto symbols = at(m_tags[DT_SYMTAB], *count * k_symbol_size, "DT_SYMTAB");
  if (!symbols) {
    return symbols.takeError();
  }
  llvm::StringRef versyms;
  if (auto versym = m_tags.find(DT_VERSYM); versym != m_tags.end()) {
    auto table = at(versym->second, *count * 2, "DT_VERSYM");
    if (!table) {
      return table.takeError();
    }
    versyms = *table;
  }
  if (llvm::Error error = read_version_needs(*strings)) {
    return error;
  }
  add_undefined(*symbols, *strings, versyms, verdict);
  m_needs.add_unused(verdict);
  return llvm::Error::success();
}

template <class ELFT>
void DynamicSymbols<ELFT>::add_undefined(llvm::StringRef symbols, llvm::StringRef strings,
                                         llvm::StringRef versyms, Verdict &verdict) const {
  constexpr uint64_t k_symbol_size = sizeof(typename ELFT::Sym);
  // Entry 0 is the reserved null symbol. Symbols are copied out: nothing in the file
  // promises alignment.
  for (uint64_t index = 1; index < symbols.size() / k_symbol_size; ++index) {
    typename ELFT::Sym symbol;
    std::memcpy(&symbol, symbols.data() + index * k_symbol_size, k_symbol_size);
    if (!symbol.isUndefined()) {
      continue;
    }
    llvm::StringRef name =
        symbol.st_name < strings.size() ? strings.substr(symbol.st_name).split('\0').first : "";
    verdict.undefined.push_back(name);
    if (!versyms.empty()) {
      if (const VersionNeed *need = m_needs.find(half(versyms.data() + 2 * index))) {
        verdict.versioned.push_back({name, need->name, need->file, need->weak});
      }
    }
  }
}

// e_type -> kind. False for what is not a linked image (its linkage is None and nothing
// more is read): relocatable objects, cores and unknown types.
template <class ELFT>
bool read_kind(const llvm::object::ELFFile<ELFT> &elf, const ElfFacts &facts, Verdict &verdict) {
  const typename ELFT::Ehdr &header = elf.getHeader();
  switch (header.e_type) {
  case ET_REL:
    verdict.kind = ImageKind::Relocatable;
    verdict.linkage = Linkage::None;
    return false;
  case ET_CORE:
    verdict.kind = ImageKind::Core;
    verdict.linkage = Linkage::None;
    return false;
  case ET_EXEC:
    verdict.kind = ImageKind::Executable;
    return true;
  case ET_DYN:
    verdict.kind = (!verdict.interpreter.empty() || facts.pie_flag ||
                    (verdict.needed.empty() && !facts.has_soname && header.e_entry != 0))
                       ? ImageKind::PieExecutable
                       : ImageKind::SharedLibrary;
    return true;
  default:
    verdict.kind = ImageKind::Other;
    verdict.other_kind = "e_type-" + std::to_string(header.e_type);
    verdict.linkage = Linkage::None;
    return false;
  }
}

// One walk over the section headers collects what the Go facts and the NSS scan read:
// Go's function names live in .gopclntab and C strings in .rodata, so a 15 MB binary
// is never scanned whole. Without section headers, the whole file stands in. Sections
// outside the file are skipped.
template <class ELFT>
void read_sections(const llvm::object::ELFFile<ELFT> &elf, typename ELFT::ShdrRange sections,
                   llvm::StringRef file, ElfFacts &facts) {
  GoSections &go = facts.go;
  go.has_section_headers = !sections.empty();
  // Looked up once: ELFFile::getSectionName(section) finds and checks it for every section.
  // An unusable one fails every name, as it would there.
  auto names = elf.getSectionStringTable(sections);
  if (!names) {
    llvm::consumeError(names.takeError());
    return;
  }
  std::vector<std::string_view> package_note_sections; // each read once
  size_t note_bytes = 0;
  for (const typename ELFT::Shdr &section : sections) {
    if (section.sh_type == SHT_NOBITS) {
      continue;
    }
    auto contents = file_slice(file, section.sh_offset, section.sh_size, "section");
    if (!contents) {
      llvm::consumeError(contents.takeError());
      continue;
    }
    auto name = elf.getSectionName(section, *names);
    if (!name) {
      llvm::consumeError(name.takeError());
      continue;
    }
    std::string_view bytes(contents->data(), contents->size());
    // Go's internal linker names them .data.rel.ro.* in a PIE.
    if (*name == ".gopclntab" || *name == ".data.rel.ro.gopclntab") {
      go.function_names =
          go_function_names(bytes, ELFT::TargetEndianness == llvm::support::little);
    } else if (*name == ".rodata" || name->startswith(".rodata.")) {
      go.rodata.push_back(bytes);
    } else if (*name == ".go.buildinfo") {
      go.build_info = bytes;
    } else if (*name == ".comment") {
      go.comment = bytes;
    } else if (*name == ".gosymtab" || *name == ".data.rel.ro.gosymtab") {
      go.has_gosymtab = true;
    } else if (*name == ".note.go.buildid") {
      go.has_go_note = true;
    } else if (*name == ".note.package" && section.sh_type == SHT_NOTE) {
      // Bounded: a hostile file may point many section headers at the same notes.
      if (std::find(package_note_sections.begin(), package_note_sections.end(), bytes) !=
          package_note_sections.end()) {
        continue;
      }
      package_note_sections.push_back(bytes);
      for (const PackageNote &note :
           parse_package_notes(bytes, ELFT::TargetEndianness == llvm::support::little)) {
        if (facts.package_notes.size() == k_max_package_notes ||
            note_bytes + note.text.size() > k_max_package_note_bytes) {
          facts.package_notes_cut = true;
          break;
        }
        note_bytes += note.text.size();
        facts.package_notes.emplace_back(note.text);
      }
    } else if (*name == ".note.ABI-tag" || name->startswith("__libc_")) {
      facts.glibc_marks = true; // glibc's crt1.o note, and the sections of its static libc
    }
  }
}

// Dynamic when the image needs a loader (or is a shared library), else static or
// static-pie.
Linkage linkage_of(const Verdict &verdict) {
  bool needs_loader = !verdict.interpreter.empty() || !verdict.needed.empty();
  if (needs_loader || verdict.kind == ImageKind::SharedLibrary) {
    return Linkage::Dynamic;
  }
  return verdict.kind == ImageKind::PieExecutable ? Linkage::StaticPie : Linkage::Static;
}

// The instruction set of e_machine whose direct calls call_sites.cpp can read.
std::optional<CallEncoding> call_encoding_for(unsigned machine) {
  switch (machine) {
  case EM_386:
  case EM_X86_64:
    return CallEncoding::X86;
  case EM_AARCH64:
    return CallEncoding::AArch64;
  default:
    return std::nullopt;
  }
}

// The bytes of a defined symbol, through its section; empty when they lie elsewhere.
template <class ELFT>
std::string_view symbol_bytes(typename ELFT::ShdrRange sections, llvm::StringRef file,
                              const typename ELFT::Sym &symbol) {
  unsigned index = symbol.st_shndx;
  if (index == SHN_UNDEF || index >= SHN_LORESERVE || index >= sections.size()) {
    return {};
  }
  const typename ELFT::Shdr &section = sections[index];
  if (section.sh_type == SHT_NOBITS || symbol.st_value < section.sh_addr ||
      symbol.st_value - section.sh_addr > section.sh_size ||
      symbol.st_size > section.sh_size - (symbol.st_value - section.sh_addr)) {
    return {};
  }
  auto bytes = file_slice(file, section.sh_offset + (symbol.st_value - section.sh_addr),
                          symbol.st_size, "symbol");
  if (!bytes) {
    llvm::consumeError(bytes.takeError());
    return {};
  }
  return {bytes->data(), bytes->size()};
}

// glibc's version string as libc.a keeps it: __nptl_version ("2.36", linked with
// pthread_create, so in every cgo program) or __libc_version. Empty when neither is
// there or the bytes are not a version.
std::string glibc_version_in(std::string_view bytes) {
  std::string_view version = bytes.substr(0, bytes.find('\0'));
  bool plausible = !version.empty() && version.size() <= 16 &&
                   std::all_of(version.begin(), version.end(), [](char c) {
                     return (c >= '0' && c <= '9') || c == '.';
                   });
  return plausible ? std::string(version) : std::string();
}

// A function of .symtab: where it starts, its size, its name.
struct FunctionSymbol {
  uint64_t address;
  uint64_t size;
  llvm::StringRef name;
  bool operator<(const FunctionSymbol &other) const { return address < other.address; }
};

// The function symbols of .symtab by address, to name the function a call lies in.
template <class ELFT>
llvm::Expected<std::vector<FunctionSymbol>>
function_symbols(const llvm::object::ELFFile<ELFT> &elf, typename ELFT::ShdrRange sections) {
  std::vector<FunctionSymbol> functions;
  if (llvm::Error error = for_each_symbol(
          elf, sections, SHT_SYMTAB,
          [](const typename ELFT::Sym &symbol) {
            return !symbol.isUndefined() && symbol.getType() == STT_FUNC;
          },
          [&](const typename ELFT::Sym &symbol, llvm::StringRef name, size_t) {
            functions.push_back({symbol.st_value, symbol.st_size, name});
          })) {
    return error;
  }
  std::sort(functions.begin(), functions.end());
  return functions;
}

// Every call in `calls` lies inside a function of libstdc++ (std::, __gnu_cxx::,
// mangled): within the extent of the function symbol at or before it. A call outside any
// symbol's extent (locals dropped with -x) is not libstdc++'s. `functions` is sorted.
bool callers_are_libstdcxx(const std::vector<CallSite> &calls,
                           const std::vector<FunctionSymbol> &functions) {
  return !calls.empty() && std::all_of(calls.begin(), calls.end(), [&](const CallSite &call) {
    auto after = std::upper_bound(functions.begin(), functions.end(), call.address,
                                  [](uint64_t address, const FunctionSymbol &function) {
                                    return address < function.address;
                                  });
    if (after == functions.begin()) {
      return false;
    }
    const FunctionSymbol &function = *std::prev(after);
    if (call.address - function.address >= function.size) {
      return false;
    }
    llvm::StringRef name = function.name;
    return name.startswith("_ZSt") || name.startswith("_ZNSt") || name.startswith("_ZNKSt") ||
           name.startswith("_ZN9__gnu_cxx");
  });
}

// Calls to `targets` in the executable sections, outside [skip_begin, skip_end): Go's own
// code (runtime.text to runtime.etext), most of a Go binary's code, never calls C
// functions directly, so it is not read.
template <class ELFT>
std::vector<CallSite> find_calls(typename ELFT::ShdrRange sections, llvm::StringRef file,
                                 CallEncoding encoding, std::span<const uint64_t> targets,
                                 uint64_t skip_begin, uint64_t skip_end) {
  std::vector<CallSite> sites;
  auto scan = [&](std::string_view code, uint64_t address) {
    std::vector<CallSite> found = find_call_sites(encoding, code, address, targets);
    sites.insert(sites.end(), found.begin(), found.end());
  };
  for (const typename ELFT::Shdr &section : sections) {
    if (section.sh_type != SHT_PROGBITS || !(section.sh_flags & SHF_EXECINSTR)) {
      continue;
    }
    auto code = file_slice(file, section.sh_offset, section.sh_size, "section");
    if (!code) {
      llvm::consumeError(code.takeError());
      continue;
    }
    std::string_view bytes(code->data(), code->size());
    uint64_t begin = section.sh_addr;
    uint64_t end = begin + bytes.size();
    if (skip_begin >= skip_end || skip_end <= begin || skip_begin >= end) {
      scan(bytes, begin);
      continue;
    }
    if (skip_begin > begin) {
      scan(bytes.substr(0, skip_begin - begin), begin);
    }
    if (skip_end < end) {
      scan(bytes.substr(skip_end - begin), skip_end);
    }
  }
  return sites;
}

// What one pass over the .symtab of a static glibc image tells: the hazards' evidence
// (glibc_hazards.cpp), the pinned glibc version, where Go's own code is, and the Go facts
// that would otherwise take a search through megabytes of .rodata and .gopclntab.
struct SymtabFacts {
  StaticImage image;
  std::vector<std::pair<std::string, uint64_t>> call_targets; // dlopen, dlmopen, iconv_open
  uint64_t go_text = 0;  // runtime.text
  uint64_t go_etext = 0; // runtime.etext
  bool runtime_cgo = false;              // runtime/cgo's C code (x_cgo_thread_start)
  std::vector<std::string> cgo_packages; // of Go functions "<package>._Cfunc_...", ...
};

// Where a string table holds "._", each with the start of the string it is in: whether a
// name holds one is then a lookup, not a search of the name. A bit per 64 bytes of the
// table, set where a string with a "._" lies, answers for almost every name without the
// lookup.
class DotUnderscores {
public:
  explicit DotUnderscores(llvm::StringRef table) : m_blocks(table.size() / 64 + 1) {
    std::string_view text(table.data(), table.size());
    for (size_t at = find_dot_underscore(text); at != std::string_view::npos;
         at = find_dot_underscore(text, at + 2)) {
      size_t end = text.rfind('\0', at);
      size_t start = end == std::string_view::npos ? 0 : end + 1;
      m_hits.push_back({at, start});
      for (size_t block = start / 64; block <= at / 64; ++block) {
        m_blocks[block] = true;
      }
    }
  }
  // Whether the string at `offset` holds a "._": the first one at or after it lies in
  // the same string.
  bool in(size_t offset) const {
    if (offset / 64 >= m_blocks.size() || !m_blocks[offset / 64]) {
      return false;
    }
    auto hit = std::lower_bound(m_hits.begin(), m_hits.end(), offset,
                                [](const Hit &hit, size_t at) { return hit.at < at; });
    return hit != m_hits.end() && hit->start <= offset;
  }

private:
  struct Hit {
    size_t at;    // the '.'
    size_t start; // of its string
  };
  std::vector<Hit> m_hits;
  std::vector<bool> m_blocks; // by offset / 64: some string with a "._" lies there
};

// The names read_symtab_facts looks for, each as a prefix of the names it takes: the
// hazard functions (get* for NSS's, iconv_open, initgroups, dlopen, dlmopen: the lists of
// glibc_hazards.cpp) and the others visit() compares.
constexpr std::string_view k_fact_names[] = {
    "get",     "iconv_open",     "initgroups",     "dlopen",
    "dlmopen", "runtime.text",   "runtime.etext",  "x_cgo_thread_start",
    "_cgo_",   "__nptl_version", "__libc_version", "__gxx_personality_v0"};
static_assert(std::size(k_fact_names) <= 16, "FactSlot::names has a bit per name");

constexpr uint32_t k_three_bytes =
    std::endian::native == std::endian::little ? 0x00ffffff : 0xffffff00;

// Three bytes as the first three of a word read from memory, the fourth zero.
constexpr uint32_t three_bytes_of(std::string_view text) {
  uint32_t word = 0;
  for (int i = 0; i < 3; ++i) {
    int shift = std::endian::native == std::endian::little ? 8 * i : 8 * (3 - i);
    word |= uint32_t{static_cast<unsigned char>(text[i])} << shift;
  }
  return word;
}

// k_fact_names by their first three bytes, in a table of 64 slots by a multiplicative hash
// of those bytes: whether a name may be one takes a multiplication, a load and a compare.
// (A switch on the first byte jumped a different way for almost every name of a Go
// program: runtime., crypto/, net/, go:, _...; eleven compares of the first bytes cost
// more than the rest of the walk.)
struct FactSlot {
  static constexpr uint32_t k_none = ~uint32_t{0}; // no three bytes masked from a word
  uint32_t three = k_none;
  uint16_t names = 0; // bit i: k_fact_names[i] starts with `three`
};
struct FactTable {
  uint32_t multiplier = 0;
  std::array<FactSlot, 64> slots{};
  constexpr unsigned slot_of(uint32_t three) const { return (three * multiplier) >> 26; }
};

// The first odd multiplier from the golden ratio's that gives each three bytes a slot.
constexpr FactTable make_fact_table() {
  for (FactTable table{0x9e3779b1u, {}};; table.multiplier += 2) {
    table.slots.fill({});
    bool distinct = true;
    for (size_t i = 0; i < std::size(k_fact_names); ++i) {
      uint32_t three = three_bytes_of(k_fact_names[i]);
      FactSlot &slot = table.slots[table.slot_of(three)];
      distinct &= slot.three == FactSlot::k_none || slot.three == three;
      slot.three = three;
      slot.names = static_cast<uint16_t>(slot.names | 1u << i);
    }
    if (distinct) {
      return table;
    }
  }
}
constexpr FactTable k_fact_table = make_fact_table();
constexpr uint16_t k_all_fact_names = (1u << std::size(k_fact_names)) - 1;

// Whether the NUL-terminated `name` starts with one of the k_fact_names in `names`. (A
// loop of its own: the names are short, and a call to strncmp cost more than comparing.)
bool starts_with_fact_name(const char *name, uint16_t names) {
  auto starts_with = [name](std::string_view fact) {
    for (size_t i = 0; i < fact.size(); ++i) {
      if (name[i] != fact[i]) {
        return false; // at the latest at the name's NUL
      }
    }
    return true;
  };
  for (; names != 0; names &= static_cast<uint16_t>(names - 1)) {
    if (starts_with(k_fact_names[std::countr_zero(names)])) {
      return true;
    }
  }
  return false;
}

// A fact name's first 16 bytes as two words read from memory, and which of their bytes
// are the name's: a name is compared with it in two masked compares of words.
struct FactPrefix {
  std::array<uint64_t, 2> bytes{};
  std::array<uint64_t, 2> mask{};
  bool longer = false; // the name has more than 16 bytes, to compare after these
};

constexpr FactPrefix fact_prefix_of(std::string_view fact) {
  FactPrefix prefix;
  for (size_t i = 0; i < fact.size() && i < 16; ++i) {
    size_t in_word = i % 8;
    int shift = std::endian::native == std::endian::little ? 8 * in_word : 8 * (7 - in_word);
    prefix.bytes[i / 8] |= uint64_t{static_cast<unsigned char>(fact[i])} << shift;
    prefix.mask[i / 8] |= uint64_t{0xff} << shift;
  }
  prefix.longer = fact.size() > 16;
  return prefix;
}

constexpr auto k_fact_prefixes = [] {
  std::array<FactPrefix, std::size(k_fact_names)> prefixes;
  for (size_t i = 0; i < prefixes.size(); ++i) {
    prefixes[i] = fact_prefix_of(k_fact_names[i]);
  }
  return prefixes;
}();

// The same, for a name with 16 bytes readable from its start, whose first four bytes are
// `word`: most names stop at the table. The rest are compared a word at a time, without a
// branch per byte: the 1,400 "runtime." names of a Go program share their first bytes
// with "runtime.text", and a compare byte by byte mispredicted at the ninth.
bool starts_with_fact_name(uint32_t word, const char *name) {
  uint32_t three = word & k_three_bytes;
  const FactSlot &slot = k_fact_table.slots[k_fact_table.slot_of(three)];
  if (slot.three != three) {
    return false;
  }
  std::array<uint64_t, 2> words;
  std::memcpy(words.data(), name, sizeof words);
  for (uint16_t names = slot.names; names != 0; names &= static_cast<uint16_t>(names - 1)) {
    unsigned index = std::countr_zero(names);
    const FactPrefix &prefix = k_fact_prefixes[index];
    if ((((words[0] & prefix.mask[0]) ^ prefix.bytes[0]) |
         ((words[1] & prefix.mask[1]) ^ prefix.bytes[1])) == 0) {
      if (!prefix.longer || starts_with_fact_name(name, static_cast<uint16_t>(1u << index))) {
        return true;
      }
    }
  }
  return false;
}

// One pass over .symtab. A Go program has tens of thousands of symbols and a few dozen
// of them matter: a name is measured and compared only when its first bytes or a "._"
// in it (cgo's names) say it may.
template <class ELFT>
llvm::Expected<SymtabFacts> read_symtab_facts(const llvm::object::ELFFile<ELFT> &elf,
                                              typename ELFT::ShdrRange sections,
                                              llvm::StringRef file, Verdict &verdict) {
  SymtabFacts facts;
  StaticImage &image = facts.image;
  auto visit = [&](const typename ELFT::Sym &symbol, llvm::StringRef name) {
    if (symbol.getType() == STT_FUNC && is_hazard_function(name)) {
      if (is_presence_hazard(name)) {
        image.defined.push_back(name.str());
      }
      if (hazard_kind_of(name) != HazardKind::Nss) {
        facts.call_targets.emplace_back(name.str(), symbol.st_value);
      }
    } else if (name == "runtime.text") {
      facts.go_text = symbol.st_value;
    } else if (name == "runtime.etext") {
      facts.go_etext = symbol.st_value;
    } else if (name == "x_cgo_thread_start") {
      facts.runtime_cgo = true;
    } else if (symbol.getType() == STT_OBJECT &&
               (name == "__nptl_version" || name == "__libc_version") &&
               verdict.glibc_version.empty()) {
      verdict.glibc_version = glibc_version_in(symbol_bytes<ELFT>(sections, file, symbol));
    } else if (name == "__gxx_personality_v0") {
      verdict.uses_libstdcxx = true;
    } else if (name.startswith("_cgo_") || find_dot_underscore(name) != std::string_view::npos) {
      if (is_cgo_symbol(name)) {
        image.cgo_symbols.push_back(name.str());
      }
      std::string_view package = cgo_package_of(name);
      if (!package.empty() &&
          std::find(facts.cgo_packages.begin(), facts.cgo_packages.end(), package) ==
              facts.cgo_packages.end()) {
        facts.cgo_packages.emplace_back(package);
      }
    }
  };
  llvm::Error error = for_each_symbol_table(
      elf, sections, SHT_SYMTAB,
      [&](typename ELFT::SymRange symbols, llvm::StringRef names) -> llvm::Error {
        DotUnderscores dot_underscores(names);
        image.has_symtab |= symbols.size() > 1;
        for (size_t index = 1; index < symbols.size(); ++index) {
          const typename ELFT::Sym &symbol = symbols[index];
          if (symbol.isUndefined()) {
            continue;
          }
          if (symbol.st_name >= names.size()) {
            return symbol.getName(names).takeError(); // past the table: the file is malformed
          }
          const char *name = names.data() + symbol.st_name;
          bool fact;
          // In size_t: st_name + 16 would wrap in 32 bits for a table of 4 GiB.
          if (names.size() - symbol.st_name >= 16) {
            uint32_t word;
            std::memcpy(&word, name, sizeof word);
            fact = starts_with_fact_name(word, name);
          } else {
            fact = starts_with_fact_name(name, k_all_fact_names);
          }
          if (fact || dot_underscores.in(symbol.st_name)) {
            visit(symbol, llvm::StringRef(name));
          }
        }
        return llvm::Error::success();
      });
  if (error) {
    return error;
  }
  std::sort(facts.cgo_packages.begin(), facts.cgo_packages.end());
  return facts;
}

// Static, but perhaps not self-contained: glibc's NSS, iconv and dlopen
// (glibc_hazards.cpp), from the .symtab pass and the code.
template <class ELFT>
llvm::Error read_static_hazards(const llvm::object::ELFFile<ELFT> &elf,
                                typename ELFT::ShdrRange sections, llvm::StringRef file,
                                const GoSections &go, SymtabFacts symtab, Verdict &verdict) {
  StaticImage &image = symtab.image;
  image.strings = go.rodata;
  if (sections.empty()) {
    image.strings.push_back(std::string_view(file.data(), file.size()));
  }
  const auto &call_targets = symtab.call_targets;
  // Without .symtab, Go's pclntab still names the cgo trampolines; with it, cgo's own
  // symbols say more, and the pclntab need not be searched.
  if (!image.has_symtab) {
    if (!go.function_names.empty()) {
      image.go_function_names.push_back(go.function_names);
    }
    if (sections.empty()) {
      image.go_function_names.push_back(std::string_view(file.data(), file.size()));
    }
  }
  std::optional<CallEncoding> encoding = call_encoding_for(elf.getHeader().e_machine);
  if (!call_targets.empty() && encoding) {
    std::vector<uint64_t> targets;
    for (const auto &[name, address] : call_targets) {
      targets.push_back(address);
    }
    std::vector<CallSite> sites =
        find_calls<ELFT>(sections, file, *encoding, targets, symtab.go_text, symtab.go_etext);
    for (const auto &[name, address] : call_targets) {
      std::vector<CallSite> calls;
      std::copy_if(sites.begin(), sites.end(), std::back_inserter(calls),
                   // A copy: clang 14 cannot capture a structured binding.
                   [target = address](const CallSite &site) { return site.target == target; });
      if (hazard_kind_of(name) == HazardKind::Dlopen && !calls.empty()) {
        image.called.push_back(name);
      } else if (hazard_kind_of(name) == HazardKind::Iconv && !calls.empty()) {
        auto functions = function_symbols(elf, sections);
        if (!functions) {
          return functions.takeError();
        }
        image.iconv_only_from_libstdcxx = callers_are_libstdcxx(calls, *functions);
      }
    }
  } else if (!call_targets.empty()) {
    for (const auto &[name, address] : call_targets) {
      if (hazard_kind_of(name) == HazardKind::Dlopen) {
        verdict.warnings.push_back(name + "'s callers are not searched on " + verdict.arch +
                                   ": a call to it would not be seen");
      }
    }
  }
  // glibc's static dlopen checks the libc.so.6 it loads for "GLIBC_PRIVATE": an image
  // without the string (Free Pascal's, which also carry .note.ABI-tag) cannot dlopen.
  auto has_static_dlopen = [&] {
    return std::any_of(image.strings.begin(), image.strings.end(), [](std::string_view region) {
      return find_bytes(region, "GLIBC_PRIVATE") != std::string_view::npos;
    });
  };
  if (!image.has_symtab && has_static_dlopen()) {
    verdict.warnings.push_back(std::string(k_unseen_dlopen_warning));
  }
  verdict.hazards = find_static_hazards(image);
  // libstdc++ is linked in (hints must not offer musl-gcc, which has no C++ library): its
  // personality routine in .symtab, else std::exception's type name.
  if (!image.has_symtab && !verdict.hazards.empty()) {
    verdict.uses_libstdcxx =
        std::any_of(image.strings.begin(), image.strings.end(), [](std::string_view region) {
          return find_bytes(region, "St9exception") != std::string_view::npos;
        });
  }
  return llvm::Error::success();
}

// A separate debug file (objcopy --only-keep-debug, /usr/lib/debug/.build-id/*.debug):
// the image's program headers and section headers, but of its loaded sections only the
// notes keep their bytes; the code is SHT_NOBITS. Its segments point past its end.
template <class ELFT>
bool is_debug_companion(typename ELFT::ShdrRange sections) {
  bool stripped_code = false;
  for (const typename ELFT::Shdr &section : sections) {
    if (!(section.sh_flags & SHF_ALLOC)) {
      continue;
    }
    if (section.sh_type != SHT_NOBITS && section.sh_type != SHT_NOTE) {
      return false;
    }
    stripped_code |= section.sh_type == SHT_NOBITS && (section.sh_flags & SHF_EXECINSTR);
  }
  return stripped_code;
}

template <class ELFT>
llvm::Expected<Verdict> inspect(const llvm::object::ObjectFile &object, SymbolDetail detail) {
  // The same view of the bytes as the ELFObjectFile's own, which createBinary has made
  // and checked.
  llvm::Expected<llvm::object::ELFFile<ELFT>> created =
      llvm::object::ELFFile<ELFT>::create(object.getData());
  if (!created) {
    return created.takeError();
  }
  const llvm::object::ELFFile<ELFT> &elf = *created;
  llvm::StringRef file = {reinterpret_cast<const char *>(elf.base()), elf.getBufSize()};
  Verdict verdict;
  verdict.format = Format::Elf;
  verdict.format_name = object.getFileFormatName().str();
  verdict.arch = goarch_for(elf.getHeader().e_machine, ELFT::Is64Bits,
                            ELFT::TargetEndianness == llvm::support::little);
  auto sections = elf.sections();
  if (!sections) {
    return sections.takeError();
  }
  if (is_debug_companion<ELFT>(*sections)) {
    verdict.kind = ImageKind::DebugCompanion;
    verdict.linkage = Linkage::None;
    return verdict;
  }
  ElfFacts facts;
  if (llvm::Error error = read_segments(elf, file, verdict, facts)) {
    return error;
  }
  if (facts.has_dynamic) {
    if (llvm::Error error = read_dynamic(elf, file, verdict, facts)) {
      return error;
    }
  }
  if (sections->empty() && facts.has_dynamic) {
    if (llvm::Error error = DynamicSymbols<ELFT>(elf, file).read(verdict)) {
      return error;
    }
  } else if (llvm::Error error = read_undefined_symbols(elf, *sections, file, verdict, detail)) {
    return error;
  }
  if (!read_kind(elf, facts, verdict)) {
    return verdict;
  }
  read_sections(elf, *sections, file, facts);
  facts.go.self_contained = verdict.interpreter.empty() && verdict.needed.empty();
  verdict.linkage = linkage_of(verdict);
  // NSS and iconv load shared modules only in glibc: a static musl image has none of
  // glibc's marks and calls getaddrinfo freely. Without section headers, assume glibc.
  bool static_glibc =
      verdict.linkage != Linkage::Dynamic && (sections->empty() || facts.glibc_marks);
  std::optional<SymtabFacts> symtab;
  if (static_glibc) {
    auto read = read_symtab_facts(elf, *sections, file, verdict);
    if (!read) {
      return read.takeError();
    }
    symtab = std::move(*read);
    if (symtab->image.has_symtab) {
      facts.go.runtime_cgo_in_symtab = symtab->runtime_cgo;
      facts.go.cgo_packages_in_symtab = symtab->cgo_packages;
    }
  }
  verdict.go = describe_go_binary(facts.go);
  verdict.package_notes = std::move(facts.package_notes);
  if (facts.package_notes_cut) {
    verdict.warnings.push_back("more package notes than the " +
                               std::to_string(k_max_package_notes) + " (or " +
                               std::to_string(k_max_package_note_bytes / 1024) +
                               " KiB) shown");
  }
  if (static_glibc) {
    if (llvm::Error error =
            read_static_hazards(elf, *sections, file, facts.go, std::move(*symtab), verdict)) {
      return error;
    }
  }
  return verdict;
}

} // namespace

llvm::Expected<Verdict> inspect_elf(const llvm::object::Binary &binary, SymbolDetail detail) {
  using namespace llvm::object;
  const auto &object = llvm::cast<ObjectFile>(binary);
  bool is64 = object.getBytesInAddress() == 8;
  if (object.isLittleEndian()) {
    return is64 ? inspect<ELF64LE>(object, detail) : inspect<ELF32LE>(object, detail);
  }
  return is64 ? inspect<ELF64BE>(object, detail) : inspect<ELF32BE>(object, detail);
}

} // namespace portable_ld
