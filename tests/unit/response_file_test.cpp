// SPDX-License-Identifier: Apache-2.0
//
// Go's %q quoting (go_unquote) and the two response-file syntaxes.
#include "link/response_file.h"

#include "unit_test.h"
#include "support/quoting.h"

namespace portable_ld {
namespace {

using namespace std::string_literals;

std::optional<std::string> unquoted(std::string_view text) { return go_unquote(text); }

TEST_CASE("go_unquote: plain strings and the one-letter escapes") {
  CHECK(unquoted(R"("")") == std::optional<std::string>(""));
  CHECK(unquoted(R"("-o")") == std::optional<std::string>("-o"));
  CHECK(unquoted(R"("a b")") == std::optional<std::string>("a b"));
  CHECK(unquoted(R"("\a\b\f\n\r\t\v")") == std::optional<std::string>("\a\b\f\n\r\t\v"));
  CHECK(unquoted(R"("\\ \" \'")") == std::optional<std::string>(R"(\ " ')"));
}

TEST_CASE("go_unquote: \\x is a raw byte, \\u and \\U are code points in UTF-8") {
  CHECK(unquoted(R"("\xff\x00")") == std::optional<std::string>("\xff\0"s));
  CHECK(unquoted(R"("\u00e9")") == std::optional<std::string>("\xc3\xa9"));
  CHECK(unquoted(R"("\u20AC")") == std::optional<std::string>("\xe2\x82\xac"));
  CHECK(unquoted(R"("\U0001F600")") == std::optional<std::string>("\xf0\x9f\x98\x80"));
}

TEST_CASE("go_unquote: three octal digits are a byte") {
  CHECK(unquoted(R"("\000")") == std::optional<std::string>("\0"s));
  CHECK(unquoted(R"("\101\102")") == std::optional<std::string>("AB"));
  CHECK(unquoted(R"("\377")") == std::optional<std::string>("\xff"));
  CHECK(unquoted(R"("a\0011")") == std::optional<std::string>("a\x01"
                                                              "1"));
  // Fewer than three digits, or an 8 or 9, is no escape of Go's.
  CHECK_FALSE(unquoted(R"("\01")").has_value());
  CHECK_FALSE(unquoted(R"("\1")").has_value());
  CHECK_FALSE(unquoted(R"("\018")").has_value());
  CHECK_FALSE(unquoted(R"("\9")").has_value());
}

TEST_CASE("go_unquote: what Go's %q never writes") {
  for (const char *text : {"", "\"", "abc", "\"abc", "abc\"", "'abc'", "\"a\"b\"", "\"\\\"",
                           "\"\\q\"", "\"\\x4\"", "\"\\xzz\"", "\"\\u12\"", "\"\\U0001F6\""}) {
    CAPTURE(text);
    CHECK_FALSE(unquoted(text).has_value());
  }
}

TEST_CASE("parse_response_file: Go's one %q string per line") {
  CHECK(parse_response_file("\"-o\"\n\"a b\"\n\"x\\ty\"\n") ==
        std::vector<std::string>{"-o", "a b", "x\ty"});
}

TEST_CASE("parse_response_file: otherwise libiberty's syntax") {
  CHECK(parse_response_file("-o 'a b' \"c d\" e\\ f\n-lm") ==
        std::vector<std::string>{"-o", "a b", "c d", "e f", "-lm"});
  // One line that is not %q makes the whole file libiberty syntax.
  CHECK(parse_response_file("\"-o\"\nplain") == std::vector<std::string>{"-o", "plain"});
}

} // namespace
} // namespace portable_ld
