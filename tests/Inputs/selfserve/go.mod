module example.com/selfserve

go 1.19
