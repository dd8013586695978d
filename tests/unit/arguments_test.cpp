// SPDX-License-Identifier: Apache-2.0
//
// classify(): the role, product and facts of a compiler-driver command line.
#include "link/arguments.h"

#include "unit_test.h"

namespace portable_ld {
namespace {

Invocation classify_args(std::vector<std::string> args) { return classify(std::move(args), false); }

std::string role_of(std::vector<std::string> args) {
  return to_string(classify_args(std::move(args)).role);
}

std::string product_of(std::vector<std::string> args) {
  return to_string(classify_args(std::move(args)).product);
}

TEST_CASE("queries print something and link nothing") {
  CHECK(role_of({"--version"}) == "query");
  CHECK(role_of({"-dumpmachine"}) == "query");
  CHECK(role_of({"-v"}) == "query");
  CHECK(role_of({"-Wl,--version"}) == "query");
  CHECK(role_of({"-Wl,-v"}) == "query");
  // The -print-* family is a query whatever its suffix, in both spellings.
  CHECK(role_of({"-print-libgcc-file-name"}) == "query");
  CHECK(role_of({"--print-file-name=libc.a"}) == "query");
  CHECK(role_of({"-print-prog-name", "ld"}) == "query");
  // -### prints the commands and runs none, even with inputs: Go's compiler-ID query.
  CHECK(role_of({"-###", "-x", "c", "-c", "-"}) == "query");
}

TEST_CASE("a query option with inputs is not a query") {
  CHECK(role_of({"-v", "main.o"}) == "final-link");
  CHECK(role_of({"--version", "main.o"}) == "final-link");
}

TEST_CASE("cmd/go's flag probes write to /dev/null") {
  CHECK(role_of({"-Werror", "-fno-stack-protector", "-x", "c", "-", "-o", "/dev/null"}) ==
        "go-probe");
  // Even when the probe links: the output is thrown away, there is nothing to verify.
  CHECK(role_of({"-Wl,--no-gc-sections", "-x", "c", "-", "-o", "/dev/null"}) == "go-probe");
}

TEST_CASE("cmd/link's flag probes link trivial.c") {
  CHECK(role_of({"-no-pie", "/tmp/go-link-1/trivial.c"}) == "link-probe");
  CHECK(role_of({"-Wl,--build-id=0x1234", "trivial.c"}) == "link-probe");
  // Only alone: trivial.c beside another input is an ordinary link.
  CHECK(role_of({"trivial.c", "main.o"}) == "final-link");
}

TEST_CASE("compile-only options stop before the link") {
  for (const char *option : {"-c", "-E", "-S", "-M", "-MM", "-fsyntax-only"}) {
    CAPTURE(option);
    CHECK(role_of({option, "x.c"}) == "compile");
  }
  // -MF, -MT and -MQ take a file name; they do not stop the link.
  CHECK(role_of({"-MF", "x.d", "main.o"}) == "final-link");
}

TEST_CASE("a link with inputs is a final link") {
  CHECK(role_of({"main.o"}) == "final-link");
  CHECK(role_of({"-o", "app", "main.o", "-lpthread"}) == "final-link");
  CHECK(role_of({"-m64", "-o", "/tmp/go-build1/b001/exe/a", "go.o", "x.o"}) == "final-link");
}

TEST_CASE("cgo's _cgo_.o link and CMake's cmTC_ probes, by the output's base name") {
  // Paths long enough that their strings live on the heap, where a view of a destroyed
  // temporary would read freed memory.
  CHECK(role_of({"-o", "abcdefgh/_cgo_.o", "_cgo_main.o", "_x001.o"}) == "cgo-link");
  CHECK(role_of({"-o/tmp/go-build0123456789/b001/_cgo_.o", "_x001.o"}) == "cgo-link");
  CHECK(role_of({"cmTC_0123456789abcdef.dir/src.c.o", "-o", "cmTC_0123456789abcdef"}) ==
        "cmake-probe");
  CHECK(role_of({"x.o", "-o", "/tmp/build/CMakeFiles/CMakeScratch/cmTC_5f2a1"}) == "cmake-probe");
  CHECK(role_of({"x.o", "-o", "/tmp/build/bin/not_cmTC_5f2a1"}) == "final-link");
  CHECK(role_of({"x.o", "-o", "/tmp/build/_cgo_.o/app"}) == "final-link");
}

TEST_CASE("no inputs, or a partial link, is some other call") {
  CHECK(role_of({}) == "other");
  CHECK(role_of({"-Wl,--as-needed", "-lm"}) == "other");
  CHECK(role_of({"-r", "a.o", "b.o", "-o", "ab.o"}) == "other");
  // The linker's own spellings of -r, inside -Wl, (among other words) and after -Xlinker.
  CHECK(role_of({"-Wl,--gc-sections,-r", "a.o"}) == "other");
  CHECK(role_of({"-Wl,--relocatable", "a.o"}) == "other");
  CHECK(role_of({"-Wl,-i", "a.o"}) == "other");
  CHECK(role_of({"-Xlinker", "-r", "a.o"}) == "other");
  CHECK(role_of({"-Xlinker", "--relocatable", "a.o"}) == "other");
}

TEST_CASE("inputs are the non-option arguments, and stdin") {
  Invocation invocation =
      classify_args({"-L", "/usr/lib", "-lfoo", "-x", "c", "-", "main.o", "-Ldir", "lib.a"});
  CHECK(invocation.inputs == std::vector<std::string>{"-", "main.o", "lib.a"});
}

TEST_CASE("-o names the output, separate or joined") {
  CHECK(classify_args({"-o", "app", "main.o"}).output == std::optional<std::string>("app"));
  CHECK(classify_args({"-oapp", "main.o"}).output == std::optional<std::string>("app"));
  CHECK(classify_args({"main.o", "-o", "one", "-o", "two"}).output ==
        std::optional<std::string>("two"));
  Invocation without = classify_args({"main.o"});
  CHECK_FALSE(without.output.has_value());
  CHECK(without.output_path() == "a.out");
  // A value is a value: "-o -pie" writes a file named -pie and links no PIE.
  Invocation odd = classify_args({"main.o", "-o", "-pie"});
  CHECK(odd.output == std::optional<std::string>("-pie"));
  CHECK(to_string(odd.product) == std::string("executable"));
}

TEST_CASE("the product follows the link-mode options") {
  CHECK(product_of({"main.o"}) == "executable");
  CHECK(product_of({"-pie", "main.o"}) == "pie");
  CHECK(product_of({"-static-pie", "main.o"}) == "pie");
  CHECK(product_of({"-shared", "main.o"}) == "shared");
  CHECK(product_of({"-dynamiclib", "main.o"}) == "shared");
  // The last of -pie and -no-pie wins, as in GCC.
  CHECK(product_of({"-pie", "-no-pie", "main.o"}) == "executable");
  CHECK(product_of({"-nopie", "-pie", "main.o"}) == "pie");
  // -shared wins over -pie.
  CHECK(product_of({"-pie", "-shared", "main.o"}) == "shared");
  // -Xlinker's value is the linker's, not the driver's.
  CHECK(product_of({"-Xlinker", "-pie", "main.o"}) == "executable");
}

TEST_CASE("static_in_args: -static, --static or -static-pie on the command line") {
  CHECK(classify_args({"-static", "main.o"}).static_in_args);
  CHECK(classify_args({"--static", "main.o"}).static_in_args);
  CHECK(classify_args({"-static-pie", "main.o"}).static_in_args);
  CHECK_FALSE(classify_args({"main.o"}).static_in_args);
  CHECK_FALSE(classify_args({"-static-libgcc", "main.o"}).static_in_args);
  CHECK_FALSE(classify_args({"-Wl,-static", "main.o"}).static_in_args);
}

TEST_CASE("from_go: an input named go.o, in any directory") {
  CHECK(classify_args({"-o", "a", "/tmp/go-link-1/go.o", "/tmp/go-link-1/000000.o"}).from_go);
  CHECK(classify_args({"go.o"}).from_go);
  CHECK_FALSE(classify_args({"main.o"}).from_go);
  CHECK_FALSE(classify_args({"/tmp/ago.o"}).from_go);
  // An option's value is not an input.
  CHECK_FALSE(classify_args({"-include", "go.o", "main.o"}).from_go);
}

TEST_CASE("targets_darwin: -arch is an Apple driver option") {
  CHECK(classify_args({"-arch", "arm64", "main.o"}).targets_darwin);
  CHECK_FALSE(classify_args({"main.o"}).targets_darwin);
}

TEST_CASE("takes_separate_value: options whose value is the next argument") {
  for (const char *option : {"-o", "-L", "-l", "-x", "-Xlinker", "-z", "--sysroot", "-MF"}) {
    CAPTURE(option);
    CHECK(takes_separate_value(option));
  }
  for (const char *option :
       {"-oapp", "-L/usr/lib", "-lm", "--sysroot=/s", "-c", "-pie", "-static", "main.o"}) {
    CAPTURE(option);
    CHECK_FALSE(takes_separate_value(option));
  }
}

TEST_CASE("the expanded_response_file flag is kept") {
  CHECK(classify({"main.o"}, true).expanded_response_file);
  CHECK_FALSE(classify({"main.o"}, false).expanded_response_file);
}

} // namespace
} // namespace portable_ld
