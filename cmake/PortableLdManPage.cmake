# Turns docs/portable-ld.1.md into the roff page portable-ld.1 (cmake -P, at build time):
# the Markdown's "# PORTABLE-LD(1)" heading becomes a man title line, go-md2man (Debian
# package go-md2man) does the rest.
#   -DGO_MD2MAN=<program> -DINPUT=<md> -DOUTPUT=<roff> -DVERSION=<x.y.z>
file(READ "${INPUT}" text)
string(TIMESTAMP month "%B %Y" UTC)
string(REGEX REPLACE "^# PORTABLE-LD\\(1\\)\n"
       "% PORTABLE-LD 1 \"${month}\" \"portable-ld ${VERSION}\" \"User Commands\"\n" text "${text}")
file(WRITE "${OUTPUT}.md" "${text}")
execute_process(COMMAND "${GO_MD2MAN}" -in "${OUTPUT}.md" -out "${OUTPUT}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "go-md2man failed on ${INPUT}")
endif()
