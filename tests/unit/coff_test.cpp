// SPDX-License-Identifier: Apache-2.0
//
// The bounds check on a PE image's headers that runs before LLVM 14 reads them
// (check_pe_headers).
#include "verify/verify.h"

#include "unit_test.h"

#include <string>

#include "llvm/Support/Endian.h"

namespace portable_ld {
namespace {

using llvm::support::endian::write16le;
using llvm::support::endian::write32le;

constexpr uint16_t k_pe32 = 0x10b;
constexpr uint16_t k_pe32_plus = 0x20b;

// A PE image's headers, no sections: a 64-byte DOS header whose e_lfanew points just
// after it (0x40), the PE signature, the COFF file header (0x44) and an optional header
// (0x58) of `magic`'s size with `directories` data directories, zero-filled to
// SizeOfOptionalHeader.
std::string pe_image(uint16_t magic, uint32_t directories, uint16_t optional_size) {
  const size_t fixed_size = magic == k_pe32_plus ? 112 : 96;
  std::string file(0x58, '\0');
  file[0] = 'M';
  file[1] = 'Z';
  write32le(&file[0x3c], 0x40);
  file.replace(0x40, 4, std::string("PE\0\0", 4));
  write16le(&file[0x44], 0x8664);             // Machine: AMD64
  write16le(&file[0x44 + 16], optional_size); // SizeOfOptionalHeader
  file.resize(0x58 + std::max<size_t>(fixed_size + 8 * size_t(directories), optional_size), '\0');
  write16le(&file[0x58], magic);
  write32le(&file[0x58 + fixed_size - 4], directories); // NumberOfRvaAndSizes
  return file;
}

std::string check(llvm::StringRef file) { return test::message_of(check_pe_headers(file)); }

TEST_CASE("check_pe_headers: well-formed headers pass") {
  CHECK(check(pe_image(k_pe32_plus, 16, 240)) == "");
  CHECK(check(pe_image(k_pe32, 16, 224)) == "");
  CHECK(check(pe_image(k_pe32_plus, 0, 112)) == "");
  CHECK(check(pe_image(k_pe32, 0, 0)) == ""); // LLVM reads the optional header regardless
}

TEST_CASE("check_pe_headers: files with no PE header are not its concern") {
  CHECK(check("") == "");
  CHECK(check(std::string("\x64\x86\x01\x00", 4) + std::string(60, '\0')) == ""); // an object
  // Shorter than a DOS header and a signature: LLVM reads no PE header either.
  CHECK(check(pe_image(k_pe32_plus, 16, 240).substr(0, 67)) == "");
}

TEST_CASE("check_pe_headers: a PE32+ optional header cut after 96 bytes") {
  // LLVM 14 reads its NumberOfRvaAndSizes, at offset 108, past the end of the file.
  std::string file = pe_image(k_pe32_plus, 16, 240).substr(0, 0x58 + 96);
  CHECK(check(file) ==
        "PE32+ optional header (112 bytes) at offset 0x58 runs past the end of the file");
  CHECK(check(pe_image(k_pe32, 16, 224).substr(0, 0x58 + 95)) ==
        "PE32 optional header (96 bytes) at offset 0x58 runs past the end of the file");
}

TEST_CASE("check_pe_headers: each header lies within the file") {
  std::string file = pe_image(k_pe32_plus, 16, 240);

  std::string far = file;
  write32le(&far[0x3c], 0x1000);
  CHECK(check(far) == "PE signature at offset 0x1000 lies outside the file");
  write32le(&far[0x3c], 0xfffffffe); // e_lfanew + 4 does not wrap around
  CHECK(check(far) == "PE signature at offset 0xFFFFFFFE lies outside the file");

  std::string unsigned_file = file;
  unsigned_file[0x41] = 'X';
  CHECK(check(unsigned_file) == "no PE signature at offset 0x40");

  CHECK(check(file.substr(0, 0x44 + 19)) ==
        "COFF file header at offset 0x44 runs past the end of the file");
  CHECK(check(file.substr(0, 0x58 + 1)) ==
        "optional header at offset 0x58 runs past the end of the file");

  std::string rom = file;
  write16le(&rom[0x58], 0x107);
  CHECK(check(rom) == "optional header magic 0x107 is neither PE32 (0x10B) nor PE32+ (0x20B)");

  // The data directories the header claims, 8 bytes each.
  CHECK(check(file.substr(0, 0x58 + 112 + 16 * 8 - 1)) ==
        "16 data directories (NumberOfRvaAndSizes) run past the end of the file");
  std::string many = file;
  write32le(&many[0x58 + 108], 0xffffffff);
  CHECK(check(many) ==
        "4294967295 data directories (NumberOfRvaAndSizes) run past the end of the file");

  std::string tall = file;
  write16le(&tall[0x44 + 16], 0xffff);
  CHECK(check(tall) ==
        "optional header (SizeOfOptionalHeader 65535) at offset 0x58 runs past the end of the "
        "file");
}

} // namespace
} // namespace portable_ld
