// SPDX-License-Identifier: Apache-2.0
//
// A link's provenance as a CycloneDX 1.5 JSON document (an SBOM): the program as the
// root component, the Go modules of its build information, and the files the linker read
// under the Debian packages that ship them, each with its SHA-256. Written beside the
// output as OUTPUT.cdx.json. Nothing in it depends on when or where the link ran (no
// timestamp, no serial number, no temporary directory), so the same inputs give the
// same bytes.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "provenance/link_inputs.h"
#include "verify/go_binary.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

namespace portable_ld {

// The system the packages were installed on, from os-release ("debian", "12"): a deb
// purl's namespace and its distro qualifier.
struct Distribution {
  std::string id = "debian";
  std::string version_id;
};

// ID and VERSION_ID of an os-release file's text (quoted or not); "debian" and none
// where it names none.
Distribution parse_os_release(llvm::StringRef text);

// /etc/os-release, else /usr/lib/os-release; the defaults when neither can be read.
Distribution read_distribution();

// `text` percent-encoded as a package URL component: everything but ASCII letters,
// digits, ".-_~" and ':' ('+' in a Debian version becomes %2B; an epoch's ':' stays, as
// packageurl's own libraries and syft leave it).
std::string purl_encode(llvm::StringRef text);

// The program as the SBOM's root component and the package note name it.
struct ProgramIdentity {
  std::string name;
  std::string version; // empty when there is none
  std::string purl;    // empty when there is none
};

struct SbomSubject {
  std::string file_name;          // the output's file name: the program's name for C
  const GoBinary *go = nullptr;   // its build information, for a Go program
  std::span<const LinkInput> inputs; // what the linker read, in its order
  Distribution distribution;
  // Directories of temporary files (TMPDIR, /tmp): a file under one is named by its base
  // name, and one deleted before it could be hashed (the compiler driver's ccXXXXXX.o)
  // by its place among those, as are files under Go's go-link-* and go-build* wherever
  // they are.
  std::vector<std::string> temporary_directories;
  // Read from a package note rather than from a link (check --sbom): the program as the
  // note names it, and the packages linked into it, without their files.
  std::optional<ProgramIdentity> program;
  std::vector<DebianPackage> packages;
};

// The subject's program: as `program` gives it, else a Go program by its main package
// (with its module's version and a pkg:golang purl when the module has a version other
// than "(devel)"), else (C, Go's "command-line-arguments") by its file.
ProgramIdentity program_identity(const SbomSubject &subject);

// pkg:golang/<path>@<version>, each path element encoded; no "@" without a version.
std::string go_purl(llvm::StringRef path, llvm::StringRef version);

// The CycloneDX 1.5 document (specVersion "1.5", bomFormat "CycloneDX").
llvm::json::Object cyclonedx_document(const SbomSubject &subject);

// `document` as text: indented, its keys sorted, a newline at the end.
std::string render_sbom(const llvm::json::Object &document);

// `document`, rendered, at `path` (written under a temporary name and renamed, so that a
// reader never sees half of it).
llvm::Error write_sbom(const std::string &path, const llvm::json::Object &document);

} // namespace portable_ld
