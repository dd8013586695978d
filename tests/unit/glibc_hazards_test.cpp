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

TEST_CASE("is_hazard_function and the kinds") {
  for (const char *name : {"getaddrinfo", "getpwnam", "getpwuid_r", "iconv_open", "initgroups"}) {
    CAPTURE(name);
    CHECK(is_presence_hazard(name));
    CHECK(is_hazard_function(name));
  }
  for (const char *name : {"dlopen", "dlmopen"}) {
    CAPTURE(name);
    CHECK_FALSE(is_presence_hazard(name)); // libc.a links it into every static image
    CHECK(is_hazard_function(name));
  }
  for (const char *name : {"", "getpid", "getaddrinfo_a", "getpwnam2", "malloc", "iconv",
                           "dlsym", "__libc_dlopen_mode"}) {
    CAPTURE(name);
    CHECK_FALSE(is_hazard_function(name));
  }
  CHECK(hazard_kind_of("getaddrinfo") == HazardKind::Nss);
  CHECK(hazard_kind_of("nss") == HazardKind::Nss);
  CHECK(hazard_kind_of("dlmopen") == HazardKind::Dlopen);
  CHECK(hazard_kind_of("iconv_open") == HazardKind::Iconv);
  CHECK(std::string(to_string(HazardKind::Dlopen)) == "dlopen");
}

TEST_CASE("find_static_hazards: the trampolines name the function and its package") {
  StaticImage image;
  std::string names = "runtime.main\0net._C2func_getaddrinfo\0os/user._Cfunc_mygetpwuid_r\0"
                      "net._C2func_getaddrinfo\0main._Cfunc_puts\0journal._Cfunc_dlopen"s;
  image.go_function_names = {names};
  std::vector<Hazard> hazards = find_static_hazards(image);
  REQUIRE(hazards.size() == 3);
  CHECK(hazards[0].symbol == "dlopen");
  CHECK(hazards[0].package == "journal");
  CHECK(hazards[1].symbol == "getaddrinfo");
  CHECK(hazards[1].package == "net");
  CHECK(hazards[2].symbol == "getpwuid_r");
  CHECK(hazards[2].package == "os/user");
  image.go_function_names = {"main._Cfunc_puts", ""};
  CHECK(find_static_hazards(image).empty());
}

TEST_CASE("find_static_hazards: cgo's C wrappers in .symtab, whose Go side may be gone") {
  StaticImage image;
  image.has_symtab = true;
  // os/user's Go code for group lookups was dead-code eliminated; its C wrappers were
  // linked all the same, and so were the functions they call.
  image.cgo_symbols = {"_cgo_3c46bbe179bf_Cfunc_mygetgrgid_r", "_cgo_3c46bbe179bf_Cfunc_free",
                       "os/user._cgo_3c46bbe179bf_Cfunc_free", "_cgo_0123456789ab_Cfunc_dlopen",
                       "_cgo_3c46bbe179bf_Cfunc_mygetgrouplist"};
  image.defined = {"getgrgid_r", "getgrouplist", "initgroups"};
  std::vector<Hazard> hazards = find_static_hazards(image);
  REQUIRE(hazards.size() == 4);
  CHECK(hazards[0].symbol == "dlopen");
  CHECK(hazards[0].package.empty()); // no Go symbol names that package
  CHECK(hazards[1].symbol == "getgrgid_r");
  CHECK(hazards[1].package == "os/user");
  CHECK(hazards[2].symbol == "getgrouplist");
  CHECK(hazards[2].package == "os/user");
  CHECK(hazards[3].symbol == "initgroups");
}

TEST_CASE("find_static_hazards: .symtab names the function the program called") {
  StaticImage image;
  image.has_symtab = true;
  // getpwnam calls getpwnam_r, getaddrinfo brings gethostbyname2_r and getservbyname_r:
  // only what the program called is named.
  image.defined = {"getpwnam_r", "getpwnam", "getaddrinfo", "gethostbyname2_r",
                   "getservbyname_r", "getservbyport_r"};
  CHECK(symbols_of(find_static_hazards(image)) ==
        std::vector<std::string>{"getaddrinfo", "getpwnam", "getservbyport_r"});
}

TEST_CASE("find_static_hazards: dlopen counts only when called") {
  StaticImage image;
  image.has_symtab = true;
  CHECK(find_static_hazards(image).empty());
  image.called = {"dlopen"};
  std::vector<Hazard> hazards = find_static_hazards(image);
  REQUIRE(hazards.size() == 1);
  CHECK(hazards[0].kind() == HazardKind::Dlopen);
}

TEST_CASE("find_static_hazards: iconv_open called only by libstdc++ says so") {
  StaticImage image;
  image.has_symtab = true;
  image.defined = {"iconv_open"};
  CHECK(describe(find_static_hazards(image)) == "iconv_open");
  image.iconv_only_from_libstdcxx = true;
  CHECK(describe(find_static_hazards(image)) == "iconv_open (libstdc++)");
}

TEST_CASE("find_static_hazards: a stripped image keeps glibc's NSS loader string") {
  StaticImage image;
  image.strings = {"hello", "/lib/libnss_%s.so.2"};
  CHECK(symbols_of(find_static_hazards(image)) == std::vector<std::string>{"nss"});
  image.strings = {"hello"};
  CHECK(find_static_hazards(image).empty());
  // With .symtab, the loader string is no evidence of its own: the functions are.
  image.strings = {"/lib/libnss_%s.so.2"};
  image.has_symtab = true;
  CHECK(find_static_hazards(image).empty());
}

TEST_CASE("merge_hazards and describe") {
  std::vector<Hazard> hazards = {{"getpwnam", ""}, {"getaddrinfo", ""}};
  merge_hazards(hazards, {{"getaddrinfo", "net"}, {"iconv_open", ""}});
  CHECK(describe(hazards) == "getaddrinfo (net), getpwnam, iconv_open");
}

} // namespace
} // namespace portable_ld
