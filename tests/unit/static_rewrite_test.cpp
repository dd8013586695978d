// SPDX-License-Identifier: Apache-2.0
//
// rewrite_for_static(): the static-link policy before the link, each change with its
// reason. Its other half, after the link, is judge() (judge_test.cpp).
#include "link/static_rewrite.h"

#include "unit_test.h"

namespace portable_ld {
namespace {

using test::error_text;
using test::final_link;
using test::take;

std::vector<std::string> rewritten(std::vector<std::string> args,
                                   Product product = Product::Executable) {
  return take(rewrite_for_static(final_link(std::move(args), product))).args;
}

TEST_CASE("an executable gets -static, once") {
  StaticRewrite rewrite = take(rewrite_for_static(final_link({"-o", "app", "main.o", "-lm"})));
  CHECK(rewrite.args == std::vector<std::string>{"-o", "app", "main.o", "-lm", "-static"});
  REQUIRE(rewrite.changes.size() == 1);
  CHECK(rewrite.changes[0].action == "add");
  CHECK(rewrite.changes[0].to == "-static");
  CHECK(rewrite.changes[0].reason == "static link requested");

  for (const char *flag : {"-static", "--static"}) {
    CAPTURE(flag);
    StaticRewrite already = take(rewrite_for_static(final_link({flag, "main.o"})));
    CHECK(already.args == std::vector<std::string>{flag, "main.o"});
    CHECK(already.changes.empty());
  }
}

TEST_CASE("a PIE becomes a static PIE") {
  StaticRewrite rewrite =
      take(rewrite_for_static(final_link({"-pie", "main.o"}, Product::PieExecutable)));
  CHECK(rewrite.args == std::vector<std::string>{"-static-pie", "main.o"});
  REQUIRE(rewrite.changes.size() == 1);
  CHECK(rewrite.changes[0].action == "replace");
  CHECK(rewrite.changes[0].from == "-pie");
  CHECK(rewrite.changes[0].to == "-static-pie");

  // -static beside -static-pie would link a non-PIE executable: it goes.
  CHECK(rewritten({"-pie", "-static", "main.o"}, Product::PieExecutable) ==
        std::vector<std::string>{"-static-pie", "main.o"});
  // A -pie after -static-pie is redundant.
  CHECK(rewritten({"-static-pie", "main.o", "-pie"}, Product::PieExecutable) ==
        std::vector<std::string>{"-static-pie", "main.o"});
  // Already a static PIE: nothing to do.
  StaticRewrite already =
      take(rewrite_for_static(final_link({"-static-pie", "main.o"}, Product::PieExecutable)));
  CHECK(already.args == std::vector<std::string>{"-static-pie", "main.o"});
  CHECK(already.changes.empty());
}

TEST_CASE("dynamic exports are dropped") {
  for (const char *flag :
       {"-rdynamic", "-export-dynamic", "-Wl,-E", "-Wl,--export-dynamic", "-Wl,-export-dynamic"}) {
    CAPTURE(flag);
    StaticRewrite rewrite = take(rewrite_for_static(final_link({"main.o", flag})));
    CHECK(rewrite.args == std::vector<std::string>{"main.o", "-static"});
    REQUIRE(rewrite.changes.size() == 2);
    CHECK(rewrite.changes[0].action == "remove");
    CHECK(rewrite.changes[0].from == flag);
  }
}

TEST_CASE("every spelling of --dynamic-linker is dropped, with its value") {
  const std::vector<std::vector<std::string>> spellings = {
      {"-Wl,--dynamic-linker=/lib/ld.so"},
      {"-Wl,--dynamic-linker,/lib/ld.so"},
      {"-Wl,-dynamic-linker,/lib/ld.so"},
      {"-Wl,-I/lib/ld.so"},
      {"-Wl,--dynamic-linker", "-Wl,/lib/ld.so"},
      {"-Wl,-I", "-Wl,/lib/ld.so"},
      {"-Xlinker", "--dynamic-linker=/lib/ld.so"},
      {"-Xlinker", "-dynamic-linker=/lib/ld.so"},
      {"-Xlinker", "--dynamic-linker", "-Xlinker", "/lib/ld.so"},
      {"-Xlinker", "-I", "-Xlinker", "/lib/ld.so"},
  };
  for (const std::vector<std::string> &spelling : spellings) {
    std::vector<std::string> args = {"main.o"};
    args.insert(args.end(), spelling.begin(), spelling.end());
    args.push_back("-lm");
    CAPTURE(doctest::StringMaker<std::vector<std::string>>::convert(spelling));
    StaticRewrite rewrite = take(rewrite_for_static(final_link(args)));
    CHECK(rewrite.args == std::vector<std::string>{"main.o", "-lm", "-static"});
    REQUIRE(rewrite.changes.size() == 2);
    CHECK(rewrite.changes[0].action == "remove");
    CHECK(rewrite.changes[0].reason == "a static executable has no dynamic linker");
  }
  // The removed arguments are recorded together, as they appeared.
  StaticRewrite rewrite = take(rewrite_for_static(
      final_link({"-Xlinker", "--dynamic-linker", "-Xlinker", "/lib/ld.so", "main.o"})));
  CHECK(rewrite.changes[0].from == "-Xlinker --dynamic-linker -Xlinker /lib/ld.so");
}

TEST_CASE("other -Xlinker pairs are kept together") {
  CHECK(rewritten({"-Xlinker", "--gc-sections", "main.o"}) ==
        std::vector<std::string>{"-Xlinker", "--gc-sections", "main.o", "-static"});
  // The value of -Xlinker is the linker's: -pie there is not the driver's -pie.
  CHECK(rewritten({"-Xlinker", "-pie", "main.o"}, Product::PieExecutable) ==
        std::vector<std::string>{"-Xlinker", "-pie", "main.o", "-static-pie"});
}

TEST_CASE("an option's value is never rewritten: -o -pie names a file") {
  CHECK(rewritten({"-pie", "main.o", "-o", "-pie"}, Product::PieExecutable) ==
        std::vector<std::string>{"-static-pie", "main.o", "-o", "-pie"});
  CHECK(rewritten({"main.o", "-o", "-rdynamic"}) ==
        std::vector<std::string>{"main.o", "-o", "-rdynamic", "-static"});
}

TEST_CASE("a shared library cannot be static") {
  CHECK(error_text(rewrite_for_static(final_link({"-shared", "x.o"}, Product::SharedLibrary))) ==
        "static link requested for a shared library");
}

TEST_CASE("darwin: the arguments stay as they are") {
  Invocation invocation = final_link({"-arch", "arm64", "-rdynamic", "main.o"});
  invocation.targets_darwin = true;
  StaticRewrite rewrite = take(rewrite_for_static(invocation));
  CHECK(rewrite.args == invocation.args);
  CHECK(rewrite.changes.empty());
}

} // namespace
} // namespace portable_ld
