// SPDX-License-Identifier: Apache-2.0
//
// PORTABLE_LD_FUSE_LD (docs/linkers.md): which linker the backend driver runs for a final
// link, as -fuse-ld=NAME. `auto` picks mold, then lld, when the backend accepts it: the
// answer is probed once per backend (its path, size and modification time) and kept in
// $XDG_CACHE_HOME/portable-ld/fuse-ld, so links after the first pay nothing for it.
// Probes, compiles and cgo's _cgo_.o links are never changed.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace portable_ld {

// The -fuse-ld= value for a final link run by `backend` (argv words; `program` its
// resolved path) under `setting` ("auto", "mold", "lld", "bfd", "gold"); nullopt: leave
// the backend's default.
std::optional<std::string> choose_fuse_ld(const std::string &setting,
                                          const std::vector<std::string> &backend,
                                          const std::string &program);

// Go links shared Go code on linux/arm64 with -fuse-ld=gold, and Debian trixie, SLES and
// Fedora no longer ship gold: "gold" when the backend runs it, else the first of lld,
// mold and bfd that it accepts (probed and cached as for `auto`); nullopt when none.
std::optional<std::string> linker_for_gold(const std::vector<std::string> &backend,
                                           const std::string &program);

} // namespace portable_ld
