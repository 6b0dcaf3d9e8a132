// Command goprog keeps more goroutines busy than there are Ps, so that the
// runtime preempts them with SIGURG, and prints a deterministic result.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

func spin(seed uint64, d time.Duration) uint64 {
	x := seed
	end := time.Now().Add(d)
	for n := 0; ; n++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		if n%4096 == 0 && time.Now().After(end) {
			return seed
		}
	}
}

func main() {
	runtime.GOMAXPROCS(2)
	var wg sync.WaitGroup
	sums := make([]uint64, 8)
	for i := range sums {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sums[i] = spin(uint64(i+1), 150*time.Millisecond)
		}()
	}
	wg.Wait()
	var total uint64
	for _, s := range sums {
		total += s
	}
	fmt.Printf("goroutines done, total %d\n", total)
}
