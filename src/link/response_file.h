// SPDX-License-Identifier: Apache-2.0
//
// @response files. Go >= 1.21's cmd/link passes `extld @$TMP/response` when the argv
// exceeds 30 KiB, one argument per line in Go's %q quoting (\n, \t, \xNN, \uNNNN ...),
// which GCC's own libiberty parser does not fully understand. We expand them for
// classification and logging and pass the original argv on; when we must rewrite the
// arguments, we write a response file of our own in libiberty syntax, which both GCC
// and Clang read.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llvm/Support/Error.h"

namespace portable_ld {

struct ExpandedArgs {
  std::vector<std::string> args;
  bool expanded = false; // at least one @file was read
};

// Replaces every readable @file argument by its contents, recursively (at most 16 deep
// and 2000 files in all, as GCC's libiberty bounds it). An @file that cannot be read, or
// one past those bounds, stays a literal argument.
ExpandedArgs expand_response_files(const std::vector<std::string> &args);

// Parses one response file's text: Go's one-%q-string-per-line format when every line is
// a complete Go quoted string, else libiberty syntax (blanks separate, '...' and "..."
// group, backslash escapes the next character).
std::vector<std::string> parse_response_file(std::string_view text);

// Writes `args` to `path` in libiberty syntax.
llvm::Error write_response_file(const std::string &path, const std::vector<std::string> &args);

// A new response file of this process's in the temporary directory,
// portable-ld-<pid>-XXXXXX.rsp, holding `args`. First it removes the ones a killed
// portable-ld left (SIGKILL runs no cleanup): those whose process is gone and that are
// over an hour old (the age keeps it from taking a file of a live process in another PID
// namespace that shares the directory).
llvm::Expected<std::string> create_response_file(const std::vector<std::string> &args);

} // namespace portable_ld
