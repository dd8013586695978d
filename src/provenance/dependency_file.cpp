// SPDX-License-Identifier: Apache-2.0
#include "provenance/dependency_file.h"

#include <algorithm>

namespace portable_ld {

std::vector<std::string> dependency_file_inputs(llvm::StringRef text) {
  // Words of the first logical line, escapes undone; a backslash-newline is a space.
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  auto end_word = [&] {
    if (in_word) {
      words.push_back(std::move(word));
      word.clear();
      in_word = false;
    }
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (c == '\\' && (next == '\n' || (next == '\r' && i + 2 < text.size() && text[i + 2] == '\n'))) {
      end_word();
      i += next == '\r' ? 2 : 1;
    } else if (c == '\\' && (next == ' ' || next == '#' || next == '\\')) {
      word += next;
      in_word = true;
      ++i;
    } else if (c == '$' && next == '$') {
      word += '$';
      in_word = true;
      ++i;
    } else if (c == '\n') {
      break;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      end_word();
    } else {
      word += c;
      in_word = true;
    }
  }
  end_word();

  // The target ends with the first word that ends in ':' (or is ":" itself).
  auto colon = std::find_if(words.begin(), words.end(),
                            [](const std::string &w) { return !w.empty() && w.back() == ':'; });
  std::vector<std::string> inputs;
  if (colon == words.end()) {
    return inputs;
  }
  for (auto it = colon + 1; it != words.end(); ++it) {
    if (std::find(inputs.begin(), inputs.end(), *it) == inputs.end()) {
      inputs.push_back(*it);
    }
  }
  return inputs;
}

} // namespace portable_ld
