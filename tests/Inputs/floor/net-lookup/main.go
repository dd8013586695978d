// Resolves a TXT record through cgo's resolver (-tags netcgo): on Linux, Go 1.20 and
// later call res_search (glibc 2.34's name; libresolv's __res_search before).
package main

import (
	"fmt"
	"net"
)

func main() {
	_, err := net.LookupTXT("portable-ld.invalid")
	fmt.Println("TXT lookup answered:", err != nil)
}
