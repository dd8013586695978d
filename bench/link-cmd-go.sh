#!/usr/bin/env bash
# Links Go's own cmd/go (~15 MB) the way `go build -ldflags=-linkmode=external` does, with
# plain gcc (GNU ld, bfd) and through portable-ld with each PORTABLE_LD_FUSE_LD choice,
# verification included, and prints the times and the ratios to gcc+bfd (the goal:
# >= 2x faster with auto). Then the same link through portable-ld without and with
# PORTABLE_LD_GLIBC=2.28, its stub cache warm and cold (the goal: <= 1.05x warm), and
# without and with PORTABLE_LD_PROVENANCE=on, its cache warm and cold (the same goal).
# Numbers to read, not a test.
#
#   bash bench/link-cmd-go.sh [PORTABLE_LD]      (default: build/bin/portable-ld)
#
# How: cmd/go is built once through portable-ld with PORTABLE_LD_REPRODUCE_ON=always, which
# keeps the external link's inputs (go.o, 000000.o, ...) in a bundle although Go deletes
# them; the bundle's recorded arguments are then linked again and again by each side with
# hyperfine. Needs hyperfine, mold and lld (installed if missing, as Debian packages).
set -euo pipefail

portable_ld=${1:-build/bin/portable-ld}
portable_ld=$(cd "$(dirname "$portable_ld")" && pwd)/$(basename "$portable_ld")
[[ -x $portable_ld ]] || { echo "link-cmd-go: build portable-ld first" >&2; exit 2; }

source "$(dirname "${BASH_SOURCE[0]}")/install-missing.sh"
install_missing link-cmd-go hyperfine mold lld golang-go gcc

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOCACHE=${PORTABLE_LD_BENCH_GOCACHE:-$work/gocache} GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local
export XDG_CACHE_HOME=$work/cache

# Prints hyperfine's results (JSON files, in order) as a table of means beside the first:
#   print_table TITLE faster|slower TARGET JSON...
# faster: the first's mean over each (how many times faster); slower: each over the first.
print_table() {
  python3 - "$@" <<'PY'
import json, sys
title, mode, target, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
results = [r for path in files for r in json.load(open(path))["results"]]
base = results[0]
print(f"\n{title}, mean of {len(base['times'])} runs:\n")
print(f"| link | mean | ± | vs {base['command']} |")
print("|---|---|---|---|")
for r in results:
    ratio = base["mean"] / r["mean"] if mode == "faster" else r["mean"] / base["mean"]
    print(f"| {r['command']} | {r['mean']*1000:.0f} ms | {r['stddev']*1000:.0f} ms | {ratio:.2f}x |")
print(f"\ntarget: {target}")
PY
}

# 1. The link to measure: cmd/go's, kept in a reproducer bundle. A fresh -X value makes
#    Go link again instead of taking the binary from its cache.
echo "link-cmd-go: building cmd/go once through portable-ld to capture its link" >&2
env PORTABLE_LD_REPRODUCE="$work/bundle" PORTABLE_LD_REPRODUCE_ON=always PORTABLE_LD_LOG=off \
  go build -o "$work/go-bin" \
  -ldflags="-linkmode=external -extld=$portable_ld -X main.benchNonce=$$-$RANDOM" cmd/go
mkdir -p "$work/link"
tar -xf "$work"/bundle/*.tar -C "$work/link" --strip-components=1
# The recorded arguments, with the bundled files and a fresh output, as a response file.
python3 - "$work/link" <<'PY'
import json, sys, os
root = sys.argv[1]
manifest = json.load(open(os.path.join(root, "reproduce.json")))
mapped = {f["original"]: os.path.join(root, f["bundled"]) for f in manifest["files"]}
args = [mapped.get(a, a) for a in manifest["args"]]
args = [os.path.join(root, "out") if a == manifest["output"] else a for a in args]
def quote(a):
    return "'" + a.replace("\\", "\\\\").replace("'", "\\'") + "'"
open(os.path.join(root, "args.rsp"), "w").write("\n".join(quote(a) for a in args) + "\n")
print(f"link-cmd-go: {len(args)} arguments, {len(manifest['files'])} input files, "
      f"{sum(os.path.getsize(p) for p in mapped.values()) / 1e6:.1f} MB of objects", file=sys.stderr)
PY
rsp=$work/link/args.rsp

# 2. The sides. Each portable-ld run verifies its output, as a real link does.
plain="cc @$rsp"
declare -A ours=(
  [bfd]="env PORTABLE_LD_FUSE_LD=bfd PORTABLE_LD_LOG=off $portable_ld @$rsp"
  [lld]="env PORTABLE_LD_FUSE_LD=lld PORTABLE_LD_LOG=off $portable_ld @$rsp"
  [mold]="env PORTABLE_LD_FUSE_LD=mold PORTABLE_LD_LOG=off $portable_ld @$rsp"
  [auto]="env PORTABLE_LD_FUSE_LD=auto PORTABLE_LD_LOG=off $portable_ld @$rsp"
)
hyperfine -N --warmup 1 --runs "${PORTABLE_LD_BENCH_RUNS:-5}" --export-json "$work/times.json" \
  -n "gcc (bfd)" "$plain" \
  -n "portable-ld bfd" "${ours[bfd]}" \
  -n "portable-ld lld" "${ours[lld]}" \
  -n "portable-ld mold" "${ours[mold]}" \
  -n "portable-ld auto" "${ours[auto]}" >&2

print_table "cmd/go's external link (auto chose: $(cut -f2 "$XDG_CACHE_HOME/portable-ld/fuse-ld" 2>/dev/null || echo '?'))" \
  faster "portable-ld auto >= 2.00x faster than gcc (bfd), verification included" "$work/times.json"

# setting_cost NAME LABEL SETTINGS LOG TITLE TARGET: the same link through portable-ld (bfd)
# without and with SETTINGS (words for env), each logging to LOG (or not: off); warm keeps
# its cache between runs, cold empties it before each.
setting_cost() {
  local name=$1 label=$2 settings=$3 log=$4 title=$5 target=$6
  local cache=$work/$name-cache log_without=$log log_with=$log
  if [[ $log != off ]]; then
    log_without=$work/$name-off.jsonl log_with=$work/$name-on.jsonl
  fi
  local without="env PORTABLE_LD_FUSE_LD=bfd PORTABLE_LD_LOG=$log_without $portable_ld @$rsp"
  local with="env XDG_CACHE_HOME=$cache $settings PORTABLE_LD_FUSE_LD=bfd PORTABLE_LD_LOG=$log_with $portable_ld @$rsp"
  hyperfine -N --warmup 1 --runs "${PORTABLE_LD_BENCH_RUNS:-5}" --export-json "$work/$name.json" \
    -n "portable-ld bfd" "$without" \
    -n "portable-ld bfd, $label, warm" "$with" >&2
  hyperfine -N --runs "${PORTABLE_LD_BENCH_RUNS:-5}" --export-json "$work/$name-cold.json" \
    --prepare "rm -rf $cache" \
    -n "portable-ld bfd, $label, cold" "$with" >&2
  print_table "$title" slower "$target" "$work/$name.json" "$work/$name-cold.json"
}

# 3. The glibc floor, PORTABLE_LD_GLIBC=2.28; cold: no stubs yet.
setting_cost floor "glibc 2.28" "PORTABLE_LD_GLIBC=2.28" off \
  "cmd/go's external link with a glibc floor" "glibc 2.28, warm <= 1.05x the link without it"

# 4. Provenance, logged (its record is the point): warm, the packaged files' hashes and
#    packages are cached (the warmup run fills the cache); Go's own objects are hashed
#    every time.
setting_cost provenance "logged, provenance on" "PORTABLE_LD_PROVENANCE=on" logged \
  "cmd/go's external link with provenance, logged" "provenance on, warm <= 1.05x the link without it"
