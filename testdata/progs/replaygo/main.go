// Command replaygo prints what a Go program gets from outside itself: the
// time, random bytes, its pid.
package main

import (
	"crypto/rand"
	"fmt"
	"os"
	"time"
)

func main() {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Printf("time %s\nrandom %x\npid %d\n", time.Now().Format(time.RFC3339Nano), b, os.Getpid())
}
