// SPDX-License-Identifier: Apache-2.0
//
// The package note: reading notes, the reserved note's object, and the note's JSON.
#include "provenance/package_note.h"
#include "verify/package_note.h"
#include "verify/verdict_json.h"

#include "unit_test.h"

#include "llvm/Support/JSON.h"

namespace portable_ld {
namespace {

std::string le32(uint32_t value) {
  std::string bytes(4, '\0');
  for (int i = 0; i < 4; ++i) {
    bytes[i] = static_cast<char>(value >> (8 * i));
  }
  return bytes;
}

std::string note(std::string_view owner, uint32_t type, std::string_view desc) {
  std::string name(owner);
  name += '\0';
  std::string bytes = le32(static_cast<uint32_t>(name.size())) +
                      le32(static_cast<uint32_t>(desc.size())) + le32(type) + name;
  bytes.resize((bytes.size() + 3) & ~size_t{3}, '\0');
  bytes += desc;
  bytes.resize((bytes.size() + 3) & ~size_t{3}, '\0');
  return bytes;
}

TEST_CASE("parse_package_notes: FDO's package notes only, each up to its NUL") {
  std::string section = note("GNU", 3, "0123456789abcdef0123") +
                        note("FDO", k_package_note_type, std::string("{\"a\":1}\0\0\0", 10)) +
                        note("FDO", 1, "{}") + note("XYZ", k_package_note_type, "{}");
  std::vector<PackageNote> notes = parse_package_notes(section, /*little_endian=*/true);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].text == "{\"a\":1}");
  CHECK(notes[0].desc_size == 10);
  CHECK(section.substr(notes[0].desc_offset, 7) == "{\"a\":1}");
  // A note that claims more than the section holds ends the reading.
  std::string cut = note("FDO", k_package_note_type, "{\"b\":2}");
  cut.resize(cut.size() - 4);
  CHECK(parse_package_notes(cut, true).empty());
  CHECK(parse_package_notes("", true).empty());
  // The last descriptor ends the bytes without its padding: read, and the reading stops
  // there rather than past the end.
  std::string unpadded = le32(4) + le32(5) + le32(k_package_note_type) + std::string("FDO\0", 4) +
                         "{\"c\"}";
  REQUIRE(unpadded.size() == 21);
  std::vector<PackageNote> last = parse_package_notes(unpadded, true);
  REQUIRE(last.size() == 1);
  CHECK(last[0].text == "{\"c\"}");
  CHECK(parse_package_notes("short", true).empty());
}

TEST_CASE("elf_target_of: a relocatable object's class, order, machine and flags") {
  ElfTarget riscv{true, true, 243 /*EM_RISCV*/, 0x5 /*RVC, double-float*/};
  std::string object = reserved_note_object(riscv);
  std::optional<ElfTarget> read = elf_target_of(object);
  REQUIRE(read);
  CHECK(read->is64);
  CHECK(read->little_endian);
  CHECK(read->machine == 243);
  CHECK(read->flags == 0x5);
  ElfTarget mips{false, false, 8 /*EM_MIPS*/, 0x70001007};
  read = elf_target_of(reserved_note_object(mips));
  REQUIRE(read);
  CHECK_FALSE(read->is64);
  CHECK_FALSE(read->little_endian);
  CHECK(read->flags == 0x70001007);
  CHECK_FALSE(elf_target_of("#!/bin/sh\n"));
  CHECK_FALSE(elf_target_of(""));
}

TEST_CASE("reserved_note_object: an ELF file whose note reads back as reserved") {
  for (ElfTarget target : {ElfTarget{true, true, 62, 0}, ElfTarget{false, true, 3, 0},
                           ElfTarget{true, false, 43, 0}, ElfTarget{false, false, 8, 0}}) {
    std::string object = reserved_note_object(target);
    llvm::Expected<std::vector<PackageNote>> notes = find_package_notes(object);
    REQUIRE(notes);
    REQUIRE(notes->size() == 1);
    CHECK((*notes)[0].desc_size == k_reserved_note_size);
    CHECK((*notes)[0].text == k_reserved_note_text);
  }
  CHECK_FALSE(static_cast<bool>(find_package_notes("not an object")));
  llvm::consumeError(find_package_notes("not an object").takeError());
}

TEST_CASE("package_note_json: the program and the packages linked into it") {
  DebianPackage libc{"libc6-dev", "2.36-9", "amd64"};
  DebianPackage runtime{"libc6", "2.36-9", "amd64"};
  DebianPackage odd{"we\"ird\\", "1\n2", "amd64"};
  std::vector<LinkInput> inputs = {
      {"/usr/lib/x86_64-linux-gnu/libc.a", "/usr/lib/x86_64-linux-gnu/libc.a", 1, "a", libc, "", LinkInput::Archive::Regular, {"printf.o"}},
      {"/usr/lib/x86_64-linux-gnu/crt1.o", "/usr/lib/x86_64-linux-gnu/crt1.o", 1, "b", libc, "", LinkInput::Archive::None, {}},
      // A shared library is not in the program: only what the linker copied in is.
      {"/lib/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", 1, "c", runtime, "", LinkInput::Archive::None, {}},
      {"/x/libodd.a", "/x/libodd.a", 1, "d", odd, "", LinkInput::Archive::None, {}},
  };
  SbomSubject subject;
  subject.file_name = "prog";
  subject.inputs = inputs;
  subject.distribution = Distribution{"debian", "12"};
  std::string json = package_note_json(subject, "amd64");
  CHECK(json == R"({"type":"generic","name":"prog","architecture":"amd64","os":"debian",)"
                R"("osVersion":"12","linked":[{"type":"deb","name":"libc6-dev","version":)"
                R"("2.36-9","architecture":"amd64"},{"type":"deb","name":"we?ird?",)"
                R"("version":"1?2","architecture":"amd64"}]})");
  CHECK(static_cast<bool>(llvm::json::parse(json)));

  // What does not fit is left out, and said to be, at every limit: never over it.
  std::vector<LinkInput> many;
  std::vector<DebianPackage> packages;
  for (int i = 0; i < 40; ++i) {
    packages.push_back({"lib" + std::to_string(i) + "-dev", "1." + std::to_string(i), "amd64"});
  }
  for (const DebianPackage &package : packages) {
    many.push_back({"/l/" + package.name + ".a", "/l/" + package.name + ".a", 1, "e", package, "", LinkInput::Archive::None, {}});
  }
  SbomSubject crowded = subject;
  crowded.inputs = many;
  for (size_t limit = 160; limit <= 2047; ++limit) {
    std::string cut = package_note_json(crowded, "amd64", true, limit);
    REQUIRE(cut.size() <= limit);
    REQUIRE(static_cast<bool>(llvm::json::parse(cut)));
  }
  std::string cut = package_note_json(crowded, "amd64", true, 400);
  CHECK(cut.find("\"linkedTruncated\":true") != std::string::npos);
  CHECK(package_note_json(crowded, "amd64").size() < k_reserved_note_size);
  CHECK(json.find("linkedTruncated") == std::string::npos);

  // A name of any length is cut to fit, between characters.
  SbomSubject long_name = subject;
  long_name.file_name = std::string(3000, 'x') + "\xc3\xa9";
  CHECK(package_note_json(long_name, "amd64").size() < k_reserved_note_size);
  long_name.file_name = std::string(255, 'x') + "\xc3\xa9";
  std::string cut_name = package_note_json(long_name, "amd64", false);
  CHECK(cut_name == "{\"type\":\"generic\",\"name\":\"" + std::string(255, 'x') +
                        "\",\"architecture\":\"amd64\",\"os\":\"debian\",\"osVersion\":\"12\"}");
}

TEST_CASE("json_depth: brackets outside strings") {
  CHECK(json_depth("") == 0);
  CHECK(json_depth("{}") == 1);
  CHECK(json_depth(R"({"a":[{"b":[]}]})") == 4);
  // Brackets in a string, an escaped quote in it, and an unbalanced end.
  CHECK(json_depth(R"({"a":"[[[\"[[["})") == 1);
  CHECK(json_depth("]]]]{") == 1);
  CHECK(json_depth(std::string(50000, '[')) == 50000);
}

TEST_CASE("parse_package_note: the program, the system and the deb packages") {
  std::optional<PackageNoteFacts> note = parse_package_note(
      R"({"type":"golang","name":"example.com/db","version":"v1.2.0","os":"ubuntu",)"
      R"("osVersion":"24.04","debugInfoUrl":"https://x","linked":[{"type":"deb",)"
      R"("name":"libsqlite3-dev","version":"3.45.1-1","architecture":"amd64"},)"
      R"({"type":"rpm","name":"zlib"},{"type":"deb"},7]})");
  REQUIRE(note);
  CHECK(note->type == "golang");
  CHECK(note->name == "example.com/db");
  CHECK(note->distribution.id == "ubuntu");
  CHECK(note->distribution.version_id == "24.04");
  REQUIRE(note->linked.size() == 1);
  CHECK(note->linked[0].name == "libsqlite3-dev");
  SbomSubject subject = subject_of_note(*note, "db", nullptr);
  ProgramIdentity program = program_identity(subject);
  CHECK(program.name == "example.com/db");
  CHECK(program.purl == "pkg:golang/example.com/db@v1.2.0");
  // A distribution's own note: no "linked", the default namespace.
  std::optional<PackageNoteFacts> rpm =
      parse_package_note(R"({"type":"rpm","name":"coreutils","version":"9.4-7.fc40"})");
  REQUIRE(rpm);
  CHECK(rpm->linked.empty());
  CHECK(program_identity(subject_of_note(*rpm, "ls", nullptr)).purl.empty());
  // A deb entry without a version or an architecture: a purl without them.
  std::optional<PackageNoteFacts> bare = parse_package_note(
      R"({"name":"tool","linked":[{"type":"deb","name":"zlib1g-dev"}]})");
  REQUIRE(bare);
  llvm::json::Object bare_document =
      cyclonedx_document(subject_of_note(*bare, "tool", nullptr));
  const llvm::json::Object *component =
      (*bare_document.getArray("components"))[0].getAsObject();
  CHECK(component->getString("purl").getValueOr("") == "pkg:deb/debian/zlib1g-dev");
  CHECK_FALSE(parse_package_note("not json"));
  CHECK_FALSE(parse_package_note("[1,2]"));
  CHECK_FALSE(parse_package_note(std::string(100, '[') + std::string(100, ']')));
}

} // namespace
} // namespace portable_ld
