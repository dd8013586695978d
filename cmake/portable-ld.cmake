# portable-ld toolchain file: every C and C++ link of the project goes through portable-ld
# (logged, verified, and static when asked), the way CMAKE_<LANG>_COMPILER_LAUNCHER=ccache
# wraps compiles.
#
#   cmake -S . -B build --toolchain <prefix>/share/portable-ld/portable-ld.cmake \
#         [-DPORTABLE_LD_STATIC=ON] [-DPORTABLE_LD_GLIBC=2.28] [-DPORTABLE_LD_LOG=/abs/links.jsonl]
#
# Cache variables:
#   PORTABLE_LD_STATIC           every final link must be static (default OFF)
#   PORTABLE_LD_GLIBC            dynamic programs are made for this glibc or newer, e.g. 2.28
#                                (docs/glibc-floor.md; default: the host's)
#   PORTABLE_LD_LOG              absolute path of the JSON-lines log (default: portable-ld's)
#   PORTABLE_LD_CHAIN_TOOLCHAIN  another toolchain file (compilers, sysroot) read first
#   PORTABLE_LD_EXECUTABLE       the portable-ld binary (default: the one beside this file)
# CMake's try_compile probes go through the launcher too; portable-ld classifies their
# cmTC_* links as probes and never enforces or reports on them.

if(DEFINED PORTABLE_LD_CHAIN_TOOLCHAIN AND NOT PORTABLE_LD_CHAIN_TOOLCHAIN STREQUAL "")
  include("${PORTABLE_LD_CHAIN_TOOLCHAIN}")
endif()

# try_compile projects read this file again; these make the settings reach them.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES
  PORTABLE_LD_STATIC PORTABLE_LD_GLIBC PORTABLE_LD_LOG PORTABLE_LD_CHAIN_TOOLCHAIN
  PORTABLE_LD_EXECUTABLE)

if(NOT PORTABLE_LD_EXECUTABLE)
  find_program(PORTABLE_LD_EXECUTABLE portable-ld
    HINTS "${CMAKE_CURRENT_LIST_DIR}/../../bin" NO_DEFAULT_PATH)
  find_program(PORTABLE_LD_EXECUTABLE portable-ld)
endif()
if(NOT PORTABLE_LD_EXECUTABLE)
  message(FATAL_ERROR "portable-ld toolchain: the portable-ld program was not found; set "
                      "PORTABLE_LD_EXECUTABLE to its path")
endif()

set(_portable_ld_launcher "${PORTABLE_LD_EXECUTABLE}" --launcher)
if(PORTABLE_LD_STATIC)
  list(APPEND _portable_ld_launcher --static)
endif()
if(DEFINED PORTABLE_LD_GLIBC AND NOT PORTABLE_LD_GLIBC STREQUAL "")
  list(APPEND _portable_ld_launcher "--glibc=${PORTABLE_LD_GLIBC}")
endif()
if(DEFINED PORTABLE_LD_LOG AND NOT PORTABLE_LD_LOG STREQUAL "")
  list(APPEND _portable_ld_launcher "--log=${PORTABLE_LD_LOG}")
endif()
set(CMAKE_C_LINKER_LAUNCHER "${_portable_ld_launcher}")
set(CMAKE_CXX_LINKER_LAUNCHER "${_portable_ld_launcher}")
unset(_portable_ld_launcher)
