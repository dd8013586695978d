module example.com/httpself

go 1.19
