package record

import (
	"bytes"
	"os"
	"testing"
	"unsafe"
)

// TestReadString reads strings from this process's own memory: shorter
// and longer than the first chunk, across a page boundary, and without a
// NUL within the limit.
func TestReadString(t *testing.T) {
	page := os.Getpagesize()
	mem := make([]byte, 3*page)
	base := uint64(uintptr(unsafe.Pointer(&mem[0])))
	// Start strings at an offset from a page boundary.
	off := page - int(base%uint64(page))
	m := newMemReader(page)
	for _, tc := range []struct {
		name       string
		start, len int // in mem, from the page boundary at off
		max        int
		wantFound  bool
	}{
		{"short", 10, 40, pathMax, true},
		{"past the first chunk", 100, firstChunk + 50, pathMax, true},
		{"across a page", page - 100, 300, pathMax, true},
		{"exactly the first chunk", 0, firstChunk, pathMax, true},
		{"no NUL within max", 0, 2000, 1000, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clear(mem)
			s := mem[off+tc.start : off+tc.start+tc.len]
			for i := range s {
				s[i] = 'a' + byte(i%26)
			}
			got, found := m.readString(os.Getpid(), []byte("prefix"), base+uint64(off+tc.start), tc.max)
			want := s
			if !tc.wantFound {
				want = s[:tc.max]
			}
			if found != tc.wantFound || !bytes.Equal(got, append([]byte("prefix"), want...)) {
				t.Errorf("found %v, %d bytes; want %v, %d bytes", found, len(got)-6, tc.wantFound, len(want))
			}
		})
	}
}
