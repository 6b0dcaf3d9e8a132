package diff

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// Markers that stand for masked or resolved values in a call's hash.
const (
	markMasked uint64 = 0x6d61736b6564 + iota
	markNull
	markFDCWD
	markNewFD
	markRef
	markForeignPid
	markUnfinished
	markCut
)

// hash accumulates a call's normalized fields.
type hash uint64

// add mixes v in (the murmur3 finalizer over the running value).
func (h *hash) add(v uint64) {
	x := uint64(*h) ^ v
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	*h = hash(x + 0x9e3779b97f4a7c15)
}

// le is the byte order of both supported architectures.
var le = binary.LittleEndian

// hashCall returns the hash of call c with everything that differs from
// run to run without the program doing anything different masked:
// pointers and addresses, times, fd numbers (an fd is what it refers to and
// its place among the process's fds that refer to alike things), pids (a
// reference resolved once the runs' processes are matched), random bytes,
// inode numbers, and the environment. Strings and buffers count by
// content; a cut buffer by its captured part and its full length.
func (c *collector) hashCall(call *analyze.Call, th *thread) uint64 {
	h := hash(uint64(call.Nr) + 1)
	args := call.Args()
	sys := call.Sys
	if sys == nil || sys.Args == nil {
		for _, v := range args {
			h.add(v)
		}
	} else {
		n := min(call.ArgCount(), len(sys.Args), 6)
		strv := 0
		for i := 0; i < n; i++ {
			c.hashArg(&h, call, th, i, sys.Args[i], &strv)
		}
	}
	c.hashRet(&h, call, th)
	return uint64(h)
}

// ok reports whether the call succeeded, so that what it wrote counts.
func ok(call *analyze.Call) bool { return call.Exit != nil && !analyze.IsError(call.Exit.Ret) }

func (c *collector) hashArg(h *hash, call *analyze.Call, th *thread, i int, a sysent.Arg, strv *int) {
	v := call.Args()[i]
	switch a.Kind {
	case sysent.ArgHex:
		h.add(nullOr(v))
	case sysent.ArgFD:
		c.hashFD(h, th.proc, v)
	case sysent.ArgDirFD:
		if int32(v) == -100 {
			h.add(markFDCWD)
			return
		}
		c.hashFD(h, th.proc, v)
	case sysent.ArgPath, sysent.ArgString:
		c.hashCapture(h, call.Enter, i, format.CaptureString, v)
	case sysent.ArgStringArray:
		// The first array is argv; the environment that follows is
		// masked, as it holds what differs between shells and runs. A
		// successful exec's argv is compared with its process's.
		*strv++
		if *strv > 1 || ok(call) {
			h.add(markMasked)
			return
		}
		c.hashAll(h, call.Enter, i, format.CaptureStringArray, v)
	case sysent.ArgInBuf, sysent.ArgInArray:
		c.hashCapture(h, call.Enter, i, captureKind(a.Kind), v)
	case sysent.ArgOutBuf, sysent.ArgOutBufLenPtr:
		if !ok(call) {
			h.add(nullOr(v))
			return
		}
		switch {
		case call.Name == "getrandom", c.random(call):
			h.add(markMasked)
		case call.Name == "getdents64" || call.Name == "getdents":
			c.hashDirents(h, analyze.Captured(call.Exit, i, format.CaptureBuffer), call.Name == "getdents64")
		default:
			c.hashCapture(h, call.Exit, i, format.CaptureBuffer, v)
		}
	case sysent.ArgInIovec, sysent.ArgInMsghdr:
		c.hashAll(h, call.Enter, i, format.CaptureIovec, v)
		c.hashCapture(h, call.Enter, i, format.CaptureSockaddr, v)
	case sysent.ArgOutIovec, sysent.ArgOutMsghdr:
		if !ok(call) {
			h.add(nullOr(v))
			return
		}
		c.hashAll(h, call.Exit, i, format.CaptureIovec, v)
		c.hashCapture(h, call.Exit, i, format.CaptureSockaddr, v)
	case sysent.ArgInSockaddr:
		c.hashCapture(h, call.Enter, i, format.CaptureSockaddr, v)
	case sysent.ArgOutSockaddr:
		if ok(call) {
			c.hashCapture(h, call.Exit, i, format.CaptureSockaddr, v)
		}
	case sysent.ArgInStruct:
		c.hashStruct(h, call, a, analyze.Captured(call.Enter, i, format.CaptureStruct), v)
	case sysent.ArgOutStruct:
		if ok(call) {
			c.hashStruct(h, call, a, analyze.Captured(call.Exit, i, format.CaptureStruct), v)
		}
	case sysent.ArgInOutStruct:
		c.hashStruct(h, call, a, analyze.Captured(call.Enter, i, format.CaptureStruct), v)
		if ok(call) {
			c.hashStruct(h, call, a, analyze.Captured(call.Exit, i, format.CaptureStruct), v)
		}
	case sysent.ArgOutArray, sysent.ArgInOutArray, sysent.ArgFdSet:
		// Events, poll entries and fd sets hold fd numbers and
		// pointers: their count is the call's other arguments.
		h.add(nullOr(v))
	case sysent.ArgPid:
		c.hashPid(h, th, int32(v))
	default:
		h.add(v)
	}
}

func captureKind(k sysent.ArgKind) format.CaptureKind {
	if k == sysent.ArgInArray {
		return format.CaptureStruct
	}
	return format.CaptureBuffer
}

// random reports whether call reads from /dev/urandom or /dev/random.
func (c *collector) random(call *analyze.Call) bool {
	if call.IO() != analyze.IORead {
		return false
	}
	fd, ok := fdArg(call)
	if !ok {
		return false
	}
	info, _ := c.w.FD(call.Pid, fd)
	return info.Target == "/dev/urandom" || info.Target == "/dev/random"
}

// nullOr stands for a pointer: NULL or not.
func nullOr(v uint64) uint64 {
	if v == 0 {
		return markNull
	}
	return markMasked
}

// hashFD adds an fd as what it refers to.
func (c *collector) hashFD(h *hash, p *process, v uint64) {
	fd := int64(int32(v))
	info, known := c.w.FD(p.pid, fd)
	if fd < 0 || !known || info.Target == "" {
		h.add(uint64(fd))
		return
	}
	target, ord := c.fdIdentity(p, info)
	h.add(maphash.String(c.seed, target))
	h.add(uint64(ord))
}

// hashCapture adds the first capture of arg i of kind k: its content and
// full length; a pointer that points at nothing captured counts as NULL or
// not.
func (c *collector) hashCapture(h *hash, e *format.Event, i int, k format.CaptureKind, v uint64) {
	if e != nil {
		for j := range e.Captures {
			if cp := &e.Captures[j]; int(cp.Arg) == i && cp.Kind == k {
				c.addData(h, cp)
				return
			}
		}
	}
	h.add(nullOr(v))
}

// hashAll adds every capture of arg i of kind k, in order.
func (c *collector) hashAll(h *hash, e *format.Event, i int, k format.CaptureKind, v uint64) {
	n := 0
	if e != nil {
		for j := range e.Captures {
			if cp := &e.Captures[j]; int(cp.Arg) == i && cp.Kind == k {
				c.addData(h, cp)
				n++
			}
		}
	}
	if n == 0 {
		h.add(nullOr(v))
	}
}

func (c *collector) addData(h *hash, cp *format.Capture) {
	d := cp.Data
	if cp.Kind == format.CaptureSockaddr {
		d = sockaddrBytes(d)
	}
	h.add(maphash.Bytes(c.seed, d))
	h.add(cp.Len())
	if cp.Truncated() {
		h.add(markCut)
	}
}

// sockaddrBytes cuts a sockaddr to the bytes that mean something: a
// program passes the size of the whole struct, and what follows a unix
// socket's path or an inet address is whatever its stack held.
func sockaddrBytes(sa []byte) []byte {
	if len(sa) < 2 {
		return sa
	}
	switch le.Uint16(sa) {
	case 1: // AF_UNIX: up to the NUL, unless the name is abstract
		if len(sa) > 2 && sa[2] != 0 {
			for i := 2; i < len(sa); i++ {
				if sa[i] == 0 {
					return sa[:i]
				}
			}
		}
	case 2: // AF_INET: family, port, address
		return sa[:min(len(sa), 8)]
	case 10: // AF_INET6: up to the scope id
		return sa[:min(len(sa), 28)]
	}
	return sa
}

// hashDirents adds the names and types of a getdents buffer, leaving out
// inode numbers and the filesystem's offsets.
func (c *collector) hashDirents(h *hash, data []byte, is64 bool) {
	for off := 0; off+19 <= len(data); {
		reclen := int(le.Uint16(data[off+16:]))
		if reclen == 0 || off+reclen > len(data) {
			break
		}
		rec := data[off : off+reclen]
		name := rec[18:]
		if is64 {
			h.add(uint64(rec[18]))
			name = rec[19:]
		}
		for k, b := range name {
			if b == 0 {
				name = name[:k]
				break
			}
		}
		h.add(maphash.Bytes(c.seed, name))
		off += reclen
	}
}

// maskedStructs hold times, addresses, pids or counters that change from
// run to run: they are compared by size only.
var maskedStructs = map[string]bool{
	"timespec": true, "timeval": true, "itimerspec": true, "itimerval": true, "timezone": true,
	"timex": true, "timespec[2]": true, "timeval[2]": true, "utimbuf": true, "time_t": true,
	"rusage": true, "tms": true, "sysinfo": true, "siginfo_t": true, "stack_t": true,
	"rseq": true, "sigevent": true, "epoll_event": true, "timer_t": true, "statfs": true,
	"int[2]": true, "pollfd": true,
}

// hashStruct adds a struct argument by its C type.
func (c *collector) hashStruct(h *hash, call *analyze.Call, a sysent.Arg, data []byte, v uint64) {
	if data == nil {
		h.add(nullOr(v))
		return
	}
	switch {
	case maskedStructs[a.Type]:
		h.add(uint64(len(data)))
	case a.Type == "stat" && len(data) >= 56:
		// What dump prints of it: mode, device and size.
		mode, rdev := 24, 40
		if c.r.tab.Arch() == sysent.ARM64 {
			mode, rdev = 16, 32
		}
		h.add(uint64(le.Uint32(data[mode:])))
		h.add(le.Uint64(data[rdev:]))
		h.add(le.Uint64(data[48:]))
	case a.Type == "statx" && len(data) >= 48:
		h.add(uint64(le.Uint16(data[28:])))
		h.add(le.Uint64(data[40:]))
	case a.Type == "sigaction" && len(data) >= 16:
		// The handler's address moves with the program's load address:
		// only SIG_DFL and SIG_IGN are values.
		h.add(min(le.Uint64(data), 2))
		h.add(le.Uint64(data[8:]))
		h.add(le.Uint64(data[len(data)-8:]))
	case a.Type == "clone_args" && len(data) >= 56:
		h.add(le.Uint64(data))
		h.add(le.Uint64(data[32:]))
		h.add(le.Uint64(data[48:]))
	default:
		h.add(maphash.Bytes(c.seed, data))
	}
}

// hashPid adds a pid or tid: a reference to the process or thread of this
// run that has it, resolved after matching; a pid foreign to the trace is
// masked.
func (c *collector) hashPid(h *hash, th *thread, v int32) {
	switch {
	case v == 0 || v == -1:
		h.add(uint64(int64(v)))
		return
	case v < -1:
		// A process group.
		h.add(markMasked)
		v = -v
	}
	r := ref{item: int32(len(th.items))}
	// What has the number now, else what had it last.
	if id := c.w.Process(v); id.Serial != 0 {
		r.proc = c.procs[id.Serial]
	} else if t := c.liveThreads[v]; t != nil {
		r.thread = t
	} else if p := c.byPid[v]; p != nil {
		r.proc = p
	} else {
		r.thread = c.byTid[v]
	}
	if r.proc == nil && r.thread == nil {
		// A process out of the run, or a pid the trace never saw.
		h.add(markForeignPid)
		return
	}
	h.add(markRef)
	th.refs = append(th.refs, r)
}

// timeCalls return a time or a clock.
var timeCalls = map[string]bool{"time": true, "times": true}

func (c *collector) hashRet(h *hash, call *analyze.Call, th *thread) {
	if call.Exit == nil {
		h.add(markUnfinished)
		return
	}
	ret := call.Exit.Ret
	if analyze.IsError(ret) {
		h.add(uint64(ret))
		return
	}
	kind := sysent.RetInt
	if call.Sys != nil {
		kind = call.Sys.Ret
	}
	if call.Name == "fcntl" && (call.Enter.Args[1] == 0 || call.Enter.Args[1] == 1030) {
		kind = sysent.RetFD
	}
	switch {
	case timeCalls[call.Name], kind == sysent.RetHex, call.Name == "rt_sigreturn":
		// rt_sigreturn returns what the interrupted code had in the
		// return register.
		h.add(markMasked)
	case kind == sysent.RetPid:
		c.hashPid(h, th, int32(ret))
	case kind == sysent.RetFD:
		h.add(markNewFD)
		for i := range call.Exit.Captures {
			if cp := &call.Exit.Captures[i]; cp.Kind == format.CaptureFD && int64(cp.Index) == ret {
				h.add(maphash.String(c.seed, maskTarget(string(cp.Data))))
			}
		}
	default:
		h.add(uint64(ret))
	}
}

// anyChild reports whether call waits for whichever child ends first.
func anyChild(call *analyze.Call) bool {
	switch call.Name {
	case "wait4", "waitpid":
		return int32(call.Enter.Args[0]) <= 0
	}
	return false
}

// resolveRefs mixes the matched identity of every process and thread a
// call names into its hash.
func resolveRefs(threads []*thread) {
	for _, th := range threads {
		for _, r := range th.refs {
			id := uint64(0)
			switch {
			case r.proc != nil:
				id = r.proc.id
			case r.thread != nil:
				id = r.thread.id
			}
			h := hash(th.items[r.item])
			h.add(bits.RotateLeft64(id, 17))
			th.items[r.item] = uint64(h)
		}
	}
}
