// A net/http server that serves one request to itself and exits: it proves that a
// static binary's networking works with nothing around it (an empty root directory).
// The address is an IP, so no resolver configuration is needed.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
)

func main() {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	go http.Serve(listener, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "served %s", r.URL.Path)
	}))
	response, err := http.Get("http://" + listener.Addr().String() + "/hello")
	if err != nil {
		fmt.Println("get:", err)
		os.Exit(1)
	}
	body, _ := io.ReadAll(response.Body)
	fmt.Println(string(body))
}
