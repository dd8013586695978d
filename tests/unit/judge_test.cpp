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
  CHECK(warned[0].hint == "build with -tags netgo (or GODEBUG=netdns=go) for net");

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
