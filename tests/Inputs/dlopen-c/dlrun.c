/* Loads a library with dlopen, as a plugin host or go-systemd's sdjournal does, and says
 * whether it could. Statically linked against glibc, it can only load libraries built
 * for the glibc it was linked with. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
  void *handle = dlopen(argc > 1 ? argv[1] : "libz.so.1", RTLD_NOW);
  printf("loaded: %s\n", handle ? "yes" : dlerror());
  return handle == 0;
}
