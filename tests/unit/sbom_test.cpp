// SPDX-License-Identifier: Apache-2.0
//
// The CycloneDX document of a link: package URLs, os-release, and what goes where.
#include "provenance/sbom.h"

#include "unit_test.h"

namespace portable_ld {
namespace {

TEST_CASE("purl_encode: only ASCII letters, digits and .-_~ stay") {
  CHECK(purl_encode("2.36-9+deb12u9") == "2.36-9%2Bdeb12u9");
  CHECK(purl_encode("1:2.3~rc1") == "1:2.3~rc1");
  CHECK(purl_encode("a b/c") == "a%20b%2Fc");
  CHECK(purl_encode("\xff") == "%FF");
  CHECK(purl_encode("") == "");
}

TEST_CASE("parse_os_release: ID and VERSION_ID, quoted or not") {
  Distribution debian = parse_os_release("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
                                         "VERSION_ID=\"12\"\nID=debian\n");
  CHECK(debian.id == "debian");
  CHECK(debian.version_id == "12");
  Distribution ubuntu = parse_os_release("ID='ubuntu'\nVERSION_ID=24.04");
  CHECK(ubuntu.id == "ubuntu");
  CHECK(ubuntu.version_id == "24.04");
  // Neither named (a testing release has no VERSION_ID).
  Distribution none = parse_os_release("NAME=x\n");
  CHECK(none.id == "debian");
  CHECK(none.version_id.empty());
}

// A string member's value, "(none)" when absent.
std::string text(llvm::Optional<llvm::StringRef> value) {
  return value ? value->str() : "(none)";
}

const llvm::json::Object *find_component(const llvm::json::Array &components,
                                         llvm::StringRef name) {
  for (const llvm::json::Value &component : components) {
    const llvm::json::Object *object = component.getAsObject();
    if (object && object->getString("name") == name) {
      return object;
    }
  }
  return nullptr;
}

TEST_CASE("cyclonedx_document: packages with their files, own files by content") {
  DebianPackage libc{"libc6-dev", "2.36-9+deb12u9", "amd64"};
  std::vector<LinkInput> inputs = {
      {"/tmp/go-link-1/go.o", "/tmp/go-link-1/go.o", 10, "aa", std::nullopt, "", LinkInput::Archive::None, {}},
      {"/usr/lib/x86_64-linux-gnu/crt1.o", "/usr/lib/x86_64-linux-gnu/crt1.o", 1, "bb", libc, "", LinkInput::Archive::None, {}},
      {"/usr/lib/x86_64-linux-gnu/libc.a", "/usr/lib/x86_64-linux-gnu/libc.a", 2, "cc", libc, "", LinkInput::Archive::Regular,
       {"libc-start.o", "printf.o"}},
      // The same file again (a linker script's GROUP): listed once.
      {"/usr/lib/x86_64-linux-gnu/libc.a", "/usr/lib/x86_64-linux-gnu/libc.a", 2, "cc", libc, "", LinkInput::Archive::None, {}},
      {"obj/main.o", "/src/obj/main.o", 3, "dd", std::nullopt, "", LinkInput::Archive::None, {}},
      {"gone.o", "/src/gone.o", 0, "", std::nullopt, "cannot read 'gone.o'", LinkInput::Archive::None, {}},
      // The compiler driver's object, deleted before it could be hashed, and one of Go's
      // in GOTMPDIR: named alike in every link.
      {"/tmp/ccX1b2c3.o", "/tmp/ccX1b2c3.o", 0, "", std::nullopt, "cannot read", LinkInput::Archive::None, {}},
      {"/build/tmp/go-link-42/000001.o", "/build/tmp/go-link-42/000001.o", 4, "ee",
       std::nullopt, "", LinkInput::Archive::None, {}},
  };
  GoBinary go;
  go.version = "go1.23.5";
  go.path = "example.com/db/cmd/db";
  go.module = GoModule{"example.com/db", "v1.2.0", "", "", ""};
  go.deps = {GoModule{"github.com/mattn/go-sqlite3", "v1.14.16", "h1:x", "", ""},
             GoModule{"/src/sqlite", "", "", "github.com/mattn/go-sqlite3", "v1.14.17"}};
  SbomSubject subject;
  subject.file_name = "db";
  subject.go = &go;
  subject.inputs = inputs;
  subject.distribution = Distribution{"debian", "12"};
  subject.temporary_directories = {"/tmp/"};
  llvm::json::Object document = cyclonedx_document(subject);

  CHECK(text(document.getString("bomFormat")) == "CycloneDX");
  CHECK(text(document.getString("specVersion")) == "1.5");
  CHECK(document.getInteger("version").getValueOr(0) == 1);
  // Nothing of when or where: no timestamp, no serial number.
  const llvm::json::Object *metadata = document.getObject("metadata");
  REQUIRE(metadata);
  CHECK(metadata->get("timestamp") == nullptr);
  CHECK(document.get("serialNumber") == nullptr);
  const llvm::json::Object *root = metadata->getObject("component");
  REQUIRE(root);
  CHECK(text(root->getString("name")) == "example.com/db/cmd/db");
  CHECK(text(root->getString("version")) == "v1.2.0");
  CHECK(text(root->getString("purl")) == "pkg:golang/example.com/db/cmd/db@v1.2.0");

  const llvm::json::Array *components = document.getArray("components");
  REQUIRE(components);
  const llvm::json::Object *stdlib = find_component(*components, "stdlib");
  REQUIRE(stdlib);
  CHECK(text(stdlib->getString("purl")) == "pkg:golang/stdlib@go1.23.5");
  const llvm::json::Object *sqlite = find_component(*components, "github.com/mattn/go-sqlite3");
  REQUIRE(sqlite);
  CHECK(text(sqlite->getString("purl")) == "pkg:golang/github.com/mattn/go-sqlite3@v1.14.16");
  // A directory in place of a module: no purl, go.mod's name and the directory said.
  int directories = 0;
  for (const llvm::json::Value &component : *components) {
    if (text(component.getAsObject()->getString("bom-ref")) == "directory:/src/sqlite") {
      ++directories;
      CHECK(component.getAsObject()->get("purl") == nullptr);
      CHECK(component.getAsObject()->get("version") == nullptr);
      CHECK(text(component.getAsObject()->getString("description")) ==
            "replaced by the directory /src/sqlite (go.mod requires v1.14.17)");
    }
  }
  CHECK(directories == 1);

  const llvm::json::Object *package = find_component(*components, "libc6-dev");
  REQUIRE(package);
  CHECK(text(package->getString("purl")) ==
        "pkg:deb/debian/libc6-dev@2.36-9%2Bdeb12u9?arch=amd64&distro=debian-12");
  const llvm::json::Array *files = package->getArray("components");
  REQUIRE(files);
  CHECK(files->size() == 2);
  // Go's object in the temporary directory by its base name; a build tree's by its path.
  const llvm::json::Object *go_object = find_component(*components, "go.o");
  REQUIRE(go_object);
  CHECK(text(go_object->getString("purl")) == "pkg:generic/go.o?checksum=sha256:aa");
  CHECK(find_component(*components, "obj/main.o"));
  // A file that could not be read has no hash and no checksum.
  const llvm::json::Object *gone = find_component(*components, "gone.o");
  REQUIRE(gone);
  CHECK(gone->get("hashes") == nullptr);
  CHECK(text(gone->getString("purl")) == "pkg:generic/gone.o");
  CHECK(find_component(*components, "temporary file 1"));
  CHECK(find_component(*components, "000001.o"));

  // The program depends on each top-level component, each once.
  const llvm::json::Array *dependencies = document.getArray("dependencies");
  REQUIRE(dependencies);
  REQUIRE(dependencies->size() == 1);
  const llvm::json::Object *edges = (*dependencies)[0].getAsObject();
  CHECK(text(edges->getString("ref")) == "pkg:golang/example.com/db/cmd/db@v1.2.0");
  CHECK(edges->getArray("dependsOn")->size() == components->size());
}

TEST_CASE("cyclonedx_document: a C program is named by its file, with no version") {
  SbomSubject subject;
  subject.file_name = "server";
  llvm::json::Object document = cyclonedx_document(subject);
  const llvm::json::Object *root = document.getObject("metadata")->getObject("component");
  CHECK(text(root->getString("name")) == "server");
  CHECK(text(root->getString("bom-ref")) == "program");
  CHECK(root->get("version") == nullptr);
  CHECK(document.getArray("components")->empty());
}

} // namespace
} // namespace portable_ld
