# lit configuration for portable-ld (see tests/README.md).
import os
import shutil

import lit.formats

config.name = "portable-ld"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".test"]
config.excludes = ["Inputs"]
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

# Features for tests that need a real toolchain.
if config.host_cc:
    config.available_features.add("cc")
    if os.path.exists("/usr/lib/x86_64-linux-gnu/libc.a") or os.path.exists("/usr/lib/libc.a"):
        config.available_features.add("static-libc")
if config.go:
    config.available_features.add("go")
    config.substitutions.append(("%go", config.go))

# CMake integration tests install this build into a prefix of their own and configure
# real projects against it.
if config.cmake and shutil.which("ninja"):
    config.available_features.add("cmake")
    config.substitutions.append(("%cmake", config.cmake))
    config.substitutions.append(("%cpack", config.cpack))
    if shutil.which("dpkg-deb"):
        config.available_features.add("dpkg")
    config.substitutions.append(("%build-dir", config.build_dir))
