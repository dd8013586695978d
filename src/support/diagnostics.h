// SPDX-License-Identifier: Apache-2.0
//
// Diagnostics in lld's shape: "portable-ld: error: <msg>", followed by optional
// "note:" and "hint:" lines. The name is fixed (not argv[0]) so output stays stable
// behind symlinks. Colour only on a terminal and never with NO_COLOR set.
//
// Error policy:
//  - errors are values: llvm::Expected/llvm::Error from every step, handled where
//    returned and reported with the file name first (never cantFail);
//  - the wrapper pipeline stops at the first failed step (a link cannot half-succeed),
//    reports it here and returns its documented exit code; `check` reports every file
//    and returns the worst code;
//  - bugs: assert / llvm_unreachable.
// Exceptions appear only at the Boost.Program_options boundary (config.cpp,
// cli/check.cpp), caught there.
//
// Go shows everything its external linker prints and treats "unknown"/"unrecognized"
// in probe output as "flag unsupported": callers print nothing on success or in probes.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace portable_ld {

class Diagnostics {
public:
  // Writes to file descriptor `fd` (normally 2); colour is decided once here.
  explicit Diagnostics(int fd = 2);

  template <typename... Args>
  void error(fmt::format_string<Args...> format, Args &&...args) {
    emit(Severity::Error, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void warn(fmt::format_string<Args...> format, Args &&...args) {
    emit(Severity::Warning, fmt::format(format, std::forward<Args>(args)...));
  }
  // note:/hint: lines attach to the preceding error or warning.
  template <typename... Args>
  void note(fmt::format_string<Args...> format, Args &&...args) {
    emit(Severity::Note, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void hint(fmt::format_string<Args...> format, Args &&...args) {
    emit(Severity::Hint, fmt::format(format, std::forward<Args>(args)...));
  }

private:
  enum class Severity { Error, Warning, Note, Hint };
  void emit(Severity severity, std::string_view message);

  int m_fd;
  bool m_color;
};

} // namespace portable_ld
