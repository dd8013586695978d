// SPDX-License-Identifier: Apache-2.0
#include "provenance/link_map.h"

#include <map>
#include <set>
#include <string_view>

#include "support/find_bytes.h"

namespace portable_ld {

namespace {

// Where the path that ends at `end` starts: after the line's start, a tab, or two blanks.
size_t path_start(std::string_view text, size_t end) {
  size_t start = end;
  while (start > 0) {
    char before = text[start - 1];
    if (before == '\n' || before == '\t' ||
        (before == ' ' && (start < 2 || text[start - 2] == ' ' || text[start - 2] == '\n' ||
                           text[start - 2] == '\t'))) {
      break;
    }
    --start;
  }
  // A single blank left before the path: a column of one space.
  while (start < end && text[start] == ' ') {
    ++start;
  }
  return start;
}

} // namespace

std::vector<MappedArchive> archive_members(llvm::StringRef map,
                                           const std::vector<std::string> &file_names) {
  std::string_view text(map.data(), map.size());
  // Found name by name, then put in the map's order.
  std::map<size_t, std::string> first_seen; // offset -> path
  std::map<std::string, std::pair<std::vector<std::string>, std::set<std::string>>> found;
  std::set<std::string> names(file_names.begin(), file_names.end());
  for (const std::string &name : names) {
    if (name.empty() || name.find('/') != std::string::npos) {
      continue;
    }
    std::string needle = name + "(";
    for (size_t at = find_bytes(text, needle); at != std::string_view::npos;
         at = find_bytes(text, needle, at + 1)) {
      // The whole file name: after a '/', or where the path starts (not mylibc.a).
      size_t start = path_start(text, at);
      if (at != start && text[at - 1] != '/') {
        continue;
      }
      size_t open = at + name.size();
      size_t close = text.find_first_of(")\n", open + 1);
      if (close == std::string_view::npos || text[close] != ')' || close == open + 1) {
        continue;
      }
      std::string path(text.substr(start, open - start));
      auto [entry, added] = found.try_emplace(path);
      if (added) {
        first_seen.emplace(start, path);
      }
      std::string member(text.substr(open + 1, close - open - 1));
      if (entry->second.second.insert(member).second) {
        entry->second.first.push_back(std::move(member));
      }
    }
  }
  std::vector<MappedArchive> archives;
  for (const auto &[offset, path] : first_seen) {
    archives.push_back({path, std::move(found[path].first)});
  }
  return archives;
}

} // namespace portable_ld
