// SPDX-License-Identifier: Apache-2.0
//
// The ELF package metadata note that packaging tools stamp into binaries and that SBOM
// scanners and systemd-coredump read: a section .note.package holding a note of owner
// "FDO" and type 0xcafe1a7e whose descriptor is one JSON object, a NUL-terminated UTF-8
// string, zero-padded to four bytes (docs/provenance.md).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace portable_ld {

inline constexpr uint32_t k_package_note_type = 0xcafe1a7e;
inline constexpr std::string_view k_package_note_owner = "FDO";

struct PackageNote {
  uint64_t desc_offset = 0; // of the descriptor, from the start of the bytes read
  uint64_t desc_size = 0;
  std::string_view text;    // the descriptor up to its first NUL
};

// The package notes among the notes in `bytes` (a note section's contents), in order.
// Notes of other owners or types are skipped; a note that runs past the end ends the
// reading.
std::vector<PackageNote> parse_package_notes(std::string_view bytes, bool little_endian);

// The package notes of the ELF file `file` (its .note.package sections), with their
// descriptors' offsets in the file. An error when it is not an ELF file.
llvm::Expected<std::vector<PackageNote>> find_package_notes(llvm::StringRef file);

} // namespace portable_ld
