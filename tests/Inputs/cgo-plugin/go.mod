module example.com/cgo-plugin

go 1.19
