// SPDX-License-Identifier: Apache-2.0
//
// undefined_references(): the undefined symbols of a failed link and the files that need
// them, in each linker's words (as printed for a static link of a libxml2 program).
#include "link/undefined_references.h"

#include "unit_test.h"

namespace portable_ld {
namespace {

std::vector<std::string> pairs(const std::vector<UndefinedReference> &references) {
  std::vector<std::string> out;
  for (const UndefinedReference &reference : references) {
    out.push_back(reference.symbol + " <- " + reference.from);
  }
  return out;
}

TEST_CASE("undefined_references: GNU ld") {
  const char *output =
      "/usr/bin/ld: /usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/libxml2.a(nanohttp.o): in function `xmlNanoHTTPConnectHost':\n"
      "(.text+0xb03): warning: Using 'getaddrinfo' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking\n"
      "/usr/bin/ld: /usr/lib/x86_64-linux-gnu/libxml2.a(xpath.o): in function `xmlXPathStringEvalNumber.part.0':\n"
      "(.text+0x1a4f): undefined reference to `pow'\n"
      "/usr/bin/ld: (.text+0x1bc4): undefined reference to `pow'\n"
      "/usr/bin/ld: /tmp/ccFN6FUw.o: in function `main':\n"
      "m.c:(.text+0x2f): undefined reference to `sqrt'\n"
      "/usr/bin/ld: table.o:(.data.rel+0x8): undefined reference to `handler'\n"
      "collect2: error: ld returned 1 exit status\n";
  CHECK(pairs(undefined_references(output)) ==
        std::vector<std::string>{"pow <- /usr/lib/x86_64-linux-gnu/libxml2.a",
                                 "sqrt <- /tmp/ccFN6FUw.o", "handler <- table.o"});
}

TEST_CASE("undefined_references: gold") {
  const char *output =
      "/usr/lib/x86_64-linux-gnu/libxml2.a(xmlIO.o):function xmlGzfileOpenW: error: undefined reference to 'gzdopen'\n"
      "/usr/lib/x86_64-linux-gnu/libxml2.a(xmlIO.o):function xmlGzfileOpen: error: undefined reference to 'gzdopen'\n"
      "/tmp/ccA5TQ6F.o:u.c:function main: error: undefined reference to 'nothere'\n";
  CHECK(pairs(undefined_references(output)) ==
        std::vector<std::string>{"gzdopen <- /usr/lib/x86_64-linux-gnu/libxml2.a",
                                 "nothere <- /tmp/ccA5TQ6F.o"});
}

TEST_CASE("undefined_references: ld.lld") {
  const char *output =
      "ld.lld: error: undefined symbol: ucnv_open_72\n"
      ">>> referenced by encoding.o:(openIcuConverter) in archive /usr/lib/x86_64-linux-gnu/libxml2.a\n"
      ">>> referenced by encoding.o:(openIcuConverter) in archive /usr/lib/x86_64-linux-gnu/libxml2.a\n"
      "\n"
      "ld.lld: error: undefined symbol: pow\n"
      ">>> referenced by m.c\n"
      ">>>               /tmp/ccmzgbIB.o:(main)\n"
      "ld.lld: error: undefined symbol: lonely\n"
      "ld.lld: error: too many errors emitted, stopping now (use --error-limit=0 to see all errors)\n";
  CHECK(pairs(undefined_references(output)) ==
        std::vector<std::string>{"ucnv_open_72 <- /usr/lib/x86_64-linux-gnu/libxml2.a",
                                 "pow <- /tmp/ccmzgbIB.o", "lonely <- "});
}

TEST_CASE("undefined_references: mold") {
  const char *output =
      "mold: error: undefined symbol: deflate\n"
      ">>> referenced by /usr/lib/x86_64-linux-gnu/libxml2.a(xmlIO.o):(.text)\n"
      ">>>               /usr/lib/x86_64-linux-gnu/libxml2.a(xmlIO.o):(xmlIOHTTPWrite)\n"
      "mold: error: undefined symbol: nothere\n"
      ">>> referenced by u.c\n"
      ">>>               /tmp/ccrEGxLW.o:(main)\n";
  CHECK(pairs(undefined_references(output)) ==
        std::vector<std::string>{"deflate <- /usr/lib/x86_64-linux-gnu/libxml2.a",
                                 "nothere <- /tmp/ccrEGxLW.o"});
}

TEST_CASE("undefined_references: other messages are none") {
  CHECK(undefined_references("").empty());
  CHECK(undefined_references("/usr/bin/ld: cannot find -lz3: No such file or directory\n").empty());
  CHECK(undefined_references("warning: Using 'dlopen' in statically linked applications\n").empty());
}

} // namespace
} // namespace portable_ld
