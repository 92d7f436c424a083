module example.com/my-org/go-lib

go 1.19
