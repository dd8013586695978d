module example.com/runtime-only

go 1.19
