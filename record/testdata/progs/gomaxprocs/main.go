// Command gomaxprocs prints what the Go runtime made of its CPU mask at
// startup: the number of CPUs and GOMAXPROCS.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	fmt.Printf("NumCPU %d GOMAXPROCS %d\n", runtime.NumCPU(), runtime.GOMAXPROCS(0))
}
