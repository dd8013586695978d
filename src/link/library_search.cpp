// SPDX-License-Identifier: Apache-2.0
#include "link/library_search.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "support/regular_file.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/Object/Archive.h"
#include "llvm/BinaryFormat/Magic.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace portable_ld {

namespace {

// "libxml2.a" -> "xml2", "libz3.so" -> "z3"; empty for other names.
std::string library_name(llvm::StringRef file, llvm::StringRef suffix) {
  llvm::StringRef name = llvm::sys::path::filename(file);
  if (!name.consume_front("lib") || !name.consume_back(suffix) || name.empty()) {
    return {};
  }
  return name.str();
}

// `path` with symbolic links resolved (/lib is /usr/lib on a merged-/usr system), so that
// a GNU ld script's inputs are found whichever directory lists them; else as it is.
std::string resolved(const std::string &path) {
  llvm::SmallString<256> real;
  if (llvm::sys::fs::real_path(path, real)) {
    return path;
  }
  return std::string(real.str());
}

// The lib*`suffix` files of `directory`, sorted, as the linker would try them.
// They are read with read_regular_file: a FIFO named libm.a must not block the search.
std::vector<std::string> files_in(const std::string &directory, llvm::StringRef suffix) {
  std::vector<std::string> files;
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it(directory, error), end; !error && it != end;
       it.increment(error)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    if (name.startswith("lib") && name.endswith(suffix)) {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A GNU ld script ("/* GNU ld script */ GROUP ( /usr/lib/.../libm-2.36.a ... )"): the
// files it names, or nothing for any other file.
std::vector<std::string> script_inputs(llvm::StringRef text) {
  std::vector<std::string> inputs;
  if (!text.contains("GROUP") && !text.contains("INPUT")) {
    return inputs;
  }
  llvm::SmallVector<llvm::StringRef, 16> words;
  text.split(words, ' ', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef word : words) {
    word = word.trim(" \t\n()");
    if (word.endswith(".a") || word.contains(".so")) {
      inputs.push_back(word.str());
    }
  }
  return inputs;
}

bool is_archive(llvm::StringRef bytes) { return bytes.startswith("!<arch>\n"); }

// Calls `visit(name)` for every symbol in the index of the archive in `bytes`.
template <class Visit>
void for_each_archive_symbol(llvm::MemoryBufferRef bytes, Visit visit) {
  llvm::Expected<std::unique_ptr<llvm::object::Archive>> archive =
      llvm::object::Archive::create(bytes);
  if (!archive) {
    llvm::consumeError(archive.takeError());
    return;
  }
  for (const llvm::object::Archive::Symbol &symbol : (*archive)->symbols()) {
    visit(symbol.getName());
  }
}

// Calls `visit(name)` for every defined, global dynamic symbol of the ELF shared object in
// `bytes`. Other formats are skipped before LLVM parses them: its Mach-O and PE readers
// trust headers that verify/ has to check first, and no ELF link uses them.
template <class Visit>
void for_each_exported_symbol(llvm::MemoryBufferRef bytes, Visit visit) {
  if (llvm::identify_magic(bytes.getBuffer()) != llvm::file_magic::elf_shared_object) {
    return;
  }
  llvm::Expected<std::unique_ptr<llvm::object::ObjectFile>> object =
      llvm::object::ObjectFile::createObjectFile(bytes);
  if (!object) {
    llvm::consumeError(object.takeError());
    return;
  }
  const auto *elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(object->get());
  if (!elf) {
    return;
  }
  for (const llvm::object::ELFSymbolRef &symbol : elf->getDynamicSymbolIterators()) {
    llvm::Expected<uint32_t> flags = symbol.getFlags();
    llvm::Expected<llvm::StringRef> name = symbol.getName();
    if (!flags || !name) {
      llvm::consumeError(flags.takeError());
      llvm::consumeError(name.takeError());
      continue;
    }
    if (!(*flags & llvm::object::BasicSymbolRef::SF_Undefined) &&
        (*flags & llvm::object::BasicSymbolRef::SF_Global)) {
      visit(*name);
    }
  }
}

// Candidates per symbol; the one chosen is the library that defines most of the missing
// symbols (libz for crc32, not a library that happens to carry its own copy), then the
// first in search order.
struct Candidates {
  std::map<std::string, std::vector<Definer>> of_symbol;
  std::map<std::string, size_t> count_of_file;
  void add(const std::string &symbol, Definer definer) {
    std::vector<Definer> &list = of_symbol[symbol];
    if (std::none_of(list.begin(), list.end(),
                     [&](const Definer &other) { return other.name == definer.name; })) {
      ++count_of_file[definer.file];
      list.push_back(std::move(definer));
    }
  }
  void choose(std::map<std::string, Definer> &into) const {
    for (const auto &[symbol, list] : of_symbol) {
      auto best =
          std::max_element(list.begin(), list.end(), [&](const Definer &a, const Definer &b) {
            return count_of_file.at(a.file) < count_of_file.at(b.file);
          });
      into.emplace(symbol, *best);
    }
  }
};

} // namespace

std::vector<std::string> library_directories(std::string_view print_search_dirs) {
  std::vector<std::string> directories;
  for (llvm::StringRef rest = print_search_dirs; !rest.empty();) {
    auto [line, next] = rest.split('\n');
    rest = next;
    if (!line.consume_front("libraries: =")) {
      continue;
    }
    llvm::SmallVector<llvm::StringRef, 16> parts;
    line.split(parts, ':', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef part : parts) {
      llvm::SmallString<256> path(part);
      llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
      std::string directory(path.str());
      while (directory.size() > 1 && directory.back() == '/') {
        directory.pop_back();
      }
      if (std::find(directories.begin(), directories.end(), directory) == directories.end()) {
        directories.push_back(directory);
      }
    }
  }
  return directories;
}

std::map<std::string, Definer> find_definers(const std::vector<std::string> &symbols,
                                             const std::vector<std::string> &directories) {
  std::set<std::string, std::less<>> wanted(symbols.begin(), symbols.end());
  // GNU ld and gold name C++ symbols demangled ("std::condition_variable::
  // condition_variable()"): compare those with the archives' symbols demangled.
  bool demangled = std::any_of(symbols.begin(), symbols.end(), [](const std::string &symbol) {
    return symbol.find_first_of(":( <") != std::string::npos;
  });
  auto wanted_name = [&](llvm::StringRef symbol) -> std::optional<std::string> {
    if (wanted.count(symbol)) {
      return symbol.str();
    }
    if (demangled && symbol.startswith("_Z")) {
      std::string name = llvm::demangle(symbol.str());
      if (wanted.count(name)) {
        return name;
      }
    }
    return std::nullopt;
  };
  // GNU ld scripts first: the archives they group take the script's name (-lm for
  // libm-2.36.a and libmvec.a).
  std::map<std::string, std::string> name_of_file;
  std::set<std::string> static_names;
  for (const std::string &directory : directories) {
    for (const std::string &file : files_in(directory, ".a")) {
      static_names.insert(library_name(file, ".a"));
      auto buffer = read_regular_file(file);
      if (!buffer) {
        llvm::consumeError(buffer.takeError());
        continue;
      }
      if (is_archive((*buffer)->getBuffer())) {
        continue;
      }
      for (const std::string &input : script_inputs((*buffer)->getBuffer().take_front(4096))) {
        llvm::SmallString<256> path(input);
        llvm::sys::fs::make_absolute(directory, path);
        name_of_file.emplace(resolved(std::string(path.str())), library_name(file, ".a"));
      }
    }
  }
  Candidates archives;
  for (const std::string &directory : directories) {
    for (const std::string &file : files_in(directory, ".a")) {
      auto buffer = read_regular_file(file);
      if (!buffer) {
        llvm::consumeError(buffer.takeError());
        continue;
      }
      if (!is_archive((*buffer)->getBuffer())) {
        continue;
      }
      auto alias = name_of_file.find(resolved(file));
      std::string name = alias != name_of_file.end() ? alias->second : library_name(file, ".a");
      for_each_archive_symbol((*buffer)->getMemBufferRef(), [&](llvm::StringRef symbol) {
        if (std::optional<std::string> found = wanted_name(symbol)) {
          archives.add(*found, {name, file, true});
        }
      });
    }
  }
  std::map<std::string, Definer> definers;
  archives.choose(definers);
  for (const auto &[symbol, definer] : definers) {
    wanted.erase(symbol);
  }
  if (wanted.empty()) {
    return definers;
  }
  // Only a shared library defines the rest, where it has no static archive at all.
  Candidates shared;
  for (const std::string &directory : directories) {
    for (const std::string &file : files_in(directory, ".so")) {
      std::string name = library_name(file, ".so");
      if (static_names.count(name)) {
        continue;
      }
      auto buffer = read_regular_file(file);
      if (!buffer) {
        llvm::consumeError(buffer.takeError());
        continue;
      }
      for_each_exported_symbol((*buffer)->getMemBufferRef(), [&](llvm::StringRef symbol) {
        if (std::optional<std::string> found = wanted_name(symbol)) {
          shared.add(*found, {name, file, false});
        }
      });
    }
  }
  shared.choose(definers);
  return definers;
}

std::optional<std::string> pkg_config_module_for(const std::string &library,
                                                 const std::vector<std::string> &pc_directories) {
  std::string flag = "-l" + library;
  for (const std::string &directory : pc_directories) {
    std::error_code error;
    std::vector<std::string> files;
    for (llvm::sys::fs::directory_iterator it(directory, error), end; !error && it != end;
         it.increment(error)) {
      if (llvm::StringRef(it->path()).endswith(".pc")) {
        files.push_back(it->path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const std::string &file : files) {
      auto buffer = read_regular_file(file);
      if (!buffer) {
        llvm::consumeError(buffer.takeError());
        continue;
      }
      for (llvm::StringRef rest = (*buffer)->getBuffer(); !rest.empty();) {
        auto [line, next] = rest.split('\n');
        rest = next;
        if (!line.consume_front("Libs:")) {
          continue;
        }
        llvm::SmallVector<llvm::StringRef, 8> words;
        line.split(words, ' ', -1, /*KeepEmpty=*/false);
        if (std::find(words.begin(), words.end(), flag) != words.end()) {
          return llvm::sys::path::stem(file).str();
        }
      }
    }
  }
  return std::nullopt;
}

MissingLibraries describe_missing(const std::vector<UndefinedReference> &references,
                                  const std::map<std::string, Definer> &definers) {
  MissingLibraries missing;
  auto add_unique = [](std::vector<std::string> &list, const std::string &value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) {
      list.push_back(value);
    }
  };
  std::vector<std::string> files; // the needing files, in order
  for (const UndefinedReference &reference : references) {
    add_unique(files, reference.from);
  }
  for (const std::string &file : files) {
    // The symbols this file needs, grouped by the library that defines them.
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;
    for (const UndefinedReference &reference : references) {
      if (reference.from != file) {
        continue;
      }
      auto definer = definers.find(reference.symbol);
      std::string library;
      if (definer == definers.end()) {
        add_unique(missing.not_found, reference.symbol);
        library = "defined by no library on the search path";
      } else if (definer->second.static_archive) {
        add_unique(missing.flags, "-l" + definer->second.name);
        library = "-l" + definer->second.name;
      } else {
        add_unique(missing.shared_only, definer->second.file);
        library = fmt::format("only in {}, no lib{}.a", definer->second.file, definer->second.name);
      }
      auto group = std::find_if(groups.begin(), groups.end(),
                                [&](const auto &entry) { return entry.first == library; });
      if (group == groups.end()) {
        groups.push_back({library, {reference.symbol}});
      } else {
        add_unique(group->second, reference.symbol);
      }
    }
    std::vector<std::string> parts;
    for (const auto &[library, symbols] : groups) {
      constexpr size_t k_shown = 4;
      std::string names =
          fmt::format("{}", fmt::join(symbols.begin(),
                                      symbols.begin() + std::min(symbols.size(), k_shown), ", "));
      if (symbols.size() > k_shown) {
        names += fmt::format(", ... ({} in all)", symbols.size());
      }
      parts.push_back(fmt::format("{} ({})", names, library));
    }
    std::string archive_name = library_name(file, ".a");
    if (!archive_name.empty()) {
      add_unique(missing.needing, "-l" + archive_name);
    }
    std::string who =
        file.empty() ? std::string("the program") : std::string(llvm::sys::path::filename(file));
    missing.notes.push_back(fmt::format("{} needs {}", who, fmt::join(parts, "; ")));
  }
  return missing;
}

StaticFailure explain_missing_libraries(const MissingLibraries &missing,
                                        const std::vector<PkgConfigAnswer> &pkg_config,
                                        bool from_go) {
  StaticFailure failure;
  failure.notes = missing.notes;
  for (const PkgConfigAnswer &answer : pkg_config) {
    failure.notes.push_back(
        fmt::format("pkg-config --static --libs {}: {}", answer.module, answer.libs));
  }
  std::vector<std::string> hints;
  if (!missing.shared_only.empty()) {
    std::vector<std::string> names;
    for (const std::string &file : missing.shared_only) {
      names.push_back(std::string(llvm::sys::path::filename(file)));
    }
    failure.reason = fmt::format("{} {} no static archive", fmt::join(names, ", "),
                                 names.size() == 1 ? "has" : "have");
    hints.push_back(fmt::format(
        "this program cannot be linked statically while it uses {}: only the shared "
        "library is installed, and Debian ships no static archive of it; link dynamically "
        "(drop the static request) with a glibc floor (PORTABLE_LD_MAX_GLIBC), or build "
        "that library as a static archive yourself",
        fmt::join(names, ", ")));
  }
  if (!missing.flags.empty()) {
    if (failure.reason.empty()) {
      failure.reason = "static archives need libraries that are not on the link line";
    }
    std::string flags = fmt::format("{}", fmt::join(missing.flags, " "));
    std::string where = missing.needing.empty()
                            ? "at the end of the link line"
                            : fmt::format("after {}", fmt::join(missing.needing, " "));
    std::string hint = fmt::format("add {} {}", flags, where);
    if (from_go) {
      hint += fmt::format(" (Go: CGO_LDFLAGS='{0}', or -ldflags \"-extldflags '{0}'\")", flags);
    }
    if (!pkg_config.empty()) {
      hint += fmt::format("; or link with what pkg-config --static --libs {} prints instead of "
                          "{}, the set its packager recorded",
                          pkg_config.front().module, missing.needing.front());
    }
    hints.push_back(std::move(hint));
  }
  if (!missing.not_found.empty()) {
    if (failure.reason.empty()) {
      failure.reason = fmt::format("undefined symbols that no library on the search path "
                                   "defines: {}",
                                   fmt::join(missing.not_found, ", "));
    }
    hints.push_back("install the library that defines them (its static archive), or add "
                    "its directory with -L");
  }
  failure.hint = fmt::format("{}", fmt::join(hints, "; "));
  return failure;
}

} // namespace portable_ld
