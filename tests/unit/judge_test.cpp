// SPDX-License-Identifier: Apache-2.0
//
// judge(): a verdict against what was required of it, after a link, a guarded Go link
// and in `check`.
#include "judge/judge.h"

#include "unit_test.h"

namespace portable_ld {
namespace {

using test::error_text;
using test::take;

Verdict elf_verdict(Linkage linkage, ImageKind kind = ImageKind::Executable) {
  Verdict verdict;
  verdict.path = "app";
  verdict.format = Format::Elf;
  verdict.format_name = "elf64-x86-64";
  verdict.arch = "amd64";
  verdict.kind = kind;
  verdict.linkage = linkage;
  return verdict;
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

TEST_CASE("judge: a static request and a dynamic output") {
  Requirements requirements;
  requirements.static_required = true;
  Verdict verdict = elf_verdict(Linkage::Dynamic);
  verdict.interpreter = "/lib64/ld-linux-x86-64.so.2";
  verdict.needed = {"libc.so.6", "libm.so.6"};
  std::vector<Violation> violations = judge(verdict, requirements);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].fatal);
  CHECK(violations[0].message == "'app': static link requested but output is dynamically linked");
  CHECK(violations[0].notes ==
        std::vector<std::string>{"PT_INTERP '/lib64/ld-linux-x86-64.so.2'; NEEDED libc.so.6, "
                                 "libm.so.6"});

  CHECK(judge(elf_verdict(Linkage::Static), requirements).empty());
  CHECK(judge(elf_verdict(Linkage::StaticPie, ImageKind::PieExecutable), requirements).empty());
  CHECK(judge(verdict, Requirements{}).empty());
}

TEST_CASE("judge: hints follow each hazard's kind and caller") {
  Verdict verdict = elf_verdict(Linkage::Static);
  Requirements requirements;
  requirements.static_required = true;
  auto hint = [&](std::vector<Hazard> hazards, bool cxx = false) {
    verdict.hazards = std::move(hazards);
    verdict.uses_libstdcxx = cxx;
    std::vector<Violation> violations = judge(verdict, requirements);
    REQUIRE(violations.size() == 1);
    return violations[0].hint;
  };
  CHECK(hint({{"getpwnam_r", "os/user"}}) == "for os/user, build with -tags osusergo");
  CHECK(hint({{"getpwnam", ""}}).find("musl-gcc") != std::string::npos);
  // C++: musl-tools has no C++ library.
  CHECK(hint({{"getpwnam", ""}}, true).find("musl-gcc cannot build it") != std::string::npos);
  CHECK(hint({{"getpwnam", ""}}, true).find("link with musl") == std::string::npos);
  CHECK(hint({{"dlopen", ""}}).find("dlopen cannot be made portable in a static glibc image") == 0);
  CHECK(hint({{"dlopen", ""}}).find("musl") == std::string::npos);
  CHECK(hint({{"iconv_open", "libstdc++"}}).find("named locale") != std::string::npos);
  // One fix per kind and caller, in the hazards' order.
  CHECK(hint({{"dlopen", ""}, {"getaddrinfo", "net"}, {"getnameinfo", "net"}}) ==
        hint({{"dlopen", ""}}) + "; for net, build with -tags netgo (or GODEBUG=netdns=go)");
}

TEST_CASE("judge: a glibc floor fails a static image pinned to another glibc") {
  Verdict verdict = elf_verdict(Linkage::Static);
  verdict.hazards = {{"getaddrinfo", "net"}};
  verdict.glibc_version = "2.36";
  Requirements requirements;
  requirements.portability.max_versions = {{"GLIBC", "2.31"}};
  std::vector<Violation> violations = judge(verdict, requirements);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].fatal);
  CHECK(violations[0].message ==
        "'app': static, but pinned to glibc 2.36, so the policy's GLIBC 2.31 is not met");
  // Under a static request too, the floor's error says it all: no second warning.
  requirements.static_required = true;
  CHECK(judge(verdict, requirements).size() == 1);
  // Fatal whatever the NSS policy, but `ignore`: the user's word that the program never
  // reaches the hazards.
  requirements.nss = NssPolicy::Warn;
  CHECK(judge(verdict, requirements).at(0).fatal);
  requirements.nss = NssPolicy::Ignore;
  CHECK(judge(verdict, requirements).empty());
  requirements.nss = NssPolicy::Warn;
  // The very version it is pinned to holds; then the static request's warning remains.
  requirements.portability.max_versions = {{"GLIBC", "2.36"}};
  violations = judge(verdict, requirements);
  REQUIRE(violations.size() == 1);
  CHECK_FALSE(violations[0].fatal);
  // An image that does not say its version meets no floor.
  verdict.glibc_version.clear();
  CHECK(judge(verdict, requirements).at(0).fatal);
  // No hazards, no pin: a static image meets any floor.
  verdict.hazards.clear();
  CHECK(judge(verdict, requirements).empty());
  // libstdc++'s iconv_open alone: a floor warns, and under a static request the hazard's
  // own warning, or error with --nss=error, says it (one message either way).
  verdict.hazards = {{"iconv_open", "libstdc++"}};
  requirements.static_required = false;
  violations = judge(verdict, requirements);
  REQUIRE(violations.size() == 1);
  CHECK_FALSE(violations[0].fatal);
  requirements.static_required = true;
  requirements.nss = NssPolicy::Error;
  violations = judge(verdict, requirements);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].fatal);
}

TEST_CASE("judge: glibc's NSS in a static image follows the NSS policy") {
  Verdict verdict = elf_verdict(Linkage::Static);
  verdict.hazards = {{"getaddrinfo", "net"}};
  Requirements requirements;
  requirements.static_required = true;

  requirements.nss = NssPolicy::Warn;
  std::vector<Violation> warned = judge(verdict, requirements);
  REQUIRE(warned.size() == 1);
  CHECK_FALSE(warned[0].fatal);
  CHECK(std::string(warned[0].escalated_by) == "PORTABLE_LD_NSS");
  CHECK(warned[0].hint == "for net, build with -tags netgo (or GODEBUG=netdns=go)");

  requirements.nss = NssPolicy::Error;
  std::vector<Violation> failed = judge(verdict, requirements);
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].fatal);

  requirements.nss = NssPolicy::Ignore;
  CHECK(judge(verdict, requirements).empty());
}

TEST_CASE("judge: the output's architecture against GOARCH") {
  Requirements requirements;
  requirements.goarch = "arm64";
  std::vector<Violation> violations = judge(elf_verdict(Linkage::Static), requirements);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].message == "'app': output is for amd64 but GOARCH is arm64");
  // An object file is not judged by its architecture.
  CHECK(judge(elf_verdict(Linkage::None, ImageKind::Relocatable), requirements).empty());
}

TEST_CASE("judge: runtime/cgo is required of a static external Go executable only") {
  Verdict verdict = elf_verdict(Linkage::Static);
  verdict.go.emplace();
  verdict.go->linker = GoLinker::External;
  verdict.go->runtime_cgo = GoBinary::RuntimeCgo::Absent;
  std::vector<Violation> violations = judge(verdict, Requirements{});
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].fatal);
  CHECK(violations[0].message ==
        "'app': Go program linked externally without runtime/cgo: it crashes at startup");

  // A dynamic one starts through libc's loader, and Go's internal linker needs none.
  CHECK(judge(elf_verdict(Linkage::Dynamic), Requirements{}).empty());
  verdict.linkage = Linkage::Dynamic;
  CHECK(judge(verdict, Requirements{}).empty());
  verdict.linkage = Linkage::StaticPie;
  verdict.kind = ImageKind::PieExecutable;
  CHECK(judge(verdict, Requirements{}).size() == 1);
  verdict.go->linker = GoLinker::Internal;
  CHECK(judge(verdict, Requirements{}).empty());
}

} // namespace
} // namespace portable_ld
