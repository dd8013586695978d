// SPDX-License-Identifier: Apache-2.0
//
// The pure half of the library search after a failed static link: the backend's search
// path, and the words of the explanation.
#include "link/library_search.h"

#include "unit_test.h"

namespace portable_ld {
namespace {

TEST_CASE("library_directories: gcc's -print-search-dirs, each directory once") {
  const char *output =
      "install: /usr/lib/gcc/x86_64-linux-gnu/12/\n"
      "programs: =/usr/libexec/gcc/x86_64-linux-gnu/12/\n"
      "libraries: =/usr/lib/gcc/x86_64-linux-gnu/12/:/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/:"
      "/lib/x86_64-linux-gnu/:/usr/lib/x86_64-linux-gnu/:/usr/lib/x86_64-linux-gnu\n";
  CHECK(library_directories(output) ==
        std::vector<std::string>{"/usr/lib/gcc/x86_64-linux-gnu/12", "/usr/lib/x86_64-linux-gnu",
                                 "/lib/x86_64-linux-gnu"});
  CHECK(library_directories("").empty());
}

TEST_CASE("describe_missing: per needing archive, grouped by the library that defines them") {
  std::vector<UndefinedReference> references = {
      {"pow", "/usr/lib/x86_64-linux-gnu/libxml2.a"},
      {"crc32", "/usr/lib/x86_64-linux-gnu/libxml2.a"},
      {"floor", "/usr/lib/x86_64-linux-gnu/libxml2.a"},
      {"Z3_get_version", "/tmp/cc1.o"},
      {"nowhere", "/tmp/cc1.o"},
  };
  std::map<std::string, Definer> definers = {
      {"pow", {"m", "/usr/lib/x86_64-linux-gnu/libm-2.36.a", true}},
      {"floor", {"m", "/usr/lib/x86_64-linux-gnu/libm-2.36.a", true}},
      {"crc32", {"z", "/usr/lib/x86_64-linux-gnu/libz.a", true}},
      {"Z3_get_version", {"z3", "/usr/lib/x86_64-linux-gnu/libz3.so", false}},
  };
  MissingLibraries missing = describe_missing(references, definers);
  CHECK(missing.notes == std::vector<std::string>{
                             "libxml2.a needs pow, floor (-lm); crc32 (-lz)",
                             "cc1.o needs Z3_get_version (only in "
                             "/usr/lib/x86_64-linux-gnu/libz3.so, no libz3.a); nowhere "
                             "(defined by no library on the search path)"});
  CHECK(missing.flags == std::vector<std::string>{"-lm", "-lz"});
  CHECK(missing.needing == std::vector<std::string>{"-lxml2"});
  CHECK(missing.shared_only == std::vector<std::string>{"/usr/lib/x86_64-linux-gnu/libz3.so"});
  CHECK(missing.not_found == std::vector<std::string>{"nowhere"});
}

TEST_CASE("explain_missing_libraries: what to add, where, and for Go how") {
  MissingLibraries missing;
  missing.notes = {"libxml2.a needs pow (-lm)"};
  missing.flags = {"-lm", "-lz"};
  missing.needing = {"-lxml2"};
  StaticFailure failure = explain_missing_libraries(missing, {}, /*from_go=*/false);
  CHECK(failure.reason == "static archives need libraries that are not on the link line");
  CHECK(failure.hint == "add -lm -lz after -lxml2");
  CHECK(failure.notes == missing.notes);

  failure = explain_missing_libraries(missing, {{"libxml-2.0", "-lxml2 -lz -lm"}}, true);
  CHECK(failure.notes.back() == "pkg-config --static --libs libxml-2.0: -lxml2 -lz -lm");
  CHECK(failure.hint ==
        "add -lm -lz after -lxml2 (Go: CGO_LDFLAGS='-lm -lz', or -ldflags \"-extldflags "
        "'-lm -lz'\"); or link with what pkg-config --static --libs libxml-2.0 prints "
        "instead of -lxml2, the set its packager recorded");

  // Only a shared library: the program cannot be static while it uses it.
  MissingLibraries shared;
  shared.shared_only = {"/usr/lib/x86_64-linux-gnu/libz3.so"};
  failure = explain_missing_libraries(shared, {}, false);
  CHECK(failure.reason == "libz3.so has no static archive");
  CHECK(failure.hint.find("cannot be linked statically while it uses libz3.so") !=
        std::string::npos);
  CHECK(failure.hint.find("-dev") == std::string::npos); // the -dev package is installed
}

} // namespace
} // namespace portable_ld
