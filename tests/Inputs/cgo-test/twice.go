// A cgo package with a test: `go test` links a .test binary through the external linker.
package twice

/*
static int twice(int x) { return 2 * x; }
*/
import "C"

func Twice(x int) int { return int(C.twice(C.int(x))) }
