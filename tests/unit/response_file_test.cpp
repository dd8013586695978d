// SPDX-License-Identifier: Apache-2.0
//
// The two response-file syntaxes.
#include "link/response_file.h"

#include "unit_test.h"

namespace portable_ld {
namespace {

using namespace std::string_literals;

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
