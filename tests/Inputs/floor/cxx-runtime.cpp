// A C++ program that uses what this machine's libstdc++.a and libgcc_eh.a take from newer
// glibc versions: a static initialiser and std::string (__libc_single_threaded, 2.32),
// an exception (_dl_find_object, 2.35) and std::random_device (arc4random, 2.36).
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>

static std::string greeting = std::string("initialiser") + " ran";

struct Farewell {
  ~Farewell() { std::puts("destructor ran"); }
} farewell;

int main() {
  std::puts(greeting.c_str());
  try {
    throw std::runtime_error("exception caught");
  } catch (const std::exception &error) {
    std::puts(error.what());
  }
  std::random_device device;
  std::printf("random_device: %s\n", device() || device() ? "ok" : "zero twice");
}
