// SPDX-License-Identifier: Apache-2.0
//
// A verdict from the parts of a file (verify/elf_parts.h, read into a BufferPool) equals
// the verdict from the whole file, for the programs and libraries of this machine: the
// parts hold every byte the verdict reads, and what the pool's memory held before (another
// file's bytes) never shows.
#include "support/buffer_pool.h"
#include "support/regular_file.h"
#include "verify/elf_parts.h"
#include "verify/verdict_json.h"
#include "verify/verify.h"

#include "unit_test.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "llvm/Object/ELF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace portable_ld {
namespace {

// The verdict as its JSON, or the error's text.
std::string describe(const std::string &path, SymbolDetail detail, BufferPool *pool) {
  llvm::Expected<Verdict> verdict = inspect_file(path, detail, pool);
  if (!verdict) {
    return "error: " + llvm::toString(verdict.takeError());
  }
  std::string text;
  llvm::raw_string_ostream out(text);
  out << llvm::json::Value(to_json(*verdict));
  return out.str();
}

// Regular files in `directories` (not below them), at most `limit`.
std::vector<std::string> files_in(const std::vector<std::string> &directories, size_t limit) {
  std::vector<std::string> files;
  for (const std::string &directory : directories) {
    std::error_code error;
    for (llvm::sys::fs::directory_iterator it(directory, error), end; it != end && !error;
         it.increment(error)) {
      llvm::ErrorOr<llvm::sys::fs::basic_file_status> status = it->status();
      if (status && status->type() == llvm::sys::fs::file_type::regular_file &&
          files.size() < limit) {
        files.push_back(it->path());
      }
    }
  }
  return files;
}

// The paths and bytes of the first `count` programs of /usr/bin that are read in parts.
std::vector<std::pair<std::string, std::string>> programs_read_in_parts(size_t count) {
  auto pool = BufferPool::create();
  std::vector<std::pair<std::string, std::string>> programs;
  for (const std::string &path : files_in({"/usr/bin"}, 400)) {
    llvm::Expected<RegularFile> file = RegularFile::open(path);
    if (!file) {
      llvm::consumeError(file.takeError());
      continue;
    }
    auto parts = read_dynamic_elf_parts(*file, path, *pool);
    if (!parts || !*parts) {
      if (!parts) {
        llvm::consumeError(parts.takeError());
      }
      continue;
    }
    std::string bytes((*parts)->getBufferSize(), '\0');
    REQUIRE(test::message_of(file->read_at(0, bytes.size(), bytes.data())) == "");
    programs.emplace_back(path, std::move(bytes));
    if (programs.size() == count) {
      break;
    }
  }
  return programs;
}

TEST_CASE("a verdict from the parts equals the verdict from the whole file") {
  std::vector<std::string> files =
      files_in({"/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu"},
               3000);
  auto pool = BufferPool::create();
  size_t in_parts = 0, sparse = 0;
  for (const std::string &path : files) {
    CAPTURE(path);
    llvm::Expected<RegularFile> file = RegularFile::open(path);
    if (!file) {
      llvm::consumeError(file.takeError());
      continue;
    }
    llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> parts =
        read_dynamic_elf_parts(*file, path, *pool);
    if (!parts) {
      llvm::consumeError(parts.takeError());
    } else if (*parts) {
      ++in_parts;
      sparse += (*parts)->getBufferSize() > BufferPool::k_largest;
    }
    CHECK(describe(path, SymbolDetail::Full, pool.get()) ==
          describe(path, SymbolDetail::Full, nullptr));
    CHECK(describe(path, SymbolDetail::Summary, pool.get()) ==
          describe(path, SymbolDetail::Summary, nullptr));
  }
  // Every Debian system has dozens of dynamically linked programs of this size, and
  // libraries of megabytes whose tables are small (libc.so.6, libstdc++.so.6).
  CHECK(in_parts >= 50);
  CHECK(sparse >= 10);
}

// The file minus its end, and the file with its section headers moved past its end.
TEST_CASE("a truncated program gets the error the whole file gets") {
  auto pool = BufferPool::create();
  llvm::SmallString<128> directory;
  REQUIRE(!llvm::sys::fs::createUniqueDirectory("elf-parts", directory));
  auto programs = programs_read_in_parts(20);
  CHECK(programs.size() == 20);
  for (const auto &[path, bytes] : programs) {
    for (size_t keep : {bytes.size() - 1, bytes.size() - 64, bytes.size() / 2, size_t{20000}}) {
      std::string cut = (directory + "/cut").str();
      REQUIRE(test::message_of(write_whole_file(cut, std::string_view(bytes).substr(0, keep))) ==
              "");
      CAPTURE(path);
      CAPTURE(keep);
      CHECK(describe(cut, SymbolDetail::Full, pool.get()) ==
            describe(cut, SymbolDetail::Full, nullptr));
    }
  }
  llvm::sys::fs::remove_directories(directory);
}

// A program of over 1 MiB whose note grows: with a note of 64 KiB it is read in parts,
// into a sparse buffer; with 1.5 MiB its parts pass BufferPool::k_largest and it is
// read whole (so that a file makes no more than that of a sparse buffer). Its verdict
// is the whole file's either way.
TEST_CASE("a file whose parts pass the limit is read whole") {
  auto pool = BufferPool::create();
  llvm::SmallString<128> directory;
  REQUIRE(!llvm::sys::fs::createUniqueDirectory("elf-parts", directory));
  auto programs = programs_read_in_parts(1);
  REQUIRE(programs.size() == 1);
  // Whether the program, its note `note_size` bytes after its end or at 1 MiB, is read
  // in parts.
  auto in_parts_with_note = [&](size_t note_size) {
    std::string bytes = programs.front().second;
    auto elf = test::take(llvm::object::ELF64LEFile::create(bytes));
    auto sections = test::take(elf.sections());
    auto note = std::find_if(sections.begin(), sections.end(), [](const auto &section) {
      return section.sh_type == llvm::ELF::SHT_NOTE;
    });
    REQUIRE(note != sections.end());
    llvm::object::ELF64LE::Shdr grown = *note;
    grown.sh_offset = std::max(bytes.size(), BufferPool::k_largest);
    grown.sh_size = note_size;
    size_t header = elf.getHeader().e_shoff + (note - sections.begin()) * sizeof grown;
    std::memcpy(bytes.data() + header, &grown, sizeof grown);
    bytes.resize(grown.sh_offset + grown.sh_size);
    std::string path = (directory + "/grown").str();
    REQUIRE(test::message_of(write_whole_file(path, bytes)) == "");
    CHECK(describe(path, SymbolDetail::Full, pool.get()) ==
          describe(path, SymbolDetail::Full, nullptr));
    RegularFile file = test::take(RegularFile::open(path));
    return test::take(read_dynamic_elf_parts(file, path, *pool)) != nullptr;
  };
  CHECK(in_parts_with_note(64 * 1024));
  CHECK(!in_parts_with_note(BufferPool::k_largest * 3 / 2));
  llvm::sys::fs::remove_directories(directory);
}

} // namespace
} // namespace portable_ld
