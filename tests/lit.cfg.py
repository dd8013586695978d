# lit configuration for portable-ld (see tests/README.md).
import glob
import os
import shutil
import subprocess

import lit.formats

config.name = "portable-ld"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".test"]
# unit/ holds the doctest unit tests, which ctest runs as `unit`.
config.excludes = ["Inputs", "unit", "layers"]
config.test_source_root = os.path.dirname(__file__)

# A clean, reproducible environment: no portable-ld settings leak in from the caller,
# messages are in English, and the default log and config locations are private to
# the test tree (tests that read the log point PORTABLE_LD_LOG at %t).
for name in list(os.environ):
    if name.startswith("PORTABLE_LD_") or name in ("CC", "CXX", "GOFLAGS", "NO_COLOR"):
        config.environment.pop(name, None)
config.environment["LC_ALL"] = "C"
scratch = os.path.join(config.test_exec_root, "scratch")
config.environment["XDG_STATE_HOME"] = os.path.join(scratch, "state")
config.environment["XDG_CONFIG_HOME"] = os.path.join(scratch, "config")
config.environment["HOME"] = os.path.join(scratch, "home")

# Go: a shared build cache inside the build tree, no network, no toolchain switching.
config.environment["GOCACHE"] = config.go_cache
config.environment["GOPATH"] = os.path.join(scratch, "gopath")
config.environment["GOPROXY"] = "off"
config.environment["GOTOOLCHAIN"] = "local"
config.environment["GOFLAGS"] = "-mod=mod"

bin_dir = os.path.dirname(config.portable_ld)
config.environment["PATH"] = os.pathsep.join(
    [bin_dir, config.llvm_tools_dir, os.environ.get("PATH", "")])

inputs = os.path.join(config.test_source_root, "Inputs")
config.substitutions.append(("%portable-ld", config.portable_ld))
config.substitutions.append(("%fake-cc", os.path.join(inputs, "fake-cc")))
config.substitutions.append(("%inputs", inputs))
config.substitutions.append(("%python", config.python))

# Tests that feed hostile files bound portable-ld's memory. ASan reserves terabytes of
# address space for its shadow, which `ulimit -v` forbids: a sanitized build is bounded by
# ASan's own RSS limit instead, and every finding aborts the test that caused it.
if config.sanitize:
    config.environment["ASAN_OPTIONS"] = "abort_on_error=1:detect_leaks=1:hard_rss_limit_mb=2000"
    config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    config.substitutions.append(("%ulimit-memory", "true"))
    config.available_features.add("sanitized")
else:
    config.substitutions.append(("%ulimit-memory", "ulimit -v 2000000"))

# Features for tests that need a real toolchain.
if config.host_cc:
    config.available_features.add("cc")
    if os.path.exists("/usr/lib/x86_64-linux-gnu/libc.a") or os.path.exists("/usr/lib/libc.a"):
        config.available_features.add("static-libc")
    # Libraries whose static links fail for what they lack: libxml2.a (which needs zlib,
    # liblzma, libm and ICU, and has a pkg-config module), and z3 (Debian ships only
    # libz3.so). Both come with llvm-14-dev, and .ci/install-deps names them.
    def found_by_cc(name):
        found = subprocess.run([config.host_cc, "-print-file-name=" + name],
                               capture_output=True, text=True).stdout.strip()
        return os.path.isabs(found) and os.path.exists(found)
    if found_by_cc("libxml2.a") and shutil.which("pkg-config"):
        config.available_features.add("libxml2-static")
    if found_by_cc("libz3.so") and not found_by_cc("libz3.a"):
        config.available_features.add("z3-shared-only")
# Go: `--param go=PATH` picks another toolchain (ctest runs tests/go once per toolchain).
# Features name its release, for tests of behaviour that changed between releases.
go = lit_config.params.get("go", config.go)
if go:
    import subprocess
    version = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True,
                             env=dict(config.environment, PATH=os.environ.get("PATH", "")))
    release = version.stdout.strip()  # "go1.23.5"
    parts = release[2:].split(".") if release.startswith("go1.") else []
    if len(parts) >= 2 and parts[1].isdigit():
        minor = int(parts[1])
        config.available_features.add("go")
        config.available_features.add("go1.%d" % minor)
        # Go 1.21 made cmd/go add runtime/cgo to every external link and pass long
        # command lines to the extld in a response file.
        config.available_features.add("go-before-1.21" if minor < 21 else "go-1.21-or-later")
        # FileCheck prefix suffix for argv that differ by release: Go < 1.21 passes
        # -rdynamic to the extld, Go >= 1.21 -Wl,--export-dynamic-symbol=... instead.
        config.substitutions.append(("%go-era", "rdynamic" if minor < 21 else "exportsym"))
        config.substitutions.append(("%go", go))
        config.name = "portable-ld"
        lit_config.note("Go toolchain: %s (%s)" % (go, release))
    else:
        lit_config.warning("cannot run %s env GOVERSION; Go tests are skipped" % go)

# musl-gcc for PORTABLE_LD_LIBC=musl; chroot into an empty directory (root only) to run a
# static binary with nothing around it.
for linker, program in (("mold", "mold"), ("lld", "ld.lld"), ("gold", "ld.gold")):
    if shutil.which(program):
        config.available_features.add(linker)
if shutil.which("clang"):
    config.available_features.add("clang")
# A cross C toolchain for arm64 (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross) and
# qemu-user to run what it builds.
if shutil.which("aarch64-linux-gnu-gcc") and os.path.exists("/usr/aarch64-linux-gnu/lib/libc.a"):
    config.available_features.add("aarch64-cc")
if shutil.which("qemu-aarch64"):
    config.available_features.add("qemu-aarch64")
if shutil.which("musl-gcc"):
    config.available_features.add("musl")
if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("chroot"):
    config.available_features.add("chroot")
# An older Debian root, made by ctest's `roots` step (tests/roots/make-root) in the build
# tree (PORTABLE_LD_ROOTS_DIR): programs run there as on a real bullseye system (glibc 2.31).
bullseye_root = os.path.join(config.roots_dir, "bullseye")
if os.path.exists(os.path.join(bullseye_root, ".complete")):
    config.available_features.add("bullseye-root")
    config.substitutions.append(("%bullseye-root", bullseye_root))
    if glob.glob(os.path.join(bullseye_root, "usr/lib/*/libsqlite3.so.0")):
        config.available_features.add("bullseye-sqlite")
# Debian's go-sqlite3 source (golang-github-mattn-go-sqlite3-dev), which links the
# system's libsqlite3 (-tags libsqlite3).
go_sqlite3 = "/usr/share/gocode/src/github.com/mattn/go-sqlite3"
if os.path.exists(os.path.join(go_sqlite3, "go.mod")) and os.path.exists("/usr/include/sqlite3.h"):
    config.available_features.add("go-sqlite3")
    config.substitutions.append(("%sqlite3-go-source", go_sqlite3))

# SBOMs are validated against CycloneDX's own JSON schema (tests/Inputs/cyclonedx) with
# python3-jsonschema, in the interpreter the tests run.
if subprocess.run([config.python, "-c", "import jsonschema"],
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
    config.available_features.add("jsonschema")

# CMake integration tests install this build into a prefix of their own and configure
# real projects against it.
if config.cmake and shutil.which("ninja"):
    config.available_features.add("cmake")
    config.substitutions.append(("%cmake", config.cmake))
    config.substitutions.append(("%cpack", config.cpack))
    if shutil.which("dpkg-deb"):
        config.available_features.add("dpkg")
    config.substitutions.append(("%build-dir", config.build_dir))
