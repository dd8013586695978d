module example.com/cxx-hello

go 1.19
