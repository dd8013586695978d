// A program that needs nothing but package runtime (println is a builtin), so that it can
// be linked with -linkshared against a shared library of runtime alone.
package main

func main() {
	println("runtime-only says 42")
}
