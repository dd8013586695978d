#!/usr/bin/env bash
# Writes the list of functions that portable-ld runs in its common invocations, for the
# linker to lay them out together (src/cli/symbol-order.txt, lld's --symbol-ordering-file).
#
#   bash bench/symbol-order.sh PORTABLE_LD OUT
#
# Why: scattered over 5.6 MB of machine code, the ~700 functions of a start-up and a check
# touched 57 different 64 KiB windows of it, each a page fault; laid out together, 13.
# Measured in docs/architecture.md (symbol-order.txt, under src/cli).
#
# How: each invocation below runs once under valgrind's callgrind, which names every
# function that ran (mangled). The list is in groups: what every invocation runs
# (start-up, --version), then what check runs, then what a link runs. Within a group,
# the functions that more of its invocations ran come first, so that the code all of
# them run lies in the fewest windows, and those a single one runs (--help, --json)
# after it; ties by name, so that a new list diffs well. glibc's string functions are
# listed with all their variants: callgrind's CPU picks one, the machine that runs
# portable-ld another. Regenerate after a change of toolchain or of the code's shape; a
# stale list costs speed only (names no longer there are skipped).
set -euo pipefail

if [[ $# -ne 2 || ! -x $1 ]]; then
  echo "usage: bash bench/symbol-order.sh PORTABLE_LD OUT" >&2
  exit 2
fi
portable_ld=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$2
# The Debian packages this script needs: valgrind; the others come with .ci/install-deps.
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) # this directory, before any cd
source "$bench/install-missing.sh"
install_missing symbol-order valgrind gcc libc6-dev golang-go python3

work=$(mktemp -d "${TMPDIR:-/tmp}/portable-ld-order.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir bin
cp "$portable_ld" bin/portable-ld
pld=$work/bin/portable-ld
while IFS= read -r name; do
  unset "$name"
done < <(compgen -e | grep '^PORTABLE_LD_' || true)
export XDG_CONFIG_HOME=$work/xdg-config PORTABLE_LD_LOG=$work/log.jsonl

# Inputs: C programs dynamic and static, and a Go program (net, os/user: cgo) both ways.
printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' >hello.c
cc -c hello.c -o hello.o
cc hello.o -o hello
cc -static hello.o -o hello-static
mkdir go
cat >go/main.go <<'EOF'
package main

import (
	"fmt"
	"net"
	"os/user"
)

func main() {
	u, err := user.Current()
	fmt.Println(u, err)
	fmt.Println(net.LookupHost("localhost"))
}
EOF
export GOCACHE=$work/gocache GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local
# (The static link's warnings about getaddrinfo and the like are expected: kept in a file.)
if ! (cd go && go mod init order && go build -o ../go-dynamic . &&
  PORTABLE_LD_STATIC=1 PORTABLE_LD_NSS=ignore \
    go build -ldflags="-linkmode=external -extld=$pld" -o ../go-static .) >go.log 2>&1; then
  cat go.log >&2
  exit 1
fi
python3 "$bench/elf-files.py" /usr/bin 40 >many.txt
mapfile -t many <many.txt

# run GROUP ARGS...: one invocation under callgrind, its profile kept for GROUP.
n=0
run() {
  local group=$1
  shift
  n=$((n + 1))
  valgrind --tool=callgrind --demangle=no --dump-instr=no --trace-children=no \
    --callgrind-out-file="$work/$group.$n.out" "$pld" "$@" >/dev/null 2>&1 || true
}
run start --version
run start --help
run check check hello
run check check hello-static
run check check go-dynamic
run check check go-static
run check check --json go-static
run check check --static go-dynamic
run check check --max-glibc 2.17 "${many[@]}"
run check check --json "${many[@]}"
run link -c hello.c -o hello2.o
PORTABLE_LD_LOG=off run link -c hello.c -o hello3.o
run link hello.o -o hello2
PORTABLE_LD_STATIC=1 run link hello.o -o hello2-static

python3 - "$work" "$out" "$pld" <<'ORDER'
import collections, glob, os, re, subprocess, sys
work, out, binary = sys.argv[1], sys.argv[2], sys.argv[3]
name_re = re.compile(r"^c?fn=\(\d+\) (.+)$")
# glibc's multiarch variants of a string function, "__memmove_avx_unaligned_erms": one
# family per function, the part before the first name of an instruction set (or of the
# variant that needs none).
variant_re = re.compile(r"^(__\w+?)_(?:sse2|ssse3|sse4_1|sse4_2|sse42|avx|avx2|evex"
                        r"|avx512|erms|generic|nonascii)\w*$")
families = collections.defaultdict(set)
for line in subprocess.run(["nm", "--defined-only", binary], check=True,
                           capture_output=True, text=True).stdout.splitlines():
    fields = line.split()
    if len(fields) == 3 and fields[1] in "tTwW" and (m := variant_re.match(fields[2])):
        families[m.group(1)].add(fields[2])
# crtbegin's frame_dummy, which every start-up runs (it registers .eh_frame for the
# unwinder), is not named by callgrind: first, with the rest of crtbegin's code.
seen, groups = {"frame_dummy"}, []
for group in ("start", "check", "link"):
    runs = collections.Counter()
    for path in sorted(glob.glob(os.path.join(work, group + ".*.out"))):
        names = set()
        with open(path) as f:
            for line in f:
                m = name_re.match(line.rstrip("\n"))
                if m:
                    # callgrind's marks: "'2" for a recursion level, "0x..." for no symbol
                    name = re.sub(r"'\d+$", "", m.group(1))
                    if not name.startswith(("0x", "(")):
                        names.add(name)
        runs.update(names)
    ordered = []
    for name in sorted(set(runs) - seen, key=lambda name: (-runs[name], name)):
        m = variant_re.match(name)
        for member in sorted((families[m.group(1)] if m else set()) | {name}):
            if member not in seen:
                ordered.append(member)
                seen.add(member)
    if not ordered:
        sys.exit("symbol-order: a group of invocations ran no function; is valgrind working?")
    groups.append(["frame_dummy"] + ordered if group == "start" else ordered)
with open(out, "w") as f:
    for names in groups:
        f.write("\n".join(names) + "\n")
print(f"symbol-order: {sum(map(len, groups))} functions "
      f"({', '.join(str(len(g)) for g in groups)} by group) in {out}", file=sys.stderr)
ORDER
