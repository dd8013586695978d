// SPDX-License-Identifier: Apache-2.0
//
// PE/COFF: imported DLLs (normal and delay-load), imported symbols, machine and the DLL
// characteristic. Every Windows image is started by the OS loader, so portable-ld calls
// a PE image static when it imports only from DLLs that every Windows installation has
// (k_system_dlls); anything else (libwinpthread-1.dll, libgcc_s_seh-1.dll, a
// third-party DLL) must ship beside it and makes it dynamic. The PE headers and the
// import tables are held to the file before LLVM 14 reads them.
#include "verify/verify.h"

#include <cstddef>

#include "llvm/ADT/StringExtras.h"
#include "llvm/Object/COFF.h"
#include "llvm/Support/Endian.h"

namespace portable_ld {

namespace {

// clang-format off
constexpr llvm::StringRef k_system_dlls[] = {
  "advapi32.dll", "bcrypt.dll", "comctl32.dll", "comdlg32.dll", "crypt32.dll", "dbghelp.dll",
  "dnsapi.dll", "gdi32.dll", "imm32.dll", "iphlpapi.dll", "kernel32.dll", "kernelbase.dll",
  "msvcrt.dll", "mswsock.dll", "netapi32.dll", "ntdll.dll", "ole32.dll", "oleaut32.dll",
  "powrprof.dll", "psapi.dll", "rpcrt4.dll", "secur32.dll", "setupapi.dll", "shell32.dll",
  "shlwapi.dll", "ucrtbase.dll", "user32.dll", "userenv.dll", "version.dll", "winhttp.dll",
  "wininet.dll", "winmm.dll", "ws2_32.dll", "wsock32.dll", "wtsapi32.dll",
};
// clang-format on

bool is_system_dll(llvm::StringRef name) {
  std::string lower = name.lower();
  llvm::StringRef lower_ref = lower;
  if (lower_ref.startswith("api-ms-win-") || lower_ref.startswith("ext-ms-win-")) {
    return true;
  }
  return llvm::is_contained(k_system_dlls, lower_ref);
}

std::string goarch_for(uint16_t machine) {
  switch (machine) {
  case llvm::COFF::IMAGE_FILE_MACHINE_AMD64:
    return "amd64";
  case llvm::COFF::IMAGE_FILE_MACHINE_I386:
    return "386";
  case llvm::COFF::IMAGE_FILE_MACHINE_ARM64:
    return "arm64";
  case llvm::COFF::IMAGE_FILE_MACHINE_ARMNT:
    return "arm";
  default:
    return "machine-0x" + llvm::utohexstr(machine, /*LowerCase=*/true);
  }
}

// LLVM 14 trusts a PE file's import tables more than a malformed file deserves:
// getRvaPtr() checks an RVA against the sections' virtual ranges but not against the
// end of the file; the import directory and the thunk tables are scanned for their
// null entries without a bound; imported_symbols() passes a bad RVA to cantFail()
// (undefined behaviour in a release build); DLL and function names are read with
// strlen(). So every RVA those readers will follow is checked here first, and a
// malformed table is an error instead of a crash.

llvm::Error malformed(const llvm::Twine &message) {
  return llvm::createStringError(std::errc::invalid_argument, "%s", message.str().c_str());
}

// The file's bytes from `rva` to the end of the file.
llvm::Expected<llvm::StringRef> bytes_at(const llvm::object::COFFObjectFile &object,
                                         uint32_t rva, const char *what) {
  uintptr_t address = 0;
  if (llvm::Error error = object.getRvaPtr(rva, address)) {
    llvm::consumeError(std::move(error));
    return malformed(llvm::Twine(what) + " RVA 0x" + llvm::utohexstr(rva) +
                     " lies in no section");
  }
  llvm::StringRef file = object.getData();
  uintptr_t start = reinterpret_cast<uintptr_t>(file.data());
  if (address < start || address - start >= file.size()) {
    return malformed(llvm::Twine(what) + " RVA 0x" + llvm::utohexstr(rva) +
                     " lies outside the file");
  }
  return file.substr(address - start);
}

// A NUL-terminated string at `rva`, `skip` bytes in (the hint before a name).
llvm::Error check_string(const llvm::object::COFFObjectFile &object, uint32_t rva,
                         size_t skip, const char *what) {
  llvm::Expected<llvm::StringRef> bytes = bytes_at(object, rva, what);
  if (!bytes) {
    return bytes.takeError();
  }
  if (bytes->size() < skip || bytes->find('\0', skip) == llvm::StringRef::npos) {
    return malformed(llvm::Twine(what) + " at RVA 0x" + llvm::utohexstr(rva) +
                     " runs past the end of the file");
  }
  return llvm::Error::success();
}

// A thunk table (import lookup, address or delay-load name table): ordinals or
// hint/name RVAs, ended by a null entry inside the file.
llvm::Error check_thunks(const llvm::object::COFFObjectFile &object, uint32_t rva,
                         const char *what) {
  llvm::Expected<llvm::StringRef> bytes = bytes_at(object, rva, what);
  if (!bytes) {
    return bytes.takeError();
  }
  const size_t width = object.getBytesInAddress();
  const uint64_t ordinal_flag = width == 8 ? uint64_t(1) << 63 : uint64_t(1) << 31;
  for (size_t offset = 0;; offset += width) {
    if (bytes->size() - offset < width) {
      return malformed(llvm::Twine(what) + " at RVA 0x" + llvm::utohexstr(rva) +
                       " has no null entry before the end of the file");
    }
    const char *entry = bytes->data() + offset;
    uint64_t thunk = width == 8 ? llvm::support::endian::read64le(entry)
                                : llvm::support::endian::read32le(entry);
    if (thunk == 0) {
      return llvm::Error::success();
    }
    if ((thunk & ordinal_flag) == 0) {
      if (llvm::Error error =
              check_string(object, static_cast<uint32_t>(thunk), 2, "imported function name")) {
        return error;
      }
    }
  }
}

llvm::Error check_import_directory(const llvm::object::COFFObjectFile &object) {
  const llvm::object::data_directory *directory =
      object.getDataDirectory(llvm::COFF::IMPORT_TABLE);
  if (!directory || directory->RelativeVirtualAddress == 0) {
    return llvm::Error::success();
  }
  llvm::Expected<llvm::StringRef> bytes =
      bytes_at(object, directory->RelativeVirtualAddress, "import directory");
  if (!bytes) {
    return bytes.takeError();
  }
  using Entry = llvm::object::coff_import_directory_table_entry;
  for (size_t offset = 0;; offset += sizeof(Entry)) {
    if (bytes->size() - offset < sizeof(Entry)) {
      return malformed("import directory has no null entry before the end of the file");
    }
    const auto *entry = reinterpret_cast<const Entry *>(bytes->data() + offset);
    if (entry->isNull()) {
      return llvm::Error::success();
    }
    if (llvm::Error error = check_string(object, entry->NameRVA, 0, "imported DLL name")) {
      return error;
    }
    llvm::Error error = entry->ImportLookupTableRVA
                            ? check_thunks(object, entry->ImportLookupTableRVA,
                                           "import lookup table")
                            : check_thunks(object, entry->ImportAddressTableRVA,
                                           "import address table");
    if (error) {
      return error;
    }
  }
}

llvm::Error check_delay_import_directory(const llvm::object::COFFObjectFile &object) {
  const llvm::object::data_directory *directory =
      object.getDataDirectory(llvm::COFF::DELAY_IMPORT_DESCRIPTOR);
  if (!directory || directory->RelativeVirtualAddress == 0) {
    return llvm::Error::success();
  }
  using Entry = llvm::object::delay_import_directory_table_entry;
  // LLVM counts the entries as Size / 32 - 1 (the last is the null one): a smaller
  // Size wraps around to four billion entries.
  if (directory->Size < sizeof(Entry)) {
    return malformed("delay-load directory size " + llvm::Twine(directory->Size) +
                     " is smaller than one entry");
  }
  llvm::Expected<llvm::StringRef> bytes =
      bytes_at(object, directory->RelativeVirtualAddress, "delay-load directory");
  if (!bytes) {
    return bytes.takeError();
  }
  size_t count = directory->Size / sizeof(Entry) - 1;
  if (bytes->size() / sizeof(Entry) < count) {
    return malformed("delay-load directory runs past the end of the file");
  }
  for (size_t i = 0; i < count; ++i) {
    const auto *entry = reinterpret_cast<const Entry *>(bytes->data() + i * sizeof(Entry));
    if (llvm::Error error = check_string(object, entry->Name, 0, "delay-loaded DLL name")) {
      return error;
    }
    if (llvm::Error error =
            check_thunks(object, entry->DelayImportNameTable, "delay-load name table")) {
      return error;
    }
  }
  return llvm::Error::success();
}

template <class Entry>
llvm::Error add_import(Verdict &verdict, const Entry &entry,
                       llvm::iterator_range<llvm::object::imported_symbol_iterator> symbols) {
  llvm::StringRef dll;
  if (llvm::Error error = entry.getName(dll)) {
    return error;
  }
  verdict.needed.push_back(dll.str());
  for (const llvm::object::ImportedSymbolRef &symbol : symbols) {
    llvm::StringRef name;
    if (llvm::Error error = symbol.getSymbolName(name)) {
      return error;
    }
    if (name.empty()) {
      uint16_t ordinal = 0;
      if (llvm::Error error = symbol.getOrdinal(ordinal)) {
        return error;
      }
      verdict.undefined.push_back(verdict.keep(dll.str() + "!#" + std::to_string(ordinal)));
    } else {
      verdict.undefined.push_back(verdict.keep(dll.str() + "!" + name.str()));
    }
  }
  return llvm::Error::success();
}

} // namespace

// LLVM 14's COFFObjectFile::initialize bounds 96 bytes of optional header (the size of a
// PE32 one) and then reads a PE32+ header's NumberOfRvaAndSizes at offset 108: a file cut
// inside that header is read past its end. So every PE header it reads is held to the file
// here first.
llvm::Error check_pe_headers(llvm::StringRef file) {
  using namespace llvm::support::endian;
  // LLVM reads a PE header only behind a DOS header and a PE signature's room.
  if (file.size() < sizeof(llvm::object::dos_header) + sizeof(llvm::COFF::PEMagic) ||
      !file.startswith("MZ")) {
    return llvm::Error::success();
  }
  const uint64_t signature = read32le(file.data() + 0x3c); // e_lfanew
  if (signature + sizeof(llvm::COFF::PEMagic) > file.size()) {
    return malformed("PE signature at offset 0x" + llvm::utohexstr(signature) +
                     " lies outside the file");
  }
  if (file.substr(signature, sizeof(llvm::COFF::PEMagic)) !=
      llvm::StringRef(llvm::COFF::PEMagic, sizeof(llvm::COFF::PEMagic))) {
    return malformed("no PE signature at offset 0x" + llvm::utohexstr(signature));
  }
  const uint64_t header = signature + sizeof(llvm::COFF::PEMagic);
  if (header + sizeof(llvm::object::coff_file_header) > file.size()) {
    return malformed("COFF file header at offset 0x" + llvm::utohexstr(header) +
                     " runs past the end of the file");
  }
  const uint16_t optional_size = read16le(
      file.data() + header + offsetof(llvm::object::coff_file_header, SizeOfOptionalHeader));
  const uint64_t optional = header + sizeof(llvm::object::coff_file_header);
  if (optional + sizeof(uint16_t) > file.size()) {
    return malformed("optional header at offset 0x" + llvm::utohexstr(optional) +
                     " runs past the end of the file");
  }
  const uint16_t magic = read16le(file.data() + optional);
  uint64_t fixed_size = 0;
  const char *name = nullptr;
  if (magic == llvm::COFF::PE32Header::PE32) {
    fixed_size = sizeof(llvm::object::pe32_header);
    name = "PE32";
  } else if (magic == llvm::COFF::PE32Header::PE32_PLUS) {
    fixed_size = sizeof(llvm::object::pe32plus_header);
    name = "PE32+";
  } else {
    return malformed("optional header magic 0x" + llvm::utohexstr(magic) +
                     " is neither PE32 (0x10B) nor PE32+ (0x20B)");
  }
  if (optional + fixed_size > file.size()) {
    return malformed(llvm::Twine(name) + " optional header (" + llvm::Twine(fixed_size) +
                     " bytes) at offset 0x" + llvm::utohexstr(optional) +
                     " runs past the end of the file");
  }
  // NumberOfRvaAndSizes is the fixed part's last field, in both layouts.
  const uint32_t directories = read32le(file.data() + optional + fixed_size - 4);
  if (optional + fixed_size + uint64_t(directories) * sizeof(llvm::object::data_directory) >
      file.size()) {
    return malformed(llvm::Twine(directories) +
                     " data directories (NumberOfRvaAndSizes) run past the end of the file");
  }
  if (optional + optional_size > file.size()) {
    return malformed("optional header (SizeOfOptionalHeader " + llvm::Twine(optional_size) +
                     ") at offset 0x" + llvm::utohexstr(optional) +
                     " runs past the end of the file");
  }
  return llvm::Error::success();
}

llvm::Expected<Verdict> inspect_coff(const llvm::object::Binary &binary) {
  const auto &object = llvm::cast<llvm::object::COFFObjectFile>(binary);
  Verdict verdict;
  verdict.format = Format::Coff;
  verdict.format_name = object.getFileFormatName().str();
  verdict.arch = goarch_for(object.getMachine());

  if (!object.getDOSHeader()) { // no PE header: an object file
    verdict.kind = ImageKind::Relocatable;
    verdict.linkage = Linkage::None;
    return verdict;
  }
  verdict.kind = (object.getCharacteristics() & llvm::COFF::IMAGE_FILE_DLL)
                     ? ImageKind::SharedLibrary
                     : ImageKind::Executable;
  if (llvm::Error error = check_import_directory(object)) {
    return error;
  }
  if (llvm::Error error = check_delay_import_directory(object)) {
    return error;
  }
  for (const llvm::object::ImportDirectoryEntryRef &entry : object.import_directories()) {
    // Names come from the import lookup table, as llvm-readobj reads them: the import
    // address table holds the same RVAs on disk, but addresses in a bound image. Old
    // linkers leave the lookup table out; then the address table is all there is.
    uint32_t lookup_table = 0;
    if (llvm::Error error = entry.getImportLookupTableRVA(lookup_table)) {
      return error;
    }
    if (llvm::Error error = add_import(verdict, entry,
                                       lookup_table ? entry.lookup_table_symbols()
                                                    : entry.imported_symbols())) {
      return error;
    }
  }
  for (const llvm::object::DelayImportDirectoryEntryRef &entry :
       object.delay_import_directories()) {
    if (llvm::Error error = add_import(verdict, entry, entry.imported_symbols())) {
      return error;
    }
  }
  bool system_only = std::all_of(verdict.needed.begin(), verdict.needed.end(),
                                 [](const std::string &dll) { return is_system_dll(dll); });
  verdict.linkage = (system_only && verdict.kind == ImageKind::Executable) ? Linkage::Static
                                                                  : Linkage::Dynamic;
  return verdict;
}

} // namespace portable_ld
