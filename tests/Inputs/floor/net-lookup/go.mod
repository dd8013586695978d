module example.com/netlookup

go 1.19
