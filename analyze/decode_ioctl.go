package analyze

import (
	"strconv"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// ioctlNames are the ioctl requests named here: terminals, fds, sockets,
// block devices, file systems and namespaces. Requests strace knows by two
// names print both, as it does.
var ioctlNames = map[uint32]string{
	0x5401: "TCGETS", 0x5402: "SNDCTL_TMR_START or TCSETS", 0x5403: "SNDCTL_TMR_STOP or TCSETSW",
	0x5404: "SNDCTL_TMR_CONTINUE or TCSETSF", 0x5405: "TCGETA", 0x5406: "TCSETA", 0x5407: "TCSETAW",
	0x5408: "TCSETAF", 0x5409: "TCSBRK", 0x540a: "TCXONC", 0x540b: "TCFLSH", 0x540c: "TIOCEXCL",
	0x540d: "TIOCNXCL", 0x540e: "TIOCSCTTY", 0x540f: "TIOCGPGRP", 0x5410: "TIOCSPGRP", 0x5411: "TIOCOUTQ",
	0x5412: "TIOCSTI", 0x5413: "TIOCGWINSZ", 0x5414: "TIOCSWINSZ", 0x5415: "TIOCMGET", 0x5416: "TIOCMBIS",
	0x5417: "TIOCMBIC", 0x5418: "TIOCMSET", 0x5419: "TIOCGSOFTCAR", 0x541a: "TIOCSSOFTCAR",
	0x541b: "FIONREAD", 0x541c: "TIOCLINUX", 0x541d: "TIOCCONS", 0x541e: "TIOCGSERIAL", 0x541f: "TIOCSSERIAL",
	0x5420: "TIOCPKT", 0x5421: "FIONBIO", 0x5422: "TIOCNOTTY", 0x5423: "TIOCSETD", 0x5424: "TIOCGETD",
	0x5425: "TCSBRKP", 0x5427: "TIOCSBRK", 0x5428: "TIOCCBRK", 0x5429: "TIOCGSID", 0x542a: "TCGETS2",
	0x542b: "TCSETS2", 0x542c: "TCSETSW2", 0x542d: "TCSETSF2", 0x5432: "TCGETX", 0x5433: "TCSETX",
	0x5434: "TCSETXF", 0x5435: "TCSETXW", 0x5437: "TIOCVHANGUP", 0x5441: "TIOCGPTPEER",
	0x5450: "FIONCLEX", 0x5451: "FIOCLEX", 0x5452: "FIOASYNC", 0x5453: "TIOCSERCONFIG",
	0x5456: "TIOCGLCKTRMIOS", 0x5457: "TIOCSLCKTRMIOS", 0x5460: "FIOQSIZE",
	0x80045430: "TIOCGPTN", 0x40045431: "TIOCSPTLCK", 0x80045432: "TIOCGDEV", 0x40045436: "TIOCSIG",
	0x80045438: "TIOCGPKT", 0x80045439: "TIOCGPTLCK", 0x80045440: "TIOCGEXCL",
	0x8901: "FIOSETOWN", 0x8902: "SIOCSPGRP", 0x8903: "FIOGETOWN", 0x8904: "SIOCGPGRP", 0x8905: "SIOCATMARK",
	0x8910: "SIOCGIFNAME", 0x8912: "SIOCGIFCONF", 0x8913: "SIOCGIFFLAGS", 0x8914: "SIOCSIFFLAGS",
	0x8915: "SIOCGIFADDR", 0x8921: "SIOCGIFMTU", 0x8922: "SIOCSIFMTU", 0x8927: "SIOCGIFHWADDR",
	0x8933: "SIOCGIFINDEX", 0x8946: "SIOCETHTOOL",
	0x1260: "BLKGETSIZE", 0x80081272: "BLKGETSIZE64", 0x1268: "BLKSSZGET", 0x127b: "BLKPBSZGET",
	0x80086601: "FS_IOC_GETFLAGS", 0x40086602: "FS_IOC_SETFLAGS", 0x80087601: "FS_IOC_GETVERSION",
	0x40049409: "BTRFS_IOC_CLONE or FICLONE", 0xc01c667e: "FS_IOC_FSGETXATTR", 0x401c667f: "FS_IOC_FSSETXATTR",
	0xc020660b: "FS_IOC_FIEMAP", 0x5879: "FIFREEZE", 0x587a: "FITHAW", 0xc0185879: "FITRIM",
	0x4c00: "LOOP_SET_FD", 0x4c01: "LOOP_CLR_FD", 0x4c80: "LOOP_CTL_ADD", 0x4c82: "LOOP_CTL_GET_FREE",
	0xb701: "NS_GET_USERNS", 0xb702: "NS_GET_PARENT", 0xb703: "NS_GET_NSTYPE", 0xb704: "NS_GET_OWNER_UID",
	0x2400: "PERF_EVENT_IOC_ENABLE", 0x2401: "PERF_EVENT_IOC_DISABLE", 0x2403: "PERF_EVENT_IOC_RESET",
}

var ioctlDirs = xlat{{0, "_IOC_NONE"}, {2, "_IOC_READ"}, {1, "_IOC_WRITE"}}

// appendIoctlReq appends an ioctl request by its name, or as strace spells
// an unknown one: _IOC(_IOC_READ, 0x78, 0x7, 0x4).
func appendIoctlReq(b []byte, v uint64) []byte {
	code := uint32(v)
	if n, ok := ioctlNames[code]; ok {
		return append(b, n...)
	}
	dir, typ, nr := code>>30, code>>8&0xff, code&0xff
	size := code >> 16 & 0x3fff
	b = append(b, "_IOC("...)
	b = appendFlags(b, ioctlDirs, uint64(dir))
	b = append(b, ", "...)
	b = appendHex(b, uint64(typ))
	b = append(b, ", "...)
	b = appendHex(b, uint64(nr))
	b = append(b, ", "...)
	b = appendHex(b, uint64(size))
	return append(b, ')')
}

// ioctlNoArg reports whether ioctl request req takes no third argument, so
// that strace prints two.
func ioctlNoArg(req uint64) bool {
	switch uint32(req) {
	case 0x5427, 0x5428, 0x541d, 0x5422, 0x540c, 0x540d, 0x5451, 0x5450, 0x5437, 0x541f:
		// TIOCSBRK, TIOCCBRK, TIOCCONS, TIOCNOTTY, TIOCEXCL, TIOCNXCL,
		// FIOCLEX, FIONCLEX, TIOCVHANGUP, TIOCSSERIAL
		return true
	}
	return false
}

// appendIoctlArg appends ioctl's third argument as its request reads.
func (d *decoder) appendIoctlArg(b []byte, c *Call) []byte {
	args := c.Args()
	req, v := uint32(args[1]), args[2]
	switch req {
	case 0x540a: // TCXONC
		return appendXval(b, tcxoncOptions, v, "TC???")
	case 0x540b: // TCFLSH
		return appendXval(b, tcflshOptions, v, "TC???")
	case 0x5409, 0x5425, 0x540e, 0x40049409: // TCSBRK, TCSBRKP, TIOCSCTTY, FICLONE
		return strconv.AppendInt(b, int64(int32(v)), 10)
	}
	a, ok := sysent.IoctlArgOf(args[1])
	if !ok || a.Dir == sysent.IoctlNone {
		return appendHex(b, v)
	}
	// The recorder captures what the kernel read at the exit, failed or
	// not, and what it wrote when the call succeeded.
	if a.Dir != sysent.IoctlIn && (c.Exit == nil || IsError(c.Exit.Ret)) {
		return appendPtr(b, v)
	}
	data := captureData(c.Exit, 2, format.CaptureStruct)
	if v == 0 {
		return append(b, "NULL"...)
	}
	if data == nil {
		return appendPtr(b, v)
	}
	switch req {
	case 0x5401, 0x5402, 0x5403, 0x5404, 0x5456, 0x5457:
		return appendTermios(b, data, v)
	case 0x5413, 0x5414:
		if len(data) < 8 {
			return appendPtr(b, v)
		}
		b = append(b, "{ws_row="...)
		b = appendUint(b, uint64(le.Uint16(data)))
		b = append(b, ", ws_col="...)
		b = appendUint(b, uint64(le.Uint16(data[2:])))
		b = append(b, ", ws_xpixel="...)
		b = appendUint(b, uint64(le.Uint16(data[4:])))
		b = append(b, ", ws_ypixel="...)
		b = appendUint(b, uint64(le.Uint16(data[6:])))
		return append(b, '}')
	case 0x5415, 0x5416, 0x5417, 0x5418: // TIOCM*
		if len(data) < 4 {
			return appendPtr(b, v)
		}
		b = append(b, '[')
		b = appendFlagsDflt(b, modemFlags, uint64(le.Uint32(data)), "TIOCM_???")
		return append(b, ']')
	case 0x5412: // TIOCSTI
		return appendQuoted(b, data, d.strLen, false)
	}
	if len(data) < 4 {
		return appendPtr(b, v)
	}
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(int32(le.Uint32(data))), 10)
	return append(b, ']')
}

var tcxoncOptions = xlat{{0, "TCOOFF"}, {1, "TCOON"}, {2, "TCIOFF"}, {3, "TCION"}}

var tcflshOptions = xlat{{0, "TCIFLUSH"}, {1, "TCOFLUSH"}, {2, "TCIOFLUSH"}}

var modemFlags = xlat{
	{0x001, "TIOCM_LE"}, {0x002, "TIOCM_DTR"}, {0x004, "TIOCM_RTS"}, {0x008, "TIOCM_ST"}, {0x010, "TIOCM_SR"},
	{0x020, "TIOCM_CTS"}, {0x040, "TIOCM_CAR"}, {0x080, "TIOCM_RNG"}, {0x100, "TIOCM_DSR"},
	{0x2000, "TIOCM_OUT1"}, {0x4000, "TIOCM_OUT2"}, {0x8000, "TIOCM_LOOP"},
}

var termIflags = xlat{
	{0x1, "IGNBRK"}, {0x2, "BRKINT"}, {0x4, "IGNPAR"}, {0x8, "PARMRK"}, {0x10, "INPCK"}, {0x20, "ISTRIP"},
	{0x40, "INLCR"}, {0x80, "IGNCR"}, {0x100, "ICRNL"}, {0x200, "IUCLC"}, {0x400, "IXON"}, {0x800, "IXANY"},
	{0x1000, "IXOFF"}, {0x2000, "IMAXBEL"}, {0x4000, "IUTF8"},
}

var termOflags = xlat{
	{0x1, "OPOST"}, {0x2, "OLCUC"}, {0x4, "ONLCR"}, {0x8, "OCRNL"}, {0x10, "ONOCR"}, {0x20, "ONLRET"},
	{0x40, "OFILL"}, {0x80, "OFDEL"},
}

// termOdelays are the delay fields of c_oflag, each with its mask, its
// values and strace's name for an unknown one.
var termOdelays = [...]struct {
	mask uint64
	x    xlat
	dflt string
}{
	{0x100, xlat{{0, "NL0"}, {0x100, "NL1"}}, "NL?"},
	{0x600, xlat{{0, "CR0"}, {0x200, "CR1"}, {0x400, "CR2"}, {0x600, "CR3"}}, "CR?"},
	{0x1800, xlat{{0x1800, "XTABS"}, {0, "TAB0"}, {0x800, "TAB1"}, {0x1000, "TAB2"}}, "TAB?"},
	{0x2000, xlat{{0x2000, "BS1"}, {0, "BS0"}}, "BS?"},
	{0x4000, xlat{{0, "VT0"}, {0x4000, "VT1"}}, "VT?"},
	{0x8000, xlat{{0, "FF0"}, {0x8000, "FF1"}}, "FF?"},
}

var termCflags = xlat{
	{0x40, "CSTOPB"}, {0x80, "CREAD"}, {0x100, "PARENB"}, {0x200, "PARODD"}, {0x400, "HUPCL"},
	{0x800, "CLOCAL"}, {0x40000000, "CMSPAR"}, {0x80000000, "CRTSCTS"},
}

var termCsize = xlat{{0, "CS5"}, {0x10, "CS6"}, {0x20, "CS7"}, {0x30, "CS8"}}

var baudRates = xlat{
	{0, "B0"}, {1, "B50"}, {2, "B75"}, {3, "B110"}, {4, "B134"}, {5, "B150"}, {6, "B200"}, {7, "B300"},
	{8, "B600"}, {9, "B1200"}, {10, "B1800"}, {11, "B2400"}, {12, "B4800"}, {13, "B9600"}, {14, "B19200"},
	{15, "B38400"}, {0x1001, "B57600"}, {0x1002, "B115200"}, {0x1003, "B230400"}, {0x1004, "B460800"},
	{0x1005, "B500000"}, {0x1006, "B576000"}, {0x1007, "B921600"}, {0x1008, "B1000000"},
	{0x1009, "B1152000"}, {0x100a, "B1500000"}, {0x100b, "B2000000"}, {0x100c, "B2500000"},
	{0x100d, "B3000000"}, {0x100e, "B3500000"}, {0x100f, "B4000000"}, {0x1000, "BOTHER"},
}

var termLflags = xlat{
	{0x1, "ISIG"}, {0x2, "ICANON"}, {0x4, "XCASE"}, {0x8, "ECHO"}, {0x10, "ECHOE"}, {0x20, "ECHOK"},
	{0x40, "ECHONL"}, {0x80, "NOFLSH"}, {0x8000, "IEXTEN"}, {0x200, "ECHOCTL"}, {0x400, "ECHOPRT"},
	{0x800, "ECHOKE"}, {0x1000, "FLUSHO"}, {0x4000, "PENDIN"}, {0x100, "TOSTOP"}, {0x10000, "EXTPROC"},
}

// appendFlagsOrEmpty appends v's flags as strace's printflags with no
// default does: nothing at all for 0.
func appendFlagsOrEmpty(b []byte, x xlat, v uint64) []byte {
	if v == 0 {
		return b
	}
	return appendFlags(b, x, v)
}

// appendTermios appends the kernel's struct termios abbreviated as strace
// prints it: {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|..., ...}.
func appendTermios(b []byte, data []byte, ptr uint64) []byte {
	if len(data) < 16 {
		return appendPtr(b, ptr)
	}
	b = append(b, "{c_iflag="...)
	b = appendFlagsOrEmpty(b, termIflags, uint64(le.Uint32(data)))
	b = append(b, ", c_oflag="...)
	o := uint64(le.Uint32(data[4:]))
	for _, f := range termOdelays {
		b = appendXval(b, f.x, o&f.mask, f.dflt)
		b = append(b, '|')
		o &^= f.mask
	}
	b = appendFlagsOrEmpty(b, termOflags, o)
	b = append(b, ", c_cflag="...)
	cf := uint64(le.Uint32(data[8:]))
	b = appendXval(b, baudRates, cf&0x100f, "B???")
	b = append(b, '|')
	if in := cf & 0x100f0000; in != 0 {
		b = appendXval(b, baudRates, in>>16, "B???")
		b = append(b, "<<IBSHIFT|"...)
	}
	b = appendXval(b, termCsize, cf&0x30, "CS?")
	b = append(b, '|')
	b = appendFlagsOrEmpty(b, termCflags, cf&^(0x100f|0x100f0000|0x30))
	b = append(b, ", c_lflag="...)
	b = appendFlagsOrEmpty(b, termLflags, uint64(le.Uint32(data[12:])))
	return append(b, ", ...}"...)
}
