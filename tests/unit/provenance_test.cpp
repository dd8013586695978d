// SPDX-License-Identifier: Apache-2.0
#include "link/link_plan.h"
#include "provenance/dependency_file.h"
#include "provenance/dpkg_database.h"
#include "provenance/link_map.h"

#include "unit_test.h"

namespace portable_ld {
namespace {

using Strings = std::vector<std::string>;

TEST_CASE("dependency_file_inputs: each linker's rules, in order, each once") {
  // GNU ld and gold: one prerequisite per line, a repeated one (a linker script's GROUP),
  // then an empty rule per input.
  CHECK(dependency_file_inputs("out: \\\n  /lib/crt1.o \\\n  main.o \\\n  /lib/libm.a \\\n"
                               "  /lib/libm.a \\\n  /lib/libc.a\n\n/lib/crt1.o:\n\nmain.o:\n\n"
                               "/lib/libm.a:\n\n/lib/libm.a:\n\n/lib/libc.a:\n") ==
        Strings{"/lib/crt1.o", "main.o", "/lib/libm.a", "/lib/libc.a"});
  // mold: the first rule on one line.
  CHECK(dependency_file_inputs("out: a.o b.o\n\na.o:\n\nb.o:\n") == Strings{"a.o", "b.o"});
}

TEST_CASE("dependency_file_inputs: names whole from the empty rules") {
  // GNU ld writes a space or a newline in a name as it is: the empty rules keep it whole.
  CHECK(dependency_file_inputs("out: \\\n  my dir/a.o \\\n  new\nline.o \\\n  b.o\n\n"
                               "my dir/a.o:\n\nnew\nline.o:\n\nb.o:\n") ==
        Strings{"my dir/a.o", "new\nline.o", "b.o"});
  // lld's escapes stay as written; undo_make_escapes() gives the other reading.
  CHECK(dependency_file_inputs("out: \\\n my\\ dir/a.o\n\nmy\\ dir/a.o:\n") ==
        Strings{"my\\ dir/a.o"});
  // A name that ends in ':'.
  CHECK(dependency_file_inputs("out: \\\n a:\n\na::\n") == Strings{"a:"});
}

TEST_CASE("dependency_file_inputs: without empty rules, the first rule split at blanks") {
  CHECK(dependency_file_inputs("out: a.o b.o\n") == Strings{"a.o", "b.o"});
  CHECK(dependency_file_inputs("out: \\\r\n a.o \\\r\n b.o\r\n") == Strings{"a.o", "b.o"});
  CHECK(dependency_file_inputs("my\\ out: my\\ dir/a.o b\\#1.o c$$d.o\n") ==
        Strings{"my dir/a.o", "b#1.o", "c$d.o"});
}

TEST_CASE("undo_make_escapes: lld's escapes") {
  CHECK(undo_make_escapes("my\\ dir/b\\#1$$.o") == "my dir/b#1$.o");
  CHECK(undo_make_escapes("plain.o") == "plain.o");
  CHECK(undo_make_escapes("trailing\\") == "trailing\\");
}

TEST_CASE("dependency_file_inputs: no rule, no inputs") {
  CHECK(dependency_file_inputs("").empty());
  CHECK(dependency_file_inputs("just words\n").empty());
  CHECK(dependency_file_inputs("out:\n").empty());
}

TEST_CASE("parse_dpkg_status: installed packages by their file lists' names") {
  auto packages = parse_dpkg_status("Package: libc6-dev\n"
                                    "Status: install ok installed\n"
                                    "Multi-Arch: same\n"
                                    "Architecture: amd64\n"
                                    "Version: 2.36-9+deb12u9\n"
                                    "Description: GNU C Library: Development Libraries\n"
                                    " and Header Files\n"
                                    "\n"
                                    "Package: make\n"
                                    "Status: install ok installed\n"
                                    "Architecture: amd64\n"
                                    "Version: 4.3-4.1\n"
                                    "\n"
                                    "Package: removed\n"
                                    "Status: deinstall ok config-files\n"
                                    "Architecture: amd64\n"
                                    "Version: 1\n");
  REQUIRE(packages.count("libc6-dev:amd64") == 1);
  CHECK(packages["libc6-dev:amd64"].version == "2.36-9+deb12u9");
  CHECK(packages.count("libc6-dev") == 0); // Multi-Arch: same lists as name:arch
  CHECK(packages["make"].name == "make");
  CHECK(packages["make"].architecture == "amd64");
  CHECK(packages.count("removed") == 0);
  CHECK(packages.count("removed:amd64") == 0);
}

TEST_CASE("dpkg_path_spellings: both sides of the /usr merge") {
  CHECK(dpkg_path_spellings("/usr/lib/x86_64-linux-gnu/libc.so.6") ==
        Strings{"/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6"});
  CHECK(dpkg_path_spellings("/lib64/ld-linux-x86-64.so.2") ==
        Strings{"/lib64/ld-linux-x86-64.so.2", "/usr/lib64/ld-linux-x86-64.so.2"});
  CHECK(dpkg_path_spellings("/opt/lib/libx.a") == Strings{"/opt/lib/libx.a"});
}

TEST_CASE("own_dependency_file: the link's own request, in each spelling") {
  auto own = [](Strings args) {
    Invocation invocation;
    invocation.args = std::move(args);
    return own_dependency_file(invocation);
  };
  CHECK(own({"main.o", "-Wl,--dependency-file=a.d"}) == "a.d");
  CHECK(own({"main.o", "-Wl,-O1,--dependency-file,b.d"}) == "b.d");
  CHECK(own({"-Xlinker", "--dependency-file=c.d"}) == "c.d");
  CHECK(own({"-Xlinker", "--dependency-file", "-Xlinker", "d.d"}) == "d.d");
  CHECK(own({"main.o", "-o", "main"}) == std::nullopt);
}

TEST_CASE("archive_members: each linker's map, as it writes it") {
  using Found = std::vector<Strings>;
  const std::string libm = "/usr/lib/x86_64-linux-gnu/libm-2.36.a";
  const std::string libc = "/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/libc.a";
  // GNU ld and gold: the member, then who needed it, on the next line or, for a short
  // name, on the same one; the member's sections again, after their sizes.
  const char *gnu = "Archive member included to satisfy reference by file (symbol)\n"
                    "\n"
                    "/usr/lib/x86_64-linux-gnu/libm-2.36.a(w_sqrt.o)\n"
                    "                              main.o (sqrt)\n"
                    "/usr/lib/x86_64-linux-gnu/libm-2.36.a(e_sqrt.o)\n"
                    "                              /usr/lib/x86_64-linux-gnu/libm-2.36.a(w_sqrt.o) "
                    "(__ieee754_sqrt)\n"
                    "/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/libc.a(libc-start.o)\n"
                    "                              crt1.o (__libc_start_main)\n"
                    "libz.a(inflate.o)             main.o (inflate)\n"
                    " .text          0x0000000000401000       0x2d "
                    "/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/libc.a(printf.o)\n";
  ArchiveMembers found = archive_members(gnu, {libm, libc, "libz.a", "main.o"});
  CHECK(found.by_archive ==
        Found{{"w_sqrt.o", "e_sqrt.o"}, {"libc-start.o", "printf.o"}, {"inflate.o"}, {}});
  CHECK(found.other_spellings.empty());
  // lld: a member with each section it placed, the archive spelt otherwise than in the
  // dependency file; a member's name with parentheses in it.
  const char *lld =
      "          21c3f0           21c3f0       18     1         "
      "/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/libc.a(w_sqrt.o):(.eh_frame+0x18)\n"
      "          228f70           228f70        5    16         "
      "/usr/lib/x86_64-linux-gnu/libc.a(f(1).o):(.text)\n"
      "          228f40           228f40       23    16         "
      "/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/libc.a(w_sqrt.o):(.text)\n";
  found = archive_members(lld, {"/usr/lib/x86_64-linux-gnu/libc.a"});
  CHECK(found.by_archive == Found{{"f(1).o"}});
  REQUIRE(found.other_spellings.size() == 1);
  CHECK(found.other_spellings[0].path == libc);
  CHECK(found.other_spellings[0].members == Strings{"w_sqrt.o"});
  // mold: the same, in its own columns; a path with a blank in it, as the dependency file
  // spells it.
  const char *mold = "          0x22ab80          5    16         "
                     "/usr/lib/x86_64-linux-gnu/libm-2.36.a(e_sqrt.o):(.text)\n"
                     "          0x2a7fb0          0     1         "
                     "/usr/lib/x86_64-linux-gnu/libm-2.36.a(w_sqrt.o):(.data)\n"
                     "          0x2a7fc0          0     1         "
                     "/src/my dir/libx.a(x.o):(.data)\n";
  found = archive_members(mold, {libm, "/src/my dir/libx.a"});
  CHECK(found.by_archive == Found{{"e_sqrt.o", "w_sqrt.o"}, {"x.o"}});
  CHECK(found.other_spellings.empty());
  // Not another archive whose name ends the same, nor a name cut by the line's end, nor
  // an empty member.
  found = archive_members("/opt/lib/mylibm.a(x.o)\n/opt/libm.a(y.o)\nlibm.a(cut\nlibm.a()\n",
                          {"libm.a"});
  CHECK(found.by_archive == Found{{}});
  REQUIRE(found.other_spellings.size() == 1);
  CHECK(found.other_spellings[0].path == "/opt/libm.a");
  CHECK(found.other_spellings[0].members == Strings{"y.o"});
}

TEST_CASE("named_as_words: a thin archive's member files, as GNU ld names them") {
  const char *gnu = "./obj/foo.o                   main.o (foo)\n"
                    " .text          0x0000000000001134        0xb ./obj/foo.o\n"
                    " .text          0x0000000000001140        0xb ./obj/foo.o.bak\n";
  CHECK(named_as_words(gnu, {"./obj/foo.o", "./obj/bar.o", "obj/foo.o", "main.o"}) ==
        std::vector<bool>{true, false, false, true});
}

TEST_CASE("own_link_map: the link's own map, or its map printed to stdout") {
  auto own = [](Strings args) {
    Invocation invocation;
    invocation.args = std::move(args);
    return own_link_map(invocation);
  };
  CHECK(own({"main.o", "-Wl,-Map=a.map"}) == "a.map");
  CHECK(own({"main.o", "-Wl,-Map,b.map"}) == "b.map");
  CHECK(own({"-Xlinker", "--Map=c.map"}) == "c.map");
  CHECK(own({"-Xlinker", "-Map", "-Xlinker", "d.map"}) == "d.map");
  CHECK(own({"-Wl,-Map=a.map", "-Wl,-M"}) == "-");
  CHECK(own({"-Wl,--print-map", "-Wl,-Map=e.map"}) == "e.map");
  // --cref prints its table to stdout without a map file, into the map with one.
  CHECK(own({"main.o", "-Wl,--cref"}) == "-");
  CHECK(own({"-Wl,--cref", "-Wl,-Map=f.map"}) == "f.map");
  // The driver's -M is the preprocessor's, not the linker's; -Mapper is no -Map.
  CHECK(own({"-M", "main.o", "-Wl,-Mapper"}) == std::nullopt);
}

TEST_CASE("names_non_elf_output: a raw image, not an ELF format named") {
  auto raw = [](Strings args) {
    Invocation invocation;
    invocation.args = std::move(args);
    return names_non_elf_output(invocation);
  };
  CHECK(raw({"main.o", "-Wl,--oformat=binary"}));
  CHECK(raw({"main.o", "-Wl,--oformat,ihex"}));
  CHECK(raw({"-Xlinker", "--oformat", "-Xlinker", "srec"}));
  CHECK_FALSE(raw({"main.o", "-Wl,--oformat=elf64-x86-64"}));
  CHECK_FALSE(raw({"main.o", "-o", "main"}));
}

TEST_CASE("names_package_metadata: the linker's option, not a file or a define that says it") {
  auto names = [](Strings args) {
    Invocation invocation;
    invocation.args = std::move(args);
    return names_package_metadata(invocation);
  };
  CHECK(names({"main.o", "-Xlinker", "--package-metadata={\"type\":\"deb\"}"}));
  CHECK(names({"main.o", "-Wl,-O1,--package-metadata=x"}));
  CHECK(names({"-Wl,-package-metadata", "-Wl,x"}));
  CHECK_FALSE(names({"--package-metadata.o", "-o", "main"}));
  CHECK_FALSE(names({"-DNOTE=--package-metadata", "main.o"}));
  CHECK_FALSE(names({"main.o", "-o", "main"}));
}

} // namespace
} // namespace portable_ld
