#!/usr/bin/env bash
# Run Go's own cgo test suites three ways and compare (docs/go-cgo-suites.md):
#
#   gcc        baseline: CC=gcc, default link mode
#   cc=pld     CC=PORTABLE_LD (cmd/go compiles through it, cmd/link uses it as extld)
#   extld=pld  CC=gcc, go test -ldflags='-linkmode=external -extld=PORTABLE_LD'
#
# usage: run-cgo-suites.sh PORTABLE_LD GO [WORKDIR]
#
# The suites are copied into WORKDIR (the Go tree is only read): Go <= 1.20 keeps them in
# $GOROOT/misc/cgo (module "misc"); Go >= 1.21 in $GOROOT/src/cmd/cgo/internal, packages of
# the cmd module that import internal/testenv, so they run in a shadow GOROOT under WORKDIR
# (symbolic links into the real one, with src/cmd/cgo/internal a real copy).
# Each package's `go test -count=1 -json` events are counted (pass/fail/skip; "nested" are
# results that a harness test prints from a go test it runs itself). Exit status is 1 when
# the baseline fails, when a portable-ld mode's results differ from the baseline, when
# portable-ld was not used (no final-link record in PORTABLE_LD_LOG) or the baseline used it,
# or when the Go tree changed; 2 on a usage error. See docs/go-cgo-suites.md.
#
# Environment knobs:
#   CGO_SUITES        packages to run (directory names), default: every one of the list below
#                     that the toolchain has
#   CGO_SUITES_SHORT  1 (default) passes -short; 0 runs the long variants (testcshared,
#                     testcarchive skip everything under -short)
#   CGO_SUITES_MODES  modes to run, default "gcc cc=pld extld=pld" (the baseline always runs)
set -euo pipefail

usage() { echo "usage: $0 PORTABLE_LD GO [WORKDIR]" >&2; exit 2; }
[[ $# -ge 2 && $# -le 3 ]] || usage
die() { echo "run-cgo-suites: error: $*" >&2; exit 2; }

PLD=$(realpath -e -- "$1") || die "portable-ld '$1' not found"
[[ -x $PLD && ! -d $PLD ]] || die "portable-ld '$PLD' is not executable"
GO=$(realpath -e -- "$2") || die "go '$2' not found"
[[ -x $GO && ! -d $GO ]] || die "go '$GO' is not executable"
# GOFLAGS (used to hand -extld to the harnesses' own go commands) cannot quote spaces.
[[ $PLD != *[[:space:]]* ]] || die "portable-ld path '$PLD' contains white space"

auto_workdir=0
if [[ $# -eq 3 ]]; then
  mkdir -p -- "$3"
  WORKDIR=$(realpath -e -- "$3")
else
  WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/cgo-suites.XXXXXX")
  auto_workdir=1
fi
[[ $WORKDIR != *[[:space:]]* ]] || die "work dir '$WORKDIR' contains white space"

# ---------------------------------------------------------------- environment
# Nothing from the caller's Go or portable-ld settings leaks in.
unset GOOS GOARCH GOPATH GOBIN GOWORK GO111MODULE GOEXPERIMENT GODEBUG GOROOT GOFLAGS \
      CGO_CFLAGS CGO_CPPFLAGS CGO_CXXFLAGS CGO_FFLAGS CGO_LDFLAGS CXX FC \
      GO_BUILDER_NAME GO_GCFLAGS GOAMD64 GOMAXPROCS
while IFS='=' read -r name _; do
  [[ $name == PORTABLE_LD_* ]] && unset "$name"
done < <(env)
export LC_ALL=C GOENV=off GOTOOLCHAIN=local GOPROXY=off GOSUMDB=off GOFLAGS=-mod=mod \
       CGO_ENABLED=1
export GOCACHE=$WORKDIR/cache GOPATH=$WORKDIR/gopath GOMODCACHE=$WORKDIR/gopath/pkg/mod
export PORTABLE_LD_CC=gcc                               # the same backend as the baseline
export PORTABLE_LD_CONFIG=$WORKDIR/portable-ld.config   # empty: no user config file
mkdir -p "$GOCACHE" "$GOPATH"
: > "$PORTABLE_LD_CONFIG"
command -v gcc > /dev/null || die "gcc not found"
command -v python3 > /dev/null || die "python3 not found"

REAL_GOROOT=$("$GO" env GOROOT)
GOVERSION=$("$GO" env GOVERSION)
REAL_GOROOT=$(realpath -e -- "$REAL_GOROOT")
goroot_src=$(realpath -e -- "$REAL_GOROOT/src")

# ---------------------------------------------------------------- copy the suites
rm -rf -- "$WORKDIR/src" "$WORKDIR/goroot" "$WORKDIR/results" "$WORKDIR/logs"
mkdir -p "$WORKDIR/results" "$WORKDIR/logs"
marker=$WORKDIR/results/.start
touch "$marker"

if [[ -d $goroot_src/cmd/cgo/internal/test ]]; then
  layout=internal
  # Shadow GOROOT: every top-level entry is a link into the real one, except src; along the
  # path src/cmd/cgo/internal every directory is real and holds links to its siblings; the
  # suites themselves are copies. GOROOT points here, so `go test cmd/cgo/internal/X`
  # builds the copies and internal/testenv, cmd/internal/... resolve through the links.
  shadow() { # REALDIR SHADOWDIR SKIP: link every entry of REALDIR but SKIP
    mkdir -p -- "$2"
    local e
    for e in "$1"/* "$1"/.[!.]*; do
      [[ -e $e || -L $e ]] || continue
      [[ ${e##*/} == "$3" ]] && continue
      ln -s -- "$e" "$2/${e##*/}"
    done
  }
  mkdir -p "$WORKDIR/goroot"
  for e in "$REAL_GOROOT"/*; do
    [[ ${e##*/} == src ]] && continue
    ln -s -- "$(realpath -e -- "$e")" "$WORKDIR/goroot/${e##*/}"
  done
  shadow "$goroot_src" "$WORKDIR/goroot/src" cmd
  shadow "$goroot_src/cmd" "$WORKDIR/goroot/src/cmd" cgo
  shadow "$goroot_src/cmd/cgo" "$WORKDIR/goroot/src/cmd/cgo" internal
  cp -R -- "$goroot_src/cmd/cgo/internal" "$WORKDIR/goroot/src/cmd/cgo/internal"
  chmod -R u+w -- "$WORKDIR/goroot/src/cmd/cgo/internal"
  export GOROOT=$WORKDIR/goroot
  suite_dir=$GOROOT/src/cmd/cgo/internal
  run_dir=$WORKDIR
  pkg_path() { echo "cmd/cgo/internal/$1"; }
  known="test testtls testnocgo teststdio testlife testso testgodefs testerrors testfortran"
elif [[ -d $REAL_GOROOT/misc/cgo/test ]]; then
  layout=misc
  # Module "misc" as in the Go tree: the copy is $WORKDIR/src/misc/{go.mod,cgo/...}.
  mkdir -p "$WORKDIR/src/misc"
  cp -- "$REAL_GOROOT/misc/go.mod" "$WORKDIR/src/misc/go.mod"
  cp -R -- "$REAL_GOROOT/misc/cgo" "$WORKDIR/src/misc/cgo"
  chmod -R u+w -- "$WORKDIR/src"
  export GOROOT=$REAL_GOROOT
  suite_dir=$WORKDIR/src/misc/cgo
  run_dir=$WORKDIR/src/misc
  pkg_path() { echo "./cgo/$1"; }
  known="test testtls nocgo stdio life testso testsovar testgodefs errors fortran"
else
  echo "run-cgo-suites: $GOVERSION ($REAL_GOROOT) has no cgo test suites" \
       "(install golang-X.Y-src)" >&2
  exit 1
fi
# The harnesses run "go" from PATH: make it this toolchain.
export PATH=$GOROOT/bin:$PATH

packages=()
left_out=()
for p in ${CGO_SUITES:-$known}; do
  if [[ ! -d $suite_dir/$p ]]; then
    left_out+=("$p (not in $GOVERSION)")
  elif [[ $p == fortran ]] && ! command -v gfortran > /dev/null; then
    left_out+=("$p (no gfortran)")      # testfortran (>= 1.21) skips by itself
  else
    packages+=("$p")
  fi
done
[[ ${#packages[@]} -gt 0 ]] || die "no package to run"

modes=(gcc)
for m in ${CGO_SUITES_MODES:-cc=pld extld=pld}; do
  case $m in
    gcc) ;;
    cc=pld | extld=pld) modes+=("$m") ;;
    *) die "unknown mode '$m'" ;;
  esac
done
short=()
[[ ${CGO_SUITES_SHORT:-1} == 0 ]] || short=(-short)

# ---------------------------------------------------------------- counting
cat > "$WORKDIR/results/count.py" << 'EOF'
# count.py JSON NAMES LOG: summarise `go test -json` output and a portable-ld log.
# Prints: result pass fail skip nested_pass nested_fail nested_skip records links links_bad
import json, re, sys
json_path, names_path, log_path = sys.argv[1:4]
pkg_result, results, nested = "build-failed", {}, {}
nested_re = re.compile(r"^\s*--- (PASS|FAIL|SKIP): (\S+)")
outputs = []
with open(json_path, errors="replace") as f:
    for line in f:
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if not isinstance(e, dict):
            continue
        act, test = e.get("Action"), e.get("Test")
        if act in ("pass", "fail", "skip"):
            if test:
                results[test] = act
            else:
                pkg_result = act
        elif act == "output" and test:
            outputs.append((test, e.get("Output", "")))
# A "--- PASS: X" line naming no test of this package comes from a go test that a
# harness test ran itself (misc/cgo/test's TestCrossPackageTests).
for test, out in outputs:
    m = nested_re.match(out)
    if m and m.group(2) not in results:
        nested[test + " > " + m.group(2)] = m.group(1).lower()
with open(names_path, "w") as f:
    for name in sorted(results):
        f.write("%s %s\n" % (results[name], name))
    for name in sorted(nested):
        f.write("%s %s\n" % (nested[name], name))
def count(d, a):
    return sum(1 for v in d.values() if v == a)
records = links = links_bad = 0
try:
    with open(log_path, errors="replace") as f:
        for line in f:
            try:
                r = json.loads(line)
            except ValueError:
                continue
            records += 1
            if r.get("role") == "final-link":
                links += 1
                if r.get("result") not in ("ok", "backend-failed"):
                    links_bad += 1
except FileNotFoundError:
    pass
print(pkg_result, count(results, "pass"), count(results, "fail"), count(results, "skip"),
      count(nested, "pass"), count(nested, "fail"), count(nested, "skip"),
      records, links, links_bad)
EOF

# ---------------------------------------------------------------- golden-file runner
# Go <= 1.20's stdio and life harnesses run their programs through $GOROOT/test/run.go,
# which clears GOFLAGS for every go command: under -extld only the (pure Go) harness itself
# would reach portable-ld. So these two run their programs directly, the way run.go does
# (`// run FLAGS` on line 1: `go run FLAGS FILE`, combined output compared with FILE.out),
# in a copy of testdata that is module cgostdio / cgolife, one "test" per program.
declare -A golden=()
if [[ $layout == misc ]]; then
  golden=([stdio]=cgostdio [life]=cgolife)
fi
run_golden() { # PKG MODULE OUT; uses env and ldflags of the mode
  local p=$1 dir=$WORKDIR/src/golden/$2 f first flags prog res pkg_res=pass
  if [[ ! -d $dir ]]; then
    mkdir -p "${dir%/*}"
    cp -R -- "$suite_dir/$p/testdata" "$dir"
    chmod -R u+w -- "$dir"
    echo "module $2" > "$dir/go.mod"
  fi
  : > "$3.json"
  : > "$3.stderr"
  for f in "$dir"/*.go; do
    IFS= read -r first < "$f" || true
    [[ $first == "// run"* && -f ${f%.go}.out ]] || continue
    read -r -a flags <<< "${first#// run}"
    prog=${f##*/}
    res=pass
    (cd "$dir" && env "${env[@]}" "$GOROOT/bin/go" run "${flags[@]}" "${ldflags[@]}" "$prog") \
      > "$3.$prog.out" 2>&1 || res=fail
    if [[ $res == pass ]] && ! cmp -s "$3.$prog.out" "${f%.go}.out"; then
      res=fail
    fi
    if [[ $res == fail ]]; then
      pkg_res=fail
      { echo "--- $prog: go run ${flags[*]} ${ldflags[*]} $prog:"; cat "$3.$prog.out"; } >> "$3.stderr"
    fi
    printf '{"Action":"%s","Package":"%s","Test":"%s"}\n' "$res" "$2" "$prog" >> "$3.json"
  done
  printf '{"Action":"%s","Package":"%s"}\n' "$pkg_res" "$2" >> "$3.json"
  [[ $pkg_res == pass ]]
}

# ---------------------------------------------------------------- run
echo "run-cgo-suites: $GOVERSION ($layout layout), portable-ld $PLD"
echo "run-cgo-suites: work dir $WORKDIR; packages: ${packages[*]}; flags: -count=1 ${short[*]}"
[[ ${#left_out[@]} -eq 0 ]] || echo "run-cgo-suites: left out: ${left_out[*]}"

declare -A row
problems=()
show=()
total_start=$(date +%s.%N)
for p in "${packages[@]}"; do
  for m in "${modes[@]}"; do
    tag=${m%%=*}
    out=$WORKDIR/results/$p.$tag
    log=$WORKDIR/logs/$p.$tag.jsonl
    env=(PORTABLE_LD_LOG="$log")
    ldflags=()
    case $m in
      gcc) env+=(CC=gcc) ;;
      cc=pld) env+=(CC="$PLD") ;;
      extld=pld)
        env+=(CC=gcc GOFLAGS="-mod=mod -ldflags=-extld=$PLD")  # for the harnesses' own go commands
        ldflags=("-ldflags=-linkmode=external -extld=$PLD") ;;
    esac
    start=$(date +%s.%N)
    rc=0
    if [[ -n ${golden[$p]:-} ]]; then
      run_golden "$p" "${golden[$p]}" "$out" || rc=$?
    else
      (cd "$run_dir" &&
         env "${env[@]}" "$GOROOT/bin/go" test -count=1 -json "${short[@]}" "${ldflags[@]}" \
           "$(pkg_path "$p")") > "$out.json" 2> "$out.stderr" || rc=$?
    fi
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    read -r res np nf ns nnp nnf nns recs links bad < <(
      python3 "$WORKDIR/results/count.py" "$out.json" "$out.names" "$log")
    row[$p.$tag]="$res $np $nf $ns $nnp/$nnf/$nns $recs $links $bad $secs $rc"
    printf '  %-11s %-9s %-12s pass %3s fail %3s skip %3s nested %-8s pld %4s/%-3s %6ss\n' \
      "$p" "$m" "$res" "$np" "$nf" "$ns" "$nnp/$nnf/$nns" "$links" "$recs" "$secs"

    if [[ $m == gcc ]]; then
      if [[ $res != pass || $nf != 0 || $nnf != 0 || $rc != 0 ]]; then
        problems+=("$p: the baseline (plain gcc) fails: see $out.json, $out.stderr")
        show+=("$out")
      fi
      if [[ $recs != 0 ]]; then
        problems+=("$p: the baseline ran portable-ld ($recs records in $log)")
      fi
      continue
    fi
    base=$WORKDIR/results/$p.gcc
    read -r bres bnp bnf bns bnested _ <<< "${row[$p.gcc]}"
    if [[ "$res $np $nf $ns $nnp/$nnf/$nns" != "$bres $bnp $bnf $bns $bnested" ]]; then
      problems+=("$p: $m differs from gcc: $res $np/$nf/$ns nested $nnp/$nnf/$nns vs $bres $bnp/$bnf/$bns nested $bnested; see $out.json, $out.stderr")
      show+=("$out")
    elif ! cmp -s "$base.names" "$out.names"; then
      problems+=("$p: $m: same counts as gcc but other tests: diff $base.names $out.names")
    fi
    # portable-ld must really have been used: a final link in every package, but under
    # CC=portable-ld a pure Go binary links internally, without any external linker:
    # nocgo's test binary (nothing runs portable-ld at all), testgodefs' (cgo -godefs
    # compiles through it, its output is Go).
    need_links=1 need_records=1
    if [[ $m == cc=pld ]]; then
      case $p in
        nocgo | testnocgo) need_links=0 need_records=0 ;;
        testgodefs) need_links=0 ;;
      esac
    fi
    if [[ $links -lt $need_links ]]; then
      problems+=("$p: $m: no final-link record in $log: portable-ld did not link")
    elif [[ $recs -lt $need_records ]]; then
      problems+=("$p: $m: no record in $log: portable-ld was not used")
    fi
  done
done
total_secs=$(awk -v a="$total_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')

# ---------------------------------------------------------------- the Go tree is untouched
changed=$(find -L "$REAL_GOROOT" -newer "$marker" -print 2> /dev/null | head -5 || true)
if [[ -n $changed ]]; then
  problems+=("the Go tree changed during the run: ${changed//$'\n'/ }")
fi

# ---------------------------------------------------------------- table
{
  echo
  echo "$GOVERSION: go test -count=1 ${short[*]}${short[*]:+ }-json, $total_secs s in all"
  echo
  echo "| package | mode | result | pass | fail | skip | nested p/f/s | pld final links | pld records | time (s) | vs gcc |"
  echo "|---|---|---|---:|---:|---:|---|---:|---:|---:|---|"
  for p in "${packages[@]}"; do
    for m in "${modes[@]}"; do
      tag=${m%%=*}
      read -r res np nf ns nested recs links bad secs rc <<< "${row[$p.$tag]}"
      verdict=baseline
      if [[ $m != gcc ]]; then
        read -r bres bnp bnf bns bnested _ <<< "${row[$p.gcc]}"
        if [[ "$res $np $nf $ns $nested" == "$bres $bnp $bnf $bns $bnested" ]] &&
           cmp -s "$WORKDIR/results/$p.gcc.names" "$WORKDIR/results/$p.$tag.names"; then
          verdict=same
        else
          verdict=DIFFERS
        fi
      fi
      [[ $bad == 0 ]] || links="$links ($bad not ok)"
      echo "| $p | $m | $res | $np | $nf | $ns | $nested | $links | $recs | $secs | $verdict |"
    done
  done
} | tee "$WORKDIR/results/summary.md"

if [[ ${#problems[@]} -gt 0 ]]; then
  for out in ${show[@]+"${show[@]}"}; do
    echo
    echo "run-cgo-suites: ${out##*/}: failing tests and the end of stderr:"
    grep -h '"Action":"fail"' "$out.json" | head -n 20 || true
    tail -n 20 "$out.stderr"
  done
  echo
  for x in "${problems[@]}"; do echo "run-cgo-suites: FAIL: $x"; done
  echo "run-cgo-suites: results and logs kept in $WORKDIR"
  exit 1
fi
echo
echo "run-cgo-suites: OK: every portable-ld mode matches plain gcc ($GOVERSION)"
if [[ $auto_workdir == 1 ]]; then
  chmod -R u+w -- "$WORKDIR" && rm -rf -- "$WORKDIR"
else
  echo "run-cgo-suites: results and logs in $WORKDIR/results, $WORKDIR/logs"
fi
