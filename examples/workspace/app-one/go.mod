module example.com/my-org/app-one

go 1.21

require (
	example.com/my-org/go-lib v1.3.0
	golang.org/x/text v0.14.0 // indirect
)
