module example.com/cgocxx

go 1.19
