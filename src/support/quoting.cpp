// SPDX-License-Identifier: Apache-2.0
#include "support/quoting.h"

#include <climits>

#include <fmt/format.h>

#include "llvm/Support/ConvertUTF.h"

namespace portable_ld {

namespace {

void append_utf8(std::string &out, uint32_t code_point) {
  char buffer[UNI_MAX_UTF8_BYTES_PER_CODE_POINT];
  char *end = buffer;
  if (llvm::ConvertCodePointToUTF8(code_point, end)) {
    out.append(buffer, end);
  }
}

} // namespace

llvm::Expected<std::vector<std::string>> split_command_words(const std::string &text) {
  std::vector<std::string> words;
  size_t i = 0;
  auto is_blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (i < text.size()) {
    if (is_blank(text[i])) {
      ++i;
      continue;
    }
    if (text[i] == '\'' || text[i] == '"') {
      char quote = text[i];
      size_t end = text.find(quote, i + 1);
      if (end == std::string::npos) {
        return llvm::createStringError(std::errc::invalid_argument, "unterminated %c string",
                                       quote);
      }
      words.push_back(text.substr(i + 1, end - i - 1));
      i = end + 1;
      continue;
    }
    size_t end = i;
    while (end < text.size() && !is_blank(text[end])) {
      ++end;
    }
    words.push_back(text.substr(i, end - i));
    i = end;
  }
  return words;
}

std::optional<std::string> go_unquote(std::string_view line) {
  if (line.size() < 2 || line.front() != '"' || line.back() != '"') {
    return std::nullopt;
  }
  line = line.substr(1, line.size() - 2);
  std::string out;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '"') {
      return std::nullopt; // an unescaped quote inside: not %q output
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= line.size()) {
      return std::nullopt;
    }
    auto hex_value = [&](size_t digits) -> std::optional<uint32_t> {
      uint32_t value = 0;
      for (size_t k = 1; k <= digits; ++k) {
        if (i + k >= line.size() || !llvm::isHexDigit(line[i + k])) {
          return std::nullopt;
        }
        value = value * 16 + llvm::hexDigitValue(line[i + k]);
      }
      i += digits;
      return value;
    };
    switch (line[i]) {
    case 'a': out += '\a'; break;
    case 'b': out += '\b'; break;
    case 'f': out += '\f'; break;
    case 'n': out += '\n'; break;
    case 'r': out += '\r'; break;
    case 't': out += '\t'; break;
    case 'v': out += '\v'; break;
    case '\\': out += '\\'; break;
    case '"': out += '"'; break;
    case '\'': out += '\''; break;
    case 'x': {
      std::optional<uint32_t> value = hex_value(2);
      if (!value) {
        return std::nullopt;
      }
      out += static_cast<char>(*value); // a raw byte: Go uses \x for invalid UTF-8
      break;
    }
    case 'u':
    case 'U': {
      std::optional<uint32_t> value = hex_value(line[i] == 'u' ? 4 : 8);
      if (!value) {
        return std::nullopt;
      }
      append_utf8(out, *value);
      break;
    }
    default:
      auto is_octal = [](char d) { return d >= '0' && d <= '7'; };
      if (i + 2 < line.size() && is_octal(line[i]) && is_octal(line[i + 1]) &&
          is_octal(line[i + 2])) {
        out += static_cast<char>((line[i] - '0') * 64 + (line[i + 1] - '0') * 8 +
                                 (line[i + 2] - '0'));
        i += 2;
        break;
      }
      return std::nullopt;
    }
  }
  return out;
}

std::string escape_control(std::string_view text) {
  std::string out;
  append_escaped_control(out, text);
  return out;
}

void append_escaped_control(std::string &out, std::string_view text) {
  auto hex = [](std::string &out, unsigned char byte) {
    constexpr char digits[] = "0123456789abcdef";
    out += "\\x";
    out += digits[byte >> 4];
    out += digits[byte & 0xf];
  };
  auto printable = [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  };
  out.reserve(out.size() + text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char byte = static_cast<unsigned char>(text[i]);
    if (printable(text[i])) {
      // A run at a time: paths and names are all of it, for every line check prints.
      size_t end = i + 1;
      while (end < text.size() && printable(text[end])) {
        ++end;
      }
      out.append(text, i, end - i);
      i = end;
      continue;
    }
    if (byte < 0x80) { // C0 or DEL
      hex(out, byte);
      ++i;
      continue;
    }
    // A UTF-8 sequence is kept when it is valid and not a C1 control (U+0080..U+009F).
    size_t length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc2 ? 2 : 0;
    // ConvertUTF.h's check, which llvm::json::isUTF8 makes too, without JSON.h (which
    // clang 14 cannot compile against libstdc++ 12 in C++20: the fuzzer build).
    auto *start = reinterpret_cast<const llvm::UTF8 *>(text.data() + i);
    bool valid = length != 0 && i + length <= text.size() &&
                 llvm::isLegalUTF8String(&start, start + length);
    bool c1 = byte == 0xc2 && length == 2 && i + 1 < text.size() &&
              static_cast<unsigned char>(text[i + 1]) < 0xa0;
    if (!valid || c1) {
      hex(out, byte);
      ++i;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
}

std::string abbreviate(std::string_view value, size_t limit) {
  if (value.size() <= limit) {
    return std::string(value);
  }
  size_t cut = limit;
  // Back up over UTF-8 continuation bytes (at most three) to a sequence's first byte.
  for (int i = 0; i < 3 && cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xc0) == 0x80;
       ++i) {
    --cut;
  }
  return fmt::format("{}[... {} more bytes]", value.substr(0, cut), value.size() - cut);
}

std::string abbreviate_path(std::string_view path) {
  return path.size() <= PATH_MAX ? std::string(path) : abbreviate(path);
}

std::string shell_quote(llvm::StringRef word) {
  std::string quoted = "'";
  for (char c : word) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

} // namespace portable_ld
