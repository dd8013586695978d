# Warning flags for portable-ld's own sources, as an INTERFACE target so that
# third-party headers (LLVM, Boost) are not held to them.
#
# PORTABLE_LD_WERROR (default ON) makes those warnings errors, so that the build stays
# warning-free; turn it off for a compiler that warns about something new
# (-DPORTABLE_LD_WERROR=OFF). It covers compiling only: the linker's warnings (glibc's
# "Using 'getpwnam' in statically linked applications") are not affected.
option(PORTABLE_LD_WERROR "Treat compiler warnings in portable-ld's own sources as errors" ON)

add_library(portable_ld_warnings INTERFACE)
target_compile_options(portable_ld_warnings INTERFACE
  -Wall -Wextra -Wno-unused-parameter -Wimplicit-fallthrough)
if(PORTABLE_LD_WERROR)
  target_compile_options(portable_ld_warnings INTERFACE -Werror)
endif()
