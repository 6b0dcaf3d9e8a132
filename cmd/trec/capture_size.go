package main

import (
	"fmt"
	"strconv"

	"github.com/trecdev/trec/record"
)

// parseCaptureSize reads record's -s: a byte count, 0 for no buffers, or
// "max" for whole ones.
func parseCaptureSize(s string) (int, error) {
	if s == "max" {
		return record.CaptureSizeMax, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("-s %s: not a size in bytes, 0 or max", s)
	}
	return min(n, record.CaptureSizeMax), nil
}
