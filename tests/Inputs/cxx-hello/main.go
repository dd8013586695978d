// A cgo program with a C++ source file: cmd/go links it with $CXX, not $CC, and the
// C++ standard library must come along.
package main

// int cxx_answer(void);
import "C"

import "fmt"

func main() {
	fmt.Println("c++ says", int(C.cxx_answer()))
}
