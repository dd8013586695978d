// SPDX-License-Identifier: Apache-2.0
//
// Diagnostics in lld's shape: "portable-ld: error: <msg>", followed by optional
// "note:" and "hint:" lines. The name is fixed (not argv[0]) so output stays stable
// behind symlinks. Colour only on a terminal and never with NO_COLOR set.
//
// Error policy:
//  - user and configuration mistakes: error(), then continue with sound defaults and
//    stop at the next checkpoint (has_errors());
//  - llvm::Expected/llvm::Error: handled where returned and reported with the file name
//    first (never cantFail);
//  - bugs: assert / llvm_unreachable.
// Exceptions appear only at the Boost.Program_options boundary (config.cpp), caught there.
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

  bool has_errors() const { return m_error_count != 0; }
  unsigned error_count() const { return m_error_count; }
  bool color() const { return m_color; }

private:
  enum class Severity { Error, Warning, Note, Hint };
  void emit(Severity severity, std::string_view message);

  int m_fd;
  bool m_color;
  unsigned m_error_count = 0;
};

} // namespace portable_ld
