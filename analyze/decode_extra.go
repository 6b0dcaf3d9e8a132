package analyze

import (
	"strconv"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// decKind names the syscalls whose arguments or results a decoder here
// reads beyond their sysent kinds.
type decKind uint8

const (
	decNone          decKind = iota
	decIovecOut              // readv, preadv
	decRWv2                  // preadv2, pwritev2: the offset's high word is not printed
	decIoctl                 // ioctl
	decPrctl                 // prctl
	decPoll                  // poll, ppoll
	decSelect                // select, pselect6
	decEpollCtl              // epoll_ctl
	decEpollWait             // epoll_wait, epoll_pwait, epoll_pwait2
	decSockopt               // setsockopt, getsockopt
	decSocket                // socket
	decSleep                 // nanosleep, clock_nanosleep
	decFcntl                 // fcntl
	decFutex                 // futex
	decAffinity              // sched_getaffinity, sched_setaffinity
	decSockbuf               // sendto, recvfrom
	decPidfdGetfd            // pidfd_getfd
	decMmap                  // mmap
	decSigreturn             // rt_sigreturn
	decSigtimedwait          // rt_sigtimedwait
	decPerfEventOpen         // perf_event_open
	decFanotifyInit          // fanotify_init
	decIoUringSetup          // io_uring_setup
	decMmsg                  // sendmmsg, recvmmsg
)

var decKinds = map[string]decKind{
	"readv": decIovecOut, "preadv": decIovecOut, "preadv2": decRWv2, "pwritev2": decRWv2,
	"ioctl": decIoctl, "prctl": decPrctl, "poll": decPoll, "ppoll": decPoll,
	"select": decSelect, "pselect6": decSelect, "epoll_ctl": decEpollCtl,
	"epoll_wait": decEpollWait, "epoll_pwait": decEpollWait, "epoll_pwait2": decEpollWait,
	"setsockopt": decSockopt, "getsockopt": decSockopt, "socket": decSocket,
	"nanosleep": decSleep, "clock_nanosleep": decSleep, "fcntl": decFcntl, "futex": decFutex,
	"sched_getaffinity": decAffinity, "sched_setaffinity": decAffinity,
	"sendto": decSockbuf, "recvfrom": decSockbuf, "pidfd_getfd": decPidfdGetfd, "mmap": decMmap,
	"rt_sigreturn": decSigreturn, "rt_sigtimedwait": decSigtimedwait,
	"perf_event_open": decPerfEventOpen, "fanotify_init": decFanotifyInit,
	"io_uring_setup": decIoUringSetup, "sendmmsg": decMmsg, "recvmmsg": decMmsg,
}

// specialLayout adjusts layout's count of printed arguments and the first
// printed at exit for the calls decoded here; ok is false for the others.
// What the recorder captures at a call's exit prints there, even what
// the kernel only read: a line cut by another thread's shows it in its
// "resumed" half.
func (d *decoder) specialLayout(c *Call, n int) (int, int, bool) {
	args := c.Args()
	switch c.info.dec {
	case decIoctl:
		if ioctlNoArg(args[1]) {
			return 2, 2, true
		}
		if a, ok := sysent.IoctlArgOf(args[1]); ok && a.Dir != sysent.IoctlNone && args[2] != 0 {
			return 3, 2, true
		}
		return 3, 3, true
	case decFcntl:
		if size, _ := sysent.FcntlStruct(args[1]); size > 0 && args[2] != 0 {
			return n, 2, true
		}
	case decFutex:
		if sysent.FutexTimeout(args[1]) && n > 3 && args[3] != 0 {
			return n, 3, true
		}
	case decSelect:
		if c.Name == "pselect6" && args[5] != 0 {
			return 6, 5, true
		}
	case decMmsg:
		return n, 1, true
	case decPrctl:
		n, split := prctlLayout(args[0])
		return n, split, true
	case decSleep:
		if c.Name == "nanosleep" {
			return 2, 1, true
		}
		return 4, 3, true
	case decRWv2:
		// strace prints the offset whole from its two halves and the
		// flags after it.
		return 5, 5, true
	case decSigreturn:
		// The mask, when the recorder read it.
		if captureData(c.Enter, 0, format.CaptureSigmask) != nil {
			return 1, 1, true
		}
	}
	return n, n, false
}

// appendSpecialArg appends argument i of c when a decoder here reads it;
// ok is false when the sysent kind decides.
func (d *decoder) appendSpecialArg(b []byte, c *Call, i int) ([]byte, bool) {
	args := c.Args()
	switch c.info.dec {
	case decIovecOut:
		if i == 1 {
			return d.appendIovecOut(b, c)
		}
	case decRWv2:
		switch {
		case i == 1 && c.Name == "preadv2":
			return d.appendIovecOut(b, c)
		case i == 4:
			return appendFlagsDflt(b, rwfFlags, args[5], "RWF_???"), true
		}
	case decIoctl:
		switch i {
		case 1:
			return appendIoctlReq(b, args[1]), true
		case 2:
			return d.appendIoctlArg(b, c), true
		}
	case decPrctl:
		return d.appendPrctlArg(b, c, i), true
	case decPoll:
		if i == 0 {
			return d.appendPollfds(b, c), true
		}
		if i == 2 && c.Name == "ppoll" {
			// The time left follows the result.
			return d.appendStruct(b, c.Sys.Args[2], captureData(c.Enter, 2, format.CaptureStruct), args[2]), true
		}
	case decSelect:
		if i == 5 && c.Name == "pselect6" {
			return d.appendPselectSig(b, c), true
		}
		if i == 4 {
			return d.appendStruct(b, c.Sys.Args[4], captureData(c.Enter, 4, format.CaptureStruct), args[4]), true
		}
	case decEpollCtl:
		switch {
		case i == 3 && args[1] == epollCtlDel:
			// The kernel ignores the event of a removal.
			return appendPtr(b, args[3]), true
		case i == 3:
			return d.appendEpollEvent(b, captureData(c.Enter, 3, format.CaptureStruct), args[3]), true
		}
	case decEpollWait:
		if i == 1 {
			return d.appendEpollEvents(b, c), true
		}
	case decSockopt:
		return d.appendSockoptArg(b, c, i)
	case decSocket:
		if i == 2 && args[0] == afNetlink {
			return appendXval(b, netlinkProtocols, args[2], "NETLINK_???"), true
		}
	case decSleep:
		if (c.Name == "nanosleep" && i == 1) || (c.Name == "clock_nanosleep" && i == 3) {
			return d.appendSleepRem(b, c, i), true
		}
	case decFcntl:
		if i == 2 {
			return d.appendFcntlStruct(b, c)
		}
	case decFutex:
		if i == 3 && sysent.FutexTimeout(args[1]) {
			if ts := captureData(c.Exit, 3, format.CaptureStruct); len(ts) >= 16 {
				return appendTimespec(b, ts, "tv_nsec"), true
			}
		}
	case decAffinity:
		if i == 2 {
			return d.appendCPUMask(b, c), true
		}
	case decSockbuf:
		if i == 1 {
			return d.appendSockbuf(b, c)
		}
	case decPidfdGetfd:
		if i == 1 {
			return d.appendTargetFD(b, c), true
		}
	case decMmap:
		if i == 3 {
			return appendMmapFlags(b, args[3]), true
		}
	case decSigreturn:
		if i == 0 {
			return d.appendSigreturnMask(b, c), true
		}
	case decPerfEventOpen:
		if i == 0 {
			return appendPerfEventAttr(b, captureData(c.Enter, 0, format.CaptureStruct), args[0]), true
		}
	case decFanotifyInit:
		if i == 0 {
			b = appendXval(b, fanClasses, args[0]&0xc, "FAN_CLASS_???")
			if rest := args[0] &^ 0xc; rest != 0 {
				b = append(b, '|')
				b = appendFlags(b, fanInitFlags, rest)
			}
			return b, true
		}
	case decMmsg:
		switch {
		case i == 1 && c.Exit != nil:
			return d.appendMmsgvec(b, c), true
		case i == 4:
			// The timeout the program gave; the time left follows the
			// result.
			return d.appendStruct(b, c.Sys.Args[4], captureData(c.Enter, 4, format.CaptureStruct), args[4]), true
		}
	case decIoUringSetup:
		if i == 1 {
			data := captureData(c.Exit, 1, format.CaptureStruct)
			if args[1] == 0 || len(data) < 120 {
				return appendPtr(b, args[1]), true
			}
			return d.appendIoUringParams(b, data, !IsError(c.Exit.Ret)), true
		}
	}
	return b, false
}

// appendSpecialRet appends what strace prints after the result of the
// calls decoded here: poll's ready fds, select's sets, prctl's names.
func (d *decoder) appendSpecialRet(b []byte, c *Call) []byte {
	if c.Exit == nil || IsError(c.Exit.Ret) {
		return b
	}
	ret := c.Exit.Ret
	switch c.info.dec {
	case decPoll:
		return d.appendPollResult(b, c)
	case decSelect:
		return d.appendSelectResult(b, c)
	case decPrctl:
		if c.Args()[0] == 3 { // PR_GET_DUMPABLE
			if n, ok := prDumpable.lookup(uint64(ret)); ok {
				b = append(b, " ("...)
				b = append(b, n...)
				return append(b, ')')
			}
		}
	case decMmsg:
		if c.Name != "recvmmsg" {
			break
		}
		if ret == 0 {
			return append(b, " (Timeout)"...)
		}
		if ts := captureData(c.Exit, 4, format.CaptureStruct); c.Args()[4] != 0 && len(ts) >= 16 {
			b = append(b, " (left "...)
			b = appendTimespec(b, ts, "tv_nsec")
			return append(b, ')')
		}
	case decSigtimedwait:
		if ret > 0 {
			b = append(b, " ("...)
			b = appendSignal(b, int32(ret))
			return append(b, ')')
		}
	}
	return b
}

// iovecCapture returns the captured data of element j of the iovec
// argument arg of e, or nil.
func iovecCapture(e *format.Event, arg, j int) *format.Capture {
	for k := range e.Captures {
		cp := &e.Captures[k]
		if int(cp.Arg) == arg && cp.Kind == format.CaptureIovec && int(cp.Index) == j {
			return cp
		}
	}
	return nil
}

// appendIovecOut appends the iovec array of readv and friends from the
// array the recorder kept: each element's own length, and the bytes that
// landed in it. Traces without the array print as they did.
func (d *decoder) appendIovecOut(b []byte, c *Call) ([]byte, bool) {
	if c.Exit == nil {
		return b, false
	}
	arr := captureData(c.Exit, 1, format.CaptureIovecArray)
	if arr == nil {
		return b, false
	}
	if c.Args()[1] == 0 {
		return append(b, "NULL"...), true
	}
	return d.appendIovecArray(b, c.Exit, 1, 0, arr, c.Exit.Ret, IsError(c.Exit.Ret), nil), true
}

// appendIovecArray appends an iovec array: arr is struct iovec[] as the
// program passed it, data elements are e's CaptureIovec captures of
// argument arg from Index first on. size limits the bytes shown, as the
// call's result does
// (-1: no limit); addrs prints the buffers' addresses (a failed call).
// netlink, when not nil, decodes each buffer's bytes.
func (d *decoder) appendIovecArray(b []byte, e *format.Event, arg, first int, arr []byte, size int64, addrs bool, netlink func([]byte, []byte, bool) []byte) []byte {
	b = append(b, '[')
	for j := 0; (j+1)*16 <= len(arr); j++ {
		if j > 0 {
			b = append(b, ", "...)
		}
		if j >= d.strLen {
			b = append(b, "..."...)
			break
		}
		base, l := le.Uint64(arr[j*16:]), le.Uint64(arr[j*16+8:])
		n := l
		if size >= 0 {
			n = min(l, uint64(size))
			size -= int64(n)
		}
		b = append(b, "{iov_base="...)
		switch {
		case addrs || base == 0:
			b = appendPtr(b, base)
		case n == 0:
			b = append(b, `""`...)
		default:
			cp := iovecCapture(e, arg, first+j)
			switch {
			case cp == nil:
				b = appendPtr(b, base)
			case netlink != nil:
				b = netlink(b, cp.Data, cp.Truncated())
			default:
				b = appendQuoted(b, cp.Data, d.strLen, cp.Truncated())
			}
		}
		b = append(b, ", iov_len="...)
		b = appendUint(b, l)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendSleepRem appends the remaining time of a sleep: its value when a
// signal interrupted it (the recorder reads it then), else the address,
// as the kernel writes nothing.
func (d *decoder) appendSleepRem(b []byte, c *Call, i int) []byte {
	v := c.Args()[i]
	if c.Exit != nil && (c.Name == "nanosleep" || c.Args()[1] == 0) {
		if ts := captureData(c.Exit, i, format.CaptureStruct); len(ts) >= 16 && IsError(c.Exit.Ret) {
			return appendTimespec(b, ts, "tv_nsec")
		}
	}
	return appendPtr(b, v)
}

// appendCPUMask appends a CPU mask as strace does: [0 1].
func (d *decoder) appendCPUMask(b []byte, c *Call) []byte {
	v := c.Args()[2]
	var data []byte
	if c.Name == "sched_getaffinity" {
		if c.Exit == nil || IsError(c.Exit.Ret) {
			return appendPtr(b, v)
		}
		data = captureData(c.Exit, 2, format.CaptureBuffer)
	} else {
		data = captureData(c.Enter, 2, format.CaptureBuffer)
	}
	if data == nil {
		return appendPtr(b, v)
	}
	return appendBitList(b, data, len(data)*8, func(b []byte, cpu int) []byte {
		return strconv.AppendInt(b, int64(cpu), 10)
	})
}

// appendBitList appends the numbers of the bits set among the first n of
// data (little-endian words) as strace prints sets of fds and CPUs:
// [0 1], each number as item appends it.
func appendBitList(b []byte, data []byte, n int, item func([]byte, int) []byte) []byte {
	b = append(b, '[')
	first := true
	for bit := 0; bit < n && bit/8 < len(data); bit++ {
		if data[bit/8]&(1<<(bit%8)) == 0 {
			continue
		}
		if !first {
			b = append(b, ' ')
		}
		first = false
		b = item(b, bit)
	}
	return append(b, ']')
}

// appendTargetFD appends pidfd_getfd's fd of the other process: what it
// refers to is what the new fd does.
func (d *decoder) appendTargetFD(b []byte, c *Call) []byte {
	fd := int64(int32(c.Args()[1]))
	b = strconv.AppendInt(b, fd, 10)
	if d.fdPaths && c.Exit != nil && !IsError(c.Exit.Ret) {
		if link := fdLink(c.Exit, c.Exit.Ret); link != nil {
			link, deleted := cutDeleted(link)
			b = appendFDTarget(b, string(link), deleted)
		}
	}
	return b
}

// appendMmapFlags appends mmap's flags as strace does: the mapping type,
// the flags, and the huge page size: MAP_PRIVATE|MAP_HUGETLB|21<<MAP_HUGE_SHIFT.
func appendMmapFlags(b []byte, v uint64) []byte {
	b = appendXval(b, mmapTypes, v&0xf, "MAP_???")
	rest := v &^ 0xf
	huge := rest & (0x3f << 26)
	rest &^= huge
	if rest != 0 {
		b = append(b, '|')
		b = appendFlags(b, mmapFlagBits, rest)
	}
	if huge != 0 {
		b = append(b, '|')
		b = appendUint(b, huge>>26)
		b = append(b, "<<MAP_HUGE_SHIFT"...)
	}
	return b
}

var mmapTypes = xlat{{0, "MAP_FILE"}, {1, "MAP_SHARED"}, {2, "MAP_PRIVATE"}, {3, "MAP_SHARED_VALIDATE"}, {0xa, "MAP_DROPPABLE"}}

var mmapFlagBits = xlat{
	{0x10, "MAP_FIXED"}, {0x20, "MAP_ANONYMOUS"}, {0x40, "MAP_32BIT"}, {0x4000, "MAP_NORESERVE"},
	{0x8000, "MAP_POPULATE"}, {0x10000, "MAP_NONBLOCK"}, {0x100, "MAP_GROWSDOWN"}, {0x800, "MAP_DENYWRITE"},
	{0x1000, "MAP_EXECUTABLE"}, {0x2000, "MAP_LOCKED"}, {0x20000, "MAP_STACK"}, {0x40000, "MAP_HUGETLB"},
	{0x80000, "MAP_SYNC"}, {0x4000000, "MAP_UNINITIALIZED"}, {0x100000, "MAP_FIXED_NOREPLACE"},
	{0x80, "MAP_ABOVE4G"},
}

// appendSigreturnMask appends what strace prints as rt_sigreturn's
// argument: the mask its signal frame restores, {mask=[]}.
func (d *decoder) appendSigreturnMask(b []byte, c *Call) []byte {
	m := captureData(c.Enter, 0, format.CaptureSigmask)
	if m == nil {
		return b
	}
	b = append(b, "{mask="...)
	b = appendSigset(b, m)
	return append(b, '}')
}

// appendPerfEventAttr appends struct perf_event_attr abbreviated as strace
// prints it.
func appendPerfEventAttr(b []byte, data []byte, ptr uint64) []byte {
	if ptr == 0 {
		return append(b, "NULL"...)
	}
	if len(data) < 48 {
		return appendPtr(b, ptr)
	}
	typ, size, config := uint64(le.Uint32(data)), uint64(le.Uint32(data[4:])), le.Uint64(data[8:])
	flags := le.Uint64(data[40:])
	b = append(b, "{type="...)
	b = appendXval(b, perfTypes, typ, "PERF_TYPE_???")
	b = append(b, ", size="...)
	b = appendXval(b, perfAttrSizes, size, "PERF_ATTR_SIZE_???")
	b = append(b, ", config="...)
	switch typ {
	case 0:
		if config>>32 != 0 {
			b = appendHex(b, config>>32)
			b = append(b, "<<32|"...)
		}
		b = appendXval(b, perfHWIDs, config&0xffffffff, "PERF_COUNT_HW_???")
	case 1:
		b = appendXval(b, perfSWIDs, config, "PERF_COUNT_SW_???")
	case 2:
		b = appendUint(b, config)
	default:
		b = appendHex(b, config)
	}
	if flags&(1<<10) != 0 {
		b = append(b, ", sample_freq="...)
	} else {
		b = append(b, ", sample_period="...)
	}
	b = appendUint(b, le.Uint64(data[16:]))
	b = append(b, ", sample_type="...)
	b = appendFlagsDflt(b, perfSampleFormat, le.Uint64(data[24:]), "PERF_SAMPLE_???")
	b = append(b, ", read_format="...)
	b = appendFlagsDflt(b, perfReadFormat, le.Uint64(data[32:]), "PERF_FORMAT_???")
	for bit, name := range perfAttrFlags {
		switch {
		case name == "":
		case bit == 15:
			p := flags >> 15 & 3
			b = append(b, ", precise_ip="...)
			b = appendUint(b, p)
			b = appendComment(b, preciseIPDesc[p])
		case flags&(1<<bit) != 0:
			b = append(b, ", "...)
			b = append(b, name...)
			b = append(b, "=1"...)
		}
	}
	if r := flags >> 38; r != 0 {
		b = append(b, ", __reserved_1="...)
		b = appendHex(b, r)
		b = appendComment(b, "Bits 63..38")
	}
	return append(b, ", ...}"...)
}

// appendFcntlStruct appends fcntl's third argument for the commands that
// point at a struct (struct flock, struct f_owner_ex) or take seals; ok
// is false for the others.
func (d *decoder) appendFcntlStruct(b []byte, c *Call) ([]byte, bool) {
	args := c.Args()
	cmd, v := args[1], args[2]
	if cmd == 1033 { // F_ADD_SEALS
		return appendFlagsDflt(b, fSeals, v, "F_SEAL_???"), true
	}
	size, out := sysent.FcntlStruct(cmd)
	if size == 0 {
		return b, false
	}
	if out && (c.Exit == nil || IsError(c.Exit.Ret)) {
		return appendPtr(b, v), true
	}
	data := captureData(c.Exit, 2, format.CaptureStruct)
	if v == 0 || len(data) < int(size) {
		return appendPtr(b, v), true
	}
	if size == sysent.SizeFOwnerEx {
		b = append(b, "{type="...)
		b = appendXval(b, fOwnerTypes, uint64(le.Uint32(data)), "F_OWNER_???")
		b = append(b, ", pid="...)
		b = strconv.AppendInt(b, int64(int32(le.Uint32(data[4:]))), 10)
		return append(b, '}'), true
	}
	b = append(b, "{l_type="...)
	b = appendXval(b, lockTypes, uint64(le.Uint16(data)), "F_???")
	b = append(b, ", l_whence="...)
	b = appendXval(b, seekWhence, uint64(le.Uint16(data[2:])), "SEEK_???")
	b = append(b, ", l_start="...)
	b = strconv.AppendInt(b, int64(le.Uint64(data[8:])), 10)
	b = append(b, ", l_len="...)
	b = strconv.AppendInt(b, int64(le.Uint64(data[16:])), 10)
	if out {
		b = append(b, ", l_pid="...)
		b = strconv.AppendInt(b, int64(int32(le.Uint32(data[24:]))), 10)
	}
	return append(b, '}'), true
}

// appendStructExtra appends the structs decoded here by their C type; ok
// is false when data is too short.
func (d *decoder) appendStructExtra(b []byte, typ string, data []byte) ([]byte, bool) {
	switch typ {
	case "sysinfo":
		if len(data) < 108 {
			return b, false
		}
		b = append(b, "{uptime="...)
		b = strconv.AppendInt(b, int64(le.Uint64(data)), 10)
		b = append(b, ", loads=["...)
		for j := 0; j < 3; j++ {
			if j > 0 {
				b = append(b, ", "...)
			}
			b = appendUint(b, le.Uint64(data[8+8*j:]))
		}
		b = append(b, ']')
		for _, f := range [...]struct {
			name string
			off  int
		}{{"totalram", 32}, {"freeram", 40}, {"sharedram", 48}, {"bufferram", 56}, {"totalswap", 64}, {"freeswap", 72}} {
			b = append(b, ", "...)
			b = append(b, f.name...)
			b = append(b, '=')
			b = appendUint(b, le.Uint64(data[f.off:]))
		}
		b = append(b, ", procs="...)
		b = appendUint(b, uint64(le.Uint16(data[80:])))
		b = append(b, ", totalhigh="...)
		b = appendUint(b, le.Uint64(data[88:]))
		b = append(b, ", freehigh="...)
		b = appendUint(b, le.Uint64(data[96:]))
		b = append(b, ", mem_unit="...)
		b = appendUint(b, uint64(le.Uint32(data[104:])))
		return append(b, '}'), true
	case "stack_t":
		if len(data) < 24 {
			return b, false
		}
		b = append(b, "{ss_sp="...)
		b = appendPtr(b, le.Uint64(data))
		b = append(b, ", ss_flags="...)
		b = appendFlagsDflt(b, sigaltstackFlags, uint64(le.Uint32(data[8:])), "SS_???")
		b = append(b, ", ss_size="...)
		b = appendUint(b, le.Uint64(data[16:]))
		return append(b, '}'), true
	case "siginfo_t":
		if len(data) < 16 {
			return b, false
		}
		return d.appendSiginfoRaw(b, data), true
	case "statfs":
		if len(data) < 88 {
			return b, false
		}
		return appendStatfs(b, data), true
	}
	return b, false
}

// appendIoUringParams appends struct io_uring_params: what the program
// asked for and, when the ring was made (made), what the kernel answered.
func (d *decoder) appendIoUringParams(b []byte, data []byte, made bool) []byte {
	u32 := func(off int) uint64 { return uint64(le.Uint32(data[off:])) }
	flags := u32(8)
	b = append(b, "{flags="...)
	b = appendFlagsDflt(b, ioUringSetupFlags, flags, "IORING_SETUP_???")
	b = append(b, ", sq_thread_cpu="...)
	b = appendHex(b, u32(12))
	b = append(b, ", sq_thread_idle="...)
	b = appendUint(b, u32(16))
	if flags&(1<<5) != 0 { // IORING_SETUP_ATTACH_WQ
		b = append(b, ", wq_fd="...)
		b = strconv.AppendInt(b, int64(int32(u32(24))), 10)
	}
	if u32(28)|u32(32)|u32(36) != 0 {
		b = append(b, ", resv=["...)
		for j := 0; j < 3; j++ {
			if j > 0 {
				b = append(b, ", "...)
			}
			b = appendHex(b, u32(28+4*j))
		}
		b = append(b, ']')
	}
	if !made {
		return append(b, '}')
	}
	b = append(b, ", sq_entries="...)
	b = appendUint(b, u32(0))
	b = append(b, ", cq_entries="...)
	b = appendUint(b, u32(4))
	b = append(b, ", features="...)
	b = appendFlagsDflt(b, ioUringFeatures, u32(20), "IORING_FEAT_???")
	for j, names := range [2][7]string{
		{"head", "tail", "ring_mask", "ring_entries", "flags", "dropped", "array"},
		{"head", "tail", "ring_mask", "ring_entries", "overflow", "cqes", "flags"},
	} {
		base := 40 + 40*j
		if j == 0 {
			b = append(b, ", sq_off={"...)
		} else {
			b = append(b, ", cq_off={"...)
		}
		for k, n := range names {
			if k > 0 {
				b = append(b, ", "...)
			}
			b = append(b, n...)
			b = append(b, '=')
			b = appendUint(b, u32(base+4*k))
		}
		if r := u32(base + 28); r != 0 {
			b = append(b, ", resv1="...)
			b = appendHex(b, r)
		}
		if r := le.Uint64(data[base+32:]); r != 0 {
			b = append(b, ", resv2="...)
			b = appendHex(b, r)
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

// appendStatfs appends struct statfs (the 64-bit layout) as strace does.
func appendStatfs(b []byte, data []byte) []byte {
	u := func(off int) uint64 { return le.Uint64(data[off:]) }
	b = append(b, "{f_type="...)
	if n, ok := fsMagics.lookup(u(0)); ok {
		b = append(b, n...)
	} else {
		b = appendHex(b, u(0))
	}
	for _, f := range [...]struct {
		name string
		off  int
	}{{"f_bsize", 8}, {"f_blocks", 16}, {"f_bfree", 24}, {"f_bavail", 32}, {"f_files", 40}, {"f_ffree", 48}} {
		b = append(b, ", "...)
		b = append(b, f.name...)
		b = append(b, '=')
		b = appendUint(b, u(f.off))
	}
	b = append(b, ", f_fsid={val=["...)
	b = appendHex(b, uint64(le.Uint32(data[56:])))
	b = append(b, ", "...)
	b = appendHex(b, uint64(le.Uint32(data[60:])))
	b = append(b, "]}, f_namelen="...)
	b = appendUint(b, u(64))
	b = append(b, ", f_frsize="...)
	b = appendUint(b, u(72))
	if flags := u(80); flags&0x20 != 0 { // ST_VALID
		b = append(b, ", f_flags="...)
		b = appendFlagsDflt(b, statfsFlags, flags, "ST_???")
	}
	return append(b, '}')
}

// appendGroups appends a list of group ids: [0, 4, 27].
func (d *decoder) appendGroups(b []byte, data []byte, n uint64, ptr uint64) []byte {
	if ptr == 0 || n > 65536 || uint64(len(data)) < n*4 {
		return appendPtr(b, ptr)
	}
	b = append(b, '[')
	for j := uint64(0); j < n; j++ {
		if j > 0 {
			b = append(b, ", "...)
		}
		if j >= uint64(d.strLen) {
			b = append(b, "..."...)
			break
		}
		b = appendID(b, le.Uint32(data[4*j:]))
	}
	return append(b, ']')
}
