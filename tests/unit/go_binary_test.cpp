// SPDX-License-Identifier: Apache-2.0
//
// What only a Go binary carries: its build information, its linker, runtime/cgo, and the
// static requests in its -ldflags.
#include "verify/go_binary.h"

#include "unit_test.h"

namespace portable_ld {
namespace {

using namespace std::string_view_literals;

std::string uvarint(size_t value) {
  std::string bytes;
  for (; value >= 0x80; value >>= 7) {
    bytes += static_cast<char>((value & 0x7f) | 0x80);
  }
  return bytes + static_cast<char>(value);
}

// A .go.buildinfo section in the Go >= 1.18 layout: the 32-byte header (magic, pointer
// size, flags with the inline-strings bit), then the version and the module information,
// each prefixed by its length; the module information framed by 16-byte sentinels.
std::string build_info(const std::string &version, const std::string &module_lines,
                       char flags = 2) {
  std::string header = std::string("\xff Go buildinf:", 14) + '\x08' + flags;
  header.resize(32, '\0');
  std::string sentinel(16, '\x01');
  std::string info = sentinel + module_lines + sentinel;
  return header + uvarint(version.size()) + version + uvarint(info.size()) + info;
}

const char *k_module_lines = "path\texample.com/server\n"
                             "mod\texample.com/server\t(devel)\t\n"
                             "build\t-compiler=gc\n"
                             "build\t-ldflags=\"-extldflags '-static' -X main.v=1\"\n"
                             "build\t\"odd=key\"=\"a\\tb\"\n"
                             "build\tCGO_ENABLED=1\n";

TEST_CASE("parse_go_build_info: version, path, module and settings") {
  GoBinary go;
  REQUIRE(parse_go_build_info(build_info("go1.21.5", k_module_lines), go));
  CHECK(go.has_build_info);
  CHECK(go.version == "go1.21.5");
  CHECK(go.path == "example.com/server");
  CHECK(go.main_module == "example.com/server (devel)");
  REQUIRE(go.settings.size() == 4);
  REQUIRE(go.setting("-ldflags"));
  CHECK(*go.setting("-ldflags") == "-extldflags '-static' -X main.v=1");
  // A quoted key (it holds '=') and a quoted value, unquoted.
  REQUIRE(go.setting("odd=key"));
  CHECK(*go.setting("odd=key") == "a\tb");
  CHECK(*go.setting("CGO_ENABLED") == "1");
  CHECK(go.setting("GOARCH") == nullptr);
}

TEST_CASE("parse_go_build_info: the modules, a replaced one as compiled") {
  GoBinary go;
  REQUIRE(parse_go_build_info(
      build_info("go1.23.5",
                 "path\texample.com/db\n"
                 "mod\texample.com/db\tv1.2.0\th1:main=\n"
                 "dep\tgithub.com/mattn/go-sqlite3\tv1.14.16\th1:orig=\n"
                 "=>\t/usr/share/gocode/src/github.com/mattn/go-sqlite3\t\t\n"
                 "dep\tgolang.org/x/sys\tv0.1.0\th1:sys=\n"
                 "=>\tgolang.org/x/sys\tv0.2.0\th1:fork=\n"
                 "dep\trsc.io/quote\tv1.5.2\n"
                 "dep\texample.com/local\tv0.0.0\n"
                 "=>\t../local\t(devel)\t\n"
                 "build\tCGO_ENABLED=1\n"),
      go));
  REQUIRE(go.module);
  CHECK(go.module->path == "example.com/db");
  CHECK(go.module->version == "v1.2.0");
  CHECK(go.module->sum == "h1:main=");
  REQUIRE(go.deps.size() == 4);
  // A directory in place of the module: no version, and go.mod's name kept beside it.
  CHECK(go.deps[0].path == "/usr/share/gocode/src/github.com/mattn/go-sqlite3");
  CHECK(go.deps[0].version.empty());
  CHECK(go.deps[0].sum.empty());
  CHECK(go.deps[0].replaced_path == "github.com/mattn/go-sqlite3");
  CHECK(go.deps[0].replaced_version == "v1.14.16");
  CHECK(go.deps[1].path == "golang.org/x/sys");
  CHECK(go.deps[1].version == "v0.2.0");
  CHECK(go.deps[1].sum == "h1:fork=");
  CHECK(go.deps[1].replaced_version == "v0.1.0");
  // Without a sum (a vendored build records none).
  CHECK(go.deps[2].path == "rsc.io/quote");
  CHECK(go.deps[2].sum.empty());
  CHECK(go.deps[2].replaced_path.empty());
  // Go 1.19 writes a directory's version as "(devel)".
  CHECK(go.deps[3].path == "../local");
  CHECK(go.deps[3].version.empty());
  CHECK(go.deps[3].replaced_path == "example.com/local");
  CHECK(go.settings.size() == 1);
}

TEST_CASE("parse_go_build_info: the header is found at any 16-byte boundary") {
  GoBinary go;
  CHECK(parse_go_build_info(std::string(48, 'x') + build_info("go1.19.8", k_module_lines), go));
  CHECK(go.version == "go1.19.8");
  // ... and only there.
  GoBinary odd;
  CHECK_FALSE(parse_go_build_info(std::string(8, 'x') + build_info("go1.19.8", ""), odd));
  CHECK(odd.build_info_problem == "no build information header in .go.buildinfo");
}

TEST_CASE("parse_go_build_info: what it cannot read, and why") {
  GoBinary missing;
  CHECK_FALSE(parse_go_build_info("", missing));
  CHECK_FALSE(missing.has_build_info);
  CHECK(missing.build_info_problem == "no build information header in .go.buildinfo");

  GoBinary old_layout;
  CHECK_FALSE(parse_go_build_info(build_info("go1.17", "", /*flags=*/0), old_layout));
  CHECK(old_layout.build_info_problem == "build information in the pre-Go 1.18 layout (not read)");

  GoBinary truncated;
  std::string blob = build_info("go1.21.5", k_module_lines);
  CHECK_FALSE(parse_go_build_info(blob.substr(0, blob.size() - 10), truncated));
  CHECK(truncated.build_info_problem == "build information is truncated");
}

TEST_CASE("describe_go_binary: nothing Go-like is not a Go binary") {
  CHECK_FALSE(describe_go_binary(GoSections{}).has_value());
  GoSections comment_only;
  comment_only.comment = "GCC: (Debian 12.2.0-14) 12.2.0";
  CHECK_FALSE(describe_go_binary(comment_only).has_value());
}

TEST_CASE("describe_go_binary: the linker, from .comment and .gosymtab") {
  GoSections internal;
  internal.has_go_note = true;
  internal.has_gosymtab = true;
  std::optional<GoBinary> go = describe_go_binary(internal);
  REQUIRE(go);
  CHECK(go->linker == GoLinker::Internal);
  CHECK(go->build_info_problem == "no .go.buildinfo section (Go < 1.13, or removed)");
  CHECK(go->runtime_cgo == GoBinary::RuntimeCgo::Unknown);

  GoSections external = internal;
  // The first string of .comment, past its leading NUL.
  external.comment = "\0GCC: (Debian 12.2.0-14) 12.2.0\0clang 14\0"sv;
  go = describe_go_binary(external);
  REQUIRE(go);
  CHECK(go->linker == GoLinker::External);
  CHECK(go->linker_evidence == ".comment: GCC: (Debian 12.2.0-14) 12.2.0");
}

TEST_CASE("describe_go_binary: runtime/cgo, from its messages in .rodata") {
  GoSections sections;
  sections.has_go_note = true;
  sections.comment = "GCC: 12";
  sections.function_names = "runtime.main\0main.main"sv;
  sections.rodata = {"hello", "runtime/cgo: pthread_create failed: %s"};
  CHECK(describe_go_binary(sections)->runtime_cgo == GoBinary::RuntimeCgo::Present);
  sections.rodata = {"hello", "runtime/cgo.go"};
  CHECK(describe_go_binary(sections)->runtime_cgo == GoBinary::RuntimeCgo::Absent);
  // A -linkshared program has no .gopclntab of its own: not judged.
  sections.function_names = {};
  CHECK(describe_go_binary(sections)->runtime_cgo == GoBinary::RuntimeCgo::Unknown);
}

TEST_CASE("extldflags_request_static") {
  CHECK(extldflags_request_static("-static"));
  CHECK(extldflags_request_static("-O2 --static"));
  CHECK(extldflags_request_static("'-static-pie' -lm"));
  CHECK_FALSE(extldflags_request_static(""));
  CHECK_FALSE(extldflags_request_static("-static-libgcc -static-libstdc++"));
  CHECK_FALSE(extldflags_request_static("-Wl,-Bstatic"));
  CHECK_FALSE(extldflags_request_static("'-static"));
}

GoBinary with_ldflags(const char *ldflags) {
  GoBinary go;
  go.settings.push_back({"-ldflags", ldflags});
  return go;
}

TEST_CASE("ldflags_static_request_ignored: the fake-static trap") {
  CHECK(ldflags_static_request_ignored(with_ldflags("-extldflags -static")));
  CHECK(ldflags_static_request_ignored(with_ldflags("-extldflags=-static")));
  CHECK(ldflags_static_request_ignored(with_ldflags("--extldflags '-static -lm'")));
  CHECK(ldflags_static_request_ignored(with_ldflags("-linkmode=internal -extldflags=-static")));
  CHECK_FALSE(
      ldflags_static_request_ignored(with_ldflags("-linkmode=external -extldflags=-static")));
  CHECK_FALSE(
      ldflags_static_request_ignored(with_ldflags("-extldflags -static -linkmode external")));
  CHECK_FALSE(ldflags_static_request_ignored(with_ldflags("-s -w")));
  CHECK_FALSE(ldflags_static_request_ignored(with_ldflags("-extldflags '-static")));
  CHECK_FALSE(ldflags_static_request_ignored(GoBinary{}));
}

TEST_CASE("cgo_packages_in: the packages of cgo trampolines and exports, runtime/cgo aside") {
  using namespace std::string_literals;
  std::string names = "runtime.main\0net._C2func_getaddrinfo\0net._Cfunc_freeaddrinfo\0"
                      "github.com/mattn/go-sqlite3._Cfunc_sqlite3_open_v2\0"
                      "runtime/cgo._cgo_panic\0main._cgoexp_0123456789ab_callback\0"
                      "os/user.lookupUser\0strings._Cut\0"s;
  CHECK(cgo_packages_in(names) ==
        std::vector<std::string>{"github.com/mattn/go-sqlite3", "main", "net"});
  CHECK(cgo_packages_in("runtime.main\0runtime/cgo._Cfunc__cgo_panic\0"s).empty());
  CHECK(cgo_packages_in("").empty());
}

TEST_CASE("GoBinary::only_standard_cgo") {
  GoBinary go;
  CHECK_FALSE(go.only_standard_cgo()); // unknown
  go.cgo_packages = std::vector<std::string>{};
  CHECK_FALSE(go.only_standard_cgo()); // no C at all
  go.cgo_packages = std::vector<std::string>{"net", "os/user"};
  CHECK(go.only_standard_cgo());
  CHECK(go.builds_without_cgo());
  go.cgo_packages->push_back("github.com/mattn/go-sqlite3");
  CHECK_FALSE(go.only_standard_cgo());
  CHECK_FALSE(go.builds_without_cgo());
  go.cgo_packages.reset();
  CHECK(go.builds_without_cgo()); // none known
}

TEST_CASE("go_function_names: the funcnametab of a Go >= 1.16 pclntab") {
  // Go 1.18's pcHeader, little-endian, 8-byte pointers: magic, pads, minLC, ptrSize, then
  // nfunc, nfiles, textStart, funcnameOffset (80), cuOffset (80 + 12), ...
  std::string table(8 + 8 * 8, '\0');
  const unsigned char header[] = {0xf0, 0xff, 0xff, 0xff, 0, 0, 1, 8};
  std::copy(std::begin(header), std::end(header), table.begin());
  auto put = [&](size_t field, uint64_t value) {
    for (size_t i = 0; i < 8; ++i) {
      table[8 + 8 * field + i] = static_cast<char>(value >> (8 * i));
    }
  };
  put(3, 72);
  put(4, 72 + 12);
  table += std::string("main.main\0x\0", 12) + "other data";
  CHECK(go_function_names(table, true) == std::string_view("main.main\0x\0", 12));
  // Go 1.20's magic, the same layout.
  table[0] = static_cast<char>(0xf1);
  CHECK(go_function_names(table, true).size() == 12);
  // An offset past the end, an unknown magic or a big-endian reading: the whole section.
  CHECK(go_function_names(table, false) == table);
  put(4, 1000);
  CHECK(go_function_names(table, true) == table);
  CHECK(go_function_names("short", true) == "short");
}

TEST_CASE("find_dot_underscore: at every offset of a 16-byte block and at the end") {
  for (size_t size = 2; size < 50; ++size) {
    for (size_t at = 0; at + 2 <= size; ++at) {
      // "_." and lone '.' and '_' around it, never "._" but at `at`.
      std::string text(size, 'a');
      for (size_t i = 0; i < size; ++i) {
        text[i] = "_.a."[i % 4];
      }
      for (size_t i = 0; i + 1 < size; ++i) {
        if (text[i] == '.' && text[i + 1] == '_') {
          text[i + 1] = 'a';
        }
      }
      text[at] = '.';
      text[at + 1] = '_';
      if (at > 0 && text[at - 1] == '.') {
        text[at - 1] = 'a';
      }
      CAPTURE(size);
      CAPTURE(at);
      CHECK(find_dot_underscore(text) == at);
      CHECK(find_dot_underscore(text, at) == at);
      CHECK(find_dot_underscore(text, at + 1) == std::string_view::npos);
    }
  }
}

TEST_CASE("find_dot_underscore and cgo_package_of: one recogniser of cgo's names") {
  CHECK(find_dot_underscore("net._C2func_getaddrinfo") == 3);
  CHECK(find_dot_underscore("a_b._c", 0) == 3); // a '_' without a '.' before it is skipped
  CHECK(find_dot_underscore("a._b._c", 2) == 4);
  CHECK(find_dot_underscore("runtime.main") == std::string_view::npos);
  CHECK(find_dot_underscore("_x") == std::string_view::npos);
  CHECK(cgo_package_of("net._C2func_getaddrinfo") == "net");
  CHECK(cgo_package_of("github.com/mattn/go-sqlite3._Cfunc_sqlite3_open_v2") ==
        "github.com/mattn/go-sqlite3");
  CHECK(cgo_package_of("main._cgoexp_0123456789ab_callback") == "main");
  CHECK(cgo_package_of("runtime/cgo._cgo_panic").empty());
  CHECK(cgo_package_of("runtime/cgo._Cfunc__cgo_panic").empty());
  CHECK(cgo_package_of("os/user._cgo_3c46bbe179bf_Cfunc_free").empty()); // data, not a function
  CHECK(cgo_package_of("runtime._ExternalCode").empty());
}

} // namespace
} // namespace portable_ld
