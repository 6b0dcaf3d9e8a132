// Command gomix is a benchmark workload: a Go program with GOMAXPROCS=2
// in which two goroutines hash a buffer over and over (CPU work with no
// syscall) while a third writes a file in 4 KiB blocks and reads it back
// (a syscall per block), so that the runtime's threads mix both kinds of
// work and trade goroutines between them.
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"sync"
)

func main() {
	hashes := flag.Int("hashes", 8000, "64 KiB blocks each computing goroutine hashes")
	blocks := flag.Int("blocks", 5000, "4 KiB blocks the I/O goroutine writes and reads back")
	flag.Parse()
	runtime.GOMAXPROCS(2)
	var wg sync.WaitGroup
	sums := make([][32]byte, 2)
	for w := range sums {
		wg.Go(func() {
			buf := make([]byte, 64<<10)
			buf[0] = byte(w)
			for range *hashes {
				sums[w] = sha256.Sum256(buf)
				copy(buf, sums[w][:])
			}
		})
	}
	var ioSum [32]byte
	wg.Go(func() {
		sum, err := fileIO(*blocks)
		if err != nil {
			log.Fatal(err)
		}
		ioSum = sum
	})
	wg.Wait()
	fmt.Printf("%x %x %x\n", sums[0][:4], sums[1][:4], ioSum[:4])
}

// fileIO writes blocks 4 KiB blocks to a temporary file, reads them back one
// by one and returns the hash of the last.
func fileIO(blocks int) ([32]byte, error) {
	var sum [32]byte
	f, err := os.CreateTemp("", "trec-bench-gomix")
	if err != nil {
		return sum, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	buf := make([]byte, 4096)
	for i := range blocks {
		buf[0], buf[1] = byte(i), byte(i>>8)
		if _, err := f.Write(buf); err != nil {
			return sum, err
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return sum, err
	}
	for range blocks {
		if _, err := io.ReadFull(f, buf); err != nil {
			return sum, err
		}
	}
	return sha256.Sum256(buf), nil
}
