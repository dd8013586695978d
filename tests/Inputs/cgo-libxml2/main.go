// A cgo program that parses XML with the system's libxml2, as many cgo wrappers of a C
// library do: its #cgo LDFLAGS name -lxml2 alone, so a static link lacks what libxml2.a
// needs in turn (zlib, liblzma, libm, ICU).
package main

/*
#cgo CFLAGS: -I/usr/include/libxml2
#cgo LDFLAGS: -lxml2
#include <libxml/parser.h>
static int parses(const char *text, int size) {
	xmlDocPtr doc = xmlReadMemory(text, size, "input.xml", 0, 0);
	if (doc == 0) {
		return 0;
	}
	xmlFreeDoc(doc);
	return 1;
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

func main() {
	text := C.CString("<greeting>hello</greeting>")
	defer C.free(unsafe.Pointer(text))
	fmt.Println("parsed:", C.parses(text, 26) == 1)
}
