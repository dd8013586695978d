// SPDX-License-Identifier: Apache-2.0
//
// glibc's static NSS trap: from the linker's warnings, Go's cgo trampolines, .symtab and
// glibc's NSS loader string.
#include "verify/verify.h"

#include "unit_test.h"
#include "verify/glibc_hazards.h"

namespace portable_ld {
namespace {

using namespace std::string_literals;

std::vector<std::string> symbols_of(const std::vector<Hazard> &hazards) {
  std::vector<std::string> symbols;
  for (const Hazard &hazard : hazards) {
    symbols.push_back(hazard.symbol);
  }
  return symbols;
}

// GNU ld's words, as a static cgo link prints them.
const char *k_gnu_ld_warnings =
    "/usr/bin/ld: /tmp/go-link-1/000004.o: in function `_cgo_3c1cec0c9a4e_C2func_getaddrinfo':\n"
    "/tmp/go-build/cgo-gcc-prolog:60: warning: Using 'getaddrinfo' in statically linked "
    "applications requires at runtime the shared libraries from the glibc version used for "
    "linking\n"
    "/usr/bin/ld: /tmp/go-link-1/000017.o: in function `mygetpwuid_r':\n"
    "/tmp/go-build/cgo_lookup_cgo.go:45: warning: Using 'getpwuid_r' in statically linked "
    "applications requires at runtime the shared libraries from the glibc version used for "
    "linking\n"
    "/tmp/go-build/cgo-gcc-prolog:61: warning: Using 'getaddrinfo' in statically linked "
    "applications requires at runtime the shared libraries from the glibc version used for "
    "linking\n";

TEST_CASE("hazards_from_linker_warnings: GNU ld's 'Using ... in statically linked applications'") {
  std::vector<Hazard> hazards = hazards_from_linker_warnings(k_gnu_ld_warnings);
  // Each function once, in the order the linker named them; the package is unknown here.
  CHECK(symbols_of(hazards) == std::vector<std::string>{"getaddrinfo", "getpwuid_r"});
  for (const Hazard &hazard : hazards) {
    CHECK(hazard.package.empty());
  }
}

TEST_CASE("hazards_from_linker_warnings: other text is not a hazard") {
  CHECK(hazards_from_linker_warnings("").empty());
  CHECK(hazards_from_linker_warnings("/usr/bin/ld: cannot find -lc: No such file or directory")
            .empty());
  // The sentence must be complete, and what it names a plausible function name.
  CHECK(hazards_from_linker_warnings("warning: Using 'getpwnam' in").empty());
  CHECK(hazards_from_linker_warnings("Using '" + std::string(80, 'x') +
                                     "' in statically linked applications")
            .empty());
}

TEST_CASE("is_nss_function") {
  for (const char *name : {"getaddrinfo", "getpwnam", "getpwuid_r", "iconv_open", "initgroups"}) {
    CAPTURE(name);
    CHECK(is_nss_function(name));
  }
  for (const char *name : {"", "getpid", "getaddrinfo_a", "getpwnam2", "malloc", "iconv"}) {
    CAPTURE(name);
    CHECK_FALSE(is_nss_function(name));
  }
}

TEST_CASE("find_go_cgo_hazards: the trampolines name the function and its package") {
  std::string names = "runtime.main\0net._C2func_getaddrinfo\0os/user._Cfunc_mygetpwuid_r\0"
                      "net._C2func_getaddrinfo\0main._Cfunc_puts"s;
  std::vector<Hazard> hazards = find_go_cgo_hazards({names});
  REQUIRE(hazards.size() == 2);
  CHECK(hazards[0].symbol == "getaddrinfo");
  CHECK(hazards[0].package == "net");
  CHECK(hazards[1].symbol == "getpwuid_r");
  CHECK(hazards[1].package == "os/user");
  CHECK(find_go_cgo_hazards({"main._Cfunc_puts", ""}).empty());
}

TEST_CASE("find_glibc_static_hazards: .symtab names the function the program called") {
  StaticImage image;
  image.nss_symbols = {"getpwnam_r", "getpwnam", "getaddrinfo"};
  // getpwnam calls getpwnam_r: only getpwnam is named.
  CHECK(symbols_of(find_glibc_static_hazards(image)) ==
        std::vector<std::string>{"getaddrinfo", "getpwnam"});
}

TEST_CASE("find_glibc_static_hazards: a stripped image keeps glibc's NSS loader string") {
  StaticImage image;
  image.strings = {"hello", "/lib/libnss_%s.so.2"};
  CHECK(symbols_of(find_glibc_static_hazards(image)) == std::vector<std::string>{"nss"});
  image.strings = {"hello"};
  CHECK(find_glibc_static_hazards(image).empty());
}

TEST_CASE("merge_hazards and describe") {
  std::vector<Hazard> hazards = {{"getpwnam", ""}, {"getaddrinfo", ""}};
  merge_hazards(hazards, {{"getaddrinfo", "net"}, {"iconv_open", ""}});
  CHECK(describe(hazards) == "getaddrinfo (net), getpwnam, iconv_open");
}

} // namespace
} // namespace portable_ld
