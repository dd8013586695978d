#!/usr/bin/env bash
# The main job, as `make demo` runs it: build Go's classic net/http file server through
# portable-ld with a static request, show the log record and the verdict, then build it
# again without the request and show that it comes out dynamic.
set -euo pipefail

portable_ld=$(realpath "${1:-build/bin/portable-ld}")
source_file=$(realpath "$(dirname "$0")/Inputs/fileserver/main.go")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PATH="$(dirname "$portable_ld"):$PATH"
export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local
export PORTABLE_LD_LOG="$work/links.jsonl"
cd "$work"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

step "static build: PORTABLE_LD_STATIC=1 go build -ldflags '-linkmode=external -extld=portable-ld'"
show env PORTABLE_LD_STATIC=1 go build -o server-static \
  -ldflags '-linkmode=external -extld=portable-ld' "$source_file"

step "the final-link record in $PORTABLE_LD_LOG (one JSON object per invocation)"
python3 - "$PORTABLE_LD_LOG" <<'PY'
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
print(f"{len(records)} invocations logged: " + ", ".join(r["role"] for r in records))
final = [r for r in records if r["role"] == "final-link"][-1]
shown = {k: final[k] for k in ("role", "static_requested", "static_source", "changes",
                               "exit_code", "result", "duration_us", "go")}
shown["argv_run"] = " ".join(final["argv_run"])[:160] + " ..."
shown["verdict"] = {k: final["verdict"][k] for k in ("format_name", "arch", "kind", "linkage",
                                                     "interpreter", "needed", "hazards")}
print(json.dumps(shown, indent=2))
PY

step "the verdict, read with LLVM's Object library (the file is never executed)"
show portable-ld check --static server-static

step "the same program without the static request"
show go build -o server-dynamic -ldflags '-linkmode=external -extld=portable-ld' "$source_file"
show portable-ld check server-dynamic
printf '$ portable-ld check --static server-dynamic\n'
if portable-ld check --static server-dynamic; then
  echo "demo: expected the dynamic build to fail check --static" >&2
  exit 1
fi
step "done: server-static is static; server-dynamic needs the loader and libc named above"
