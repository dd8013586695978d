// SPDX-License-Identifier: Apache-2.0
#include "provenance/dependency_file.h"

#include "llvm/ADT/StringSet.h"

namespace portable_ld {

namespace {

// The first rule's prerequisites, split at blanks and line continuations.
std::vector<std::string> first_rule_words(llvm::StringRef text) {
  std::vector<std::string> words;
  std::string word;
  auto end_word = [&] {
    if (!word.empty()) {
      words.push_back(undo_make_escapes(word));
      word.clear();
    }
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    llvm::StringRef rest = text.substr(i + 1);
    if (c == '\\' && (rest.startswith("\n") || rest.startswith("\r\n"))) {
      end_word();
      i += rest.startswith("\n") ? 1 : 2;
    } else if (c == '\\' && !rest.empty() && (rest[0] == ' ' || rest[0] == '#')) {
      word += c;
      word += rest[0];
      ++i;
    } else if (c == '\n') {
      break;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      end_word();
    } else {
      word += c;
    }
  }
  end_word();
  // The target ends with the first word that ends in ':'.
  auto colon = std::find_if(words.begin(), words.end(),
                            [](const std::string &w) { return !w.empty() && w.back() == ':'; });
  if (colon == words.end()) {
    return {};
  }
  return {colon + 1, words.end()};
}

} // namespace

std::string undo_make_escapes(llvm::StringRef name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    char next = i + 1 < name.size() ? name[i + 1] : '\0';
    if ((name[i] == '\\' && (next == ' ' || next == '#')) || (name[i] == '$' && next == '$')) {
      out += next;
      ++i;
    } else {
      out += name[i];
    }
  }
  return out;
}

std::vector<std::string> dependency_file_inputs(llvm::StringRef text) {
  std::vector<std::string> names;
  size_t end_of_rule = text.find("\n\n");
  if (end_of_rule != llvm::StringRef::npos) {
    // "NAME:\n\n" after "NAME:\n\n": split at ":\n\n", which ends every empty rule.
    for (llvm::StringRef rest = text.substr(end_of_rule + 2); !rest.empty();) {
      auto [rule, next] = rest.split(":\n\n");
      rest = next;
      // The last rule ends the file: ":\n", or ":" without a newline.
      if (!rule.consume_back(":\n")) {
        rule.consume_back(":");
      }
      if (!rule.empty()) {
        names.push_back(rule.str());
      }
    }
  }
  if (names.empty()) {
    names = first_rule_words(text);
  }
  std::vector<std::string> inputs;
  llvm::StringSet<> seen;
  for (std::string &name : names) {
    if (seen.insert(name).second) {
      inputs.push_back(std::move(name));
    }
  }
  return inputs;
}

} // namespace portable_ld
