// A cgo program whose C code loads a library with dlopen, as go-systemd's sdjournal and
// go-sqlite3's extension loading do: static, it is pinned to the glibc it was linked with.
package main

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>
static void *open_library(const char *name) { return dlopen(name, RTLD_LAZY); }
*/
import "C"

import (
	"fmt"
	"unsafe"
)

func main() {
	name := C.CString("libz.so.1")
	defer C.free(unsafe.Pointer(name))
	fmt.Println("loaded:", C.open_library(name) != nil)
}
