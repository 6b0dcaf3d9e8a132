package replay

import (
	"fmt"
	"syscall"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/hook"
	"github.com/trecdev/trec/sysent"
)

// pathMax is PATH_MAX: the recorder captures paths whole up to it.
const pathMax = 4096

// recordedCall is the hook.Call of a recorded syscall: its enter event,
// at the exit its result and the exit's captures, and the walker's state
// as the call found it.
type recordedCall struct {
	r        *replayer
	tid, pid int
	nr       int
	sc       *sysent.Syscall
	args     [6]uint64
	ret      int64
	exit     bool
	enter    []format.Capture
	out      []format.Capture
}

// set points c at a call. out and ret matter at the exit only.
func (c *recordedCall) set(tid, pid int32, nr int32, sc *sysent.Syscall, enter *format.Event, exit bool, ret int64, out []format.Capture) {
	c.tid, c.pid, c.nr, c.sc = int(tid), int(pid), int(nr), sc
	c.args, c.enter = enter.Args, enter.Captures
	c.exit, c.ret, c.out = exit, ret, out
}

func (c *recordedCall) Tid() int                 { return c.tid }
func (c *recordedCall) Pid() int                 { return c.pid }
func (c *recordedCall) Nr() int                  { return c.nr }
func (c *recordedCall) Syscall() *sysent.Syscall { return c.sc }
func (c *recordedCall) Table() *sysent.Table     { return c.r.tab }
func (c *recordedCall) Mem() hook.Memory         { return (*recordedMem)(c) }

func (c *recordedCall) Arg(i int) uint64 {
	if i < 0 || i >= len(c.args) {
		return 0
	}
	return c.args[i]
}

func (c *recordedCall) Ret() int64 {
	if !c.exit {
		return 0
	}
	return c.ret
}

func (c *recordedCall) Cwd() (string, error) { return c.r.cwd(int32(c.pid)) }

func (c *recordedCall) FDPath(fd int) (string, error) {
	if fd < 0 {
		return "", syscall.EBADF
	}
	return c.r.fdPath(int32(c.pid), fd)
}

func (c *recordedCall) Readlink(path string) (string, error) { return c.r.links.readlink(c, path) }

// recordedMem serves the captured memory of a call: what the arguments
// pointed at, as the recorder read it at the entry and, at the exit, what
// the call wrote.
type recordedMem recordedCall

// capture returns the capture of kind k for an argument that holds addr,
// searching the exit's captures first at the exit, and the argument's
// index; nil and -1 when no argument holds addr.
func (m *recordedMem) capture(addr uint64, k format.CaptureKind) (*format.Capture, int) {
	arg := -1
	for i, a := range m.args {
		if a != addr || addr == 0 {
			continue
		}
		arg = i
		if m.exit {
			if cp := find(m.out, i, k); cp != nil {
				return cp, i
			}
		}
		if cp := find(m.enter, i, k); cp != nil {
			return cp, i
		}
	}
	return nil, arg
}

func find(caps []format.Capture, arg int, k format.CaptureKind) *format.Capture {
	for i := range caps {
		if cp := &caps[i]; int(cp.Arg) == arg && cp.Kind == k && cp.Index == 0 {
			return cp
		}
	}
	return nil
}

func (m *recordedMem) ReadString(addr uint64, max int) (string, error) {
	cp, arg := m.capture(addr, format.CaptureString)
	switch {
	case cp == nil && arg >= 0 && m.isPath(arg):
		// The recorder reads every path argument; it captured none
		// because the memory could not be read.
		return "", syscall.EFAULT
	case cp == nil:
		return "", m.unavailable(addr, arg, "was not recorded")
	case cp.Truncated() && cp.Len() < uint64(max):
		return "", m.unavailable(addr, arg, fmt.Sprintf("was recorded in part (%d of %d bytes)", len(cp.Data), cp.Len()))
	case cp.Truncated() || len(cp.Data) >= max:
		// No NUL within max bytes, as live.
		return "", syscall.ENAMETOOLONG
	}
	return string(cp.Data), nil
}

func (m *recordedMem) ReadBytes(addr uint64, n int) ([]byte, error) {
	if n < 0 {
		return nil, syscall.EINVAL
	}
	for _, k := range []format.CaptureKind{format.CaptureStruct, format.CaptureBuffer, format.CaptureSockaddr, format.CaptureString} {
		cp, _ := m.capture(addr, k)
		if cp == nil {
			continue
		}
		data := cp.Data
		if k == format.CaptureString && !cp.Truncated() {
			// The string's NUL is memory too.
			data = append(data[:len(data):len(data)], 0)
		}
		if len(data) >= n {
			return append([]byte(nil), data[:n]...), nil
		}
		return nil, m.unavailable(addr, int(cp.Arg), fmt.Sprintf("was recorded in part (%d of the %d bytes asked for)", len(data), n))
	}
	_, arg := m.capture(addr, format.CaptureUnknown)
	return nil, m.unavailable(addr, arg, "was not recorded")
}

// isPath reports whether argument i of the call is a path, which the
// recorder always captures.
func (m *recordedMem) isPath(i int) bool {
	return m.sc != nil && i < len(m.sc.Args) && m.sc.Args[i].Kind == sysent.ArgPath
}

func (m *recordedMem) unavailable(addr uint64, arg int, what string) error {
	if arg < 0 {
		return fmt.Errorf("memory at %#x %s: %w", addr, what, hook.ErrUnavailable)
	}
	name := fmt.Sprintf("argument %d", arg)
	if m.sc != nil && arg < len(m.sc.Args) {
		name = m.sc.Args[arg].Name
	}
	return fmt.Errorf("%s's memory %s: %w", name, what, hook.ErrUnavailable)
}
