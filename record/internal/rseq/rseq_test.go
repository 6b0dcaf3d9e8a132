//go:build linux && (amd64 || arm64)

package rseq

import (
	"runtime"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rseqSig is the signature glibc registers with, which a thread must give
// again to unregister its area.
var rseqSig = map[string]uintptr{"amd64": 0x53053053, "arm64": 0xd428bc00}[runtime.GOARCH]

// A thread can hold one rseq area: registering another one fails with
// EINVAL until Unregister has removed glibc's.
func TestUnregister(t *testing.T) {
	// Never unlocked: the thread ends with the test instead of going back
	// to the runtime's pool.
	runtime.LockOSThread()
	// A global, which never moves while the kernel may write to it.
	area := unsafe.Pointer(&testArea[32-uintptr(unsafe.Pointer(&testArea[0]))%32])
	rseq := func(flags uintptr) syscall.Errno {
		_, _, e := unix.RawSyscall6(unix.SYS_RSEQ, uintptr(area), 32, flags, rseqSig, 0, 0)
		return e
	}
	switch e := rseq(0); e {
	case unix.EINVAL:
	case 0:
		// Nothing was registered: a build without cgo, or glibc's
		// rseq turned off (GLIBC_TUNABLES=glibc.pthread.rseq=0).
		if e := rseq(1); e != 0 {
			t.Fatalf("unregister the test's own area: %v", e)
		}
		if err := Unregister(); err != nil {
			t.Fatalf("Unregister with no area: %v", err)
		}
		t.Skip("this thread had no rseq area to unregister")
	default:
		t.Skipf("rseq: %v", e)
	}
	if err := Unregister(); err != nil {
		t.Fatalf("Unregister: %v", err)
	}
	if e := rseq(0); e != 0 {
		t.Fatalf("register an area after Unregister: %v, want success", e)
	}
	if e := rseq(1); e != 0 {
		t.Fatalf("unregister the test's own area: %v", e)
	}
}

// testArea holds the 32-byte aligned struct rseq the test registers.
var testArea [64]byte
