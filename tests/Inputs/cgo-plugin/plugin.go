// A Go plugin with a cgo call of its own: -buildmode=plugin makes a shared object that
// plugin.Open loads; Answer is looked up by name.
package main

/*
static int answer(void) { return 42; }
*/
import "C"

func Answer() int { return int(C.answer()) }

func main() {}
