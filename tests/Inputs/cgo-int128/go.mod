module example.com/cgo-int128

go 1.19
