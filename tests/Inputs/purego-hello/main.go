// A pure-Go program (no cgo package of its own) that uses net: with -tags netgo,osusergo
// and external linking, Go < 1.21 links it without runtime/cgo, and the static binary
// crashes at start unless runtime/cgo is added.
package main

import (
	"fmt"
	"net"
)

func main() {
	fmt.Println("pure Go says", net.ParseIP("127.0.0.1"))
}
