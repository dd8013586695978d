module example.com/purego-hello

go 1.19
