// A cgo program whose C code divides 128-bit integers: the object calls libgcc's
// __udivti3, so Go's internal linker asks the C driver where libgcc is
// (--print-libgcc-file-name) to resolve it.
package main

/*
static unsigned long long quotient(unsigned long long hi, unsigned long long d) {
	unsigned __int128 n = ((unsigned __int128)hi << 64) | 42;
	return (unsigned long long)(n / d);
}
*/
import "C"

import "fmt"

func main() {
	fmt.Println("int128 says", uint64(C.quotient(0, C.ulonglong(1))))
}
