// SPDX-License-Identifier: Apache-2.0
#include "provenance/package_note.h"

#include <fcntl.h>
#include <unistd.h>

#include <optional>
#include <set>
#include <vector>
#include <system_error>

#include "support/json.h"
#include "support/regular_file.h"
#include "verify/package_note.h"
#include "verify/verdict_json.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/JSON.h"

namespace portable_ld {

namespace {

// A value the note can hold without an escape, of at most k_max_value bytes (cut
// between characters).
constexpr size_t k_max_value = 256;
std::string clean(llvm::StringRef value) {
  std::string text = json_key(value); // bytes that are not UTF-8 become U+FFFD
  for (char &c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '"' || c == '\\') {
      c = '?';
    }
  }
  if (text.size() > k_max_value) {
    size_t end = k_max_value;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) {
      --end; // not inside a UTF-8 sequence
    }
    text.resize(end);
  }
  return text;
}

void append_member(std::string &json, std::string_view key, llvm::StringRef value) {
  if (value.empty()) {
    return;
  }
  json += json.size() > 1 ? ",\"" : "\"";
  json += key;
  json += "\":\"" + clean(value) + "\"";
}

// Whether the linker put the file's contents into the output: an object or an archive,
// not a shared library or a linker script naming one.
bool goes_into_output(llvm::StringRef path) {
  return path.endswith(".o") || path.endswith(".a") || path.endswith(".obj");
}

// Writes `value` in the target's byte order.
template <class T> void put(std::string &bytes, size_t at, T value, bool little_endian) {
  llvm::support::endian::write<T>(bytes.data() + at, value,
                                  little_endian ? llvm::support::little : llvm::support::big);
}

} // namespace

std::optional<ElfTarget> elf_target_of(llvm::StringRef header) {
  if (header.size() < 52 || !header.startswith("\x7f" "ELF")) {
    return std::nullopt;
  }
  auto elf_class = static_cast<unsigned char>(header[llvm::ELF::EI_CLASS]);
  auto data = static_cast<unsigned char>(header[llvm::ELF::EI_DATA]);
  if ((elf_class != llvm::ELF::ELFCLASS32 && elf_class != llvm::ELF::ELFCLASS64) ||
      (data != llvm::ELF::ELFDATA2LSB && data != llvm::ELF::ELFDATA2MSB)) {
    return std::nullopt;
  }
  ElfTarget target;
  target.is64 = elf_class == llvm::ELF::ELFCLASS64;
  target.little_endian = data == llvm::ELF::ELFDATA2LSB;
  if (target.is64 && header.size() < 64) {
    return std::nullopt;
  }
  auto half = [&](size_t at) {
    return target.little_endian ? llvm::support::endian::read16le(header.data() + at)
                                : llvm::support::endian::read16be(header.data() + at);
  };
  auto word = [&](size_t at) {
    return target.little_endian ? llvm::support::endian::read32le(header.data() + at)
                                : llvm::support::endian::read32be(header.data() + at);
  };
  if (half(16) != llvm::ELF::ET_REL) {
    return std::nullopt;
  }
  target.machine = half(18);
  target.flags = word(target.is64 ? 48 : 36);
  return target;
}

std::string reserved_note_object(const ElfTarget &target) {
  const bool le = target.little_endian;
  const size_t header_size = target.is64 ? 64 : 52;
  const size_t section_header_size = target.is64 ? 64 : 40;
  const size_t word_align = target.is64 ? 8 : 4;
  auto align = [](size_t at, size_t to) { return (at + to - 1) & ~(to - 1); };

  // The sections after the null one, in order; their names in .shstrtab.
  struct Section {
    const char *name;
    uint32_t type;
    uint64_t flags;
    std::string contents;
    uint64_t align;
  };
  std::vector<Section> sections;

  // The package note: owner "FDO", its type, the reserved descriptor.
  std::string note(16 + k_reserved_note_size, '\0');
  put<uint32_t>(note, 0, 4, le);
  put<uint32_t>(note, 4, k_reserved_note_size, le);
  put<uint32_t>(note, 8, k_package_note_type, le);
  note.replace(12, 3, "FDO");
  note.replace(16, k_reserved_note_text.size(), k_reserved_note_text);
  sections.push_back({".note.package", llvm::ELF::SHT_NOTE, llvm::ELF::SHF_ALLOC, note, 4});
  // Empty: without it GNU ld would make the program's stack executable.
  sections.push_back({".note.GNU-stack", llvm::ELF::SHT_PROGBITS, 0, "", 1});
  // x86's IBT/SHSTK and arm64's BTI/PAC marks stay only when every input has them: this
  // object claims every bit of the AND property, so the program's own objects decide.
  std::optional<uint32_t> and_property;
  if (target.machine == llvm::ELF::EM_X86_64 || target.machine == llvm::ELF::EM_386) {
    and_property = llvm::ELF::GNU_PROPERTY_X86_FEATURE_1_AND;
  } else if (target.machine == llvm::ELF::EM_AARCH64) {
    and_property = llvm::ELF::GNU_PROPERTY_AARCH64_FEATURE_1_AND;
  }
  if (and_property) {
    const size_t desc_size = align(12, word_align); // pr_type, pr_datasz, pr_data, padding
    std::string property(16 + desc_size, '\0');
    put<uint32_t>(property, 0, 4, le);
    put<uint32_t>(property, 4, static_cast<uint32_t>(desc_size), le);
    put<uint32_t>(property, 8, llvm::ELF::NT_GNU_PROPERTY_TYPE_0, le);
    property.replace(12, 3, "GNU");
    put<uint32_t>(property, 16, *and_property, le);
    put<uint32_t>(property, 20, 4, le);
    put<uint32_t>(property, 24, 0xffffffff, le);
    sections.push_back({".note.gnu.property", llvm::ELF::SHT_NOTE, llvm::ELF::SHF_ALLOC,
                        property, word_align});
  }
  std::string names(1, '\0');
  std::vector<uint32_t> name_offsets;
  for (const Section &section : sections) {
    name_offsets.push_back(static_cast<uint32_t>(names.size()));
    names += section.name;
    names += '\0';
  }
  const uint32_t names_name = static_cast<uint32_t>(names.size());
  names += ".shstrtab";
  names += '\0';
  sections.push_back({".shstrtab", llvm::ELF::SHT_STRTAB, 0, names, 1});
  name_offsets.push_back(names_name);

  // Layout: the header, each section's contents aligned, then the section headers.
  std::vector<size_t> offsets;
  size_t at = header_size;
  for (const Section &section : sections) {
    at = align(at, section.align);
    offsets.push_back(at);
    at += section.contents.size();
  }
  const size_t headers_at = align(at, 8);
  const size_t count = sections.size() + 1; // and the null section
  std::string bytes(headers_at + count * section_header_size, '\0');
  for (size_t i = 0; i < sections.size(); ++i) {
    bytes.replace(offsets[i], sections[i].contents.size(), sections[i].contents);
  }

  // The ELF header: a relocatable object of the target's class, order, machine and flags.
  bytes.replace(0, 4, "\x7f" "ELF");
  bytes[llvm::ELF::EI_CLASS] = target.is64 ? llvm::ELF::ELFCLASS64 : llvm::ELF::ELFCLASS32;
  bytes[llvm::ELF::EI_DATA] = le ? llvm::ELF::ELFDATA2LSB : llvm::ELF::ELFDATA2MSB;
  bytes[llvm::ELF::EI_VERSION] = llvm::ELF::EV_CURRENT;
  put<uint16_t>(bytes, 16, llvm::ELF::ET_REL, le);
  put<uint16_t>(bytes, 18, target.machine, le);
  put<uint32_t>(bytes, 20, llvm::ELF::EV_CURRENT, le);
  size_t field = 24 + (target.is64 ? 16 : 8); // past e_entry and e_phoff
  if (target.is64) {
    put<uint64_t>(bytes, field, headers_at, le);
    field += 8;
  } else {
    put<uint32_t>(bytes, field, static_cast<uint32_t>(headers_at), le);
    field += 4;
  }
  put<uint32_t>(bytes, field, target.flags, le);
  put<uint16_t>(bytes, field + 4, static_cast<uint16_t>(header_size), le);
  put<uint16_t>(bytes, field + 6, 0, le); // e_phentsize
  put<uint16_t>(bytes, field + 8, 0, le); // e_phnum
  put<uint16_t>(bytes, field + 10, static_cast<uint16_t>(section_header_size), le);
  put<uint16_t>(bytes, field + 12, static_cast<uint16_t>(count), le);     // e_shnum
  put<uint16_t>(bytes, field + 14, static_cast<uint16_t>(count - 1), le); // e_shstrndx

  for (size_t i = 0; i < sections.size(); ++i) {
    const Section &section = sections[i];
    size_t h = headers_at + (i + 1) * section_header_size;
    put<uint32_t>(bytes, h, name_offsets[i], le);
    put<uint32_t>(bytes, h + 4, section.type, le);
    if (target.is64) {
      put<uint64_t>(bytes, h + 8, section.flags, le);
      put<uint64_t>(bytes, h + 24, offsets[i], le);
      put<uint64_t>(bytes, h + 32, section.contents.size(), le);
      put<uint64_t>(bytes, h + 48, section.align, le);
    } else {
      put<uint32_t>(bytes, h + 8, static_cast<uint32_t>(section.flags), le);
      put<uint32_t>(bytes, h + 16, static_cast<uint32_t>(offsets[i]), le);
      put<uint32_t>(bytes, h + 20, static_cast<uint32_t>(section.contents.size()), le);
      put<uint32_t>(bytes, h + 32, static_cast<uint32_t>(section.align), le);
    }
  }
  return bytes;
}

std::string package_note_json(const SbomSubject &subject, std::string_view arch,
                              bool inputs_known, size_t limit) {
  ProgramIdentity program = program_identity(subject);
  std::string json = "{";
  append_member(json, "type", subject.go && subject.go->has_build_info ? "golang" : "generic");
  append_member(json, "name", program.name);
  append_member(json, "version", program.version);
  append_member(json, "architecture", llvm::StringRef(arch.data(), arch.size()));
  append_member(json, "os", subject.distribution.id);
  append_member(json, "osVersion", subject.distribution.version_id);
  if (!inputs_known) {
    return json + "}";
  }
  json += ",\"linked\":[";
  const std::string_view truncated = R"(],"linkedTruncated":true})";
  std::string linked;
  std::set<std::string> seen;
  bool cut = false;
  for (const LinkInput &input : subject.inputs) {
    if (!input.package || !goes_into_output(input.real_path)) {
      continue;
    }
    const DebianPackage &package = *input.package;
    if (!seen.insert(package.name + " " + package.version + " " + package.architecture).second) {
      continue;
    }
    std::string entry = "{";
    append_member(entry, "type", "deb");
    append_member(entry, "name", package.name);
    append_member(entry, "version", package.version);
    append_member(entry, "architecture", package.architecture);
    entry += "}";
    std::string longer = linked.empty() ? entry : linked + "," + entry;
    // Room for the longer ending too, should a later package not fit.
    if (json.size() + longer.size() + truncated.size() > limit) {
      cut = true;
      break;
    }
    linked = std::move(longer);
  }
  json += linked;
  json += cut ? std::string(truncated) : std::string("]}");
  return json;
}

std::optional<PackageNoteFacts> parse_package_note(llvm::StringRef json) {
  if (json_depth(json) > 16) {
    return std::nullopt;
  }
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(json);
  if (!parsed) {
    llvm::consumeError(parsed.takeError());
    return std::nullopt;
  }
  const llvm::json::Object *object = parsed->getAsObject();
  if (!object) {
    return std::nullopt;
  }
  auto string = [](const llvm::json::Object &from, llvm::StringRef key) {
    llvm::Optional<llvm::StringRef> value = from.getString(key);
    return value ? value->str() : std::string();
  };
  PackageNoteFacts facts;
  facts.type = string(*object, "type");
  facts.name = string(*object, "name");
  facts.version = string(*object, "version");
  if (std::string os = string(*object, "os"); !os.empty()) {
    facts.distribution.id = os;
  }
  facts.distribution.version_id = string(*object, "osVersion");
  if (const llvm::json::Array *linked = object->getArray("linked")) {
    for (const llvm::json::Value &entry : *linked) {
      const llvm::json::Object *package = entry.getAsObject();
      if (!package || string(*package, "type") != "deb" || string(*package, "name").empty()) {
        continue;
      }
      facts.linked.push_back({string(*package, "name"), string(*package, "version"),
                              string(*package, "architecture")});
    }
  }
  return facts;
}

SbomSubject subject_of_note(const PackageNoteFacts &note, const std::string &file_name,
                            const GoBinary *go) {
  SbomSubject subject;
  subject.file_name = file_name;
  subject.go = go;
  subject.distribution = note.distribution;
  subject.packages = note.linked;
  ProgramIdentity program{note.name.empty() ? file_name : note.name, note.version, ""};
  if (note.type == "golang" && !note.name.empty() && !note.version.empty()) {
    program.purl = go_purl(note.name, note.version);
  }
  subject.program = program;
  return subject;
}

llvm::Error fill_package_note(const std::string &output, std::string_view json) {
  if (json.size() >= k_reserved_note_size) {
    return llvm::createStringError(std::errc::value_too_large,
                                   "the note's %zu bytes do not fit the %u reserved",
                                   json.size(), k_reserved_note_size);
  }
  auto find_reserved = [&](std::string_view want) -> llvm::Expected<uint64_t> {
    auto bytes = read_regular_file(output);
    if (!bytes) {
      return bytes.takeError();
    }
    auto notes = find_package_notes((*bytes)->getBuffer());
    if (!notes) {
      return notes.takeError();
    }
    for (const PackageNote &note : *notes) {
      if (note.desc_size == k_reserved_note_size && note.text == want) {
        return note.desc_offset;
      }
    }
    return llvm::createStringError(std::errc::no_message_available,
                                   "no reserved package note in '%s' (the link dropped "
                                   ".note.package)",
                                   output.c_str());
  };
  llvm::Expected<uint64_t> offset = find_reserved(k_reserved_note_text);
  if (!offset) {
    return offset.takeError();
  }
  std::string desc(json);
  desc.resize(k_reserved_note_size, '\0');
  int fd = ::open(output.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    std::error_code error(errno, std::generic_category());
    return llvm::createStringError(error, "cannot write '%s': %s", output.c_str(),
                                   error.message().c_str());
  }
  ssize_t written = ::pwrite(fd, desc.data(), desc.size(), static_cast<off_t>(*offset));
  std::error_code error(written < 0 ? errno : 0, std::generic_category());
  if (::close(fd) != 0 && !error) {
    error = std::error_code(errno, std::generic_category());
  }
  if (error || written != static_cast<ssize_t>(desc.size())) {
    return llvm::createStringError(error ? error : std::make_error_code(std::errc::io_error),
                                   "cannot write '%s': %s", output.c_str(),
                                   error ? error.message().c_str() : "short write");
  }
  // Read back: the note now says what was meant.
  llvm::Expected<uint64_t> again = find_reserved(json);
  if (!again) {
    llvm::consumeError(again.takeError());
    return llvm::createStringError(std::errc::io_error,
                                   "the package note of '%s' does not read back as written",
                                   output.c_str());
  }
  return llvm::Error::success();
}

} // namespace portable_ld
