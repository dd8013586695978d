# Warning flags for portable-ld's own sources, as an INTERFACE target so that
# third-party headers (LLVM, Boost) are not held to them.
add_library(portable_ld_warnings INTERFACE)
target_compile_options(portable_ld_warnings INTERFACE
  -Wall -Wextra -Wno-unused-parameter -Wimplicit-fallthrough)
