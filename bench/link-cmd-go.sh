#!/usr/bin/env bash
# Links Go's own cmd/go (~15 MB) the way `go build -ldflags=-linkmode=external` does, with
# plain gcc (GNU ld, bfd) and through portable-ld with each PORTABLE_LD_FUSE_LD choice,
# verification included, and prints the times and the ratios to gcc+bfd (the goal:
# >= 2x faster with auto). Numbers to read, not a test.
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

packages=(hyperfine mold lld golang-go gcc)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  sudo=(); [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOCACHE=${PORTABLE_LD_BENCH_GOCACHE:-$work/gocache} GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local
export XDG_CACHE_HOME=$work/cache

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

python3 - "$work/times.json" "$(cat "$XDG_CACHE_HOME/portable-ld/fuse-ld" 2>/dev/null | cut -f2)" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]["mean"]
print(f"\ncmd/go's external link (auto chose: {sys.argv[2] or '?'}), mean of {len(results[0]['times'])} runs:\n")
print("| link | mean | ± | vs gcc (bfd) |")
print("|---|---|---|---|")
for r in results:
    print(f"| {r['command']} | {r['mean']*1000:.0f} ms | {r['stddev']*1000:.0f} ms | {base / r['mean']:.2f}x |")
print("\ntarget: portable-ld auto >= 2.00x faster than gcc (bfd), verification included")
PY
