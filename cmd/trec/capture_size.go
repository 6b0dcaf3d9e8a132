package main

import (
	"errors"
	"strconv"

	"github.com/trecdev/trec/record"
)

// parseCaptureSize reads record's -s: a byte count up to
// record.MaxCaptureSize, 0 for no buffers, or "max" for the cap itself, so
// that a buffer is captured whole up to it.
func parseCaptureSize(s string) (int, error) {
	if s == "max" {
		return record.MaxCaptureSize, nil
	}
	n, err := strconv.Atoi(s)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, usagef("-s %s: out of range: want 0 to %d bytes, or max", s, record.MaxCaptureSize)
	case err != nil:
		return 0, usagef("-s %s: not a size in bytes, 0 or max", s)
	case n < 0 || n > record.MaxCaptureSize:
		return 0, usagef("-s %d: want 0 to %d bytes, or max", n, record.MaxCaptureSize)
	}
	return n, nil
}
