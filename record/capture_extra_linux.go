//go:build linux

package record

import (
	"encoding/binary"
	"slices"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// siginfoKept is how much of a siginfo_t a signal event keeps: the header
// and the fields of its union that strace prints.
const siginfoKept = 48

// direntsMax bounds the getdents buffer read to count its entries.
const direntsMax = 1 << 20

// extraEnter takes the captures of sc.Extra that only the entry can: the
// mask a signal frame restores, which rt_sigreturn pops, and recvmsg's
// header before the kernel rewrites msg_namelen. sp is the stack pointer
// at the entry.
func (c *capturer) extraEnter(tid int, sc *sysent.Syscall, args *[6]uint64, sp uint64) {
	switch sc.Extra {
	case sysent.ExtraSigreturn:
		if sp != 0 {
			c.buf(tid, 0, format.CaptureSigmask, 0, sp+sigframeMaskOffset, sysent.SizeSigset, sysent.SizeSigset)
		}
	case sysent.ExtraRecvmsg:
		c.buf(tid, 1, format.CaptureStruct, 0, args[1], msghdrSize, msghdrSize)
	case sysent.ExtraMmsg:
		if sc.Name == "recvmmsg" {
			// The name lengths the program offered.
			n := min(args[2], sysent.MmsgMax)
			c.buf(tid, 1, format.CaptureStruct, 0, args[1], n*mmsghdrSize, int(n)*mmsghdrSize)
		}
	}
}

// extraExit takes the captures of sc.Extra at the exit of a syscall that
// returned ret, or failed.
func (c *capturer) extraExit(tid int, sc *sysent.Syscall, args *[6]uint64, ret int64, failed bool) {
	switch sc.Extra {
	case sysent.ExtraIovecs:
		c.iovecArray(tid, 1, args[1], args[2])
	case sysent.ExtraRecvmsg:
		if !failed {
			c.recvmsgExit(tid, args[1])
		}
	case sysent.ExtraDirents:
		if !failed && ret > 0 {
			c.direntCount(tid, args[1], uint64(ret))
		}
	case sysent.ExtraIoctl:
		c.ioctlExit(tid, args, ret, failed)
	case sysent.ExtraPrctl:
		if p, ok := sysent.PrctlArgOf(args[0]); ok && (p.Dir == sysent.IoctlIn || !failed) {
			addr := args[p.Arg]
			if p.String {
				c.str(tid, int(p.Arg), format.CaptureString, 0, addr, int(p.Size))
			} else {
				c.buf(tid, int(p.Arg), format.CaptureStruct, 0, addr, uint64(p.Size), int(p.Size))
			}
		}
	case sysent.ExtraFcntl:
		if size, out := sysent.FcntlStruct(args[1]); size > 0 && (!out || !failed) {
			c.buf(tid, 2, format.CaptureStruct, 0, args[2], uint64(size), int(size))
		}
	case sysent.ExtraFutex:
		if sysent.FutexTimeout(args[1]) {
			c.buf(tid, 3, format.CaptureStruct, 0, args[3], 16, 16)
		}
	case sysent.ExtraSleep:
		// The kernel writes the remainder only when a signal interrupts
		// the sleep, and the tracer sees a restart code then.
		if failed && ret <= -512 && ret >= -516 {
			arg := 1
			if sc.Name == "clock_nanosleep" {
				arg = 3
			}
			c.buf(tid, arg, format.CaptureStruct, 0, args[arg], 16, 16)
		}
	case sysent.ExtraPselect:
		c.pselectSigmask(tid, args[5])
	case sysent.ExtraMmsg:
		n := args[2]
		if sc.Name == "recvmmsg" {
			n = 0
			if !failed {
				n = uint64(ret)
			}
		}
		c.mmsgvec(tid, args[1], n, sc.Name == "recvmmsg")
	case sysent.ExtraStruct:
		if failed {
			for i, a := range sc.Args {
				if a.Kind == sysent.ArgOutStruct {
					c.buf(tid, i, format.CaptureStruct, 0, args[i], uint64(a.Size), int(a.Size))
				}
			}
		}
	}
}

// iovecArray captures the struct iovec array of count elements at addr
// as argument arg's CaptureIovecArray.
func (c *capturer) iovecArray(tid, arg int, addr, count uint64) {
	if count > iovMax {
		count = iovMax
	}
	c.buf(tid, arg, format.CaptureIovecArray, 0, addr, count*16, int(count)*16)
}

// recvmsgExit captures what a successful recvmsg's msghdr at addr points
// at beyond the data: its iovec array, and what the fds that SCM_RIGHTS
// messages brought refer to.
func (c *capturer) recvmsgExit(tid int, addr uint64) {
	var h [msghdrSize]byte
	if addr == 0 || c.mem.read(tid, h[:], addr) < msghdrSize {
		return
	}
	c.iovecArray(tid, 1, binary.NativeEndian.Uint64(h[16:]), binary.NativeEndian.Uint64(h[24:]))
	// The control data the exit captured, walked as cmsghdrs: the fds are
	// read into scratch first, since fdLink grows the arena.
	ctl := c.captured(1, format.CaptureBuffer)
	c.scratch = c.scratch[:0]
	for len(ctl) >= 16 {
		n := binary.NativeEndian.Uint64(ctl)
		level, typ := binary.NativeEndian.Uint32(ctl[8:]), binary.NativeEndian.Uint32(ctl[12:])
		if n < 16 || n > uint64(len(ctl)) {
			break
		}
		if level == 1 && typ == 1 { // SOL_SOCKET, SCM_RIGHTS
			c.scratch = append(c.scratch, ctl[16:n]...)
		}
		n = (n + 7) &^ 7
		if n >= uint64(len(ctl)) {
			break
		}
		ctl = ctl[n:]
	}
	for i := 0; i+4 <= len(c.scratch); i += 4 {
		c.fdLink(tid, int64(int32(binary.NativeEndian.Uint32(c.scratch[i:]))))
	}
}

// captured returns the data of the current event's capture of argument arg
// and kind k, or nil. It is valid until the arena grows.
func (c *capturer) captured(arg int, k format.CaptureKind) []byte {
	for i := range c.caps {
		if int(c.caps[i].Arg) == arg && c.caps[i].Kind == k {
			s := c.spans[i]
			return c.arena[s.off : s.off+s.n]
		}
	}
	return nil
}

// direntCount captures how many entries a getdents call wrote into the n
// bytes at addr, when its buffer's capture holds less than all of them.
func (c *capturer) direntCount(tid int, addr, n uint64) {
	if uint64(len(c.captured(1, format.CaptureBuffer))) >= n || n > direntsMax {
		return
	}
	c.scratch = grow(c.scratch[:0], int(n))
	got := c.mem.read(tid, c.scratch, addr)
	count := uint32(0)
	// linux_dirent64 and linux_dirent both keep d_reclen at offset 16.
	for off := 0; off+18 <= got; {
		reclen := int(binary.NativeEndian.Uint16(c.scratch[off+16:]))
		if reclen == 0 || off+reclen > got {
			break
		}
		count++
		off += reclen
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], count)
	c.raw(1, format.CaptureCount, b[:])
}

// raw captures data the tracer already holds as argument arg's capture of
// kind k, unless the event's captures have no room left for it.
func (c *capturer) raw(arg int, k format.CaptureKind, data []byte) {
	if c.room(len(data)) < len(data) {
		return
	}
	off := len(c.arena)
	c.arena = append(c.arena, data...)
	c.add(arg, k, 0, off, len(data), uint64(len(data)))
}

// siginfo captures the part of a signal's siginfo_t that its event keeps.
func (c *capturer) siginfo(si *siginfo) {
	c.raw(0, format.CaptureSiginfo, si[:siginfoKept])
}

// ioctlExit captures an ioctl's argument struct as its request describes
// it, what the kernel read whether the call failed or not and what it
// wrote when it succeeded, and what a new fd it returned refers to.
func (c *capturer) ioctlExit(tid int, args *[6]uint64, ret int64, failed bool) {
	a, ok := sysent.IoctlArgOf(args[1])
	if !ok {
		return
	}
	if a.RetFD && !failed {
		c.fdLink(tid, ret)
	}
	if a.Dir == sysent.IoctlIn || (a.Dir != sysent.IoctlNone && !failed) {
		c.buf(tid, 2, format.CaptureStruct, 0, args[2], uint64(a.Size), int(a.Size))
	}
}

// pselectSigmask captures pselect6's sixth argument, a pointer to the pair
// {const sigset_t *ss; size_t ss_len}, and the sigset it points at.
func (c *capturer) pselectSigmask(tid int, addr uint64) {
	var pair [sysent.SizeSigsetArg]byte
	if addr == 0 || c.mem.read(tid, pair[:], addr) < len(pair) {
		return
	}
	c.raw(5, format.CaptureStruct, pair[:])
	if ss, n := binary.NativeEndian.Uint64(pair[:]), binary.NativeEndian.Uint64(pair[8:]); ss != 0 && n > 0 && n <= sysent.SizeSigset {
		c.buf(tid, 5, format.CaptureStruct, 1, ss, n, int(n))
	}
}

// mmsghdrSize is the size of struct mmsghdr on 64-bit ABIs: a msghdr and
// msg_len, padded.
const mmsghdrSize = msghdrSize + 8

// mmsgvec captures the struct mmsghdr array of n messages at addr at the
// exit of sendmmsg or recvmmsg and, for each message, its name, iovec
// array, the bytes of its iovecs (those that landed, for recv) and its
// control data, each with the message's number in Index
// (sysent.MmsgIndex).
func (c *capturer) mmsgvec(tid int, addr, n uint64, recv bool) {
	n = min(n, sysent.MmsgMax)
	if addr == 0 || n == 0 {
		return
	}
	first := len(c.caps)
	c.buf(tid, 1, format.CaptureStruct, 0, addr, n*mmsghdrSize, int(n)*mmsghdrSize)
	if len(c.caps) == first {
		return
	}
	// The array is copied out of the arena, which the captures below grow;
	// the call is rare enough for the allocation.
	arr := append([]byte(nil), c.captured(1, format.CaptureStruct)...)
	for k := 0; (k+1)*mmsghdrSize <= len(arr); k++ {
		h := arr[k*mmsghdrSize:]
		idx := k
		name, namelen := binary.NativeEndian.Uint64(h), uint64(binary.NativeEndian.Uint32(h[8:]))
		iov, iovlen := binary.NativeEndian.Uint64(h[16:]), binary.NativeEndian.Uint64(h[24:])
		ctl, ctllen := binary.NativeEndian.Uint64(h[32:]), binary.NativeEndian.Uint64(h[40:])
		spread := int64(-1)
		if recv {
			spread = int64(binary.NativeEndian.Uint32(h[msghdrSize:]))
		}
		c.buf(tid, 1, format.CaptureSockaddr, idx, name, namelen, sockaddrMax)
		c.buf(tid, 1, format.CaptureIovecArray, idx, iov, min(iovlen, iovMax)*16, int(min(iovlen, iovMax))*16)
		c.buf(tid, 1, format.CaptureBuffer, idx, ctl, ctllen, controlMax)
		elems := len(c.caps)
		limit := c.limit
		if recv {
			limit = c.out
		}
		c.iovecs(tid, 1, iov, iovlen, spread, limit)
		for i := elems; i < len(c.caps); i++ {
			c.caps[i].Index += uint32(k * sysent.MmsgIndex)
		}
	}
}

// nullBases keeps the iovec array the last iovecs call read, as argument
// arg's CaptureIovecArray, when one of its buffers is NULL: at entry only
// then does the array tell more than the buffers' captures do.
func (c *capturer) nullBases(arg int) {
	if !slices.Contains(c.addrs, 0) {
		return
	}
	c.raw(arg, format.CaptureIovecArray, c.scratch[:len(c.addrs)*16])
}
