#include <string>

extern "C" int cxx_answer(void) {
  static const std::string answer = "42";
  return std::stoi(answer);
}
