// SPDX-License-Identifier: Apache-2.0
//
// Classification of a compiler-driver command line, the argv that Go's cmd/link, cmd/go,
// cgo or any build system passes to `cc`. The rules follow
// docs/go-extld-protocol.md, 'Classification'; options are looked up in one table
// (k_driver_options in arguments.cpp), as ccache's compopt table does.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace portable_ld {

// What an invocation is for. Only FinalLink is rewritten and verified; everything else
// is passed through untouched.
enum class Role {
  Query,       // -###, --version, -dumpmachine, -print-*, -Wl,--version: informational
  GoProbe,     // cmd/go flag probe: -x c - -o /dev/null (any output to /dev/null)
  LinkProbe,   // cmd/link flag probe: one input named trivial.c
  CMakeProbe,  // CMake try_compile link (output cmTC_*)
  CompileOnly, // -c, -E, -S, -M, -MM, -fsyntax-only
  CgoLink,     // cgo's intermediate dynimport link (-o .../_cgo_.o)
  FinalLink,   // a link that produces an executable or shared library
  Other,       // anything else (no inputs, -r partial links, ...)
  GoLink,      // not a driver call: Go's cmd/link itself, run under -toolexec=portable-ld
};
const char *to_string(Role role);

// What a final link produces, from the link-mode options.
enum class Product { Executable, PieExecutable, SharedLibrary };
const char *to_string(Product product);

struct Invocation {
  // argv[1..] after expanding @response files; what classification reads and logs show.
  std::vector<std::string> args;
  // True when some @file was expanded into `args`.
  bool expanded_response_file = false;
  // Response files that could not be read stay literal (gcc does the same).
  Role role = Role::Other;
  Product product = Product::Executable;
  // Value of -o (or -oFILE), if any.
  std::optional<std::string> output;
  // Non-option arguments (sources, objects, archives), and "-" for stdin.
  std::vector<std::string> inputs;
  // -static or -static-pie appears among the arguments.
  bool static_in_args = false;
  // The link comes from Go's cmd/link (an input named go.o).
  bool from_go = false;
  // The driver targets darwin (-arch is an Apple driver option; Go always passes it there).
  bool targets_darwin = false;

  // The file a final link writes: -o, else a.out in the working directory.
  std::string output_path() const { return output.value_or("a.out"); }
};

// Classifies `args` (argv[1..], already expanded).
Invocation classify(std::vector<std::string> args, bool expanded_response_file);

// Option table queries shared by the static-link rewrite.
// True when `arg` at index i consumes the following argument as its value.
bool takes_separate_value(const std::string &arg);

} // namespace portable_ld
