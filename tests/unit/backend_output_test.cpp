// SPDX-License-Identifier: Apache-2.0
//
// What the backend printed and ran: why a static link failed, which argument made a link
// dynamic, the GOARCH of `cc -dumpmachine`, and the stamped `cc -###` version line.
#include "link/backend_output.h"

#include <fmt/format.h>

#include "support/version.h"
#include "unit_test.h"

namespace portable_ld {
namespace {

TEST_CASE("goarch_of_triple: every architecture it knows") {
  const std::pair<const char *, const char *> triples[] = {
      {"x86_64-linux-gnu", "amd64"},
      {"x86_64-pc-linux-gnu", "amd64"},
      {"x86_64-linux-gnux32", "x32"},
      {"aarch64-linux-gnu", "arm64"},
      {"i386-linux-gnu", "386"},
      {"i486-linux-gnu", "386"},
      {"i586-linux-gnu", "386"},
      {"i686-linux-gnu", "386"},
      {"arm-linux-gnueabi", "arm"},
      {"arm-linux-gnueabihf", "arm"},
      {"armv7l-unknown-linux-gnueabihf", "arm"},
      {"riscv64-linux-gnu", "riscv64"},
      {"s390x-linux-gnu", "s390x"},
      {"ppc64le-linux", "ppc64le"},
      {"powerpc64le-linux-gnu", "ppc64le"},
      {"powerpc64-linux-gnu", "ppc64"},
      {"loongarch64-linux-gnu", "loong64"},
      {"mips64el-linux-gnuabi64", "mips64le"},
      {"mipsel-linux-gnu", "mipsle"},
      {"mips64-linux-gnuabi64", "mips64"},
      {"mips-linux-gnu", "mips"},
  };
  for (const auto &[triple, goarch] : triples) {
    CAPTURE(triple);
    CHECK(goarch_of_triple(triple) == std::optional<std::string>(goarch));
  }
}

TEST_CASE("goarch_of_triple: -dumpmachine's newline, and what it does not know") {
  CHECK(goarch_of_triple("x86_64-linux-gnu\n") == std::optional<std::string>("amd64"));
  CHECK(goarch_of_triple("  aarch64-linux-gnu \n") == std::optional<std::string>("arm64"));
  // Apple's clang on Apple silicon: arm64 is not 32-bit arm.
  CHECK(goarch_of_triple("arm64-apple-darwin23.1.0") == std::optional<std::string>("arm64"));
  CHECK(goarch_of_triple("arm64e-apple-darwin") == std::optional<std::string>("arm64"));
  CHECK(goarch_of_triple("armv7a-linux-gnueabihf") == std::optional<std::string>("arm"));
  CHECK_FALSE(goarch_of_triple("").has_value());
  CHECK_FALSE(goarch_of_triple("sparc64-linux-gnu").has_value());
  CHECK_FALSE(goarch_of_triple("powerpc-linux-gnu").has_value());
  // A bare architecture is a triple too.
  CHECK(goarch_of_triple("x86_64") == std::optional<std::string>("amd64"));
}

TEST_CASE("explain_static_failure: a missing static archive") {
  StaticFailure libc = explain_static_failure("/usr/bin/ld: cannot find -lc: No such file or "
                                              "directory\ncollect2: error: ld returned 1\n");
  CHECK(libc.reason == "the linker found no static C library (libc.a)");
  CHECK(libc.hint.find("libc6-dev") != std::string::npos);

  StaticFailure gnu = explain_static_failure("/usr/bin/ld: cannot find -lssl: No such file");
  CHECK(gnu.reason == "the linker found no static archive for -lssl (libssl.a)");
  // lld's wording.
  StaticFailure lld = explain_static_failure("ld.lld: error: unable to find library -lz\n");
  CHECK(lld.reason == "the linker found no static archive for -lz (libz.a)");
  CHECK(lld.hint == "install the package that ships libz.a (usually its -dev package), or drop "
                    "the static request for this link");
}

TEST_CASE("explain_static_failure: a shared library in a static link") {
  for (const char *text :
       {"/usr/bin/ld: attempted static link of dynamic object `/usr/lib/libfoo.so'",
        "ld.lld: error: attempted static link of dynamic object /usr/lib/libfoo.so"}) {
    CAPTURE(text);
    StaticFailure failure = explain_static_failure(text);
    CHECK(failure.reason == "'/usr/lib/libfoo.so' is a shared library and cannot be linked "
                            "statically");
    CHECK(failure.hint == "link its static archive (.a) instead");
  }
}

TEST_CASE("explain_static_failure: anything else") {
  CHECK(explain_static_failure("").reason == "the backend rejected the static link");
  CHECK(explain_static_failure("undefined reference to `main'").reason ==
        "the backend rejected the static link");
}

TEST_CASE("dynamic_culprit: the first argument that links dynamically") {
  CHECK(dynamic_culprit({"-static", "main.o", "-Wl,-Bdynamic", "-lfoo"}) ==
        std::optional<std::string>("-Wl,-Bdynamic"));
  CHECK(dynamic_culprit({"main.o", "/usr/lib/libfoo.so.1", "libbar.so"}) ==
        std::optional<std::string>("/usr/lib/libfoo.so.1"));
  CHECK(dynamic_culprit({"main.o", "libbar.so"}) == std::optional<std::string>("libbar.so"));
  for (const char *flag : {"-Wl,-dy", "-Wl,-call_shared", "-shared-libgcc"}) {
    CAPTURE(flag);
    CHECK(dynamic_culprit({"main.o", flag}) == std::optional<std::string>(flag));
  }
  CHECK_FALSE(
      dynamic_culprit({"-static", "main.o", "-Wl,-Bstatic", "libfoo.a", "x.sox"}).has_value());
  CHECK_FALSE(dynamic_culprit({}).has_value());
}

TEST_CASE("stamp_compiler_id: the first version line gets portable-ld's identity") {
  Config config;
  config.backend = {"zig", "cc"};
  std::string output = "Using built-in specs.\nCOLLECT_GCC=gcc\nThread model: posix\n"
                       "gcc version 12.2.0 (Debian 12.2.0-14) \nclang version 14.0.6\n";
  std::string stamp = fmt::format(" [portable-ld {}: zig cc]", k_version);
  std::string expected = "Using built-in specs.\nCOLLECT_GCC=gcc\nThread model: posix\n"
                         "gcc version 12.2.0 (Debian 12.2.0-14) " +
                         stamp + "\nclang version 14.0.6\n";
  CHECK(stamp_compiler_id(output, config) == expected);

  config.static_requested = true;
  // The third word counts too ("Debian clang version ..."), and a last line keeps having
  // no newline.
  CHECK(stamp_compiler_id("Debian clang version 14.0.6", config) ==
        fmt::format("Debian clang version 14.0.6 [portable-ld {}: zig cc, static]", k_version));
  CHECK(stamp_compiler_id("Target: x86_64-linux-gnu\n", config) == "Target: x86_64-linux-gnu\n");
}

TEST_CASE("without_driver_echo: what the tools said, not the commands -v echoed") {
  const std::string gcc_v =
      "Using built-in specs.\n"
      "COLLECT_GCC_OPTIONS='-v' '-o' 'main' '-Xlinker' '--dependency-file=/tmp/x.d'\n"
      " /usr/lib/gcc/x86_64-linux-gnu/12/collect2 -plugin p --dependency-file=/tmp/x.d main.o\n"
      "/usr/bin/ld: main.o: in function `main':\n"
      "main.c:(.text+0x5): undefined reference to `f'\n"
      "collect2: error: ld returned 1 exit status\n";
  std::string said = without_driver_echo(gcc_v);
  CHECK(said.find("--dependency-file") == std::string::npos);
  CHECK(said.find("undefined reference to `f'") != std::string::npos);
  const std::string clang_v = " \"/usr/bin/ld\" -pie --dependency-file=/tmp/x.d main.o\n"
                              "ld: unrecognized option '--dependency-file=/tmp/x.d'\n";
  CHECK(without_driver_echo(clang_v) == "ld: unrecognized option '--dependency-file=/tmp/x.d'\n");
}

} // namespace
} // namespace portable_ld
