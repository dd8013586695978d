// SPDX-License-Identifier: Apache-2.0
//
// What only a Go binary carries, read from the sections a format reader hands over:
//  - Go's build information (.go.buildinfo, Go >= 1.18): Go version, main package and
//    module, and the build settings (-ldflags, -tags, CGO_ENABLED, GOOS, GOARCH, ...);
//  - which linker made it: Go's internal linker writes .gosymtab and no .comment; an
//    external C linker brings its toolchain's .comment (from crt1.o and friends);
//  - whether runtime/cgo is in it. An externally linked Go program needs runtime/cgo to
//    start (it sets up threads and TLS through libc): Go < 1.21 links it only when a
//    package uses cgo, so `-tags netgo,osusergo -linkmode=external` makes a binary that
//    dies at its first instruction. runtime/cgo's C code leaves its
//    "runtime/cgo: ..." messages in .rodata, which survive -s and strip.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portable_ld {

struct GoBuildSetting {
  std::string key;   // "-ldflags", "CGO_ENABLED", "GOARCH", "vcs.revision", ...
  std::string value; // unquoted
};

// A module of Go's build information ("mod" and "dep" lines): the version that was
// compiled, after a go.mod replace ("=>" line) when there was one.
struct GoModule {
  std::string path;    // "github.com/mattn/go-sqlite3"
  std::string version; // "v1.14.16"; empty for a replacement by a local directory
  std::string sum;     // "h1:..." (go.sum's hash of the module), when recorded
  // The module go.mod names, when a replace directive put another in its place (a local
  // directory has no version): `path` and `version` are then the replacement's.
  std::string replaced_path;
  std::string replaced_version;
};

// Which linker made a Go program: Go's own, or an external C linker.
enum class GoLinker { Unknown, Internal, External };
const char *to_string(GoLinker linker); // "unknown", "internal", "external"

struct GoBinary {
  // From .go.buildinfo; empty when it is missing or in the pre-1.18 pointer layout.
  bool has_build_info = false;
  std::string build_info_problem; // why has_build_info is false, for the report
  std::string version;            // "go1.19.8"
  std::string path;               // main package, "example.com/server"
  std::string main_module;        // "example.com/server (devel)"
  std::optional<GoModule> module; // the main module, as `main_module` names it
  std::vector<GoModule> deps;     // its dependencies, in the build information's order
  std::vector<GoBuildSetting> settings;

  GoLinker linker = GoLinker::Unknown;
  std::string linker_evidence; // e.g. ".comment: GCC: (Debian 12.2.0-14) 12.2.0"
  enum class RuntimeCgo { Unknown, Present, Absent } runtime_cgo = RuntimeCgo::Unknown;
  // The packages with C code (cgo's trampolines and exports in the function table),
  // runtime/cgo aside, sorted; nullopt without a function table to read.
  std::optional<std::vector<std::string>> cgo_packages;
  // Its only C code is net's and os/user's (cgo by default, for the system resolver and
  // user database): CGO_ENABLED=0 or -tags netgo,osusergo gives a binary with no C.
  bool only_standard_cgo() const;
  // CGO_ENABLED=0 builds it: no C code beyond net's and os/user's, or none known.
  bool builds_without_cgo() const;

  const std::string *setting(std::string_view key) const;
};

// The sections of one Go binary (views into the mapped file; empty when absent).
struct GoSections {
  std::string_view build_info;     // .go.buildinfo
  std::string_view function_names; // .gopclntab (.data.rel.ro.gopclntab in a PIE)
  // .rodata and .rodata.*: C string constants (mold keeps merged strings apart, in
  // .rodata.str; GNU ld and lld merge them into .rodata).
  std::vector<std::string_view> rodata;
  std::string_view comment;        // .comment
  bool has_gosymtab = false;       // .gosymtab
  bool has_go_note = false;        // .note.go.buildid
  bool has_section_headers = true;
  // The image needs no loader and no library: the Go runtime, runtime/cgo included, can
  // only be in it (a -linkshared program keeps it in a Go shared library).
  bool self_contained = false;
  // Read from .symtab where it was read anyway (a static glibc image), instead of
  // searching .rodata and .gopclntab: runtime/cgo's C code, and the cgo packages.
  std::optional<bool> runtime_cgo_in_symtab;
  std::optional<std::vector<std::string>> cgo_packages_in_symtab;
};

// The function name table (funcnametab) of a Go >= 1.16 .gopclntab, from its header
// (runtime/symtab.go's pcHeader): a sixth of the section, the part names are searched in.
// The whole section when the header is not one of those layouts or does not fit.
std::string_view go_function_names(std::string_view pclntab, bool little_endian);

// cgo's names all hold a "._" ("net._C2func_getaddrinfo", "os/user._cgo_<hash>_..."):
// where the next one at or after `from` starts (its '.'), or npos: find_bytes(), which
// compares both bytes 16 offsets at a time ('_' is in most of libc's names and '.' in all
// of Go's, so a search for either one alone stops too often).
size_t find_dot_underscore(std::string_view text, size_t from = 0);

// What follows the '.' of a "._" in a function cgo made: its trampolines' "_Cfunc_" and
// "_C2func_", and its exports' "_cgoexp_".
bool starts_cgo_function_marker(std::string_view rest);

// The package of one Go function that cgo made ("net._C2func_getaddrinfo" -> "net",
// "main._cgoexp_0123456789ab_f" -> "main"), or empty; runtime/cgo's own are not counted.
std::string_view cgo_package_of(std::string_view function);

// The packages whose cgo trampolines or exports Go's function table (NUL-separated names)
// names; runtime/cgo aside.
std::vector<std::string> cgo_packages_in(std::string_view function_names);

// nullopt when nothing marks the file as a Go program.
std::optional<GoBinary> describe_go_binary(const GoSections &sections);

// The Go >= 1.18 build-information blob; exposed for tests of odd inputs.
bool parse_go_build_info(std::string_view blob, GoBinary &into);

// cmd/link's -extldflags value (one string, split as Go splits it) asks for a static link.
bool extldflags_request_static(const std::string &extldflags);

// `-ldflags` asks for -extldflags ... -static but not for -linkmode=external: under Go's
// default internal linking the request was silently ignored (the fake-static trap).
bool ldflags_static_request_ignored(const GoBinary &go);

} // namespace portable_ld
