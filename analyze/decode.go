package analyze

import (
	"bytes"
	"encoding/binary"
	"strconv"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// DefaultStrLen is strace's default -s: the bytes of a string printed
// before "...".
const DefaultStrLen = 32

// StrLenNone as DumpOptions.StrLen prints no byte of any string, as
// strace -s 0 does: "" followed by "..." when the string was not empty.
const StrLenNone = -1

// decoder renders syscall arguments and results the way strace does.
type decoder struct {
	arch    sysent.Arch
	strLen  int
	fdPaths bool
	// cwdPaths shows the working directory at AT_FDCWD, as strace -y
	// does (dump's text under -y).
	cwdPaths bool
	// sockets shows a socket's protocol and endpoints, as strace -yy.
	sockets bool
	w       *Walker
	// ifNames are the interface names the trace's RTM_NEWLINK messages
	// gave their indexes, as strace names indexes with the host's; host is
	// the host the trace was recorded on, whose names stand in for the
	// others when it is this one.
	ifNames map[uint64]string
	host    string
	// buffers is set when the trace was recorded with buffers captured.
	buffers bool
}

// le is the byte order of both supported architectures.
var le = binary.LittleEndian

// layout returns how many arguments call c prints and the index of the
// first one printed at the call's exit (strace prints the arguments the
// kernel fills only when the call returns).
func (d *decoder) layout(c *Call) (n, split int) {
	sys := c.Sys
	if sys == nil || sys.Args == nil {
		return 6, 6
	}
	n = len(sys.Args)
	switch c.Name {
	case "open", "openat":
		// The mode only when the flags create a file.
		fl := 1
		if c.Name == "openat" {
			fl = 2
		}
		if a := c.Args(); a[fl]&(oCreat|oTmpfile) == 0 {
			n = fl + 1
		}
	case "clone":
		return 1, 1
	case "clone3":
		return 2, 1
	case "exit", "exit_group":
		return 1, 1
	case "futex":
		switch c.Args()[1] & 0x7f {
		case 1, 7: // FUTEX_WAKE, FUTEX_UNLOCK_PI
			n = 3
		case 0, 6, 8: // FUTEX_WAIT, FUTEX_LOCK_PI, FUTEX_TRYLOCK_PI
			n = 4
		case 9: // FUTEX_WAIT_BITSET: the bitset in place of uaddr2
			n = 5
		case 10: // FUTEX_WAKE_BITSET
			n = 4
		}
	case "fcntl":
		if fcntlTakesNoArg(c.Args()[1]) {
			n = 2
		}
	}
	if c.info != nil && c.info.dec != decNone {
		if n, split, ok := d.specialLayout(c, n); ok {
			return n, split
		}
	}
	split = n
	for i := 0; i < n && i < 6; i++ {
		if exitArg(sys.Args[i].Kind) {
			split = i
			break
		}
	}
	return n, split
}

// exitArg reports whether an argument of kind k is printed at exit.
func exitArg(k sysent.ArgKind) bool {
	switch k {
	case sysent.ArgOutBuf, sysent.ArgOutIovec, sysent.ArgOutSockaddr, sysent.ArgOutMsghdr,
		sysent.ArgOutStruct, sysent.ArgInOutStruct, sysent.ArgOutArray, sysent.ArgInOutArray,
		sysent.ArgOutBufLenPtr:
		return true
	}
	return false
}

// appendArgs appends arguments [from, to) of c separated by ", ".
func (d *decoder) appendArgs(b []byte, c *Call, from, to int) []byte {
	for i := from; i < to; i++ {
		if i > from {
			b = append(b, ", "...)
		}
		b = d.appendArg(b, c, i)
		if c.Hooks != nil {
			b = d.appendArgChange(b, c, i)
		}
	}
	return b
}

// appendArg appends argument i of c.
func (d *decoder) appendArg(b []byte, c *Call, i int) []byte {
	args := c.Args()
	v := args[i]
	sys := c.Sys
	if c.info != nil && c.info.dec != decNone && sys != nil {
		if b, ok := d.appendSpecialArg(b, c, i); ok {
			return b
		}
	}
	if sys == nil || sys.Args == nil || i >= len(sys.Args) {
		return appendHex(b, v)
	}
	switch c.Name {
	case "clone":
		return d.appendClone(b, c)
	case "clone3":
		if i == 0 {
			return d.appendClone3(b, c)
		}
	case "execve", "execveat":
		if sys.Args[i].Kind == sysent.ArgStringArray && (i == 2 || (c.Name == "execveat" && i == 3)) {
			return d.appendEnvp(b, c, i)
		}
	case "futex":
		op := args[1] & 0x7f
		if (op == 9 && i == 4) || (op == 10 && i == 3) {
			if uint32(args[5]) == 0xffffffff {
				return append(b, "FUTEX_BITSET_MATCH_ANY"...)
			}
			return appendHex(b, uint64(uint32(args[5])))
		}
	case "getrandom":
		// strace prints random bytes in hex.
		if i == 0 && c.Exit != nil && !IsError(c.Exit.Ret) {
			if cp := findCapture(c.Exit, 0, format.CaptureBuffer); cp != nil {
				return appendHexQuoted(b, cp.Data, d.strLen, cp.Truncated())
			}
		}
	case "rseq":
		if i == 1 {
			return appendHex(b, v)
		}
	case "mmap":
		if i == 5 {
			return appendHex(b, v)
		}
	case "getdents64", "getdents":
		if i == 1 {
			return d.appendDirents(b, c)
		}
	case "wait4", "waitpid":
		if i == 1 {
			return d.appendWaitStatus(b, c)
		}
		if i == 2 {
			return appendFlags(b, waitOptionsWait4, v)
		}
	case "socket", "socketpair":
		if i == 2 {
			return d.appendProtocol(b, args[0], v)
		}
	case "fcntl":
		if i == 2 {
			return d.appendFcntlArg(b, args[1], v)
		}
	}
	return d.appendKind(b, c, i, sys.Args[i])
}

// appendKind appends argument i of c by its sysent kind.
func (d *decoder) appendKind(b []byte, c *Call, i int, a sysent.Arg) []byte {
	args := c.Args()
	v := args[i]
	switch a.Kind {
	case sysent.ArgInt, sysent.ArgPid:
		return appendInt(b, v)
	case sysent.ArgUint:
		return strconv.AppendUint(b, v, 10)
	case sysent.ArgHex:
		return appendPtr(b, v)
	case sysent.ArgFD:
		return d.appendFD(b, c, v)
	case sysent.ArgDirFD:
		if int32(v) == atFDCWD {
			b = append(b, "AT_FDCWD"...)
			if d.cwdPaths && d.w != nil && d.w.fds != nil {
				if cwd := d.w.fds.table(c.Pid).cwd; cwd != "" {
					b = appendFDTarget(b, cwd, false)
				}
			}
			return b
		}
		return d.appendFD(b, c, v)
	case sysent.ArgPath, sysent.ArgString:
		cp := findCapture(c.Enter, i, format.CaptureString)
		if cp == nil {
			return appendPtr(b, v)
		}
		limit := -1
		if a.Kind == sysent.ArgString {
			limit = d.strLen
		}
		return appendQuoted(b, cp.Data, limit, cp.Truncated())
	case sysent.ArgStringArray:
		return d.appendStrings(b, c, i)
	case sysent.ArgInBuf:
		cp := findCapture(c.Enter, i, format.CaptureBuffer)
		if cp == nil && a.Len >= 0 && args[a.Len] == 0 {
			return append(b, `""`...)
		}
		return d.appendBuf(b, cp, v)
	case sysent.ArgOutBuf, sysent.ArgOutBufLenPtr:
		if c.Exit == nil || IsError(c.Exit.Ret) {
			return appendPtr(b, v)
		}
		cp := findCapture(c.Exit, i, format.CaptureBuffer)
		if cp == nil && a.Kind == sysent.ArgOutBuf && c.Exit.Ret == 0 {
			return append(b, `""`...)
		}
		if cp != nil && c.Name == "getcwd" {
			// A path, printed whole as strace does, without the NUL the
			// returned length counts.
			return appendQuoted(b, bytes.TrimSuffix(cp.Data, []byte{0}), -1, false)
		}
		return d.appendBuf(b, cp, v)
	case sysent.ArgInIovec:
		return d.appendIovec(b, c.Enter, i, v, args[a.Len])
	case sysent.ArgOutIovec:
		if c.Exit == nil || IsError(c.Exit.Ret) {
			return appendPtr(b, v)
		}
		return d.appendIovec(b, c.Exit, i, v, args[a.Len])
	case sysent.ArgInSockaddr:
		if sa := captureData(c.Enter, i, format.CaptureSockaddr); len(sa) > 0 {
			return appendSockaddrStrace(b, sa)
		}
		return appendPtr(b, v)
	case sysent.ArgOutSockaddr:
		if c.Exit != nil && !IsError(c.Exit.Ret) {
			if sa := captureData(c.Exit, i, format.CaptureSockaddr); len(sa) > 0 {
				return appendSockaddrStrace(b, sa)
			}
		}
		return appendPtr(b, v)
	case sysent.ArgInMsghdr:
		return d.appendMsghdr(b, c, i, false)
	case sysent.ArgOutMsghdr:
		if c.Exit == nil {
			return appendPtr(b, v)
		}
		return d.appendMsghdr(b, c, i, true)
	case sysent.ArgInStruct:
		return d.appendStruct(b, a, captureData(c.Enter, i, format.CaptureStruct), v)
	case sysent.ArgOutStruct:
		if c.Exit == nil || IsError(c.Exit.Ret) {
			return appendPtr(b, v)
		}
		data := captureData(c.Exit, i, format.CaptureStruct)
		if a.Type == "int[2]" && d.fdPaths && len(data) >= 8 {
			return d.appendFDPair(b, c.Exit, data)
		}
		return d.appendStruct(b, a, data, v)
	case sysent.ArgInOutStruct:
		in := captureData(c.Enter, i, format.CaptureStruct)
		if in == nil {
			return appendPtr(b, v)
		}
		b = d.appendStruct(b, a, in, v)
		if c.Exit != nil && !IsError(c.Exit.Ret) {
			if out := captureData(c.Exit, i, format.CaptureStruct); out != nil && string(out) != string(in) {
				// strace's [in => out] for values the kernel changed.
				if len(b) > 0 && b[len(b)-1] == ']' && len(out) == 4 {
					b = b[:len(b)-1]
					b = append(b, " => "...)
					b = strconv.AppendInt(b, int64(int32(le.Uint32(out))), 10)
					return append(b, ']')
				}
				b = append(b, " => "...)
				b = d.appendStruct(b, a, out, v)
			}
		}
		return b
	case sysent.ArgFlags, sysent.ArgEnum:
		return d.appendFlagArg(b, c.Name, a, v)
	case sysent.ArgMode:
		return appendMode(b, v)
	case sysent.ArgSignal:
		if v == 0 {
			return append(b, '0')
		}
		return appendSignal(b, int32(v))
	case sysent.ArgUID, sysent.ArgGID:
		if uint32(v) == 0xffffffff {
			return append(b, "-1"...)
		}
		return strconv.AppendUint(b, uint64(uint32(v)), 10)
	case sysent.ArgFdSet:
		return d.appendFdSetFDs(b, c, i)
	case sysent.ArgInArray, sysent.ArgOutArray:
		if a.Type == "gid_t" {
			if a.Kind == sysent.ArgInArray {
				return d.appendGroups(b, captureData(c.Enter, i, format.CaptureBuffer), uint64(uint32(args[a.Len])), v)
			}
			if c.Exit != nil && !IsError(c.Exit.Ret) {
				if c.Exit.Ret == 0 && v != 0 {
					return append(b, "[]"...)
				}
				return d.appendGroups(b, captureData(c.Exit, i, format.CaptureBuffer), uint64(c.Exit.Ret), v)
			}
		}
	}
	return appendPtr(b, v)
}

// appendInt appends a signed integer argument: values that fit in 32 bits
// are read as a C int (so -1 passed in a 32-bit register prints as -1).
func appendInt(b []byte, v uint64) []byte {
	if v>>32 == 0 {
		return strconv.AppendInt(b, int64(int32(v)), 10)
	}
	return strconv.AppendInt(b, int64(v), 10)
}

// appendMode appends a file mode in octal as strace's %#03o does: 0644,
// 007, 000.
func appendMode(b []byte, v uint64) []byte {
	switch {
	case v == 0:
		return append(b, "000"...)
	case v < 0o10:
		b = append(b, "00"...)
	default:
		b = append(b, '0')
	}
	return strconv.AppendUint(b, v, 8)
}

// appendFD appends an fd of call c, with its path in <> when -y is on and
// it is known: what the fd referred to when c entered.
func (d *decoder) appendFD(b []byte, c *Call, v uint64) []byte {
	fd := int64(int32(v))
	b = strconv.AppendInt(b, fd, 10)
	if d.fdPaths && d.w != nil && d.w.fds != nil {
		if e := d.w.fds.lookup(c.Pid, fd, c.Start()); e != nil && e.target() != "" {
			b = d.appendEntry(b, e)
		}
	}
	return b
}

// appendEntry appends what fd entry e refers to, between <>: under -yy a
// socket's protocol and endpoints.
func (d *decoder) appendEntry(b []byte, e *fdEntry) []byte {
	if d.sockets && e.sock != "" {
		// Already in strace's notation.
		b = d.w.fds.appendSock(append(b, '<'), e)
		return append(b, '>')
	}
	return appendFDTarget(b, e.target(), e.deleted)
}

// appendFDPair appends the two fds of pipe, pipe2 or socketpair with what
// they refer to, as strace -y does: [3<pipe:[4321]>, 4<pipe:[4321]>].
func (d *decoder) appendFDPair(b []byte, exit *format.Event, data []byte) []byte {
	b = append(b, '[')
	for i := range 2 {
		if i > 0 {
			b = append(b, ", "...)
		}
		fd := int64(int32(le.Uint32(data[4*i:])))
		b = strconv.AppendInt(b, fd, 10)
		if s, ok := decodeSock(sockCapture(exit, fd)); ok && d.sockets {
			if text, ok := appendSockText(append(b, '<'), s, nil); ok {
				b = append(text, '>')
				continue
			}
		}
		if link := fdLink(exit, fd); link != nil {
			link, deleted := cutDeleted(link)
			b = appendFDTarget(b, string(link), deleted)
		}
	}
	return append(b, ']')
}

// appendFDTarget appends what an fd refers to as strace -y prints it:
// between angle brackets, escaped, "(deleted)" after them for an unlinked
// file.
func appendFDTarget(b []byte, target string, deleted bool) []byte {
	b = append(b, '<')
	if plainPath(target) {
		b = append(b, target...)
	} else {
		b = appendEscaped(b, []byte(target), true)
	}
	b = append(b, '>')
	if deleted {
		b = append(b, "(deleted)"...)
	}
	return b
}

// plainPath reports whether p prints as it is between <>: printable ASCII
// without the characters strace escapes there.
func plainPath(p string) bool {
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c < ' ' || c >= 0x7f, c == '"', c == '\\', c == '<', c == '>':
			return false
		}
	}
	return true
}

// appendBuf appends a captured buffer as a quoted string cut at -s.
func (d *decoder) appendBuf(b []byte, cp *format.Capture, ptr uint64) []byte {
	if cp == nil {
		if ptr == 0 {
			return append(b, "NULL"...)
		}
		return appendPtr(b, ptr)
	}
	return appendQuoted(b, cp.Data, d.strLen, cp.Truncated())
}

// appendFlagArg appends a flags or enum argument of syscall name from its
// set. Only the open family prints an access mode (O_RDONLY); pipe2, dup3
// and friends take O_CLOEXEC-style flags alone.
func (d *decoder) appendFlagArg(b []byte, name string, a sysent.Arg, v uint64) []byte {
	switch a.Flags {
	case sysent.FlagsOpen:
		if name == "open" || name == "openat" || name == "open_by_handle_at" || name == "fanotify_init" {
			return appendOpenFlags(b, d.arch, v)
		}
		return appendFlags(b, openFlagTable(d.arch), v)
	case sysent.FlagsClone:
		return appendCloneFlags(b, v)
	case sysent.FlagsSocketType:
		if name == "accept4" {
			// Only the flags: accept4 takes no socket type.
			return appendFlags(b, socketTypeFlags, v)
		}
		return appendSocketType(b, v)
	case sysent.FlagsFutexOp:
		return appendFutexOp(b, v)
	case sysent.FlagsIoctlReq:
		return appendEnumHex(b, ioctlReqs, v)
	case sysent.FlagsAt:
		if name == "statx" && v&atStatxSyncType == 0 {
			b = append(b, "AT_STATX_SYNC_AS_STAT"...)
			if v == 0 {
				return b
			}
			return appendFlags(append(b, '|'), atFlags, v)
		}
	}
	x, enum := flagTable(d.arch, a.Flags)
	switch {
	case x == nil && a.Kind == sysent.ArgEnum:
		return appendInt(b, v)
	case x == nil:
		return appendHex(b, v)
	case enum || a.Kind == sysent.ArgEnum:
		return appendEnum(b, x, v)
	}
	return appendFlags(b, x, v)
}

// appendEnumHex appends v's name in x, or v in hex.
func appendEnumHex(b []byte, x xlat, v uint64) []byte {
	if n, ok := x.lookup(v); ok {
		return append(b, n...)
	}
	return appendHex(b, v)
}

// ioctlReqs are the ioctl requests seen in most traces (terminal queries).
var ioctlReqs = xlat{
	{0x5401, "TCGETS"}, {0x5402, "TCSETS"}, {0x5403, "TCSETSW"}, {0x5404, "TCSETSF"},
	{0x540f, "TIOCGPGRP"}, {0x5410, "TIOCSPGRP"}, {0x5413, "TIOCGWINSZ"}, {0x5414, "TIOCSWINSZ"},
	{0x541b, "FIONREAD"}, {0x5421, "FIONBIO"}, {0x5451, "FIOCLEX"}, {0x5450, "FIONCLEX"},
	{0x5452, "FIOASYNC"}, {0x540e, "TIOCSCTTY"}, {0x80045430, "TIOCGPTN"}, {0x40045431, "TIOCSPTLCK"},
}

// appendStrings appends a string array: ["ls", "-l"].
func (d *decoder) appendStrings(b []byte, c *Call, i int) []byte {
	v := c.Args()[i]
	if v == 0 {
		return append(b, "NULL"...)
	}
	if !hasCapture(c.Enter, i) {
		return appendPtr(b, v)
	}
	return d.appendList(b, c.Enter, i, format.CaptureStringArray, func(b []byte, cp *format.Capture) []byte {
		return appendQuoted(b, cp.Data, d.strLen, cp.Truncated())
	})
}

// appendList appends the captures of argument i of kind k as a list,
// at most -s elements as strace prints arrays: [a, b, ...].
func (d *decoder) appendList(b []byte, e *format.Event, i int, k format.CaptureKind, item func([]byte, *format.Capture) []byte) []byte {
	b = append(b, '[')
	n := 0
	for j := range e.Captures {
		cp := &e.Captures[j]
		if int(cp.Arg) != i || cp.Kind != k {
			continue
		}
		if n > 0 {
			b = append(b, ", "...)
		}
		if n >= d.strLen {
			b = append(b, "..."...)
			break
		}
		b = item(b, cp)
		n++
	}
	return append(b, ']')
}

func hasCapture(e *format.Event, arg int) bool {
	if e == nil {
		return false
	}
	for k := range e.Captures {
		if int(e.Captures[k].Arg) == arg {
			return true
		}
	}
	return false
}

// appendEnvp appends execve's environment as strace abbreviates it:
// 0x7ffd5e1c2f08 /* 23 vars */.
func (d *decoder) appendEnvp(b []byte, c *Call, i int) []byte {
	v := c.Args()[i]
	b = appendPtr(b, v)
	n := 0
	for k := range c.Enter.Captures {
		if cp := &c.Enter.Captures[k]; int(cp.Arg) == i && cp.Kind == format.CaptureStringArray {
			n++
		}
	}
	// The recorder reads the environment when it captures buffers: none
	// then is an empty one.
	if n > 0 || (d.buffers && v != 0) {
		b = append(b, " /* "...)
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, " vars */"...)
	}
	return b
}

// appendIovec appends an iovec array from its captures:
// [{iov_base="hello", iov_len=5}].
func (d *decoder) appendIovec(b []byte, e *format.Event, i int, ptr, count uint64) []byte {
	if ptr == 0 {
		return append(b, "NULL"...)
	}
	if !hasCapture(e, i) {
		return appendPtr(b, ptr)
	}
	if arr := captureData(e, i, format.CaptureIovecArray); arr != nil {
		// The recorder kept the array: a buffer is NULL.
		return d.appendIovecArray(b, e, i, 0, arr, -1, false, nil)
	}
	return d.appendList(b, e, i, format.CaptureIovec, func(b []byte, cp *format.Capture) []byte {
		b = append(b, "{iov_base="...)
		b = appendQuoted(b, cp.Data, d.strLen, cp.Truncated())
		b = append(b, ", iov_len="...)
		b = strconv.AppendUint(b, cp.Len(), 10)
		return append(b, '}')
	})
}

// appendDirents appends a getdents64 buffer as strace abbreviates it:
// 0x55d4c8a3e2a0 /* 12 entries */. The recorder counts the entries when
// the capture size cut the buffer; traces from before it did say "12+".
func (d *decoder) appendDirents(b []byte, c *Call) []byte {
	ptr := c.Args()[1]
	b = appendPtr(b, ptr)
	if c.Exit == nil || IsError(c.Exit.Ret) {
		return b
	}
	n, complete := 0, true
	if cnt := captureData(c.Exit, 1, format.CaptureCount); len(cnt) >= 4 {
		n = int(le.Uint32(cnt))
	} else if c.Exit.Ret > 0 {
		cp := findCapture(c.Exit, 1, format.CaptureBuffer)
		if cp == nil {
			return b
		}
		n, complete = countDirents(cp.Data)
		complete = complete && !cp.Truncated()
	}
	b = append(b, " /* "...)
	b = strconv.AppendInt(b, int64(n), 10)
	if !complete {
		b = append(b, '+')
	}
	return append(b, " entries */"...)
}

// countDirents counts the linux_dirent64 records in data, and reports
// whether data ends at a record's end.
func countDirents(data []byte) (n int, complete bool) {
	for off := 0; off < len(data); {
		// linux_dirent64: ino u64, off s64, reclen u16, type u8, name.
		if off+19 > len(data) {
			return n, false
		}
		reclen := int(le.Uint16(data[off+16:]))
		if reclen == 0 || off+reclen > len(data) {
			return n, false
		}
		n++
		off += reclen
	}
	return n, true
}

// appendWaitStatus appends the status word a wait4 stored:
// [{WIFEXITED(s) && WEXITSTATUS(s) == 0}].
func (d *decoder) appendWaitStatus(b []byte, c *Call) []byte {
	ptr := c.Args()[1]
	data := captureData(c.Exit, 1, format.CaptureStruct)
	if c.Exit == nil || IsError(c.Exit.Ret) || c.Exit.Ret == 0 || len(data) < 4 {
		return appendPtr(b, ptr)
	}
	return appendWaitStatusWord(b, le.Uint32(data))
}

// appendWaitStatusWord decodes a wait status as strace does.
func appendWaitStatusWord(b []byte, s uint32) []byte {
	b = append(b, "[{"...)
	switch {
	case s&0x7f == 0:
		b = append(b, "WIFEXITED(s) && WEXITSTATUS(s) == "...)
		b = strconv.AppendUint(b, uint64(s>>8&0xff), 10)
	case s&0xff == 0x7f:
		b = append(b, "WIFSTOPPED(s) && WSTOPSIG(s) == "...)
		b = appendSignal(b, int32(s>>8&0xff))
		if s>>16 != 0 {
			b = append(b, " && s >> 16 == "...)
			b = strconv.AppendUint(b, uint64(s>>16), 10)
		}
	case s == 0xffff:
		b = append(b, "WIFCONTINUED(s)"...)
	default:
		b = append(b, "WIFSIGNALED(s) && WTERMSIG(s) == "...)
		b = appendSignal(b, int32(s&0x7f))
		if s&0x80 != 0 {
			b = append(b, " && WCOREDUMP(s)"...)
		}
	}
	return append(b, "}]"...)
}

// appendProtocol appends a socket protocol: IPPROTO_IP and friends for
// inet sockets, else the number.
func (d *decoder) appendProtocol(b []byte, family, v uint64) []byte {
	if family == afInet || family == afInet6 {
		return appendEnum(b, ipProtos, v)
	}
	return appendInt(b, v)
}

var ipProtos = xlat{
	{0, "IPPROTO_IP"}, {1, "IPPROTO_ICMP"}, {6, "IPPROTO_TCP"}, {17, "IPPROTO_UDP"},
	{41, "IPPROTO_IPV6"}, {58, "IPPROTO_ICMPV6"}, {132, "IPPROTO_SCTP"}, {255, "IPPROTO_RAW"},
}

// appendFcntlArg appends fcntl's third argument as its command reads it.
func (d *decoder) appendFcntlArg(b []byte, cmd, v uint64) []byte {
	switch cmd {
	case 2: // F_SETFD
		if v == 1 {
			return append(b, "FD_CLOEXEC"...)
		}
		return appendInt(b, v)
	case 4: // F_SETFL
		return appendOpenFlags(b, d.arch, v)
	case 10: // F_SETSIG
		return appendSignal(b, int32(v))
	case 5, 6, 7, 36, 37, 38: // lock structs
		return appendPtr(b, v)
	}
	return appendInt(b, v)
}

// fcntlTakesNoArg reports whether fcntl command cmd has no third
// argument: F_GETFD, F_GETFL, F_GETOWN, F_GETSIG, F_GETLEASE,
// F_GETPIPE_SZ, F_GET_SEALS.
func fcntlTakesNoArg(cmd uint64) bool {
	switch cmd {
	case 1, 3, 9, 11, 1025, 1032, 1034:
		return true
	}
	return false
}

// appendFlagsResult appends a result made of flags as strace does:
// "0x1 (flags FD_CLOEXEC)", or "0"; flags appends v's names.
func appendFlagsResult(b []byte, v uint64, flags func([]byte, uint64) []byte) []byte {
	b = appendHex(b, v)
	if v == 0 {
		return b
	}
	b = append(b, " (flags "...)
	b = flags(b, v)
	return append(b, ')')
}

// appendRet appends the result of c after "= ": the value as its kind
// reads, "-1 ENOENT (No such file or directory)" for an error, "?" for a
// call that never returned, and what strace adds after some: " (Timeout)".
func (d *decoder) appendRet(b []byte, c *Call) []byte {
	b = d.appendRetValue(b, c)
	if c.info != nil && c.info.dec != decNone {
		b = d.appendSpecialRet(b, c)
	}
	return b
}

// appendRetValue appends the result of c without what follows it.
func (d *decoder) appendRetValue(b []byte, c *Call) []byte {
	if c.Exit == nil {
		return append(b, '?')
	}
	ret := c.Exit.Ret
	if IsError(ret) {
		e := int(-ret)
		if isRestart(e) {
			b = append(b, "? "...)
		} else {
			b = append(b, "-1 "...)
		}
		return appendErrno(b, e)
	}
	kind := sysent.RetInt
	if c.Sys != nil {
		kind = c.Sys.Ret
	}
	if c.Name == "fcntl" {
		switch c.Args()[1] {
		case 1: // F_GETFD
			return appendFlagsResult(b, uint64(ret), func(b []byte, v uint64) []byte { return appendFlags(b, fdFlags, v) })
		case 3: // F_GETFL
			return appendFlagsResult(b, uint64(ret), func(b []byte, v uint64) []byte { return appendOpenFlags(b, d.arch, v) })
		case 0, 1030: // F_DUPFD, F_DUPFD_CLOEXEC
			kind = sysent.RetFD
		}
	}

	switch kind {
	case sysent.RetHex:
		return appendHex(b, uint64(ret))
	case sysent.RetFD:
		b = strconv.AppendInt(b, ret, 10)
		if d.fdPaths && d.w != nil && d.w.fds != nil {
			if _, e, ok := d.w.fds.produced(c, d.w.fds.table(c.Pid)); ok && e.target() != "" {
				b = d.appendEntry(b, &e)
			}
		}
		return b
	case sysent.RetUint:
		return strconv.AppendUint(b, uint64(ret), 10)
	case sysent.RetOct:
		return appendMode(b, uint64(ret))
	case sysent.RetNone:
		return append(b, '?')
	}
	return strconv.AppendInt(b, ret, 10)
}
