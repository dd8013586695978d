// SPDX-License-Identifier: Apache-2.0
#include "link/undefined_references.h"

#include <algorithm>

#include "llvm/ADT/StringRef.h"

namespace portable_ld {

namespace {

// "<path>(<member>)" -> "<path>"; a path without a member stays as it is.
llvm::StringRef archive_of(llvm::StringRef file) {
  size_t open = file.find(".a(");
  return open == llvm::StringRef::npos ? file : file.take_front(open + 2);
}

// What follows GNU ld's own name ("/usr/bin/ld: ", "x86_64-linux-gnu-ld.bfd: "), or empty
// when the line does not start with it.
llvm::StringRef after_linker_name(llvm::StringRef line) {
  size_t end = line.find(": ");
  if (end == llvm::StringRef::npos) {
    return {};
  }
  llvm::StringRef name = line.take_front(end);
  name = name.substr(name.rfind('/') + 1);
  bool linker =
      name == "ld" || name.startswith("ld.") || name.endswith("-ld") || name.contains("-ld.");
  return linker ? line.drop_front(end + 2) : llvm::StringRef();
}

// The file before ": in function" (GNU ld) or before ":function " (gold), after the
// linker's own name ("/usr/bin/ld: ").
llvm::StringRef file_before(llvm::StringRef line, llvm::StringRef marker) {
  llvm::StringRef head = line.take_front(line.find(marker));
  if (llvm::StringRef after = after_linker_name(head); !after.empty()) {
    head = after;
  }
  // gold puts the source file between the object and ":function": "x.o:x.c:function f".
  if (marker == ":function " && !head.contains(".a(")) {
    head = head.take_front(head.find(':'));
  }
  return archive_of(head.trim());
}

// The quoted name after `marker`: GNU ld quotes `so', gold 'so'.
llvm::StringRef quoted_after(llvm::StringRef line, llvm::StringRef marker) {
  size_t at = line.find(marker);
  if (at == llvm::StringRef::npos) {
    return {};
  }
  llvm::StringRef rest = line.drop_front(at + marker.size());
  if (rest.empty() || (rest.front() != '`' && rest.front() != '\'')) {
    return {};
  }
  rest = rest.drop_front();
  return rest.take_front(rest.find('\''));
}

// lld: ">>> referenced by xpath.o:(f) in archive /usr/lib/libxml2.a", or an object alone
// (">>> referenced by m.c" then ">>>    /tmp/cc.o:(main)"); mold: ">>> referenced by
// /usr/lib/libxml2.a(xpath.o):(.text)".
llvm::StringRef referencing_file(llvm::StringRef line) {
  llvm::StringRef text = line.drop_front(3).trim();
  if (text.consume_front("referenced by ")) {
    text = text.trim();
  }
  size_t archive = text.find(" in archive ");
  if (archive != llvm::StringRef::npos) {
    return text.drop_front(archive + 12).trim();
  }
  size_t location = text.find(":(");
  if (location == llvm::StringRef::npos) {
    return {}; // the source file's name: the object is on the next line
  }
  return archive_of(text.take_front(location));
}

void add(std::vector<UndefinedReference> &references, llvm::StringRef symbol,
         llvm::StringRef from) {
  if (symbol.empty()) {
    return;
  }
  auto same = [&](const UndefinedReference &reference) {
    return reference.symbol == symbol && reference.from == from;
  };
  if (std::none_of(references.begin(), references.end(), same)) {
    references.push_back({symbol.str(), from.str()});
  }
}

} // namespace

std::vector<UndefinedReference> undefined_references(std::string_view linker_output) {
  std::vector<UndefinedReference> references;
  llvm::StringRef current_file;   // GNU ld: the last "<file>: in function" line
  llvm::StringRef pending_symbol; // lld, mold: the last "undefined symbol: " line
  bool pending_found = false;
  auto flush_pending = [&] {
    if (!pending_symbol.empty() && !pending_found) {
      add(references, pending_symbol, "");
    }
    pending_symbol = {};
    pending_found = false;
  };
  for (llvm::StringRef rest = linker_output; !rest.empty();) {
    auto [line, next] = rest.split('\n');
    rest = next;
    if (line.startswith(">>> ")) {
      llvm::StringRef from = referencing_file(line);
      if (!pending_symbol.empty() && !from.empty()) {
        add(references, pending_symbol, from);
        pending_found = true;
      }
      continue;
    }
    flush_pending();
    if (size_t at = line.find("error: undefined symbol: "); at != llvm::StringRef::npos) {
      pending_symbol = line.drop_front(at + 25).trim();
    } else if (line.contains(": in function ")) {
      current_file = file_before(line, ": in function ");
    } else if (llvm::StringRef symbol = quoted_after(line, "undefined reference to ");
               !symbol.empty()) {
      // gold names the file on the same line; GNU ld on the "in function" line before,
      // or after its own name for a reference from data ("/usr/bin/ld: x.o:(.data+0x0):").
      llvm::StringRef from = current_file;
      if (line.contains(":function ")) {
        from = file_before(line, ":function ");
      } else if (llvm::StringRef after = after_linker_name(line);
                 !after.empty() && !after.startswith("(")) {
        if (size_t data = after.find(":("); data != llvm::StringRef::npos) {
          from = archive_of(after.take_front(data));
        }
      }
      add(references, symbol, from);
    }
  }
  flush_pending();
  return references;
}

} // namespace portable_ld
