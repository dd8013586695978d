#include <string>

// Initialised before main by the C++ runtime: empty if static initialisers did not run.
static std::string greeting = std::string("static initialiser") + " ran";

extern "C" const char *cxx_greeting(void) { return greeting.empty() ? "nothing" : greeting.c_str(); }
