// A cgo program with a C constructor and a C++ file with a static initialiser, for the
// glibc floor: both must have run before main, on the older system too.
package main

// extern int c_constructed;
// const char *cxx_greeting(void);
import "C"

import "fmt"

func main() {
	fmt.Printf("c constructor ran: %v, c++ says: %s\n", C.c_constructed == 1, C.GoString(C.cxx_greeting()))
}
