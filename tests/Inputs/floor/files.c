/* Calls what glibc 2.33 first exported by name (stat, fstat, lstat, fstatat) and what a
   _FILE_OFFSET_BITS=64 build calls fcntl64 (glibc 2.28) for. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
  struct stat by_path, by_link, by_fd, at;
  int fd = open(argv[0], O_RDONLY);
  int flags = fcntl(fd, F_GETFD);
  int ok = stat(argv[0], &by_path) == 0 && lstat(argv[0], &by_link) == 0 &&
           fstat(fd, &by_fd) == 0 && fstatat(AT_FDCWD, argv[0], &at, 0) == 0 &&
           by_path.st_ino == by_fd.st_ino && at.st_size == by_path.st_size && flags >= 0;
  printf("stat family: %s, size %s\n", ok ? "ok" : "wrong", by_path.st_size > 0 ? "> 0" : "0");
  close(fd);
  return !ok;
}
