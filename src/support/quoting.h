// SPDX-License-Identifier: Apache-2.0
//
// Words and quotes, as Go and the shell write them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace portable_ld {

// Splits a command such as "zig cc" or "'/opt/my cc/gcc' -m64" into words, the way Go's
// cmd/internal/quoted.Split does: blanks separate words, a word that starts with a quote
// runs to the matching quote, no escapes.
llvm::Expected<std::vector<std::string>> split_command_words(const std::string &text);

// Unquotes one string written by Go's strconv.Quote (%q); nullopt if it is not one.
// (Go's response files, and the quoting of values in Go's build information.)
std::optional<std::string> go_unquote(std::string_view quoted);

// `word` in single quotes for a POSIX shell (replay.sh; a single quote inside becomes
// '\''). split_command_words() reads back such words when they hold no single quote: the
// recorded backend command that replay passes on as PORTABLE_LD_CC.
std::string shell_quote(llvm::StringRef word);

// `text` safe to show on a terminal: control characters (C0, DEL, and C1 in UTF-8,
// which start escape sequences and can fake or hide lines), and bytes that are not
// UTF-8, as \xNN. A file being checked chooses its strings (sonames, paths, Go build
// information), not what the user's terminal does.
std::string escape_control(std::string_view text);
// The same, appended to `out`.
void append_escaped_control(std::string &out, std::string_view text);

// A value quoted in a diagnostic, cut to its first `limit` bytes (where a UTF-8 sequence
// starts) with the length of the rest, so that a 100 KB setting makes a line that can be read.
std::string abbreviate(std::string_view value, size_t limit = 100);

// A path quoted in a diagnostic: whole up to PATH_MAX (4096 bytes), since the user copies
// it and a deep build tree makes long real paths; longer, it names no file the kernel
// accepts and is cut as abbreviate() cuts any value.
std::string abbreviate_path(std::string_view path);

} // namespace portable_ld
