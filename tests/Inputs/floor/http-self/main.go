// A net/http server that serves one request to itself, by the name localhost resolved
// through cgo's resolver (-tags netcgo: getaddrinfo, which reads /etc/hosts).
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
)

func main() {
	addrs, err := net.LookupHost("localhost")
	if err != nil || len(addrs) == 0 {
		fmt.Println("lookup failed:", err)
		os.Exit(1)
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen failed:", err)
		os.Exit(1)
	}
	go http.Serve(listener, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "served by the floor build")
	}))
	port := listener.Addr().(*net.TCPAddr).Port
	response, err := http.Get(fmt.Sprintf("http://localhost:%d/", port))
	if err != nil {
		fmt.Println("request failed:", err)
		os.Exit(1)
	}
	body, _ := io.ReadAll(response.Body)
	fmt.Printf("localhost resolved, %s\n", body)
}
