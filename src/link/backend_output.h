// SPDX-License-Identifier: Apache-2.0
//
// What the backend printed and ran, read for the user: why a static link failed (from
// the linker's messages), which argument made a link dynamic, and the compiler-ID line
// of `cc -###` with portable-ld's own identity added.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "link/config.h"

namespace portable_ld {

// Why a static link failed, from the linker's messages, with what to do about it.
struct StaticFailure {
  std::string reason;
  std::string hint;
  std::vector<std::string> notes = {}; // the evidence, when there is more than the reason
};
// `library_directories`: where the backend looks for libraries, to tell a library that
// has only a shared object ("cannot find -lz3" with libz3.so there) from a missing one.
StaticFailure explain_static_failure(const std::string &stderr_text,
                                     const std::vector<std::string> &library_directories = {});

// An argument of the link that can turn -static back into a dynamic link.
std::optional<std::string> dynamic_culprit(const std::vector<std::string> &args);

// The GOARCH a target triple (`cc -dumpmachine`) builds for: "x86_64-linux-gnu" ->
// "amd64", "aarch64-linux-gnu" -> "arm64"; nullopt when unknown.
std::optional<std::string> goarch_of_triple(const std::string &triple);

// The backend's output without the commands a verbose driver (-v) echoes: gcc's and
// clang's start with a blank, gcc's COLLECT_GCC_OPTIONS= lines quote the options. What
// is left is what the tools said, where an argument is named only in a message about it.
std::string without_driver_echo(const std::string &output);

// `cc -###` output with portable-ld's identity appended to its version line.
std::string stamp_compiler_id(const std::string &output, const Config &config);

} // namespace portable_ld
