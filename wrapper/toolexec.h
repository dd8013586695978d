// SPDX-License-Identifier: Apache-2.0
//
// The toolexec guard: `go build -toolexec=portable-ld`. cmd/go then runs every Go tool as
// `portable-ld /GOROOT/pkg/tool/GOOS_GOARCH/TOOL ARGS...` (and its tool and compiler
// identity queries as `portable-ld TOOL -V=full` and `portable-ld CC -### -x c -c -`).
// Every tool but `link` is exec'd untouched. When a static link is requested
// (PORTABLE_LD_STATIC, the config file, or -extldflags with -static), `link` gets
// -linkmode=external -extld=<portable-ld> so Go's internal linker cannot silently ignore
// the request, and runtime/cgo when the import config lacks it (an external link
// without it crashes at startup); its output is verified as a final link's is.
// `link -V=full` gets portable-ld's policy appended, because cmd/go keys its link cache on
// that line: a build with the guard on, off, or with another policy is never reused for
// another.
#pragma once

#include <string>
#include <vector>

namespace portable_ld {

// argv is a -toolexec call: argv[1] is an absolute path to a program run with cmd/go's
// TOOLEXEC_IMPORTPATH set or asked for -V=full, or argv is `NAME -### ...`.
bool is_toolexec_call(const std::vector<std::string> &argv);

int run_toolexec(const std::vector<std::string> &argv);

} // namespace portable_ld
