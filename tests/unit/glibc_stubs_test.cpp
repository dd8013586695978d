// SPDX-License-Identifier: Apache-2.0
//
// The glibc floor's stubs as text: which version of each symbol a stub defines, where a
// symbol glibc 2.34 moved goes, and which compatibility members a floor needs.
#include "floor/glibc_stubs.h"

#include "unit_test.h"

#include "llvm/BinaryFormat/ELF.h"

namespace portable_ld {
namespace {

ExportedSymbol function(const std::string &name, const std::string &version) {
  return {name, version, ExportKind::Function, 0, false};
}

// A host libc.so.6 and libpthread.so.0 as glibc 2.36 has them, in miniature.
std::vector<LibraryExports> host() {
  LibraryExports libc;
  libc.soname = "libc.so.6";
  libc.machine = llvm::ELF::EM_X86_64;
  libc.versions = {"GLIBC_2.2.5", "GLIBC_2.3.2", "GLIBC_2.25", "GLIBC_2.34", "GLIBC_PRIVATE"};
  libc.symbols = {
      function("pthread_create", "GLIBC_2.34"),   // moved in 2.34
      function("pthread_create", "GLIBC_2.2.5"),
      function("pthread_cond_wait", "GLIBC_2.3.2"), // in libc before 2.34 as well
      function("pthread_cond_wait", "GLIBC_2.2.5"),
      function("getrandom", "GLIBC_2.25"),
      function("__libc_private", "GLIBC_PRIVATE"),
      {"stdout", "GLIBC_2.2.5", ExportKind::Object, 8, false},
      {"__resp", "GLIBC_2.2.5", ExportKind::Tls, 8, false},
  };
  LibraryExports pthread;
  pthread.soname = "libpthread.so.0";
  pthread.versions = {"GLIBC_2.2.5", "GLIBC_2.3.2", "GLIBC_2.34"};
  return {libc, pthread};
}

const StubLibrary &stub(const std::vector<StubLibrary> &stubs, const std::string &soname) {
  for (const StubLibrary &stub : stubs) {
    if (stub.soname == soname) {
      return stub;
    }
  }
  FAIL("no stub for " << soname);
  return stubs.front();
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("plan_glibc_stubs: each symbol once, at its newest version up to the floor") {
  std::vector<StubLibrary> stubs = plan_glibc_stubs(host(), "2.17");
  const StubLibrary &libc = stub(stubs, "libc.so.6");
  // Below 2.25: no getrandom; GLIBC_PRIVATE never; pthread_cond_wait at 2.3.2.
  CHECK_FALSE(contains(libc.assembly, "getrandom"));
  CHECK_FALSE(contains(libc.assembly, "__libc_private"));
  CHECK(contains(libc.version_script, "GLIBC_2.3.2 {\n  global:\n    pthread_cond_wait;\n};"));
  CHECK_FALSE(contains(libc.version_script, "GLIBC_2.25"));
  CHECK_FALSE(contains(libc.version_script, "GLIBC_2.34"));
  // Data keeps its size (copy relocations); thread-local data is TLS.
  CHECK(contains(libc.assembly, "\t.data\n\t.globl stdout\n\t.type stdout, %object\n\t.size stdout, 8\nstdout:\n\t.zero 8\n"));
  CHECK(contains(libc.assembly, ".section .tbss,\"awT\",%nobits\n\t.globl __resp\n\t.type __resp, %tls_object"));
  // The oldest node hides everything else.
  CHECK(llvm::StringRef(libc.version_script).startswith("GLIBC_2.2.5 {\n  global:\n"));
  CHECK(contains(libc.version_script, "  local: *;\n};\nGLIBC_2.3.2 {"));
  CHECK(libc.symbols == 3);
}

TEST_CASE("plan_glibc_stubs: below 2.34 a moved symbol is its old library's") {
  std::vector<StubLibrary> below = plan_glibc_stubs(host(), "2.31");
  CHECK_FALSE(contains(stub(below, "libc.so.6").assembly, "pthread_create"));
  const StubLibrary &pthread = stub(below, "libpthread.so.0");
  CHECK(contains(pthread.version_script, "GLIBC_2.2.5 {\n  global:\n    pthread_create;\n"));
  // Every version node the old library had up to the floor, even without symbols.
  CHECK(contains(pthread.version_script, "GLIBC_2.3.2 {\n};"));
  CHECK(contains(stub(below, "libc.so.6").assembly, "getrandom"));

  std::vector<StubLibrary> merged = plan_glibc_stubs(host(), "2.34");
  CHECK(contains(stub(merged, "libc.so.6").version_script,
                 "GLIBC_2.34 {\n  global:\n    pthread_create;\n};"));
  CHECK(stub(merged, "libpthread.so.0").symbols == 0);
}

TEST_CASE("moved_symbol_library: the table, sorted for its search") {
  CHECK(moved_symbol_library("pthread_create") == "libpthread.so.0");
  CHECK(moved_symbol_library("dlopen") == "libdl.so.2");
  CHECK(moved_symbol_library("timer_create") == "librt.so.1");
  CHECK(moved_symbol_library("forkpty") == "libutil.so.1");
  CHECK(moved_symbol_library("getaddrinfo_a") == "libanl.so.1");
  CHECK(moved_symbol_library("pthread_attr_setsigmask_np") == "libpthread.so.0");
  CHECK(moved_symbol_library("printf").empty());
  CHECK(moved_symbol_library("").empty());
  CHECK(moved_symbol_library("zzz").empty());
}

TEST_CASE("glibc_compat_members: what each floor lacks") {
  auto names = [](std::string_view floor) {
    std::vector<std::string> names;
    for (const CompatMember &member : glibc_compat_members(floor)) {
      names.emplace_back(member.name);
    }
    return names;
  };
  using Names = std::vector<std::string>;
  CHECK(names("2.17") == Names{"start", "resolver", "stat", "fcntl64", "getentropy",
                               "single-threaded", "dl-find-object", "arc4random"});
  CHECK(names("2.28") ==
        Names{"start", "resolver", "stat", "single-threaded", "dl-find-object", "arc4random"});
  CHECK(names("2.32") == Names{"start", "resolver", "stat", "dl-find-object", "arc4random"});
  CHECK(names("2.33") == Names{"start", "resolver", "dl-find-object", "arc4random"});
  CHECK(names("2.34") == Names{"dl-find-object", "arc4random"});
  CHECK(names("2.35") == Names{"arc4random"});
  CHECK(names("2.36").empty());
  CHECK(glibc_floor_below_merge("2.33"));
  CHECK_FALSE(glibc_floor_below_merge("2.34"));
}

TEST_CASE("glibc_floor_libraries: ld.so by architecture, last") {
  CHECK(glibc_floor_libraries(llvm::ELF::EM_X86_64).back() == "ld-linux-x86-64.so.2");
  CHECK(glibc_floor_libraries(llvm::ELF::EM_AARCH64).back() == "ld-linux-aarch64.so.1");
  CHECK(glibc_floor_libraries(llvm::ELF::EM_X86_64).front() == "libc.so.6");
}

} // namespace
} // namespace portable_ld
