// SPDX-License-Identifier: Apache-2.0
//
// PE/COFF: imported DLLs (normal and delay-load), imported symbols, machine and the DLL
// characteristic. Every Windows image is started by the OS loader, so portable-ld calls
// a PE image static when it imports only from DLLs that every Windows installation has
// (k_system_dlls); anything else (libwinpthread-1.dll, libgcc_s_seh-1.dll, a
// third-party DLL) must ship beside it and makes it dynamic.
#include "verify.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Object/COFF.h"

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

template <class Entry>
llvm::Error add_import(Verdict &verdict, const Entry &entry) {
  llvm::StringRef dll;
  if (llvm::Error error = entry.getName(dll)) {
    return error;
  }
  verdict.needed.push_back(dll.str());
  for (const llvm::object::ImportedSymbolRef &symbol : entry.imported_symbols()) {
    llvm::StringRef name;
    if (llvm::Error error = symbol.getSymbolName(name)) {
      return error;
    }
    if (name.empty()) {
      uint16_t ordinal = 0;
      if (llvm::Error error = symbol.getOrdinal(ordinal)) {
        return error;
      }
      verdict.undefined.push_back(dll.str() + "!#" + std::to_string(ordinal));
    } else {
      verdict.undefined.push_back(dll.str() + "!" + name.str());
    }
  }
  return llvm::Error::success();
}

} // namespace

llvm::Expected<Verdict> inspect_coff(const llvm::object::Binary &binary) {
  const auto &object = llvm::cast<llvm::object::COFFObjectFile>(binary);
  Verdict verdict;
  verdict.format = "coff";
  verdict.format_name = object.getFileFormatName().str();
  verdict.arch = goarch_for(object.getMachine());

  if (!object.getDOSHeader()) { // no PE header: an object file
    verdict.kind = "relocatable";
    verdict.linkage = Linkage::None;
    return verdict;
  }
  verdict.kind = (object.getCharacteristics() & llvm::COFF::IMAGE_FILE_DLL) ? "shared-library"
                                                                              : "executable";
  for (const llvm::object::ImportDirectoryEntryRef &entry : object.import_directories()) {
    if (llvm::Error error = add_import(verdict, entry)) {
      return error;
    }
  }
  for (const llvm::object::DelayImportDirectoryEntryRef &entry :
       object.delay_import_directories()) {
    if (llvm::Error error = add_import(verdict, entry)) {
      return error;
    }
  }
  bool system_only = std::all_of(verdict.needed.begin(), verdict.needed.end(),
                                 [](const std::string &dll) { return is_system_dll(dll); });
  verdict.linkage = (system_only && verdict.kind == "executable") ? Linkage::Static
                                                                  : Linkage::Dynamic;
  return verdict;
}

} // namespace portable_ld
