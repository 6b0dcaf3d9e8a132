package analyze

import (
	"strconv"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// appendPollfds appends poll's array as the program passed it:
// [{fd=3</p>, events=POLLIN}, {fd=-1}].
func (d *decoder) appendPollfds(b []byte, c *Call) []byte {
	v, nfds := c.Args()[0], c.Args()[1]
	cp := findCapture(c.Enter, 0, format.CaptureBuffer)
	if v == 0 || cp == nil {
		return appendPtr(b, v)
	}
	b = append(b, '[')
	for j := uint64(0); j < nfds; j++ {
		if j > 0 {
			b = append(b, ", "...)
		}
		if j >= uint64(d.strLen) {
			return append(b, "...]"...)
		}
		if (j+1)*8 > uint64(len(cp.Data)) {
			b = append(b, "..."...)
			break
		}
		fd := int32(le.Uint32(cp.Data[j*8:]))
		b = append(b, "{fd="...)
		b = d.appendFD(b, c, uint64(uint32(fd)))
		if fd >= 0 {
			b = append(b, ", events="...)
			b = appendFlagsDflt(b, pollFlags, uint64(le.Uint16(cp.Data[j*8+4:])), "POLL???")
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendPollResult appends what follows poll's result: " (Timeout)", or
// the fds that are ready and, for ppoll, the time left:
// " ([{fd=3, revents=POLLIN}], left {tv_sec=0, tv_nsec=999})".
func (d *decoder) appendPollResult(b []byte, c *Call) []byte {
	if c.Exit.Ret == 0 {
		return append(b, " (Timeout)"...)
	}
	data := captureData(c.Exit, 0, format.CaptureBuffer)
	start := len(b)
	b = append(b, " ("...)
	open := len(b)
	printed := 0
	for j := 0; (j+1)*8 <= len(data) && j < int(c.Args()[1]); j++ {
		rev := le.Uint16(data[j*8+6:])
		if rev == 0 {
			continue
		}
		if len(b) == open {
			b = append(b, '[')
		} else {
			b = append(b, ", "...)
		}
		if printed >= d.strLen {
			b = append(b, "..."...)
			break
		}
		b = append(b, "{fd="...)
		b = strconv.AppendInt(b, int64(int32(le.Uint32(data[j*8:]))), 10)
		b = append(b, ", revents="...)
		b = appendFlags(b, pollFlags, uint64(rev))
		b = append(b, '}')
		printed++
	}
	if len(b) != open {
		b = append(b, ']')
	}
	if c.Name == "ppoll" && c.Args()[2] != 0 {
		if ts := captureData(c.Exit, 2, format.CaptureStruct); len(ts) >= 16 {
			if len(b) != open {
				b = append(b, ", "...)
			}
			b = append(b, "left "...)
			b = appendTimespec(b, ts, "tv_nsec")
		}
	}
	if len(b) == open {
		return b[:start]
	}
	return append(b, ')')
}

// appendFdSetFDs appends one of select's fd sets as the program passed
// it, each fd with what it refers to under -y: [3</p> 5<anon_inode:[eventfd]>].
func (d *decoder) appendFdSetFDs(b []byte, c *Call, i int) []byte {
	args := c.Args()
	v := args[i]
	data := captureData(c.Enter, i, format.CaptureStruct)
	if v == 0 {
		return append(b, "NULL"...)
	}
	if data == nil {
		return appendPtr(b, v)
	}
	return appendBitList(b, data, int(int32(args[0])), func(b []byte, fd int) []byte {
		return d.appendFD(b, c, uint64(fd))
	})
}

// appendSelectResult appends what follows select's result: " (Timeout)",
// or the ready fds of each set and the time left:
// " (in [3], out [4], left {tv_sec=1, tv_usec=999})".
func (d *decoder) appendSelectResult(b []byte, c *Call) []byte {
	ready := c.Exit.Ret
	if ready == 0 {
		return append(b, " (Timeout)"...)
	}
	args := c.Args()
	nfds := int(int32(args[0]))
	b = append(b, " ("...)
	start := len(b)
	sep := ""
	for i, name := range [...]string{"in", "out", "except"} {
		if ready <= 0 {
			break
		}
		data := captureData(c.Exit, i+1, format.CaptureStruct)
		if args[i+1] == 0 || data == nil {
			continue
		}
		first := true
		for fd := 0; fd < nfds && fd/8 < len(data) && ready > 0; fd++ {
			if data[fd/8]&(1<<(fd%8)) == 0 {
				continue
			}
			if first {
				b = append(b, sep...)
				b = append(b, name...)
				b = append(b, " ["...)
				first, sep = false, ", "
			} else {
				b = append(b, ' ')
			}
			b = strconv.AppendInt(b, int64(fd), 10)
			ready--
		}
		if len(b) != start {
			b = append(b, ']')
		}
	}
	if args[4] != 0 {
		unit := "tv_usec"
		if c.Name == "pselect6" {
			unit = "tv_nsec"
		}
		if ts := captureData(c.Exit, 4, format.CaptureStruct); len(ts) >= 16 {
			b = append(b, sep...)
			b = append(b, "left "...)
			b = appendTimespec(b, ts, unit)
		}
	}
	return append(b, ')')
}

// appendPselectSig appends pselect6's sixth argument:
// {sigmask=[USR1], sigsetsize=8}.
func (d *decoder) appendPselectSig(b []byte, c *Call) []byte {
	v := c.Args()[5]
	if v == 0 {
		return append(b, "NULL"...)
	}
	var pair, set []byte
	for k := range c.Exit.Captures {
		cp := &c.Exit.Captures[k]
		if cp.Arg == 5 && cp.Kind == format.CaptureStruct {
			if cp.Index == 0 {
				pair = cp.Data
			} else {
				set = cp.Data
			}
		}
	}
	if len(pair) < 16 {
		return appendPtr(b, v)
	}
	ss, n := le.Uint64(pair), le.Uint64(pair[8:])
	b = append(b, "{sigmask="...)
	switch {
	case ss == 0:
		b = append(b, "NULL"...)
	case set != nil:
		b = appendSigset(b, set)
	default:
		b = appendPtr(b, ss)
	}
	b = append(b, ", sigsetsize="...)
	b = appendUint(b, n)
	return append(b, '}')
}

// epollCtlDel is EPOLL_CTL_DEL.
const epollCtlDel = 2

// appendEpollEvent appends one struct epoll_event:
// {events=EPOLLIN, data={u32=3, u64=3}}.
func (d *decoder) appendEpollEvent(b []byte, data []byte, ptr uint64) []byte {
	if ptr == 0 {
		return append(b, "NULL"...)
	}
	if len(data) < d.epollSize() {
		return appendPtr(b, ptr)
	}
	return d.appendEpollEventData(b, data)
}

// epollSize is the size of struct epoll_event: packed on x86_64.
func (d *decoder) epollSize() int {
	if d.arch == sysent.ARM64 {
		return 16
	}
	return 12
}

func (d *decoder) appendEpollEventData(b []byte, data []byte) []byte {
	off := 4
	if d.arch == sysent.ARM64 {
		off = 8
	}
	u64 := le.Uint64(data[off:])
	b = append(b, "{events="...)
	b = appendFlagsDflt(b, epollEvents, uint64(le.Uint32(data)), "EPOLL???")
	b = append(b, ", data={u32="...)
	b = appendUint(b, u64&0xffffffff)
	b = append(b, ", u64="...)
	b = appendUint(b, u64)
	return append(b, "}}"...)
}

// appendEpollEvents appends the events an epoll wait returned.
func (d *decoder) appendEpollEvents(b []byte, c *Call) []byte {
	v := c.Args()[1]
	if c.Exit == nil || IsError(c.Exit.Ret) {
		return appendPtr(b, v)
	}
	cp := findCapture(c.Exit, 1, format.CaptureBuffer)
	if cp == nil {
		if c.Exit.Ret == 0 {
			return append(b, "[]"...)
		}
		return appendPtr(b, v)
	}
	size := d.epollSize()
	b = append(b, '[')
	for j := 0; j < int(c.Exit.Ret); j++ {
		if j > 0 {
			b = append(b, ", "...)
		}
		if j >= d.strLen || (j+1)*size > len(cp.Data) {
			b = append(b, "..."...)
			break
		}
		b = d.appendEpollEventData(b, cp.Data[j*size:])
	}
	return append(b, ']')
}
