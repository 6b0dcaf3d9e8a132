// Package format reads and writes trec trace files.
//
// A trace is a zstd stream led by a skippable frame that carries the magic
// "TREC" and the format version. Decompressed, it is a stream of
// length-delimited protobuf records (see trace.proto and FORMAT.md): a
// Header, then events, then a Trailer when the recording ended cleanly.
//
// Writer encodes and compresses on its own goroutine and ends a zstd frame
// at least every 64 KiB of payload or 200 ms, so a recorder that is killed
// loses at most the last frame. Reader streams from any io.Reader and, when
// a trace was cut off, returns every complete event before ErrTruncated.
package format

//go:generate protoc --go_out=. --go_opt=module=github.com/trecdev/trec/format -I . trace.proto
