// SPDX-License-Identifier: Apache-2.0
//
// The package note (verify/package_note.h) that a final link under PORTABLE_LD_PROVENANCE
// carries: the program's name and version, and the Debian packages whose archives and
// objects went into it. Which packages is known only after the link, from the linker's own
// list; so the link gets an object of portable-ld's with a note of a fixed size reserved
// (`{"portableLd":"reserved"}` and zeros), and the descriptor is written in place once the
// link is done. No linker option is needed (lld 14 has no --package-metadata), and the
// output's size and layout are the linker's own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provenance/sbom.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace portable_ld {

// The descriptor's size in the reserved note: room for the program and a few dozen
// packages.
inline constexpr uint32_t k_reserved_note_size = 2048;
inline constexpr std::string_view k_reserved_note_text = R"({"portableLd":"reserved"})";

// What an object for the link's target must match: ELF class, byte order, e_machine and
// e_flags (RISC-V's and MIPS's ABI bits).
struct ElfTarget {
  bool is64 = true;
  bool little_endian = true;
  uint16_t machine = 0;
  uint32_t flags = 0;
};

// The target of an ELF relocatable object, from its first bytes; none for anything else.
std::optional<ElfTarget> elf_target_of(llvm::StringRef header);

// The bytes of a relocatable object for `target` whose one allocated section,
// .note.package, holds the reserved note (and an empty .note.GNU-stack: the program's
// stack stays non-executable).
std::string reserved_note_object(const ElfTarget &target);

// The note's JSON for a link: {"type", "name", "version", "architecture", "os",
// "osVersion", "linked": [{"type": "deb", "name", "version", "architecture"}, ...]}, the
// packages of the archives and objects among the inputs, in the linker's order; without
// "linked" when the inputs are not known (the linker listed none). No byte needs an
// escape (the convention forbids \u escapes): control characters, '"' and '\' become '?',
// and each value is cut at 256 bytes. At most `limit` bytes: packages that do not fit
// are left out, and "linkedTruncated": true says so.
std::string package_note_json(const SbomSubject &subject, std::string_view arch,
                              bool inputs_known = true,
                              size_t limit = k_reserved_note_size - 1);

// What a package note says, as far as an SBOM needs it: the program, the system, and the
// Debian packages linked in (a note of another tool may say less, or name other keys).
struct PackageNoteFacts {
  std::string type;
  std::string name;
  std::string version;
  Distribution distribution; // "os" and "osVersion"
  std::vector<DebianPackage> linked; // "linked" entries of type "deb"
};

// The facts of a package note's JSON; none when it is not a JSON object (or is nested
// deeper than a note is).
std::optional<PackageNoteFacts> parse_package_note(llvm::StringRef json);

// The SBOM's subject made of a package note and the file's own Go build information
// (check --sbom): the program as the note names it, and its packages without their files.
SbomSubject subject_of_note(const PackageNoteFacts &note, const std::string &file_name,
                            const GoBinary *go);

// Writes `json` into the reserved note of `output` and reads it back. An error when the
// output has no reserved note (a linker script dropped it) or the text differs after.
llvm::Error fill_package_note(const std::string &output, std::string_view json);

} // namespace portable_ld
