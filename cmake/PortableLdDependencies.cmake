# Finds LLVM (static Object libraries), Boost.Program_options and fmt, and exposes them as
# INTERFACE targets. Every dependency comes from a Debian package installed by
# .ci/install-deps; a missing one stops the configure with the package to install.

# --- LLVM --------------------------------------------------------------------
# LLVM's exported LLVMSupport target drags in libz3.so, which a fully static link cannot use
# and which the Object reader never calls. Link the archives by hand, in dependency order.
find_package(LLVM ${PORTABLE_LD_LLVM_VERSION} CONFIG
  HINTS /usr/lib/llvm-${PORTABLE_LD_LLVM_VERSION}/lib/cmake/llvm)
if(NOT LLVM_FOUND)
  message(FATAL_ERROR "LLVM ${PORTABLE_LD_LLVM_VERSION} not found: install llvm-${PORTABLE_LD_LLVM_VERSION}-dev "
                      "(or run .ci/install-deps)")
endif()
set(_portable_ld_llvm_components
  Object TextAPI MCParser MC DebugInfoCodeView BitReader Core Remarks BinaryFormat
  BitstreamReader Support Demangle)
set(_portable_ld_llvm_archives)
foreach(component IN LISTS _portable_ld_llvm_components)
  set(archive ${LLVM_LIBRARY_DIR}/libLLVM${component}.a)
  if(NOT EXISTS ${archive})
    message(FATAL_ERROR "missing static LLVM library ${archive}: install llvm-${PORTABLE_LD_LLVM_VERSION}-dev")
  endif()
  list(APPEND _portable_ld_llvm_archives ${archive})
endforeach()
find_library(PORTABLE_LD_ZLIB_A NAMES libz.a REQUIRED)
find_library(PORTABLE_LD_TINFO_A NAMES libtinfo.a REQUIRED)
find_package(Threads REQUIRED)

add_library(portable_ld_llvm INTERFACE)
target_include_directories(portable_ld_llvm SYSTEM INTERFACE ${LLVM_INCLUDE_DIRS})
target_compile_definitions(portable_ld_llvm INTERFACE ${LLVM_DEFINITIONS_LIST})
target_link_libraries(portable_ld_llvm INTERFACE
  ${_portable_ld_llvm_archives} ${PORTABLE_LD_ZLIB_A} ${PORTABLE_LD_TINFO_A}
  Threads::Threads ${CMAKE_DL_LIBS} m rt)

# --- Boost.Program_options (static archive) ------------------------------------
set(Boost_USE_STATIC_LIBS ON)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)

# --- fmt ---------------------------------------------------------------------
# Debian ships fmt only as a shared library; header-only mode keeps portable-ld static.
find_package(fmt 9 REQUIRED)
