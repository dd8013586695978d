// SPDX-License-Identifier: Apache-2.0
#include "provenance/sbom.h"

#include <map>
#include <set>

#include "support/json.h"
#include "support/regular_file.h"
#include "support/version.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace portable_ld {

namespace {

// CycloneDX strings are JSON strings: a name that is not UTF-8 gets U+FFFD for its bad
// bytes (the log record keeps its bytes).
llvm::json::Value text(llvm::StringRef value) { return json_key(value); }

llvm::json::Array sha256_hashes(const std::string &sha256) {
  return llvm::json::Array{llvm::json::Object{{"alg", "SHA-256"}, {"content", sha256}}};
}

} // namespace

std::string go_purl(llvm::StringRef path, llvm::StringRef version) {
  std::string purl = "pkg:golang/";
  llvm::SmallVector<llvm::StringRef, 8> elements;
  path.split(elements, '/', -1, /*KeepEmpty=*/false);
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i != 0) {
      purl += '/';
    }
    purl += purl_encode(elements[i]);
  }
  if (!version.empty()) {
    purl += "@" + purl_encode(version);
  }
  return purl;
}

namespace {

// pkg:deb/debian/libc6-dev@2.36-9%2Bdeb12u9?arch=amd64&distro=debian-12, as syft and
// trivy write them.
std::string deb_purl(const DebianPackage &package, const Distribution &distribution) {
  std::string purl = "pkg:deb/" + purl_encode(distribution.id) + "/" + purl_encode(package.name);
  if (!package.version.empty()) {
    purl += "@" + purl_encode(package.version);
  }
  // Qualifiers in key order, each only with a value (a note may name no architecture).
  std::vector<std::string> qualifiers;
  if (!package.architecture.empty()) {
    qualifiers.push_back("arch=" + purl_encode(package.architecture));
  }
  if (!distribution.version_id.empty()) {
    qualifiers.push_back("distro=" + purl_encode(distribution.id + "-" + distribution.version_id));
  }
  for (size_t i = 0; i < qualifiers.size(); ++i) {
    purl += (i == 0 ? "?" : "&") + qualifiers[i];
  }
  return purl;
}

// Whether `path` is a temporary file: under one of `directories`, or under a directory
// of Go's own (go-link-NNN, go-build-NNN), wherever GOTMPDIR put it.
bool is_temporary(llvm::StringRef path, const std::vector<std::string> &directories) {
  for (llvm::StringRef directory : directories) {
    directory = directory.rtrim('/');
    if (!directory.empty() && path.size() > directory.size() + 1 &&
        path.startswith(directory) && path[directory.size()] == '/') {
      return true;
    }
  }
  for (auto part = llvm::sys::path::begin(llvm::sys::path::parent_path(path)),
            end = llvm::sys::path::end(llvm::sys::path::parent_path(path));
       part != end; ++part) {
    if (part->startswith("go-link-") || part->startswith("go-build")) {
      return true;
    }
  }
  return false;
}

// A file no package ships, named so that the name does not change from link to link: a
// temporary one by its base name (Go's go.o and 000000.o), or, when it was deleted before
// it could be hashed (the compiler driver's random ccXXXXXX.o), by its place among those.
std::string file_name(const LinkInput &input, const std::vector<std::string> &temporary,
                      size_t &unhashed) {
  if (!is_temporary(input.path, temporary)) {
    return input.path;
  }
  if (input.sha256.empty()) {
    return "temporary file " + std::to_string(++unhashed);
  }
  return llvm::sys::path::filename(input.path).str();
}

llvm::json::Object program_component(const SbomSubject &subject, std::string &ref) {
  ProgramIdentity program = program_identity(subject);
  llvm::json::Object component{{"type", "application"}, {"name", text(program.name)}};
  ref = "program";
  if (!program.version.empty()) {
    component["version"] = text(program.version);
  }
  if (!program.purl.empty()) {
    ref = program.purl;
    component["purl"] = ref;
  }
  component["bom-ref"] = ref;
  return component;
}

} // namespace

ProgramIdentity program_identity(const SbomSubject &subject) {
  if (subject.program) {
    return *subject.program;
  }
  const GoBinary *go = subject.go;
  ProgramIdentity program{subject.file_name, "", ""};
  // A Go program is named by its main package, unless it is a file list's
  // ("command-line-arguments").
  if (go && !go->path.empty() && go->path != "command-line-arguments") {
    program.name = go->path;
  }
  if (go && go->module && !go->module->version.empty() && go->module->version != "(devel)") {
    program.version = go->module->version;
    // A purl names the main package; a file list's program has none to name.
    if (program.name == go->path) {
      program.purl = go_purl(go->path, go->module->version);
    }
  }
  return program;
}

Distribution parse_os_release(llvm::StringRef text) {
  Distribution distribution;
  for (llvm::StringRef rest = text; !rest.empty();) {
    auto [line, next] = rest.split('\n');
    rest = next;
    auto [key, value] = line.trim().split('=');
    value = value.trim();
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.drop_front().drop_back();
    }
    if (key == "ID" && !value.empty()) {
      distribution.id = value.str();
    } else if (key == "VERSION_ID") {
      distribution.version_id = value.str();
    }
  }
  return distribution;
}

Distribution read_distribution() {
  for (const char *path : {"/etc/os-release", "/usr/lib/os-release"}) {
    llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> file = read_regular_file(path, 64 * 1024);
    if (file) {
      return parse_os_release((*file)->getBuffer());
    }
    llvm::consumeError(file.takeError());
  }
  return {};
}

std::string purl_encode(llvm::StringRef text) {
  static const char *const k_hex = "0123456789ABCDEF";
  std::string encoded;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (llvm::isAlnum(c) || c == '.' || c == '-' || c == '_' || c == '~' || c == ':') {
      encoded += c;
    } else {
      encoded += '%';
      encoded += k_hex[byte >> 4];
      encoded += k_hex[byte & 15];
    }
  }
  return encoded;
}

namespace {

// An archive's members the link took, as file components under the archive's: what of
// libc.a is in the program. Each ref is the archive's with the member's name after it,
// as a linker writes it: libc.a(printf.o).
void add_members(llvm::json::Object &file, const std::string &file_ref,
                 const std::vector<std::string> &members) {
  if (members.empty()) {
    return;
  }
  llvm::json::Array components;
  for (const std::string &member : members) {
    components.push_back(llvm::json::Object{{"type", "file"},
                                            {"bom-ref", json_key(file_ref + "(" + member + ")")},
                                            {"name", text(member)}});
  }
  file["components"] = std::move(components);
}

// A Debian package as a component; its files are added by the caller.
llvm::json::Object package_component(const DebianPackage &package, const std::string &purl) {
  llvm::json::Object component{
      {"type", "library"}, {"bom-ref", text(purl)}, {"name", text(package.name)}};
  if (!package.version.empty()) {
    component["version"] = text(package.version);
  }
  component["purl"] = text(purl);
  return component;
}

} // namespace

llvm::json::Object cyclonedx_document(const SbomSubject &subject) {
  std::string root_ref;
  llvm::json::Object root = program_component(subject, root_ref);
  llvm::json::Array components;
  std::vector<std::string> depends_on;
  std::set<std::string> refs{root_ref}; // a bom-ref is unique in a document

  if (const GoBinary *go = subject.go) {
    if (!go->version.empty()) {
      std::string purl = go_purl("stdlib", go->version);
      refs.insert(purl);
      depends_on.push_back(purl);
      components.push_back(llvm::json::Object{{"type", "library"},
                                              {"bom-ref", purl},
                                              {"name", "stdlib"},
                                              {"version", text(go->version)},
                                              {"purl", purl}});
    }
    for (const GoModule &module : go->deps) {
      // A directory in place of a module has no version to name it by.
      std::string purl = module.version.empty()
                             ? go_purl(module.replaced_path, module.replaced_version)
                             : go_purl(module.path, module.version);
      std::string ref = json_key(module.version.empty() ? "directory:" + module.path : purl);
      if (!refs.insert(ref).second) {
        continue;
      }
      depends_on.push_back(ref);
      llvm::json::Object component{{"type", "library"},
                                   {"bom-ref", text(ref)},
                                   {"name", text(module.version.empty() ? module.replaced_path
                                                                          : module.path)}};
      if (module.version.empty()) {
        // What was compiled is the directory, of no version: go.mod's is only said.
        component["description"] =
            text("replaced by the directory " + module.path +
                 (module.replaced_version.empty() ? "" : " (go.mod requires " +
                                                             module.replaced_version + ")"));
      } else {
        component["version"] = text(module.version);
        component["purl"] = text(purl);
      }
      components.push_back(std::move(component));
    }
  }

  // The packages in the order the linker first read one of their files, each with the
  // files it gave; then the files no package ships.
  std::vector<std::string> package_order;
  std::map<std::string, std::pair<llvm::json::Object, llvm::json::Array>> packages;
  std::set<std::string> packaged_files;
  llvm::json::Array own_files;
  size_t unhashed = 0; // temporary files deleted before they could be hashed
  for (const LinkInput &input : subject.inputs) {
    if (input.package) {
      std::string purl = deb_purl(*input.package, subject.distribution);
      auto [entry, added] = packages.try_emplace(purl);
      if (added) {
        package_order.push_back(purl);
        entry->second.first = package_component(*input.package, purl);
      }
      // Refs are compared as written: two names that differ only in bytes that are not
      // UTF-8 would be written alike.
      std::string file_ref = json_key("file:" + input.real_path);
      if (!packaged_files.insert(file_ref).second) {
        continue;
      }
      llvm::json::Object file{{"type", "file"},
                              {"bom-ref", file_ref},
                              {"name", text(input.real_path)}};
      if (!input.sha256.empty()) {
        file["hashes"] = sha256_hashes(input.sha256);
      }
      add_members(file, file_ref, input.members);
      entry->second.second.push_back(std::move(file));
      continue;
    }
    std::string name = file_name(input, subject.temporary_directories, unhashed);
    std::string purl = "pkg:generic/" + purl_encode(llvm::sys::path::filename(name));
    if (!input.sha256.empty()) {
      purl += "?checksum=sha256:" + input.sha256;
    }
    if (!refs.insert(purl).second) {
      continue;
    }
    depends_on.push_back(purl);
    llvm::json::Object file{
        {"type", "file"}, {"bom-ref", text(purl)}, {"name", text(name)}, {"purl", text(purl)}};
    if (!input.sha256.empty()) {
      file["hashes"] = sha256_hashes(input.sha256);
    }
    add_members(file, purl, input.members);
    own_files.push_back(std::move(file));
  }
  // Packages a note names, without their files.
  for (const DebianPackage &package : subject.packages) {
    std::string purl = deb_purl(package, subject.distribution);
    if (packages.try_emplace(purl).second) {
      package_order.push_back(purl);
      packages[purl].first = package_component(package, purl);
    }
  }
  for (const std::string &purl : package_order) {
    auto &[component, files] = packages[purl];
    if (refs.insert(purl).second) {
      depends_on.push_back(purl);
    }
    if (!files.empty()) {
      component["components"] = std::move(files);
    }
    components.push_back(std::move(component));
  }
  for (llvm::json::Value &file : own_files) {
    components.push_back(std::move(file));
  }

  llvm::json::Array dependencies;
  llvm::json::Array root_depends;
  for (const std::string &ref : depends_on) {
    root_depends.push_back(text(ref));
  }
  dependencies.push_back(
      llvm::json::Object{{"ref", text(root_ref)}, {"dependsOn", std::move(root_depends)}});

  llvm::json::Object tool{{"type", "application"}, {"name", "portable-ld"}, {"version", k_version}};
  return llvm::json::Object{
      {"bomFormat", "CycloneDX"},
      {"specVersion", "1.5"},
      {"version", 1},
      {"metadata",
       llvm::json::Object{{"tools", llvm::json::Object{{"components", llvm::json::Array{std::move(tool)}}}},
                          {"component", std::move(root)}}},
      {"components", std::move(components)},
      {"dependencies", std::move(dependencies)}};
}

std::string render_sbom(const llvm::json::Object &document) {
  std::string text;
  llvm::raw_string_ostream out(text);
  out << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object(document))) << "\n";
  return out.str();
}

llvm::Error write_sbom(const std::string &path, const llvm::json::Object &document) {
  return replace_whole_file(path, render_sbom(document));
}

} // namespace portable_ld
