#!/usr/bin/env bash
# Prints portable-ld's speed and memory beside its peers': process startup (/bin/true), the
# compiler driver it wraps (cc) for compiles and final links, and scanelf for `check`.
# It prints numbers and the targets next to them, never pass or fail: the targets are for
# people to read, and timings on a shared machine are too noisy to gate anything on.
#
#   bash bench/run-benchmarks.sh [PORTABLE_LD]      (default: build/bin/portable-ld)
#
# Installs what it measures with if missing (hyperfine, pax-utils for scanelf, time; the Go
# toolchain comes from .ci/install-deps). PORTABLE_LD_BENCH_GOCACHE names a Go build cache
# to keep between runs (the portable-ld-bench target keeps it in the build tree); without
# it the cache is temporary. Every pair is measured in 4 rounds of alternating order and the
# rounds are pooled, so a machine that speeds up or slows down favours neither side; the CPU
# time that other processes (and, in a VM, the host) took meanwhile is printed too.
# About 70 s on 2 cores.
set -euo pipefail

portable_ld=${1:-build/bin/portable-ld}
if [[ ! -x $portable_ld ]]; then
  echo "run-benchmarks: '$portable_ld' is not an executable; build it first (ninja -C build)" >&2
  exit 2
fi
portable_ld=$(cd "$(dirname "$portable_ld")" && pwd)/$(basename "$portable_ld")

# 1. Tools: the Debian packages this script needs, skipped when already installed.
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) # this directory, before any cd
source "$bench/install-missing.sh"
install_missing run-benchmarks hyperfine pax-utils time python3 golang-go gcc libc6-dev

work=$(mktemp -d "${TMPDIR:-/tmp}/portable-ld-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir -p bin results xdg-config

# A copy of portable-ld under its own name in a path without spaces: hyperfine runs every
# command without a shell (-N), since a shell would add more than the overhead measured, and
# a rebuild of the original during the run cannot break or change what is measured.
cp "$portable_ld" bin/portable-ld
pld=$work/bin/portable-ld

gocache=${PORTABLE_LD_BENCH_GOCACHE:-$work/gocache}

# No settings from the calling user's environment or config file; each step sets its own.
while IFS= read -r name; do
  unset "$name"
done < <(compgen -e | grep '^PORTABLE_LD_' || true)
export XDG_CONFIG_HOME=$work/xdg-config

manifest=$work/manifest.jsonl
: >"$manifest"
note() { echo "run-benchmarks: $*" >&2; }

# pair SECTION TARGET WARMUP RUNS PEER_LABEL PEER_COMMAND OURS_LABEL OURS_COMMAND
# Runs hyperfine 4 times, RUNS runs of each command a time, alternating which command goes
# first (peer-ours, ours-peer, ...), and records the exports for the table to pool.
rounds=4
pair() {
  local section=$1 target=$2 warmup=$3 runs=$4 peer_label=$5 peer=$6 ours_label=$7 ours=$8
  local id round files=()
  id=$(wc -l <"$manifest")
  id=${id// /}
  note "measuring: $section ($rounds rounds of $runs runs each, alternating order)"
  for ((round = 0; round < rounds; round++)); do
    local first=(-n "$peer_label" "$peer") second=(-n "$ours_label" "$ours")
    if ((round % 2 == 1)); then
      first=(-n "$ours_label" "$ours") second=(-n "$peer_label" "$peer")
    fi
    hyperfine -N --style none --warmup "$warmup" --runs "$runs" \
      --export-json "results/$id-$round.json" "${first[@]}" "${second[@]}" \
      >/dev/null 2>"results/$id-$round.err" || {
      cat "results/$id-$round.err" >&2
      exit 1
    }
    files+=("results/$id-$round.json")
  done
  python3 -c 'import json, sys; print(json.dumps(dict(zip(
      ["kind", "section", "target", "peer", "ours", "files"],
      ["pair", sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]]))))' \
    "$section" "$target" "$peer_label" "$ours_label" "${files[@]}" >>"$manifest"
}

# cpu_snapshot: clock ticks the whole machine spent busy and stolen, and that this script
# and its waited-for children spent, and the uptime, so the table can tell what other
# processes took from the measurements.
cpu_snapshot() {
  python3 -c 'import sys
cpu = open("/proc/stat").readline().split()[1:]
busy = sum(int(cpu[i]) for i in (0, 1, 2, 5, 6))
stat = open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")", 1)[1].split()
ours = sum(int(v) for v in stat[11:15])  # utime, stime, cutime, cstime
print(busy, int(cpu[7]), ours, open("/proc/uptime").read().split()[0])' "$$"
}

# peak_rss LABEL COMMAND...: peak resident set size in KiB of each of 7 runs.
peak_rss() {
  local label=$1
  shift
  local values=()
  for _ in 1 2 3 4 5 6 7; do
    /usr/bin/time -f %M -o rss.txt "$@" >/dev/null
    values+=("$(tail -n 1 rss.txt)")
  done
  python3 -c 'import json, sys; print(json.dumps({"kind": "rss", "label": sys.argv[1],
      "kib": [int(v) for v in sys.argv[2:]]}))' "$label" "${values[@]}" >>"$manifest"
}

# Inputs: a C file to compile, an object file to link, and a Go binary of ~15 MB to check.
cat >hello.c <<'EOF'
#include <stdio.h>
int main(void) {
  puts("hello");
  return 0;
}
EOF
cc -c hello.c -o main.o

note "building the Go binary for check and scanelf"
mkdir -p go
cat >go/main.go <<'EOF'
// A server-shaped program: net/http, crypto/tls, encoding/json and go/types, as a
// mid-sized Go tool links them.
package main

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"net/http"
	"os"
)

func main() {
	srv := &http.Server{Addr: ":0", TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"path": r.URL.Path})
	})
	if len(os.Args) > 2 {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, os.Args[1], nil, 0)
		if err == nil {
			conf := types.Config{Importer: importer.Default()}
			_, err = conf.Check("main", fset, []*ast.File{f}, nil)
		}
		fmt.Println(err, srv.ListenAndServeTLS(os.Args[1], os.Args[2]))
	}
}
EOF
mkdir -p "$gocache"
# Uncompressed DWARF, as many toolchains leave it: ~15 MB instead of ~10 MB.
(cd go && GOCACHE=$gocache GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local \
  go build -ldflags=-compressdwarf=false -o "$work/app" main.go)
bin=$work/app
# The same program linked static through portable-ld: check then also scans it for glibc's
# NSS hazards (.gopclntab, .rodata), which a dynamic binary does not need.
(cd go && GOCACHE=$gocache GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local \
  PORTABLE_LD_STATIC=1 PORTABLE_LD_NSS=ignore PORTABLE_LD_LOG=off \
  go build -ldflags="-compressdwarf=false -linkmode=external -extld=$pld" -o "$work/app-static" main.go 2>/dev/null)
static_bin=$work/app-static

# What the wrapped commands do, checked once with a log, so the timings compare like with like.
PORTABLE_LD_LOG=$work/sanity.jsonl "$pld" -c hello.c -o hello-pld.o
PORTABLE_LD_LOG=$work/sanity.jsonl "$pld" main.o -o main-pld
PORTABLE_LD_LOG=$work/sanity.jsonl PORTABLE_LD_STATIC=1 "$pld" main.o -o main-static-pld
"$pld" check "$bin" >/dev/null

# 2. Startup.
cpu_snapshot >cpu-before.txt
pair "startup" "-" 20 150 \
  "/bin/true" "/bin/true" \
  "portable-ld --version" "$pld --version"

# 3. Passthrough: a compile, which portable-ld hands to cc (exec when there is no log).
PORTABLE_LD_LOG=off pair "passthrough, log off" "2" 3 20 \
  "cc -c hello.c" "cc -c hello.c -o hello.o" \
  "portable-ld -c hello.c" "$pld -c hello.c -o hello.o"
PORTABLE_LD_LOG=$work/bench-log.jsonl pair "passthrough, log to file" "2" 3 20 \
  "cc -c hello.c" "cc -c hello.c -o hello.o" \
  "portable-ld -c hello.c" "$pld -c hello.c -o hello.o"

# 4. Final links, verification included (log off: the log's cost is the row above's).
PORTABLE_LD_LOG=off pair "final link, dynamic" "3" 3 15 \
  "cc main.o -o main" "cc main.o -o main" \
  "portable-ld main.o -o main" "$pld main.o -o main"
PORTABLE_LD_LOG=off PORTABLE_LD_STATIC=1 pair "final link, static" "3" 3 15 \
  "cc -static main.o" "cc -static main.o -o main-static" \
  "PORTABLE_LD_STATIC=1 portable-ld" "$pld main.o -o main-static"

# 5. check beside scanelf, on the Go binary.
pair "check vs scanelf" "1.0x" 10 50 \
  "scanelf -in BIN" "scanelf -in $bin" \
  "portable-ld check BIN" "$pld check $bin"

pair "check vs scanelf, static" "1.0x" 10 50 \
  "scanelf -in STATIC" "scanelf -in $static_bin" \
  "portable-ld check STATIC" "$pld check $static_bin"

# Many files in one call: the ELF files of /usr/bin, as a tree scan reads them.
python3 "$bench/elf-files.py" /usr/bin >many.txt
many=$(tr '\n' ' ' <many.txt)
pair "check vs scanelf, $(wc -l <many.txt) files" "1.0x" 3 15 \
  "scanelf -in /usr/bin/* (ELF)" "scanelf -in $many" \
  "portable-ld check /usr/bin/* (ELF)" "$pld check $many"

# 6. Memory.
note "measuring: peak RSS (7 runs each)"
# Each beside its own do-nothing run: the floor that the program's code alone costs.
peak_rss "scanelf -V" scanelf -V
peak_rss "scanelf -in BIN" scanelf -in "$bin"
peak_rss "portable-ld --version" "$pld" --version
peak_rss "portable-ld check BIN" "$pld" check "$bin"

cpu_snapshot >cpu-after.txt

# The table.
cat >report.py <<'EOF'
import json, os, platform, statistics, subprocess, sys

work, pld, binary = sys.argv[1:4]

def first_line(command):
    try:
        out = subprocess.run(command, capture_output=True, text=True).stdout
        return out.splitlines()[0].strip() if out else "?"
    except OSError:
        return "?"

def pooled(files, name):
    times = []
    for path in files:
        with open(os.path.join(work, path)) as f:
            for result in json.load(f)["results"]:
                if result["command"] == name:
                    times += result["times"]
    return [t * 1000 for t in times]

def cpu(files, name):
    """Mean user + system CPU ms: check reads files on every core, so its wall time
    and its CPU time differ; both are shown."""
    values = []
    for path in files:
        with open(os.path.join(work, path)) as f:
            for result in json.load(f)["results"]:
                if result["command"] == name:
                    values.append(result["user"] + result["system"])
    return 1000 * statistics.mean(values)

def row(section, label, times, extra=""):
    print(f"{section:<26} {label:<34} {statistics.mean(times):9.2f} "
          f"{statistics.median(times):9.2f} {statistics.stdev(times):7.2f} "
          f"{len(times):5d}  {extra}")

records = [json.loads(line) for line in open(os.path.join(work, "manifest.jsonl"))]
sanity = [json.loads(line) for line in open(os.path.join(work, "sanity.jsonl"))]
own = []
for record in (json.loads(l) for l in open(os.path.join(work, "bench-log.jsonl"))):
    d = record["duration_us"]
    own.append((d["total"] - d["backend"]) / 1000)

cpus = os.cpu_count()
print()
print("portable-ld benchmark")
print(f"  {first_line([pld, '--version'])}; backend: {first_line(['cc', '--version'])}")
print(f"  {first_line(['hyperfine', '--version'])}; {first_line(['scanelf', '-V'])}; "
      f"{first_line(['go', 'version'])}")
before, after = ([float(v) for v in open(os.path.join(work, name)).read().split()]
                 for name in ("cpu-before.txt", "cpu-after.txt"))
hz = os.sysconf("SC_CLK_TCK")
capacity = (after[3] - before[3]) * cpus  # CPU seconds the machine had while measuring
others = max(0.0, (after[0] - before[0]) - (after[2] - before[2])) / hz / capacity
stolen = (after[1] - before[1]) / hz / capacity
print(f"  {platform.system()} {platform.release()}, {cpus} CPUs; while measuring, other "
      f"processes used {100 * others:.0f}% and the host stole {100 * stolen:.0f}% of them")
if others > 0.05 or stolen > 0.05:
    print("  note: the machine was not quiet; medians are the steadier numbers, and a quiet "
          "machine gives the real ones")
size = os.path.getsize(binary)
verdict = first_line([pld, "check", binary]).split(": ", 1)[-1]
print(f"  BIN: Go program (net/http, crypto/tls, encoding/json, go/types), "
      f"{size / 1e6:.1f} MB ({size} bytes), {verdict}")
static_binary = os.path.join(work, "app-static")
static_verdict = first_line([pld, "check", static_binary]).split(": ", 1)[-1]
print(f"  STATIC: the same, linked static through portable-ld, "
      f"{os.path.getsize(static_binary) / 1e6:.1f} MB, {static_verdict}")
for s in sanity:
    d = s["duration_us"]
    print(f"  sanity: {' '.join(s['argv'][1:])} -> {s['role']}, {s['result']}, runs "
          f"'{' '.join(s['argv_run'])}', own {(d['total'] - d['backend']) / 1000:.2f} ms "
          f"(verify {d['verify'] / 1000:.2f} ms)")
print()
print(f"{'section':<26} {'command':<34} {'mean ms':>9} {'median ms':>9} {'sd ms':>7} "
      f"{'runs':>5}  comparison (target)")
print("-" * 120)
process_floor = None  # what starting one more process costs on this machine, in ms
for r in records:
    if r["kind"] != "pair":
        continue
    peer = pooled(r["files"], r["peer"])
    ours = pooled(r["files"], r["ours"])
    row(r["section"], r["peer"], peer)
    if r["peer"] == "/bin/true":
        process_floor = statistics.median(peer)
    pm, om = statistics.mean(peer), statistics.mean(ours)
    pd, od = statistics.median(peer), statistics.median(ours)
    target = r["target"]
    if target == "-":
        extra = (f"startup {om:.2f} ms mean; +{om - pm:.2f} ms over /bin/true "
                 f"(median +{od - pd:.2f} ms)")
    elif target.endswith("x"):
        extra = (f"ratio {om / pm:.2f}x mean, {od / pd:.2f}x median "
                 f"(target <= {target})")
    else:
        extra = (f"overhead {100 * (om - pm) / pm:+.1f}% mean, {100 * (od - pd) / pd:+.1f}% "
                 f"median, {om - pm:+.2f} ms (target <= {target}%)")
        if process_floor:
            extra += f"; one /bin/true = {100 * process_floor / pd:.1f}%"
    if r["section"].startswith("check"):
        extra += (f"; CPU {cpu(r['files'], r['ours']):.2f} ms vs "
                  f"{cpu(r['files'], r['peer']):.2f} ms")
    row("", r["ours"], ours, extra)
    if r["section"] == "passthrough, log to file" and own:
        print(f"{'':<26} {'  (own time, from its log)':<34} {statistics.mean(own):9.2f} "
              f"{statistics.median(own):9.2f} {statistics.stdev(own):7.2f} {len(own):5d}  "
              "total - backend, as portable-ld records it")
print()
rss = {r["label"]: statistics.median(r["kib"]) / 1024 for r in records if r["kind"] == "rss"}
rss_max = {r["label"]: max(r["kib"]) / 1024 for r in records if r["kind"] == "rss"}
print(f"{'section':<26} {'command':<34} {'median MiB':>10} {'max MiB':>9}  comparison")
print("-" * 120)
comparisons = {
    "scanelf -in BIN": f"{rss['scanelf -in BIN'] - rss['scanelf -V']:+.2f} MiB over its -V",
    "portable-ld check BIN":
        f"ratio {rss['portable-ld check BIN'] / rss['scanelf -in BIN']:.2f}x scanelf -in BIN; "
        f"{rss['portable-ld check BIN'] - rss['portable-ld --version']:+.2f} MiB over its "
        "--version",
}
for i, label in enumerate(rss):
    print(f"{'peak RSS (7 runs)' if i == 0 else '':<26} {label:<34} {rss[label]:10.2f} "
          f"{rss_max[label]:9.2f}  {comparisons.get(label, '')}")
print(f"{'':<26} (a do-nothing run's RSS is mostly the program's own code pages, which the "
      "kernel maps in ahead of use)")
EOF
python3 report.py "$work" "$pld" "$bin"
