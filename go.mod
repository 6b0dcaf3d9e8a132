module github.com/trecdev/trec

go 1.26.8

require (
	github.com/klauspost/compress v1.20.4
	google.golang.org/protobuf v1.36.12
)
