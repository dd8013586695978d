// SPDX-License-Identifier: Apache-2.0
//
// What the wrapper will run for one classified invocation, decided before anything runs
// (after lld's and mold's drivers, which settle their options before the first pass):
// the static request and its rewrite, the argv, whether portable-ld can simply become
// the backend, and what a reproducer needs; then the linker choice. plan_link() and
// add_linker() are pure: the backend's path, the linker probe and the temporary response
// file are the caller's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "floor/glibc_floor.h"
#include "link/arguments.h"
#include "link/config.h"
#include "link/static_rewrite.h"
#include "support/subprocess.h"

#include "llvm/Support/Error.h"

namespace portable_ld {

// A final link's static request: from the settings, or -static among its arguments.
struct StaticRequest {
  bool requested = false;
  StaticSource source = StaticSource::None;
};
StaticRequest static_request_of(const Invocation &invocation, const Config &config);

struct LinkPlan {
  Role role = Role::Other;
  // Final links: the file the link writes, which is then verified.
  std::optional<std::string> output;
  StaticRequest static_request;
  // What portable-ld changed in the command, each with its reason.
  std::vector<ArgumentChange> changes;
  // The backend's words (PORTABLE_LD_CC, then an added -fuse-ld=), then its arguments.
  std::vector<std::string> backend_words;
  // PORTABLE_LD_PROVENANCE's request for a dependency file in a temporary file of
  // portable-ld's: run, but kept out of a reproducer bundle's command.
  std::vector<std::string> provenance_words;
  std::vector<std::string> args;
  // The rewritten arguments go into portable-ld's own response file, as the build's
  // went into its own: `args` are that file's content, the backend gets "@FILE".
  bool own_response_file = false;
  // The arguments with every response file expanded, for a reproducer.
  std::vector<std::string> expanded_args;
  // Final links with PORTABLE_LD_REPRODUCE: a bundle may be left.
  bool reproducible = false;
  // `cc -###`, cmd/go's compiler identity query: its stderr gets portable-ld's stamp.
  bool compiler_id_query = false;
  // Nothing is left to do after the backend (no log, no verification): exec it.
  bool becomes_backend = false;
  StderrMode stderr_mode = StderrMode::Inherit;
  // A Go link asks for gold, and the backend runs none of gold, lld, mold and bfd: a
  // failure is explained by that.
  bool no_linker_for_gold = false;
};

// The plan for `invocation`, whose unexpanded arguments are `original_args` (what runs
// when nothing changes). An error when a static request cannot be met (a shared library).
llvm::Expected<LinkPlan> plan_link(const Invocation &invocation,
                                   const std::vector<std::string> &original_args,
                                   const Config &config);

// Whether this link may get a -fuse-ld= from PORTABLE_LD_FUSE_LD: a final link whose
// build (arguments or backend words) chose no linker itself.
bool wants_linker_choice(const Invocation &invocation, const Config &config);

// Adds -fuse-ld=`linker` (choose_fuse_ld()) after the backend's words, with its reason.
void add_linker(LinkPlan &plan, const std::string &linker, const Config &config);

// A final link from Go (a go.o among its inputs), or one of cmd/link's flag probes, with
// -fuse-ld=gold among its arguments.
bool asks_for_gold(const Invocation &invocation);
// Replaces each -fuse-ld=gold by -fuse-ld=`linker` (linker_for_gold()), in portable-ld's
// own response file when the build passed one, with its reason.
void replace_gold(LinkPlan &plan, const Invocation &invocation, const std::string &linker);

// Whether PORTABLE_LD_GLIBC applies: a final link of a dynamic ELF output (no static
// request, not for darwin).
bool wants_glibc_floor(const Invocation &invocation, const LinkPlan &plan, const Config &config);

// Whether PORTABLE_LD_PROVENANCE applies: a final link of an ELF output (not for darwin,
// whose ld64 writes no dependency file).
bool wants_provenance(const Invocation &invocation, const LinkPlan &plan, const Config &config);


// The dependency file the link's own arguments ask the linker for (-Wl,--dependency-file=F,
// -Wl,--dependency-file,F or through -Xlinker), if any: then that one is read, and kept.
std::optional<std::string> own_dependency_file(const Invocation &invocation);

// Has the linker list the files it reads in `path` (-Xlinker --dependency-file=PATH, which
// no comma in PATH can split); its stderr is kept, to tell a linker that lacks the option.
void add_provenance(LinkPlan &plan, const std::string &path);

// Has the linker write its map to `path` (-Xlinker -Map=PATH), which names the archive
// members it took (provenance/link_map.h).
void add_link_map(LinkPlan &plan, const std::string &path);

// The map file the link asks for itself (-Map FILE, -Map=FILE, --Map=FILE, through -Wl or
// -Xlinker); "-" when it prints its map or its cross-reference table to stdout (-M,
// --print-map, --cref without a map file), where a map of portable-ld's would take
// their place.
std::optional<std::string> own_link_map(const Invocation &invocation);

// Whether the link names a linker script of its own (-T, -Wl,-T, --script, -dT): one
// that places sections itself, into a MEMORY region of a set size, say.
bool names_linker_script(const Invocation &invocation);

// Whether the link writes other than ELF (--oformat=binary, ihex, srec): a raw image, in
// which a package note would be bytes of the image, and which has no note to fill.
bool names_non_elf_output(const Invocation &invocation);

// Whether the link passes its own package note (--package-metadata, -Wl or -Xlinker).
bool names_package_metadata(const Invocation &invocation);

// Links `object`, which reserves the package note (provenance/package_note.h), too.
void add_package_note(LinkPlan &plan, const std::string &object);

// Takes both back, for a linker that does not know --dependency-file or refuses the object.
void drop_provenance(LinkPlan &plan);

// Links against the floor's stubs (floor/glibc_floor.h): `leading` before the arguments,
// `trailing` after them (in portable-ld's own response file when the build passed one),
// each a change with its reason; the linker's messages are kept to explain a failure.
void add_glibc_floor(LinkPlan &plan, const Invocation &invocation,
                     const std::vector<FloorArgument> &leading,
                     const std::vector<FloorArgument> &trailing);

// The argv the backend gets: its words, then "@response_file" or the arguments.
std::vector<std::string> backend_argv(const LinkPlan &plan,
                                      const std::optional<std::string> &response_file);

// The same with every response file expanded, for a reproducer.
std::vector<std::string> expanded_backend_argv(const LinkPlan &plan);

} // namespace portable_ld
