// SPDX-License-Identifier: Apache-2.0
#include "support/diagnostics.h"

#include "support/quoting.h"

#include <cstdlib>
#include <unistd.h>

#include <fmt/color.h>

namespace portable_ld {

Diagnostics::Diagnostics(int fd)
    : m_fd(fd), m_color(isatty(fd) == 1 && std::getenv("NO_COLOR") == nullptr &&
                        std::getenv("TERM") != std::string_view("dumb")) {}

void Diagnostics::emit(Severity severity, std::string_view message) {
  struct Style {
    std::string_view label;
    fmt::text_style style;
  };
  static constexpr Style k_styles[] = {
      {"error", fmt::fg(fmt::terminal_color::bright_red) | fmt::emphasis::bold},
      {"warning", fmt::fg(fmt::terminal_color::bright_magenta) | fmt::emphasis::bold},
      {"note", fmt::fg(fmt::terminal_color::bright_black) | fmt::emphasis::bold},
      {"hint", fmt::fg(fmt::terminal_color::bright_cyan) | fmt::emphasis::bold},
  };
  const Style &style = k_styles[static_cast<int>(severity)];

  // One write() per line keeps lines from parallel links from interleaving mid-line.
  std::string line;
  if (severity == Severity::Error || severity == Severity::Warning) {
    line = "portable-ld: ";
  }
  line += m_color ? fmt::format(style.style, "{}:", style.label) : fmt::format("{}:", style.label);
  line += ' ';
  // Messages quote settings, paths and file contents that anyone may have written:
  // control characters are escaped, line by line, so they cannot drive the terminal.
  for (size_t start = 0;;) {
    size_t end = message.find('\n', start);
    line += escape_control(message.substr(start, end - start));
    if (end == std::string_view::npos) {
      break;
    }
    line += '\n';
    start = end + 1;
  }
  line += '\n';
  for (std::string_view rest = line; !rest.empty();) {
    ssize_t written = ::write(m_fd, rest.data(), rest.size());
    if (written <= 0) {
      return;
    }
    rest.remove_prefix(static_cast<size_t>(written));
  }
}

} // namespace portable_ld
