/* A C program that uses what a glibc floor must keep working: a constructor (run by
   glibc's start-up), a thread (libpthread before 2.34), dlopen (libdl before 2.34) and a
   data symbol a program copies (stdout). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static int constructed;
__attribute__((constructor)) static void construct(void) { constructed = 1; }

static void *run(void *arg) { return arg; }

int main(void) {
  pthread_t thread;
  void *result = 0;
  pthread_create(&thread, 0, run, (void *)42);
  pthread_join(thread, &result);
  void *libm = dlopen("libm.so.6", RTLD_NOW);
  printf("constructor ran: %s, thread returned %ld, dlopen: %s\n", constructed ? "yes" : "no",
         (long)result, libm ? "ok" : dlerror());
  return 0;
}
