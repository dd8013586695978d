// A cgo program whose output proves it ran: used where a test must execute what it built.
package main

/*
#include <stdio.h>
static int twice(int x) { return 2 * x; }
*/
import "C"

import "fmt"

func main() {
	fmt.Println("cgo says", int(C.twice(21)))
}
