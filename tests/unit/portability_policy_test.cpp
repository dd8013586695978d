// SPDX-License-Identifier: Apache-2.0
//
// Symbol versions, their order, and portability policies built from presets and limits.
#include "judge/portability_policy.h"

#include "unit_test.h"
#include "verify/symbol_versions.h"

namespace portable_ld {
namespace {

using test::error_text;
using test::message_of;
using test::take;

TEST_CASE("split_symbol_version: family and version") {
  auto check = [](const char *name, const char *family, const char *version) {
    CAPTURE(name);
    SymbolVersion split = split_symbol_version(name);
    CHECK(split.family == family);
    CHECK(split.version == version);
  };
  check("GLIBC_2.17", "GLIBC", "2.17");
  check("GLIBC_2.2.5", "GLIBC", "2.2.5");
  check("GLIBCXX_3.4.30", "GLIBCXX", "3.4.30");
  check("CXXABI_1.3.13", "CXXABI", "1.3.13");
  check("GCC_4.2.0", "GCC", "4.2.0");
  // The last '_' before a digit: CXXABI_TM is a family of its own.
  check("CXXABI_TM_1", "CXXABI_TM", "1");
  // No digit after any '_': the last '_'.
  check("GLIBC_PRIVATE", "GLIBC", "PRIVATE");
  // glibc's ABI markers: DT_RELR is 2.36's; an unknown one stays newer than any release.
  check("GLIBC_ABI_DT_RELR", "GLIBC", "2.36");
  check("GLIBC_ABI_GNU_FUTURE", "GLIBC", "GNU_FUTURE");
  check("NO_VERSION_HERE", "NO_VERSION", "HERE");
  check("LIBFOO", "LIBFOO", "");
  check("", "", "");
}

TEST_CASE("compare_versions: dotted numbers, compared number by number") {
  CHECK(compare_versions("2.9", "2.17") < 0);
  CHECK(compare_versions("2.17", "2.9") > 0);
  CHECK(compare_versions("2.17", "2.17") == 0);
  CHECK(compare_versions("3.4.9", "3.4.30") < 0);
  CHECK(compare_versions("2.2.5", "2.3") < 0);
  // A missing component counts as zero.
  CHECK(compare_versions("2.17", "2.17.0") == 0);
  CHECK(compare_versions("2.17.1", "2.17") > 0);
  CHECK(compare_versions("10", "9") > 0);
}

TEST_CASE("compare_versions: a non-numeric version is newer than every numeric one") {
  CHECK(compare_versions("PRIVATE", "2.99") > 0);
  CHECK(compare_versions("2.99", "PRIVATE") < 0);
  CHECK(compare_versions("PRIVATE", "PRIVATE") == 0);
  CHECK(compare_versions("2.17a", "2.18") > 0);
  // Components longer than any integer type: compared as numbers all the same.
  CHECK(compare_versions("2.99999999999999999999", "2.34") > 0);
  CHECK(compare_versions("2.34", "2.99999999999999999999") < 0);
  CHECK(compare_versions("2.100000000000000000000", "2.99999999999999999999") > 0);
  CHECK(compare_versions("2.017", "2.17") == 0);
  CHECK(compare_versions("2.17.0", "2.17") == 0);
}

// The versions are literals: a VersionedSymbol views its strings.
Verdict with_versions(std::vector<std::pair<const char *, bool>> versions) {
  Verdict verdict;
  for (auto &[version, weak] : versions) {
    verdict.versioned.push_back({"symbol", version, "lib.so", weak});
  }
  return verdict;
}

TEST_CASE("newest_versions: the newest per family, known families first") {
  Verdict verdict = with_versions({{"LIBFOO_1.0", false},
                                   {"GLIBCXX_3.4.9", false},
                                   {"GLIBC_2.2.5", false},
                                   {"GLIBC_2.34", true},
                                   {"GLIBCXX_3.4.30", false},
                                   {"GLIBC_2.17", false},
                                   {"ALPHA_2", false}});
  std::vector<FamilyVersion> newest = newest_versions(verdict.versioned);
  REQUIRE(newest.size() == 4);
  CHECK(newest[0].family == "GLIBC");
  CHECK(newest[0].version == "2.34"); // weak requirements count too
  CHECK(newest[1].family == "GLIBCXX");
  CHECK(newest[1].version == "3.4.30");
  CHECK(newest[2].family == "ALPHA");
  CHECK(newest[3].family == "LIBFOO");
  CHECK(newest_versions({}).empty());
}

TEST_CASE("portability_preset: the presets and their limits") {
  PortabilityPolicy policy = take(portability_preset("manylinux2014", "PORTABLE_LD_POLICY"));
  CHECK(policy.preset == "manylinux2014");
  REQUIRE(policy.max_versions.size() == 4);
  CHECK(policy.max_versions[0].family == "GLIBC");
  CHECK(policy.max_versions[0].version == "2.17");
  REQUIRE(policy.allowed_libs.has_value());
  CHECK(policy.allowed_libs->front() == "libgcc_s.so.1");
  // debian12 limits versions only.
  CHECK_FALSE(take(portability_preset("debian12", "x")).allowed_libs.has_value());
  std::string error = error_text(portability_preset("manylinux1", "--policy"));
  CHECK(error.starts_with("--policy: unknown policy 'manylinux1' (known: manylinux2014 ("));
}

TEST_CASE("set_max_version: a limit replaces the preset's") {
  PortabilityPolicy policy = take(portability_preset("manylinux2014", "x"));
  CHECK(message_of(set_max_version(policy, "GLIBC", " 2.28 ", "PORTABLE_LD_MAX_GLIBC")) == "");
  CHECK(policy.max_versions[0].version == "2.28");
  // The family's own prefix is accepted.
  CHECK(message_of(set_max_version(policy, "GLIBCXX", "GLIBCXX_3.4.21", "x")) == "");
  CHECK(policy.max_versions[1].version == "3.4.21");
  CHECK(policy.max_versions.size() == 4);

  PortabilityPolicy empty;
  CHECK(message_of(set_max_version(empty, "GCC", "7", "x")) == "");
  REQUIRE(empty.max_versions.size() == 1);
  CHECK(empty.max_versions[0].family == "GCC");
  CHECK_FALSE(empty.empty());
}

TEST_CASE("set_max_version: what is not a version") {
  PortabilityPolicy policy;
  for (const char *bad : {"", "2.17-rc1", ".2", "2.", "GLIBC_", "latest", "GLIBCXX_3.4"}) {
    CAPTURE(bad);
    CHECK(error_text(set_max_version(policy, "GLIBC", bad, "--max-glibc")) ==
          std::string("--max-glibc: invalid version '") + bad +
              "' (expected numbers and dots, e.g. 2.17)");
  }
  CHECK(policy.empty());
}

TEST_CASE("set_allowed_libs: commas or blanks, no duplicates") {
  PortabilityPolicy policy;
  CHECK(message_of(set_allowed_libs(policy, "libc.so.6, libm.so.6\tlibc.so.6", "x")) == "");
  REQUIRE(policy.allowed_libs.has_value());
  CHECK(*policy.allowed_libs == std::vector<std::string>{"libc.so.6", "libm.so.6"});
  CHECK(error_text(set_allowed_libs(policy, " , ", "--allow-libs")) ==
        "--allow-libs: empty list (expected library names such as libc.so.6,libm.so.6)");
}

TEST_CASE("build_portability_policy: the preset, then limits, then libraries") {
  auto given = [](llvm::StringRef key) -> std::vector<PolicySetting> {
    if (key == "policy") {
      return {{"manylinux2014", "PORTABLE_LD_POLICY"}};
    }
    if (key == "max_glibc") {
      return {{"2.28", "PORTABLE_LD_MAX_GLIBC"}};
    }
    if (key == "allow_libs") {
      return {{"libz.so.1", "PORTABLE_LD_ALLOW_LIBS"}};
    }
    return {};
  };
  PortabilityPolicy policy = take(build_portability_policy(given));
  CHECK(policy.preset == "manylinux2014");
  CHECK(policy.max_versions[0].version == "2.28");
  CHECK(policy.allowed_libs->back() == "libz.so.1");

  auto nothing = [](llvm::StringRef) { return std::vector<PolicySetting>{}; };
  CHECK(take(build_portability_policy(nothing)).empty());
}

} // namespace
} // namespace portable_ld
