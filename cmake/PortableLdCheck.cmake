# Run by portable_ld_check() after a target links (cmake -P): verifies FILE with
# `portable-ld check`, and on failure removes FILE, so that the next build links it
# again instead of calling a failed artifact up to date.
#   -DPORTABLE_LD=<program> -DFILE=<path> [-DSTATIC=ON] [-DGOARCH=<arch>]
set(args check)
if(STATIC)
  list(APPEND args --static)
endif()
if(GOARCH)
  list(APPEND args "--goarch=${GOARCH}")
endif()
execute_process(COMMAND "${PORTABLE_LD}" ${args} "${FILE}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  file(REMOVE "${FILE}")
  message(FATAL_ERROR "portable-ld check failed for '${FILE}' (removed, so the next build "
                      "links it again)")
endif()
