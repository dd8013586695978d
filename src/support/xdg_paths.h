// SPDX-License-Identifier: Apache-2.0
//
// portable-ld's files in the user's XDG base directories. Relative values of the
// variables are ignored, as the XDG specification asks: they would resolve in whatever
// directory the build runs in, which an untrusted module controls (docs/go-extld-protocol.md,
// 'Trust: the working directory and the arguments').
#pragma once

#include <optional>
#include <string>

#include "llvm/ADT/StringRef.h"

namespace portable_ld {

enum class XdgDirectory {
  Config, // $XDG_CONFIG_HOME, else ~/.config
  State,  // $XDG_STATE_HOME, else ~/.local/state
  Cache,  // $XDG_CACHE_HOME, else ~/.cache
};

// <directory>/portable-ld/<name>; nullopt when neither the variable nor HOME is an
// absolute path.
std::optional<std::string> xdg_path(XdgDirectory directory, llvm::StringRef name);

} // namespace portable_ld
