// SPDX-License-Identifier: Apache-2.0
//
// portable-ld's version: in --version, the stamps on `cc -###` and `link -V=full`, and
// reproducer bundles.
#pragma once

namespace portable_ld {

constexpr const char *k_version = "0.1.0";

} // namespace portable_ld
