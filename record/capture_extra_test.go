package record

import (
	"encoding/binary"
	"os"
	"strings"
	"testing"

	"github.com/trecdev/trec/format"
)

// capture returns the data of e's capture of argument arg, kind k and
// index, or nil.
func extraCapture(e *format.Event, arg uint8, k format.CaptureKind, index uint32) []byte {
	if e == nil {
		return nil
	}
	for _, c := range e.Captures {
		if c.Arg == arg && c.Kind == k && c.Index == index {
			return c.Data
		}
	}
	return nil
}

// The recorder takes what the decoders need beyond the arguments' kinds,
// at the exits of the calls that need it: here with a capture size that
// cuts every directory listing.
func TestExtraCaptures(t *testing.T) {
	const dir = "/usr/bin"
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skip(err)
	}
	r := mustRecordWith(t, 0, Options{Argv: []string{prog("extracaps"), dir}, CaptureSize: 16})

	// getdents64: the count of the whole buffer, however little of it the
	// capture holds; "." and ".." are entries too.
	count := 0
	for _, c := range r.calls("getdents64") {
		if c.exit == nil || c.exit.Ret <= 0 {
			continue
		}
		n := extraCapture(c.exit, 1, format.CaptureCount, 0)
		if len(n) != 4 {
			t.Fatalf("getdents64 returned %d bytes but has no entry count", c.exit.Ret)
		}
		count += int(binary.LittleEndian.Uint32(n))
	}
	if count != len(entries)+2 {
		t.Errorf("getdents64 counted %d entries, %s has %d", count, dir, len(entries)+2)
	}

	// readv: the array as passed, at the exit.
	if c := r.calls("readv"); len(c) != 1 || len(extraCapture(c[0].exit, 1, format.CaptureIovecArray, 0)) != 32 ||
		binary.LittleEndian.Uint64(extraCapture(c[0].exit, 1, format.CaptureIovecArray, 0)[24:]) != 8 {
		t.Errorf("readv: no iovec array of two with a second length of 8")
	}

	// The signal's siginfo, and the mask rt_sigreturn restores (TERM was
	// blocked when SIGUSR1 came).
	sawSiginfo := false
	for _, e := range r.kind(format.KindSignal) {
		si := extraCapture(e, 0, format.CaptureSiginfo, 0)
		if e.Signal.Signo == 10 && len(si) == siginfoKept && int32(binary.LittleEndian.Uint32(si)) == 10 {
			sawSiginfo = true
		}
	}
	if !sawSiginfo {
		t.Errorf("SIGUSR1's event holds no siginfo")
	}
	sr := r.calls("rt_sigreturn")
	if len(sr) == 0 {
		t.Fatal("no rt_sigreturn")
	}
	for _, c := range sr {
		m := extraCapture(c.enter, 0, format.CaptureSigmask, 0)
		if len(m) != 8 || binary.LittleEndian.Uint64(m) != 1<<(15-1) {
			t.Errorf("rt_sigreturn's mask %x, want SIGTERM's bit", m)
		}
	}

	// recvmsg: the header at entry, the array and the passed fd at exit.
	rm := r.calls("recvmsg")
	if len(rm) != 1 || rm[0].exit == nil || rm[0].exit.Ret != 1 {
		t.Fatalf("recvmsg: %+v", rm)
	}
	if len(extraCapture(rm[0].enter, 1, format.CaptureStruct, 0)) != msghdrSize || len(extraCapture(rm[0].exit, 1, format.CaptureIovecArray, 0)) != 16 {
		t.Errorf("recvmsg: no header at entry or no iovec array at exit")
	}
	passed := false
	for _, cp := range rm[0].exit.Captures {
		passed = passed || (cp.Kind == format.CaptureFD && strings.HasPrefix(string(cp.Data), "pipe:["))
	}
	if !passed {
		t.Errorf("recvmsg: what the passed fd refers to is missing")
	}

	// The sleep the timer cut short: the remainder, written then.
	ns := r.calls("nanosleep")
	if len(ns) != 1 || ns[0].exit == nil || ns[0].exit.Ret != -516 || len(extraCapture(ns[0].exit, 1, format.CaptureStruct, 0)) != 16 {
		t.Errorf("nanosleep: no remainder with ERESTART_RESTARTBLOCK")
	}

	// ioctl: TIOCGPTN's number, the fd TIOCGPTPEER made, the window size.
	var ptn, peer, winsz bool
	for _, c := range r.calls("ioctl") {
		switch c.enter.Args[1] {
		case 0x80045430:
			ptn = len(extraCapture(c.exit, 2, format.CaptureStruct, 0)) == 4
		case 0x5441:
			link := extraCapture(c.exit, 0, format.CaptureFD, uint32(c.exit.Ret))
			peer = strings.HasPrefix(string(link), "/dev/pts/")
		case 0x5413:
			winsz = len(extraCapture(c.exit, 2, format.CaptureStruct, 0)) == 8
		}
	}
	if !ptn || !peer || !winsz {
		t.Errorf("ioctl captures: TIOCGPTN %v, TIOCGPTPEER's fd %v, TIOCGWINSZ %v", ptn, peer, winsz)
	}

	// prctl's strings, fcntl's lock, futex's timeout, pselect6's mask.
	names := 0
	for _, c := range r.calls("prctl") {
		if string(extraCapture(c.exit, 1, format.CaptureString, 0)) == "extracaps" {
			names++
		}
	}
	if names != 2 {
		t.Errorf("prctl: %d of PR_SET_NAME and PR_GET_NAME hold the name", names)
	}
	if c := r.calls("fcntl"); len(c) == 0 || len(extraCapture(c[len(c)-1].exit, 2, format.CaptureStruct, 0)) != 32 {
		t.Errorf("fcntl F_GETLK: no struct flock")
	}
	if c := r.calls("futex"); len(c) == 0 || len(extraCapture(c[len(c)-1].exit, 3, format.CaptureStruct, 0)) != 16 {
		t.Errorf("futex FUTEX_WAIT: no timeout")
	}
	if c := r.calls("pselect6"); len(c) != 1 || len(extraCapture(c[0].exit, 5, format.CaptureStruct, 0)) != 16 || len(extraCapture(c[0].exit, 5, format.CaptureStruct, 1)) != 8 {
		t.Errorf("pselect6: no mask pair and set")
	}
}
