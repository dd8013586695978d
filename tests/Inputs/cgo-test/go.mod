module example.com/cgo-test

go 1.19
