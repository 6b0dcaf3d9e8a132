//go:build linux

package record

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
)

// Auxiliary vector entries (<linux/auxvec.h>).
const (
	atNull        = 0
	atRandom      = 25
	atSysinfoEhdr = 33
)

// randomSize is the size of the AT_RANDOM bytes.
const randomSize = 16

// errNoAuxv is returned when a new program's auxiliary vector cannot be
// found on its stack.
var errNoAuxv = errors.New("auxiliary vector not found")

// auxvLimit bounds how far above the stack pointer the auxiliary vector is
// looked for: argc, argv and envp come first, and the kernel limits them
// to a quarter of the stack rlimit; 1 MiB of pointers is 131072 strings.
const auxvLimit = 1 << 20

// execAux reads and rewrites the auxiliary vector of the program that
// thread th has just exec'd, at its PTRACE_EVENT_EXEC stop: it clears
// AT_SYSINFO_EHDR, so that the C library and the Go runtime find no vDSO
// and read clocks with syscalls a replay can serve, and it puts the
// AT_RANDOM bytes into the exec event. It returns the address of the
// AT_RANDOM bytes, 0 when not found.
func (t *tracer) execAux(th *thread) uint64 {
	random, sysinfo, err := t.auxv(th.tid)
	if err != nil {
		t.replayNotice(fmt.Sprintf("process %d: %v: its vDSO stays on and its AT_RANDOM bytes are not recorded", th.pid, err))
		return 0
	}
	var zero [8]byte
	t.ev.Exec.VdsoOff = sysinfo == 0 || t.mem.write(th.tid, zero[:], sysinfo)
	if random != 0 {
		b := make([]byte, randomSize)
		if t.mem.read(th.tid, b, random) == randomSize {
			t.ev.Exec.Random = b
		}
	}
	return random
}

// auxv walks the new stack of thread tid (argc, argv, envp, then the
// auxiliary vector) and returns the address of AT_RANDOM's bytes and the
// address of the word that holds AT_SYSINFO_EHDR's value, 0 for either when
// absent.
func (t *tracer) auxv(tid int) (random, sysinfo uint64, err error) {
	var si syscallInfo
	if err := getSyscallInfo(tid, &si); err != nil {
		return 0, 0, fmt.Errorf("stack pointer: %w", err)
	}
	page := make([]byte, t.mem.pageSize)
	addr := si.SP
	// Words to skip before the next section: argc's argv and its NULL.
	const (
		inArgc = iota
		inArgv
		inEnvp
		inAuxv
	)
	state, skip := inArgc, uint64(0)
	var key uint64
	odd := false
	for off := uint64(0); off < auxvLimit; {
		n := t.mem.read(tid, page, addr+off) / 8
		if n == 0 {
			break
		}
		for i := range n {
			w := binary.NativeEndian.Uint64(page[i*8:])
			at := addr + off + uint64(i)*8
			switch state {
			case inArgc:
				state, skip = inArgv, w+1
			case inArgv:
				skip--
				if skip == 0 {
					state = inEnvp
				}
			case inEnvp:
				if w == 0 {
					state = inAuxv
				}
			case inAuxv:
				if !odd {
					key, odd = w, true
					if key == atNull {
						return random, sysinfo, nil
					}
					continue
				}
				odd = false
				switch key {
				case atRandom:
					random = w
				case atSysinfoEhdr:
					sysinfo = at
				}
			}
		}
		off += uint64(n) * 8
	}
	return 0, 0, errNoAuxv
}

// replayExit captures, in a replayable recording, what the exit of a
// successful call wrote that the argument kinds do not describe, and says
// once when an output buffer was over the capture cap.
func (t *tracer) replayExit(th *thread) {
	if addr, n, arg := t.outputOf(th); n > 0 {
		t.cap.buf(th.tid, arg, format.CaptureOutput, 0, addr, uint64(n), n)
	}
	if t.cutSeen {
		return
	}
	// Outputs are captured whole: one cut is over MaxCaptureSize, what
	// one call's captures hold.
	for i := range t.cap.caps {
		if c := &t.cap.caps[i]; c.Truncated() {
			t.cutSeen = true
			t.replayNotice(fmt.Sprintf("process %d: %s returned more than the %d MiB a call's captures hold: a replay stops there",
				th.pid, th.sc.Name, MaxCaptureSize>>20))
			return
		}
	}
}

// replayNotice writes a notice about the replayability of the recording on
// Options.Log.
func (t *tracer) replayNotice(s string) {
	if t.opts.Log != nil {
		fmt.Fprintf(t.opts.Log, "trec: --replayable: %s\n", s)
	}
}

// Request numbers whose result goes through the pointer argument without
// the size encoded in the number: the terminal ioctls (<asm/ioctls.h>),
// and fcntl's and prctl's that write a struct.
var (
	ioctlOut = map[uint64]int{
		0x5401: 36, // TCGETS: struct termios
		0x5405: 18, // TCGETA: struct termio
		0x540F: 4,  // TIOCGPGRP
		0x5411: 4,  // TIOCOUTQ
		0x5413: 8,  // TIOCGWINSZ: struct winsize
		0x5415: 4,  // TIOCMGET
		0x541B: 4,  // FIONREAD
		0x5424: 4,  // TIOCGETD
		0x5429: 4,  // TIOCGSID
		0x5456: 36, // TIOCGLCKTRMIOS
	}
	fcntlOut = map[uint64]int{
		5:  32, // F_GETLK: struct flock
		16: 8,  // F_GETOWN_EX: struct f_owner_ex
		36: 32, // F_OFD_GETLK
	}
	prctlOut = map[uint64]int{
		2:  4,  // PR_GET_PDEATHSIG
		16: 16, // PR_GET_NAME
		37: 4,  // PR_GET_CHILD_SUBREAPER
		40: 8,  // PR_GET_TID_ADDRESS
	}
)

// outputOf returns where the current call of th wrote a result that its
// argument kinds do not describe: the address, the size, and the argument
// that points at it; size 0 when there is none.
func (t *tracer) outputOf(th *thread) (addr uint64, n, arg int) {
	var sizes map[uint64]int
	switch th.sc.Name {
	case "ioctl":
		const iocRead = 2
		if cmd := th.args[1]; uint32(cmd)>>30&iocRead != 0 {
			return th.args[2], int(uint32(cmd) >> 16 & 0x3fff), 2
		}
		sizes, arg = ioctlOut, 2
	case "fcntl":
		sizes, arg = fcntlOut, 2
	case "prctl":
		sizes, arg = prctlOut, 1
	default:
		return 0, 0, 0
	}
	if n := sizes[th.args[arg-1]&0xffffffff]; n > 0 && th.args[arg] != 0 {
		return th.args[arg], n, arg
	}
	return 0, 0, 0
}

// addrNoRandomize is ADDR_NO_RANDOMIZE, the personality flag that turns
// address space randomization off (<linux/personality.h>).
const addrNoRandomize = 0x0040000

// noASLR turns address space randomization off for the programs the
// calling thread starts from now on: the personality is inherited through
// fork and exec. A replayable recording and its replay then place the
// program's stack, heap and mappings at the same addresses, as gdb does
// for a program it starts; the sizes a program computes from them (the
// part of a mapping it unmaps to align an arena) are the same in both.
func noASLR() error {
	cur, _, e := unix.RawSyscall(unix.SYS_PERSONALITY, 0xffffffff, 0, 0)
	if e != 0 {
		return e
	}
	if _, _, e := unix.RawSyscall(unix.SYS_PERSONALITY, cur|addrNoRandomize, 0, 0); e != 0 {
		return e
	}
	return nil
}

// startState is the program's inherited state as a replayable header keeps
// it.
func (t *tracer) startState() *format.StartState {
	s := t.inherit
	return &format.StartState{IgnoredSignals: s.Ignored, BlockedSignals: s.Blocked, ClosedFds: uint32(s.Closed), Exact: s.Exact}
}
