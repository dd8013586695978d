// SPDX-License-Identifier: Apache-2.0
//
// Words and quotes: Go-style command splitting, Go's %q (go_unquote), and shell quoting.
#include "support/quoting.h"

#include "unit_test.h"

namespace portable_ld {
namespace {

using namespace std::string_literals;
using test::error_text;
using test::take;

using Words = std::vector<std::string>;

TEST_CASE("escape_control: control characters and broken UTF-8 as \\xNN, text as it is") {
  CHECK(escape_control("/lib64/ld-linux-x86-64.so.2") == "/lib64/ld-linux-x86-64.so.2");
  CHECK(escape_control("a b\\c") == "a b\\c");
  CHECK(escape_control("\x1b[2J\a\n\t\x7f") == "\\x1b[2J\\x07\\x0a\\x09\\x7f");
  CHECK(escape_control(std::string_view("nul\0here", 8)) == "nul\\x00here");
  // UTF-8 stays, C1 controls (U+0080..U+009F: U+009B is CSI) and stray bytes do not.
  CHECK(escape_control("caf\xc3\xa9 \xe2\x9c\x93") == "caf\xc3\xa9 \xe2\x9c\x93");
  CHECK(escape_control("\xc2\x9b" "2J") == "\\xc2\\x9b2J");
  CHECK(escape_control("\xc2\xa0") == "\xc2\xa0");
  CHECK(escape_control("\xff\xc3") == "\\xff\\xc3");
  CHECK(escape_control("\xe2\x9c") == "\\xe2\\x9c");
}

TEST_CASE("split_command_words: blanks separate words") {
  CHECK(take(split_command_words("zig cc")) == Words{"zig", "cc"});
  CHECK(take(split_command_words("  cc\t-m64\r\n-O2  ")) == Words{"cc", "-m64", "-O2"});
  CHECK(take(split_command_words("")).empty());
  CHECK(take(split_command_words(" \t\n")).empty());
}

TEST_CASE("split_command_words: a word that starts with a quote runs to the matching quote") {
  CHECK(take(split_command_words("'/opt/my cc/gcc' -m64")) == Words{"/opt/my cc/gcc", "-m64"});
  CHECK(take(split_command_words("\"a 'b' c\" d")) == Words{"a 'b' c", "d"});
  CHECK(take(split_command_words("'' x")) == Words{"", "x"});
  // No escapes inside quotes, as in Go's cmd/internal/quoted.
  CHECK(take(split_command_words("'a\\b'")) == Words{"a\\b"});
  // A quote inside a word is an ordinary character; after a quoted word, a new one starts.
  CHECK(take(split_command_words("it's")) == Words{"it's"});
  CHECK(take(split_command_words("'a'b")) == Words{"a", "b"});
}

TEST_CASE("split_command_words: an unterminated quote is an error") {
  CHECK(error_text(split_command_words("cc '-m64")) == "unterminated ' string");
  CHECK(error_text(split_command_words("\"cc")) == "unterminated \" string");
}

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

TEST_CASE("shell_quote: single quotes, and a quote inside closes, escapes and reopens") {
  CHECK(shell_quote("gcc") == "'gcc'");
  CHECK(shell_quote("/opt/my cc/gcc") == "'/opt/my cc/gcc'");
  CHECK(shell_quote("") == "''");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  // What a shell-free reader gets back: the word, for words without a quote.
  CHECK(take(split_command_words(shell_quote("/opt/my cc/gcc") + " " + shell_quote("-m64"))) ==
        Words{"/opt/my cc/gcc", "-m64"});
}

TEST_CASE("abbreviate: short values whole, long ones cut where a UTF-8 sequence starts") {
  CHECK(abbreviate("") == "");
  CHECK(abbreviate("abc", 3) == "abc");
  CHECK(abbreviate("abcd", 3) == "abc[... 1 more bytes]");
  CHECK(abbreviate(std::string(100000, 'x')) ==
        std::string(100, 'x') + "[... 99900 more bytes]");
  // "aé€" is a, c3 a9, e2 82 ac: a cut inside a sequence backs up to its first byte.
  CHECK(abbreviate("a\xc3\xa9\xe2\x82\xac", 2) == "a[... 5 more bytes]");
  CHECK(abbreviate("a\xc3\xa9\xe2\x82\xac", 4) == "a\xc3\xa9[... 3 more bytes]");
  CHECK(abbreviate("a\xc3\xa9\xe2\x82\xac", 5) == "a\xc3\xa9[... 3 more bytes]");
  // Bytes that are not UTF-8 are cut where the limit says (escape_control shows them).
  CHECK(abbreviate("\xff\xff\xff", 2) == "\xff\xff[... 1 more bytes]");
}

TEST_CASE("abbreviate_path: a path the kernel could accept is whole, a longer one cut") {
  const std::string deep = "/" + std::string(4095, 'd');
  CHECK(abbreviate_path("/usr/bin/cc") == "/usr/bin/cc");
  CHECK(abbreviate_path(deep) == deep);
  CHECK(abbreviate_path(deep + "x") == std::string(abbreviate(deep + "x")));
  CHECK(abbreviate_path(deep + "x") == "/" + std::string(99, 'd') + "[... 3997 more bytes]");
}

} // namespace
} // namespace portable_ld
