// SPDX-License-Identifier: Apache-2.0
//
// The value parsers of portable-ld's settings.
#include "link/config.h"

#include "unit_test.h"

namespace portable_ld {
namespace {

using test::error_text;
using test::take;

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
