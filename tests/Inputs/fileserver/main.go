// The classic net/http file server from Go's static-linking story: net makes it use cgo
// (getaddrinfo) unless built with -tags netgo, so it links dynamically by default.
package main

import (
	"log"
	"net/http"
)

func main() {
	log.Fatal(http.ListenAndServe(":8080", http.FileServer(http.Dir("."))))
}
