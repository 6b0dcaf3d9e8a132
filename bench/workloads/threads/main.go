// Command threads is a benchmark workload: a multi-threaded Go program in
// which 4 goroutines each write, read back and hash a file of their own in
// 4 KiB blocks, so the tracer sees syscalls from several threads at once
// and the program has CPU work that one-CPU pinning serializes.
//
// With -hashers N, N more goroutines hash a 64 KiB buffer over and over
// with no syscall at all: with -workers 1 -rounds 0 -procs 2, computing
// goroutines and one doing I/O share the runtime's threads, which trade
// them (bench's gomix).
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
	workers := flag.Int("workers", 4, "goroutines")
	blocks := flag.Int("blocks", 1000, "4 KiB blocks each goroutine writes and reads")
	rounds := flag.Int("rounds", 10, "SHA-256 rounds over each block (CPU work)")
	hashers := flag.Int("hashers", 0, "goroutines that only compute")
	hashes := flag.Int("hashes", 8000, "64 KiB blocks each computing goroutine hashes")
	procs := flag.Int("procs", 0, "GOMAXPROCS (0: the runtime's choice)")
	flag.Parse()
	if *procs > 0 {
		runtime.GOMAXPROCS(*procs)
	}
	dir, err := os.MkdirTemp("", "trec-bench-threads")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	var wg sync.WaitGroup
	sums := make([][32]byte, *workers)
	for w := range *workers {
		wg.Go(func() {
			sum, err := work(fmt.Sprintf("%s/%d", dir, w), *blocks, *rounds)
			if err != nil {
				log.Fatal(err)
			}
			sums[w] = sum
		})
	}
	hashed := make([][32]byte, *hashers)
	for h := range hashed {
		wg.Go(func() {
			buf := make([]byte, 64<<10)
			buf[0] = byte(h)
			for range *hashes {
				hashed[h] = sha256.Sum256(buf)
				copy(buf, hashed[h][:])
			}
		})
	}
	wg.Wait()
	for _, s := range append(sums, hashed...) {
		fmt.Printf("%x\n", s[:4])
	}
}

// work writes blocks 4 KiB blocks to path, reads them back one by one and
// hashes each rounds times.
func work(path string, blocks, rounds int) ([32]byte, error) {
	var sum [32]byte
	f, err := os.Create(path)
	if err != nil {
		return sum, err
	}
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
		for range rounds {
			sum = sha256.Sum256(append(sum[:], buf...))
		}
	}
	return sum, nil
}
