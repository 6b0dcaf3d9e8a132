//go:build linux

package record

import (
	"encoding/binary"
	"os"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// Capture limits. Paths and strings are captured whole up to PATH_MAX;
// buffers are cut at Options.CaptureSize; all of one event's captures
// together at MaxCaptureSize (see capturer.room).
const (
	pathMax      = 4096
	sockaddrMax  = 128 // sizeof(struct sockaddr_storage)
	iovMax       = 1024
	arrayMax     = 4096 // elements of an argv or envp
	msghdrSize   = 56   // struct msghdr on 64-bit ABIs
	fdSetMax     = 1024 / 8
	cloneArgsMin = 40 // struct clone_args up to exit_signal
	// controlMax caps a msghdr's control data, captured whole like a
	// sockaddr whatever the capture size: the cmsgs name fds and creds.
	controlMax = 4096
)

// span locates a capture's data in the tracer's arena; the arena may move
// while an event's captures are read, so Data is set only at emit.
type span struct{ off, n int }

// capturer reads the memory of one event's captures into an arena that is
// reused from event to event.
type capturer struct {
	mem   *memReader
	limit int // Options.CaptureSize
	// out caps the buffers captured at exit: limit, or the whole buffer
	// up to maxReplayCapture in a replayable recording.
	out   int
	caps  []format.Capture
	spans []span
	arena []byte
	// scratch holds iovec arrays and structs that are parsed, not kept.
	scratch []byte
	dsts    [][]byte
	addrs   []uint64
	ns      []int
	// proc holds the /proc path that link reads.
	proc []byte
}

func newCapturer(mem *memReader, limit int) *capturer {
	return &capturer{
		mem:     mem,
		limit:   limit,
		out:     limit,
		caps:    make([]format.Capture, 0, 16),
		spans:   make([]span, 0, 16),
		arena:   make([]byte, 0, 64<<10),
		scratch: make([]byte, 0, 4096),
	}
}

// room returns max, or less when the event's captures would otherwise
// pass MaxCaptureSize bytes: an event cut there is still one record that
// every reader accepts, and the arena, a batch of the writer and the
// writer's frame each stay bounded however much the program passes to one
// syscall (a 1 GiB write, an argv of 4096 paths, 1024 iovecs).
func (c *capturer) room(max int) int {
	return min(max, MaxCaptureSize-len(c.arena))
}

func (c *capturer) reset() {
	c.caps, c.spans, c.arena = c.caps[:0], c.spans[:0], c.arena[:0]
}

// finish points the captures at their data and returns them.
func (c *capturer) finish() []format.Capture {
	for i, s := range c.spans {
		c.caps[i].Data = c.arena[s.off : s.off+s.n : s.off+s.n]
	}
	return c.caps
}

func (c *capturer) add(arg int, kind format.CaptureKind, index int, off, n int, full uint64) {
	var size uint64
	if full > uint64(n) {
		size = full
	}
	c.caps = append(c.caps, format.Capture{Arg: uint8(arg), Kind: kind, Index: uint32(index), Size: size})
	c.spans = append(c.spans, span{off, n})
}

// buf captures length bytes at addr, cut at max. With no room (-s 0) the
// capture keeps only the length, as strace -s 0 prints ""... for it.
func (c *capturer) buf(pid, arg int, kind format.CaptureKind, index int, addr, length uint64, max int) {
	max = c.room(max)
	if addr == 0 || length == 0 {
		return
	}
	if max <= 0 {
		c.add(arg, kind, index, len(c.arena), 0, length)
		return
	}
	n := max
	if length < uint64(n) {
		n = int(length)
	}
	off := len(c.arena)
	c.arena = grow(c.arena, n)
	got := c.mem.read(pid, c.arena[off:off+n], addr)
	c.arena = c.arena[:off+got]
	if got == 0 && n > 0 {
		return
	}
	c.add(arg, kind, index, off, got, length)
}

// str captures the NUL-terminated string at addr. A string with no NUL
// within max bytes is kept cut, with Size one more than its length.
func (c *capturer) str(pid, arg int, kind format.CaptureKind, index int, addr uint64, max int) bool {
	max = c.room(max)
	if addr == 0 || max <= 0 {
		return false
	}
	off := len(c.arena)
	var ok bool
	c.arena, ok = c.mem.readString(pid, c.arena, addr, max)
	n := len(c.arena) - off
	full := uint64(n)
	if !ok {
		if n == 0 {
			return false
		}
		full++
	}
	c.add(arg, kind, index, off, n, full)
	return true
}

// strArray captures a NULL-terminated array of string pointers, each
// string a capture with its index. With lengthsOnly each capture keeps the
// string's length and none of its bytes: the count of an environment
// survives -s 0.
func (c *capturer) strArray(pid, arg int, addr uint64, max int, lengthsOnly bool) {
	if addr == 0 {
		return
	}
	const word = 8
	index := 0
	for index < arrayMax {
		// Read pointers up to the end of the page.
		chunk := int(c.mem.pageSize-addr%c.mem.pageSize) / word
		if chunk > arrayMax-index {
			chunk = arrayMax - index
		}
		c.scratch = grow(c.scratch[:0], chunk*word)
		got := c.mem.read(pid, c.scratch, addr) / word
		// The strings are read after the pointers are copied out of
		// scratch, which readString does not touch.
		for i := range got {
			p := binary.NativeEndian.Uint64(c.scratch[i*word:])
			if p == 0 {
				return
			}
			if !c.str(pid, arg, format.CaptureStringArray, index, p, max) {
				return
			}
			if lengthsOnly {
				last := len(c.caps) - 1
				sp := &c.spans[last]
				if c.caps[last].Size < uint64(sp.n) {
					c.caps[last].Size = uint64(sp.n)
				}
				c.arena = c.arena[:sp.off]
				sp.n = 0
			}
			index++
		}
		if got < chunk {
			return
		}
		addr += uint64(chunk * word)
	}
}

// iovecs captures the buffers of an iovec array of count elements at addr.
// When spread is not negative only its first spread bytes are captured (the
// bytes a readv returned), else every buffer whole; each buffer is cut at
// limit.
func (c *capturer) iovecs(pid, arg int, addr, count uint64, spread int64, limit int) {
	c.addrs = c.addrs[:0]
	if addr == 0 || count == 0 || spread == 0 {
		return
	}
	if count > iovMax {
		count = iovMax
	}
	c.scratch = grow(c.scratch[:0], int(count)*16)
	got := c.mem.read(pid, c.scratch, addr) / 16
	c.dsts, c.addrs, c.ns = c.dsts[:0], c.addrs[:0], c.ns[:0]
	// Lay every buffer out in the arena first, then read them in one call.
	base := len(c.arena)
	total := 0
	room := c.room(MaxCaptureSize)
	for i := range got {
		b := binary.NativeEndian.Uint64(c.scratch[i*16:])
		l := binary.NativeEndian.Uint64(c.scratch[i*16+8:])
		if spread >= 0 {
			if uint64(spread) < l {
				l = uint64(spread)
			}
			spread -= int64(l)
		}
		n := min(limit, room-total)
		if l < uint64(n) {
			n = int(l)
		}
		c.add(arg, format.CaptureIovec, i, base+total, n, l)
		c.addrs = append(c.addrs, b)
		c.ns = append(c.ns, n)
		total += n
		if spread == 0 {
			break
		}
	}
	c.arena = grow(c.arena, total)
	off := base
	for _, n := range c.ns {
		c.dsts = append(c.dsts, c.arena[off:off+n])
		off += n
	}
	c.mem.gather(pid, c.dsts, c.addrs, c.ns)
	// Short reads leave holes: compact the data and fix the spans.
	first := len(c.spans) - len(c.ns)
	off = base
	for i, n := range c.ns {
		s := &c.spans[first+i]
		if s.off != off {
			copy(c.arena[off:], c.arena[s.off:s.off+n])
		}
		s.off, s.n = off, n
		off += n
	}
	c.arena = c.arena[:off]
}

// msghdr captures a struct msghdr, its name, iovecs and control data, the
// buffers cut at limit. At exit, spread is the byte count the call
// returned.
func (c *capturer) msghdr(pid, arg int, addr uint64, spread int64, limit int) {
	if addr == 0 {
		return
	}
	off := len(c.arena)
	if c.room(msghdrSize) < msghdrSize {
		return
	}
	c.arena = grow(c.arena, msghdrSize)
	if c.mem.read(pid, c.arena[off:], addr) < msghdrSize {
		c.arena = c.arena[:off]
		return
	}
	c.add(arg, format.CaptureStruct, 0, off, msghdrSize, msghdrSize)
	h := c.arena[off : off+msghdrSize]
	name := binary.NativeEndian.Uint64(h[0:])
	namelen := uint64(binary.NativeEndian.Uint32(h[8:]))
	iov := binary.NativeEndian.Uint64(h[16:])
	iovlen := binary.NativeEndian.Uint64(h[24:])
	control := binary.NativeEndian.Uint64(h[32:])
	controllen := binary.NativeEndian.Uint64(h[40:])
	c.buf(pid, arg, format.CaptureSockaddr, 0, name, namelen, sockaddrMax)
	c.iovecs(pid, arg, iov, iovlen, spread, limit)
	if spread < 0 {
		c.nullBases(arg)
	}
	c.buf(pid, arg, format.CaptureBuffer, 0, control, controllen, controlMax)
}

// enter captures what the arguments of sc point at when the syscall starts.
func (c *capturer) enter(pid int, sc *sysent.Syscall, args *[6]uint64) {
	strArrays := 0
	for i, a := range sc.Args {
		if i >= 6 {
			break
		}
		v := args[i]
		switch a.Kind {
		case sysent.ArgPath, sysent.ArgString:
			c.str(pid, i, format.CaptureString, 0, v, pathMax)
		case sysent.ArgStringArray:
			// argv always, envp and later arrays whole only with
			// buffers on: with -s 0 their lengths (dump's count).
			c.strArray(pid, i, v, pathMax, strArrays > 0 && c.limit == 0)
			strArrays++
		case sysent.ArgInBuf:
			c.buf(pid, i, format.CaptureBuffer, 0, v, lenArg(args, a), c.limit)
		case sysent.ArgInIovec:
			c.iovecs(pid, i, v, lenArg(args, a), -1, c.limit)
			c.nullBases(i)
		case sysent.ArgInSockaddr:
			c.buf(pid, i, format.CaptureSockaddr, 0, v, lenArg(args, a), sockaddrMax)
		case sysent.ArgInMsghdr:
			c.msghdr(pid, i, v, -1, c.limit)
		case sysent.ArgInStruct, sysent.ArgInOutStruct:
			c.buf(pid, i, format.CaptureStruct, 0, v, uint64(a.Size), int(a.Size))
		case sysent.ArgInOutArray:
			c.buf(pid, i, format.CaptureBuffer, 0, v, lenArg(args, a)*uint64(a.Size), c.limit)
		case sysent.ArgFdSet:
			c.buf(pid, i, format.CaptureStruct, 0, v, fdSetBytes(lenArg(args, a)), fdSetMax)
		}
	}
}

// exit captures what a successful syscall wrote; ret is its return value.
func (c *capturer) exit(pid int, sc *sysent.Syscall, args *[6]uint64, ret int64) {
	for i, a := range sc.Args {
		if i >= 6 {
			break
		}
		v := args[i]
		switch a.Kind {
		case sysent.ArgOutBuf:
			n := uint64(ret)
			if a.Len >= 0 && lenArg(args, a) < n {
				n = lenArg(args, a)
			}
			c.buf(pid, i, format.CaptureBuffer, 0, v, n, c.out)
		case sysent.ArgOutIovec:
			c.iovecs(pid, i, v, lenArg(args, a), ret, c.out)
		case sysent.ArgOutSockaddr:
			if n, ok := c.u32At(pid, args, a); ok {
				c.buf(pid, i, format.CaptureSockaddr, 0, v, n, sockaddrMax)
			}
		case sysent.ArgOutBufLenPtr:
			if n, ok := c.u32At(pid, args, a); ok {
				c.buf(pid, i, format.CaptureBuffer, 0, v, n, c.out)
			}
		case sysent.ArgOutMsghdr:
			c.msghdr(pid, i, v, ret, c.out)
		case sysent.ArgOutStruct, sysent.ArgInOutStruct:
			n := len(c.caps)
			c.buf(pid, i, format.CaptureStruct, 0, v, uint64(a.Size), int(a.Size))
			if a.Type == "int[2]" && len(c.caps) > n && c.spans[n].n == 8 {
				c.fdPair(pid, sc.Name == "socketpair", c.arena[c.spans[n].off:])
			}
		case sysent.ArgOutArray:
			c.buf(pid, i, format.CaptureBuffer, 0, v, uint64(ret)*uint64(a.Size), c.out)
		case sysent.ArgInOutArray:
			c.buf(pid, i, format.CaptureBuffer, 0, v, lenArg(args, a)*uint64(a.Size), c.out)
		case sysent.ArgFdSet:
			c.buf(pid, i, format.CaptureStruct, 0, v, fdSetBytes(lenArg(args, a)), fdSetMax)
		}
	}
}

// fdPair captures what the two fds of pipe, pipe2 or socketpair refer to.
// A pipe's ends are one inode: one readlink does for both.
func (c *capturer) fdPair(pid int, sockets bool, fds []byte) {
	fd0, fd1 := int64(int32(binary.NativeEndian.Uint32(fds))), int64(int32(binary.NativeEndian.Uint32(fds[4:])))
	n := len(c.caps)
	c.fdLink(pid, fd0)
	if sockets || len(c.caps) == n || fd1 < 0 {
		c.fdLink(pid, fd1)
		return
	}
	s := c.spans[n]
	c.add(0, format.CaptureFD, int(fd1), s.off, s.n, uint64(s.n))
}

// fdLink captures what fd refers to in thread tid, as readlink of
// /proc/TID/fd/FD gives it ("/etc/passwd", "pipe:[4321]"). A syscall
// creating the fd is stopped at its exit, so the fd is there unless
// another thread closed it since.
func (c *capturer) fdLink(tid int, fd int64) {
	if fd < 0 || fd > 1<<31-1 {
		return
	}
	c.proc = strconv.AppendInt(append(c.procDir(tid), "/fd/"...), fd, 10)
	c.link(int(fd))
}

// procDir sets c.proc to /proc/TID and returns it.
func (c *capturer) procDir(tid int) []byte {
	c.proc = strconv.AppendInt(append(c.proc[:0], "/proc/"...), int64(tid), 10)
	return c.proc
}

// cwdLink captures the working directory of thread tid, as readlink of
// /proc/TID/cwd gives it, with Index format.CwdIndex: after chdir and
// fchdir the kernel's resolution of the path, symlinks followed.
func (c *capturer) cwdLink(tid int) {
	c.proc = append(c.procDir(tid), "/cwd"...)
	c.link(int(format.CwdIndex))
}

// link captures the readlink of the path in c.proc as a CaptureFD with
// index.
func (c *capturer) link(index int) {
	if c.room(pathMax) < pathMax {
		return
	}
	c.proc = append(c.proc, 0)
	off := len(c.arena)
	c.arena = grow(c.arena, pathMax)
	cwd := unix.AT_FDCWD
	n, _, e := unix.RawSyscall6(unix.SYS_READLINKAT, uintptr(cwd),
		uintptr(unsafe.Pointer(&c.proc[0])), uintptr(unsafe.Pointer(&c.arena[off])), pathMax, 0, 0)
	if e != 0 {
		c.arena = c.arena[:off]
		return
	}
	c.arena = c.arena[:off+int(n)]
	c.add(0, format.CaptureFD, index, off, int(n), uint64(n))
}

// fdLinks captures what every open fd of process pid refers to: the fds a
// program starts with. It allocates, and runs once per recording.
func (c *capturer) fdLinks(pid int) {
	entries, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
	if err != nil {
		return
	}
	for _, e := range entries {
		if fd, err := strconv.ParseInt(e.Name(), 10, 32); err == nil {
			n := len(c.caps)
			c.fdLink(pid, fd)
			if len(c.caps) > n && string(c.arena[c.spans[n].off:][:min(c.spans[n].n, 7)]) == "socket:" {
				c.sockInfo(pid, fd)
			}
		}
	}
}

// u32At reads the socklen_t that the argument named by a.Len points at.
func (c *capturer) u32At(pid int, args *[6]uint64, a sysent.Arg) (uint64, bool) {
	if a.Len < 0 || int(a.Len) >= len(args) || args[a.Len] == 0 {
		return 0, false
	}
	var b [4]byte
	if c.mem.read(pid, b[:], args[a.Len]) < 4 {
		return 0, false
	}
	return uint64(binary.NativeEndian.Uint32(b[:])), true
}

// lenArg returns the value of the argument that holds a's length or count.
func lenArg(args *[6]uint64, a sysent.Arg) uint64 {
	if a.Len < 0 || int(a.Len) >= len(args) {
		return 0
	}
	return args[a.Len]
}

func fdSetBytes(nfds uint64) uint64 { return (nfds + 63) / 64 * 8 }

// u64At reads one 64-bit word of tracee memory.
func (c *capturer) u64At(pid int, addr uint64) (uint64, bool) {
	var b [8]byte
	if addr == 0 || c.mem.read(pid, b[:], addr) < 8 {
		return 0, false
	}
	return binary.NativeEndian.Uint64(b[:]), true
}
