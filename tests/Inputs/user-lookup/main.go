// Looks up a user through os/user, which uses cgo (getpwnam_r, getpwuid_r) unless built
// with -tags osusergo.
package main

import (
	"fmt"
	"os/user"
)

func main() {
	u, err := user.Lookup("root")
	fmt.Println(u, err)
}
