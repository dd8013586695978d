// A cgo package main that exports a C function: built as -buildmode=c-shared it is a
// shared library whose Add symbol a C program can call.
package main

/*
static int bias(void) { return 1; }
*/
import "C"

//export Add
func Add(a, b C.int) C.int { return a + b + C.bias() - 1 }

func main() {}
