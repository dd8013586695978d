// SPDX-License-Identifier: Apache-2.0
//
// The undefined references a failed link reports, read from the linker's own words
// (docs/static-linking.md#when-the-static-link-fails):
//   GNU ld  "/usr/bin/ld: /usr/lib/x86_64-linux-gnu/libxml2.a(xpath.o): in function `f':"
//           "(.text+0x1a4f): undefined reference to `pow'"
//   gold    "/usr/lib/.../libxml2.a(xmlIO.o):function f: error: undefined reference to 'crc32'"
//   ld.lld  "ld.lld: error: undefined symbol: pow"
//           ">>> referenced by xpath.o:(f) in archive /usr/lib/.../libxml2.a"
//   mold    "mold: error: undefined symbol: pow"
//           ">>> referenced by /usr/lib/.../libxml2.a(xpath.o):(.text)"
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace portable_ld {

struct UndefinedReference {
  std::string symbol;
  // The file that refers to it: a static archive ("/usr/lib/.../libxml2.a"), an object,
  // or empty when the linker did not say.
  std::string from;
};

// Each (symbol, file) once, in the order the linker named them.
std::vector<UndefinedReference> undefined_references(std::string_view linker_output);

} // namespace portable_ld
