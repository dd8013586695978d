// SPDX-License-Identifier: Apache-2.0
//
// The bounds check on a thin Mach-O file's load commands that runs before LLVM 14 reads
// them (check_macho_load_commands).
#include "verify/verify.h"

#include "unit_test.h"

#include <string>
#include <utility>
#include <vector>

#include "llvm/BinaryFormat/MachO.h"
#include "llvm/Support/Endian.h"

namespace portable_ld {
namespace {

using namespace llvm::MachO;

struct Command {
  uint32_t cmd;
  uint32_t cmdsize; // the bytes written: at least the 8 of cmd and cmdsize
};

// A Mach-O header (32- or 64-bit, either byte order) and `commands`, zero-filled to each
// cmdsize; ncmds and sizeofcmds as given, or counted from `commands` when left at -1.
struct MachOFile {
  bool is64 = true;
  bool big_endian = false;
  uint32_t filetype = MH_EXECUTE;
  std::vector<Command> commands;
  int64_t ncmds = -1;
  int64_t sizeofcmds = -1;

  std::string bytes() const {
    const auto order = big_endian ? llvm::support::big : llvm::support::little;
    std::string file(is64 ? sizeof(mach_header_64) : sizeof(mach_header), '\0');
    auto put = [&](size_t offset, uint32_t value) {
      llvm::support::endian::write32(&file[offset], value, order);
    };
    uint32_t total = 0;
    for (const Command &command : commands) {
      size_t at = file.size();
      file.resize(at + std::max<uint32_t>(command.cmdsize, 8), '\0');
      put(at, command.cmd);
      put(at + 4, command.cmdsize);
      total += std::max<uint32_t>(command.cmdsize, 8);
    }
    put(0, is64 ? MH_MAGIC_64 : MH_MAGIC);
    put(4, CPU_TYPE_X86_64);
    put(12, filetype);
    put(16, ncmds < 0 ? commands.size() : static_cast<uint32_t>(ncmds));
    put(20, sizeofcmds < 0 ? total : static_cast<uint32_t>(sizeofcmds));
    return file;
  }
};

std::string check(const MachOFile &file) {
  return test::message_of(check_macho_load_commands(file.bytes()));
}

TEST_CASE("check_macho_load_commands: well-formed files pass, in every width and byte order") {
  for (bool is64 : {true, false}) {
    for (bool big_endian : {false, true}) {
      CAPTURE(is64);
      CAPTURE(big_endian);
      MachOFile file;
      file.is64 = is64;
      file.big_endian = big_endian;
      file.commands = {{LC_SEGMENT_64, 72}, {LC_LOAD_DYLIB, 56}, {LC_UUID, 24}};
      CHECK(check(file) == "");
      // Padding after the last command, inside sizeofcmds, is allowed.
      file.sizeofcmds = 152 + 16;
      std::string bytes = file.bytes() + std::string(16, '\0');
      CHECK(test::message_of(check_macho_load_commands(bytes)) == "");
    }
  }
  CHECK(check(MachOFile{}) == ""); // no load commands at all
}

TEST_CASE("check_macho_load_commands: other formats are not its concern") {
  CHECK(test::message_of(check_macho_load_commands("")) == "");
  CHECK(test::message_of(check_macho_load_commands("\177ELF\2\1\1")) == "");
  CHECK(test::message_of(check_macho_load_commands("\xca\xfe\xba\xbe")) == ""); // universal
}

TEST_CASE("check_macho_load_commands: a header cut short") {
  std::string bytes = MachOFile{}.bytes();
  CHECK(test::message_of(check_macho_load_commands(bytes.substr(0, 20))) ==
        "the Mach-O header runs past the end of the file");
  MachOFile thin;
  thin.is64 = false;
  CHECK(test::message_of(check_macho_load_commands(thin.bytes().substr(0, 27))) ==
        "the Mach-O header runs past the end of the file");
}

TEST_CASE("check_macho_load_commands: ncmds and sizeofcmds are held to the file") {
  // LLVM 14 loops on this one's LC_IDENT 0x68000004 times.
  MachOFile hostile;
  hostile.commands = {{LC_IDENT, 16}};
  hostile.ncmds = 0x68000004;
  CHECK(check(hostile) == "ncmds 1744830468 does not fit in sizeofcmds 16 (a load command "
                          "takes at least 8 bytes)");
  hostile.ncmds = 0xffffffff; // ncmds * 8 does not wrap around
  hostile.sizeofcmds = 16;
  CHECK(check(hostile) == "ncmds 4294967295 does not fit in sizeofcmds 16 (a load command "
                          "takes at least 8 bytes)");

  MachOFile file;
  file.commands = {{LC_UUID, 24}};
  file.sizeofcmds = 25;
  CHECK(check(file) == "load commands (sizeofcmds 25) run past the end of the file");
  file.sizeofcmds = 0xffffffff;
  CHECK(check(file) == "load commands (sizeofcmds 4294967295) run past the end of the file");
}

TEST_CASE("check_macho_load_commands: every command lies within sizeofcmds") {
  // Three commands fit 8 bytes each in sizeofcmds 24, but the first takes all 24.
  MachOFile file;
  file.commands = {{LC_UUID, 24}};
  file.ncmds = 3;
  std::string bytes = file.bytes() + std::string(16, '\0');
  CHECK(test::message_of(check_macho_load_commands(bytes)) ==
        "load command 1 runs past the end of the load commands (sizeofcmds 24)");

  MachOFile wide;
  wide.commands = {{LC_SEGMENT_64, 72}, {LC_RPATH, 32}};
  wide.sizeofcmds = 96; // the LC_RPATH reaches 8 bytes past it
  CHECK(check(wide) ==
        "load command 1 (LC_RPATH) cmdsize 32 runs past the end of the load commands "
        "(sizeofcmds 96)");
}

TEST_CASE("check_macho_load_commands: cmdsize follows LLVM's rules") {
  MachOFile file;
  file.commands = {{LC_SEGMENT_64, 72}, {LC_UUID, 0}};
  file.sizeofcmds = 80;
  CHECK(check(file) == "load command 1 (LC_UUID) cmdsize 0 is smaller than 8 bytes");

  file.commands = {{0x7f, 12}, {LC_UUID, 24}};
  file.sizeofcmds = -1;
  CHECK(check(file) == "load command 0 (cmd 0x7f) cmdsize 12 is not a multiple of 8");
  file.is64 = false; // a 32-bit file needs 4
  CHECK(check(file) == "");
  file.commands = {{LC_SEGMENT, 58}};
  CHECK(check(file) == "load command 0 (LC_SEGMENT) cmdsize 58 is not a multiple of 4");

  // The macOS kernel writes a 64-bit core's LC_THREAD as a multiple of 4, and LLVM
  // allows it there alone.
  MachOFile core;
  core.filetype = MH_CORE;
  core.commands = {{LC_THREAD, 12}, {LC_SEGMENT_64, 72}};
  CHECK(check(core) == "");
  core.commands = {{LC_UNIXTHREAD, 12}};
  CHECK(check(core) == "load command 0 (LC_UNIXTHREAD) cmdsize 12 is not a multiple of 8");
  core.filetype = MH_EXECUTE;
  core.commands = {{LC_THREAD, 12}};
  CHECK(check(core) == "load command 0 (LC_THREAD) cmdsize 12 is not a multiple of 8");
}

TEST_CASE("check_macho_load_commands: LC_IDENT, which LLVM 14 never steps past") {
  for (bool big_endian : {false, true}) {
    CAPTURE(big_endian);
    MachOFile file;
    file.big_endian = big_endian;
    file.commands = {{LC_LOAD_DYLIB, 56}, {LC_UUID, 24}, {LC_IDENT, 16}, {LC_LOAD_DYLIB, 48}};
    CHECK(check(file) == "load command 2 (LC_IDENT) is obsolete and not supported");
  }
}

} // namespace
} // namespace portable_ld
