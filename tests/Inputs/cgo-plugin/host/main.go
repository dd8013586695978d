// Loads the plugin named on the command line and prints what its Answer returns.
package main

import (
	"fmt"
	"os"
	"plugin"
)

func main() {
	p, err := plugin.Open(os.Args[1])
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	f, err := p.Lookup("Answer")
	if err != nil {
		fmt.Println("lookup:", err)
		os.Exit(1)
	}
	fmt.Println("plugin says", f.(func() int)())
}
