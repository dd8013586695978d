// SPDX-License-Identifier: Apache-2.0
//
// The value parsers of portable-ld's settings, and Go-style command splitting.
#include "link/config.h"

#include "unit_test.h"
#include "support/quoting.h"

namespace portable_ld {
namespace {

using test::error_text;
using test::take;

using Words = std::vector<std::string>;

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

TEST_CASE("parse_nss_policy: error, warn or ignore, in any case and with blanks") {
  CHECK(take(parse_nss_policy("error", "PORTABLE_LD_NSS")) == NssPolicy::Error);
  CHECK(take(parse_nss_policy(" WARN ", "PORTABLE_LD_NSS")) == NssPolicy::Warn);
  CHECK(take(parse_nss_policy("Ignore", "PORTABLE_LD_NSS")) == NssPolicy::Ignore);
  CHECK(error_text(parse_nss_policy("fatal", "--nss")) ==
        "--nss: invalid value 'fatal' (expected error, warn or ignore)");
  CHECK(error_text(parse_nss_policy("", "PORTABLE_LD_NSS")) ==
        "PORTABLE_LD_NSS: invalid value '' (expected error, warn or ignore)");
}

TEST_CASE("NssPolicy names round-trip through parse_nss_policy") {
  for (NssPolicy policy : {NssPolicy::Ignore, NssPolicy::Warn, NssPolicy::Error}) {
    CHECK(take(parse_nss_policy(to_string(policy), "x")) == policy);
  }
}

TEST_CASE("parse_log_value: off, - or an absolute path") {
  CHECK_FALSE(take(parse_log_value("off", "PORTABLE_LD_LOG")).has_value());
  CHECK_FALSE(take(parse_log_value(" OFF ", "PORTABLE_LD_LOG")).has_value());
  CHECK(take(parse_log_value("-", "PORTABLE_LD_LOG")) == std::optional<std::string>("-"));
  CHECK(take(parse_log_value("/var/log/links.jsonl", "PORTABLE_LD_LOG")) ==
        std::optional<std::string>("/var/log/links.jsonl"));
  // Blanks around the value are not part of the path.
  CHECK(take(parse_log_value(" /tmp/a b.jsonl\n", "PORTABLE_LD_LOG")) ==
        std::optional<std::string>("/tmp/a b.jsonl"));
}

TEST_CASE("parse_log_value: a relative path is an error naming the setting") {
  CHECK(error_text(parse_log_value("links.jsonl", "--log")) ==
        "--log: 'links.jsonl' is not an absolute path (links run in many directories; use "
        "an absolute path, - for stderr or off)");
  CHECK(error_text(parse_log_value("./links.jsonl", "'/etc/pld': log"))
            .starts_with("'/etc/pld': log: './links.jsonl' is not an absolute path"));
  CHECK(error_text(parse_log_value("~/links.jsonl", "PORTABLE_LD_LOG"))
            .starts_with("PORTABLE_LD_LOG: '~/links.jsonl' is not an absolute path"));
}

} // namespace
} // namespace portable_ld
