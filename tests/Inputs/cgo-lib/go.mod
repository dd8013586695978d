module example.com/cgo-lib

go 1.19
