/* A C program that calls the Go function Add exported by the c-shared library. */
#include <stdio.h>

#include "libadd.h"

int main(void) {
  printf("c calls go: %d\n", Add(40, 2));
  return 0;
}
