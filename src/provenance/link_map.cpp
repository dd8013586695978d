// SPDX-License-Identifier: Apache-2.0
#include "provenance/link_map.h"

#include <cstring>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace portable_ld {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// The member's name that starts at `start`: up to the first ')' followed by ':', a blank
// or the line's end. Empty when the line ends first.
std::string_view member_at(std::string_view line, size_t start) {
  for (size_t close = line.find(')', start); close != std::string_view::npos;
       close = line.find(')', close + 1)) {
    if (close + 1 == line.size() || line[close + 1] == ':' || is_blank(line[close + 1])) {
      return line.substr(start, close - start);
    }
  }
  return {};
}

// Members in first-seen order, each once.
struct MemberList {
  std::vector<std::string> names;
  std::unordered_set<std::string> seen;
  void add(std::string_view member) {
    if (seen.emplace(member).second) {
      names.emplace_back(member);
    }
  }
};

} // namespace

ArchiveMembers archive_members(llvm::StringRef map, const std::vector<std::string> &archives) {
  // Each archive's file name, to the archives that have it.
  std::unordered_map<std::string_view, std::vector<size_t>> by_name;
  for (size_t i = 0; i < archives.size(); ++i) {
    llvm::StringRef name = llvm::StringRef(archives[i]).rsplit('/').second;
    if (name.empty()) {
      name = archives[i];
    }
    if (!name.empty()) {
      by_name[std::string_view(name.data(), name.size())].push_back(i);
    }
  }
  std::vector<MemberList> found(archives.size());
  std::vector<std::string> other_order;
  std::unordered_map<std::string, MemberList> others;

  std::string_view text(map.data(), map.size());
  size_t line_start = 0;
  while (line_start < text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) {
      line_end = text.size();
    }
    std::string_view line = text.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    for (size_t open = line.find('('); open != std::string_view::npos;
         open = line.find('(', open + 1)) {
      // The file name before '(': back to a '/', a blank or the line's start.
      size_t name_start = open;
      while (name_start > 0 && line[name_start - 1] != '/' && !is_blank(line[name_start - 1])) {
        --name_start;
      }
      auto candidates = by_name.find(line.substr(name_start, open - name_start));
      if (candidates == by_name.end()) {
        continue;
      }
      std::string_view member = member_at(line, open + 1);
      if (member.empty()) {
        continue;
      }
      // The dependency file's spelling, whole (a blank in it included), else the word.
      std::string_view before = line.substr(0, open);
      bool matched = false;
      for (size_t index : candidates->second) {
        std::string_view path = archives[index];
        if (before.ends_with(path) &&
            (before.size() == path.size() || is_blank(before[before.size() - path.size() - 1]))) {
          found[index].add(member);
          matched = true;
        }
      }
      if (matched) {
        continue;
      }
      size_t path_start = name_start;
      while (path_start > 0 && !is_blank(line[path_start - 1])) {
        --path_start;
      }
      std::string path(line.substr(path_start, open - path_start));
      auto [entry, added] = others.try_emplace(path);
      if (added) {
        other_order.push_back(path);
      }
      entry->second.add(member);
    }
  }

  ArchiveMembers result;
  for (MemberList &list : found) {
    result.by_archive.push_back(std::move(list.names));
  }
  for (const std::string &path : other_order) {
    result.other_spellings.push_back({path, std::move(others[path].names)});
  }
  return result;
}

std::vector<bool> named_as_words(llvm::StringRef map, const std::vector<std::string> &paths) {
  std::vector<bool> named(paths.size(), false);
  std::unordered_map<std::string_view, std::vector<size_t>> index;
  for (size_t i = 0; i < paths.size(); ++i) {
    index[paths[i]].push_back(i);
  }
  std::string_view text(map.data(), map.size());
  size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && (is_blank(text[at]) || text[at] == '\n')) {
      ++at;
    }
    size_t end = at;
    while (end < text.size() && !is_blank(text[end]) && text[end] != '\n') {
      ++end;
    }
    if (auto found = index.find(text.substr(at, end - at)); found != index.end()) {
      for (size_t i : found->second) {
        named[i] = true;
      }
    }
    at = end;
  }
  return named;
}

} // namespace portable_ld
