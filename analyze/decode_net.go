package analyze

import (
	"strconv"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// appendSockoptArg appends argument i of setsockopt or getsockopt: the
// level, the option's name for it, and the value as the option reads.
func (d *decoder) appendSockoptArg(b []byte, c *Call, i int) ([]byte, bool) {
	args := c.Args()
	level, name := uint64(uint32(args[1])), uint64(uint32(args[2]))
	get := c.Name == "getsockopt"
	switch i {
	case 1:
		return appendXval(b, socketLevelNames, level, "SOL_??"), true
	case 2:
		return appendSockoptName(b, level, name, get), true
	case 3:
		if get {
			return d.appendGetsockoptVal(b, c, level, name), true
		}
		return d.appendSetsockoptVal(b, c, level, name), true
	case 4:
		if !get {
			return strconv.AppendInt(b, int64(int32(args[4])), 10), true
		}
	}
	return b, false
}

// appendSockoptName appends a socket option's name at its level.
func appendSockoptName(b []byte, level, name uint64, get bool) []byte {
	switch level {
	case solSocket:
		if name == 26 { // SO_GET_FILTER, SO_ATTACH_FILTER
			if get {
				return append(b, "SO_GET_FILTER"...)
			}
			return append(b, "SO_ATTACH_FILTER"...)
		}
		return appendXval(b, sockOptions, name, "SO_???")
	case solIP:
		return appendXval(b, sockIPOptions, name, "IP_???")
	case solIPv6:
		return appendXval(b, sockIPv6Options, name, "IPV6_???")
	case solTCP:
		return appendXval(b, sockTCPOptions, name, "TCP_???")
	case solUDP:
		return appendXval(b, sockUDPOptions, name, "UDP_???")
	case solNetlink:
		return appendXval(b, sockNetlinkOptions, name, "NETLINK_???")
	}
	return appendUint(b, name)
}

// appendSetsockoptVal appends setsockopt's value, read at the call's
// entry: [1], {l_onoff=1, l_linger=0}, or the bytes.
func (d *decoder) appendSetsockoptVal(b []byte, c *Call, level, name uint64) []byte {
	v := c.Args()[3]
	n := int(int32(c.Args()[4]))
	cp := findCapture(c.Enter, 3, format.CaptureBuffer)
	if v == 0 || cp == nil {
		return appendPtr(b, v)
	}
	data := cp.Data
	switch {
	case level == solSocket && name == 13: // SO_LINGER
		if n < 8 || len(data) < 8 {
			return appendPtr(b, v)
		}
		return appendLinger(b, data, 8)
	case level == solSocket && sockIntOptions[name], level == solNetlink:
		if n < 4 || len(data) < 4 {
			return appendPtr(b, v)
		}
		return appendIntArray1(b, data)
	case level == solSocket && name == 26:
		return appendPtr(b, v)
	}
	if n == 4 && len(data) >= 4 {
		return appendIntArray1(b, data)
	}
	return appendQuoted(b, data, d.strLen, cp.Truncated())
}

// appendGetsockoptVal appends the value getsockopt wrote, of the length it
// stored in optlen.
func (d *decoder) appendGetsockoptVal(b []byte, c *Call, level, name uint64) []byte {
	v := c.Args()[3]
	if c.Exit == nil || IsError(c.Exit.Ret) {
		return appendPtr(b, v)
	}
	ulen, rlen := -1, -1
	if in := captureData(c.Enter, 4, format.CaptureStruct); len(in) >= 4 {
		ulen = int(int32(le.Uint32(in)))
	}
	if out := captureData(c.Exit, 4, format.CaptureStruct); len(out) >= 4 {
		rlen = int(int32(le.Uint32(out)))
	}
	cp := findCapture(c.Exit, 3, format.CaptureBuffer)
	if ulen <= 0 || rlen <= 0 || v == 0 || cp == nil {
		return appendPtr(b, v)
	}
	data := cp.Data
	switch level {
	case solSocket:
		switch {
		case name == 13: // SO_LINGER
			return appendLinger(b, data, rlen)
		case name == 17: // SO_PEERCRED
			return appendUcred(b, data, rlen)
		case name == 4: // SO_ERROR
			if rlen < 4 || len(data) < 4 {
				return appendHexQuoted(b, data, d.strLen, cp.Truncated())
			}
			b = append(b, '[')
			if e := int(int32(le.Uint32(data))); e != 0 && ErrnoName(e) != "" {
				b = append(b, ErrnoName(e)...)
			} else {
				b = strconv.AppendInt(b, int64(e), 10)
			}
			return append(b, ']')
		case sockIntOptions[name]:
			if rlen < 4 || len(data) < 4 {
				return appendHexQuoted(b, data, d.strLen, cp.Truncated())
			}
			return appendIntArray1(b, data)
		}
	case solNetlink:
		if name == 9 { // NETLINK_LIST_MEMBERSHIPS
			b = append(b, '[')
			for j := 0; (j+1)*4 <= min(ulen, rlen, len(data)); j++ {
				if j > 0 {
					b = append(b, ", "...)
				}
				b = appendUint(b, uint64(le.Uint32(data[j*4:])))
			}
			return append(b, ']')
		}
		if len(data) < 4 {
			return appendPtr(b, v)
		}
		return appendIntArray1(b, data)
	}
	if rlen == 4 && len(data) >= 4 {
		return appendIntArray1(b, data)
	}
	return appendQuoted(b, data, d.strLen, cp.Truncated())
}

// appendIntArray1 appends the int data starts with as strace's printnum_int
// does: [1].
func appendIntArray1(b []byte, data []byte) []byte {
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(int32(le.Uint32(data))), 10)
	return append(b, ']')
}

// appendLinger appends the first n bytes of a struct linger.
func appendLinger(b []byte, data []byte, n int) []byte {
	b = append(b, '{')
	if n >= 4 && len(data) >= 4 {
		b = append(b, "l_onoff="...)
		b = strconv.AppendInt(b, int64(int32(le.Uint32(data))), 10)
	}
	if n >= 8 && len(data) >= 8 {
		b = append(b, ", l_linger="...)
		b = strconv.AppendInt(b, int64(int32(le.Uint32(data[4:]))), 10)
	}
	return append(b, '}')
}

// appendUcred appends the first n bytes of a struct ucred:
// {pid=42, uid=0, gid=0}.
func appendUcred(b []byte, data []byte, n int) []byte {
	b = append(b, '{')
	if n >= 4 && len(data) >= 4 {
		b = append(b, "pid="...)
		b = strconv.AppendInt(b, int64(int32(le.Uint32(data))), 10)
	}
	if n >= 8 && len(data) >= 8 {
		b = append(b, ", uid="...)
		b = appendID(b, le.Uint32(data[4:]))
	}
	if n >= 12 && len(data) >= 12 {
		b = append(b, ", gid="...)
		b = appendID(b, le.Uint32(data[8:]))
	}
	return append(b, '}')
}

// appendID appends a uid or gid, -1 for the "none" value.
func appendID(b []byte, v uint32) []byte {
	if v == 0xffffffff {
		return append(b, "-1"...)
	}
	return appendUint(b, uint64(v))
}

// netlinkProto returns the netlink protocol of call c's socket fd, or -1
// when it is not a netlink socket the trace knows.
func (d *decoder) netlinkProto(c *Call, fd uint64) int {
	if d.w == nil || d.w.fds == nil {
		return -1
	}
	e := d.w.fds.lookup(c.Pid, int64(int32(fd)), c.Start())
	if e == nil || e.kind != fdSock || e.family != afNetlink {
		return -1
	}
	return int(e.proto)
}

// appendSockbuf appends the buffer of sendto or recvfrom decoded as
// netlink messages when the socket is a netlink one; ok is false for
// others.
func (d *decoder) appendSockbuf(b []byte, c *Call) ([]byte, bool) {
	proto := d.netlinkProto(c, c.Args()[0])
	if proto < 0 {
		return b, false
	}
	if c.Name == "sendto" {
		cp := findCapture(c.Enter, 1, format.CaptureBuffer)
		if cp == nil {
			return b, false
		}
		return d.appendNetlink(b, proto, cp.Data, cp.Truncated()), true
	}
	if c.Exit == nil || IsError(c.Exit.Ret) {
		return b, false
	}
	cp := findCapture(c.Exit, 1, format.CaptureBuffer)
	if cp == nil {
		return b, false
	}
	return d.appendNetlink(b, proto, cp.Data, cp.Truncated()), true
}

// appendMsghdr appends the struct msghdr of sendmsg (at entry) or recvmsg
// (at exit): the address, the iovecs with the bytes that went through,
// the control messages, the flags.
func (d *decoder) appendMsghdr(b []byte, c *Call, i int, recv bool) []byte {
	e := c.Enter
	ptr := c.Args()[i]
	var in []byte
	if recv {
		e = c.Exit
		in = captureData(c.Enter, i, format.CaptureStruct)
		if IsError(c.Exit.Ret) {
			// strace: the length the program offered, nothing else.
			if len(in) < msghdrLen {
				return appendPtr(b, ptr)
			}
			b = append(b, "{msg_namelen="...)
			b = strconv.AppendInt(b, int64(int32(le.Uint32(in[8:]))), 10)
			return append(b, '}')
		}
	}
	h := captureData(e, i, format.CaptureStruct)
	if len(h) < msghdrLen {
		return appendPtr(b, ptr)
	}
	size := int64(-1)
	if recv {
		size = c.Exit.Ret
	}
	return d.appendMsghdrData(b, c, e, i, 0, h, in, size)
}

// capAt returns e's capture of argument arg, kind k and index, or nil.
func capAt(e *format.Event, arg int, k format.CaptureKind, index uint32) *format.Capture {
	if e == nil {
		return nil
	}
	for j := range e.Captures {
		cp := &e.Captures[j]
		if int(cp.Arg) == arg && cp.Kind == k && cp.Index == index {
			return cp
		}
	}
	return nil
}

// appendMsghdrData appends message k of argument arg of event e: h is its
// struct msghdr, in the same struct at the call's entry (recvmsg's), size
// the bytes that went through (-1: all of them). Its captures carry Index
// k, its iovec elements k*sysent.MmsgIndex and up.
func (d *decoder) appendMsghdrData(b []byte, c *Call, e *format.Event, arg, k int, h, in []byte, size int64) []byte {
	idx := uint32(k)
	b = append(b, "{msg_name="...)
	var sa []byte
	if cp := capAt(e, arg, format.CaptureSockaddr, idx); cp != nil {
		sa = cp.Data
	}
	netlink := false
	switch {
	case le.Uint64(h) == 0:
		b = append(b, "NULL"...)
	case len(sa) > 0:
		b = appendSockaddrStrace(b, sa)
		netlink = len(sa) >= 2 && le.Uint16(sa) == afNetlink
	default:
		b = appendPtr(b, le.Uint64(h))
	}
	b = append(b, ", msg_namelen="...)
	namelen := int64(int32(le.Uint32(h[8:])))
	if len(in) >= msghdrLen {
		if was := int64(int32(le.Uint32(in[8:]))); was != namelen {
			b = strconv.AppendInt(b, was, 10)
			b = append(b, " => "...)
		}
	}
	b = strconv.AppendInt(b, namelen, 10)
	b = append(b, ", msg_iov="...)
	iov, iovlen := le.Uint64(h[16:]), le.Uint64(h[24:])
	var nl func([]byte, []byte, bool) []byte
	if netlink {
		if proto := d.netlinkProto(c, c.Args()[0]); proto >= 0 {
			nl = func(b, data []byte, more bool) []byte { return d.appendNetlink(b, proto, data, more) }
		}
	}
	switch arr := capAt(e, arg, format.CaptureIovecArray, idx); {
	case arr != nil && iov != 0:
		b = d.appendIovecArray(b, e, arg, k*sysent.MmsgIndex, arr.Data, size, false, nl)
	case nl != nil && iov != 0 && hasCapture(e, arg):
		b = d.appendList(b, e, arg, format.CaptureIovec, func(b []byte, cp *format.Capture) []byte {
			b = append(b, "{iov_base="...)
			b = nl(b, cp.Data, cp.Truncated())
			b = append(b, ", iov_len="...)
			b = appendUint(b, cp.Len())
			return append(b, '}')
		})
	default:
		b = d.appendIovec(b, e, arg, iov, iovlen)
	}
	b = append(b, ", msg_iovlen="...)
	b = appendUint(b, iovlen)
	if ctllen := le.Uint64(h[40:]); ctllen != 0 {
		b = append(b, ", msg_control="...)
		if cp := capAt(e, arg, format.CaptureBuffer, idx); cp == nil {
			b = appendPtr(b, le.Uint64(h[32:]))
		} else {
			b = d.appendCmsgs(b, c, cp.Data, ctllen, le.Uint64(h[32:]))
		}
	}
	b = append(b, ", msg_controllen="...)
	b = appendUint(b, le.Uint64(h[40:]))
	b = append(b, ", msg_flags="...)
	b = appendFlags(b, msgFlags, uint64(le.Uint32(h[48:])))
	return append(b, '}')
}

// mmsghdrLen is the size of struct mmsghdr on 64-bit ABIs.
const mmsghdrLen = msghdrLen + 8

// appendMmsgvec appends the messages of sendmmsg or recvmmsg, as the
// recorder read them at the exit:
// [{msg_hdr={msg_name=NULL, ...}, msg_len=36}, ...].
func (d *decoder) appendMmsgvec(b []byte, c *Call) []byte {
	args := c.Args()
	v := args[1]
	recv := c.Name == "recvmmsg"
	arr := capAt(c.Exit, 1, format.CaptureStruct, 0)
	if v == 0 || arr == nil || (recv && IsError(c.Exit.Ret)) {
		return appendPtr(b, v)
	}
	n := uint64(uint32(args[2]))
	lens := uint64(0) // messages whose msg_len strace prints
	if !IsError(c.Exit.Ret) {
		lens = uint64(c.Exit.Ret)
	}
	if recv {
		n = lens
	}
	var in []byte
	if recv {
		in = captureData(c.Enter, 1, format.CaptureStruct)
	}
	b = append(b, '[')
	for k := uint64(0); k < n; k++ {
		if k > 0 {
			b = append(b, ", "...)
		}
		if k >= uint64(d.strLen) || (k+1)*mmsghdrLen > uint64(len(arr.Data)) {
			b = append(b, "..."...)
			break
		}
		h := arr.Data[k*mmsghdrLen:]
		var hin []byte
		if (k+1)*mmsghdrLen <= uint64(len(in)) {
			hin = in[k*mmsghdrLen:]
		}
		size := int64(-1)
		if recv {
			size = int64(le.Uint32(h[msghdrLen:]))
		}
		b = append(b, "{msg_hdr="...)
		b = d.appendMsghdrData(b, c, c.Exit, 1, int(k), h[:msghdrLen], hin, size)
		if k < lens {
			b = append(b, ", msg_len="...)
			b = appendUint(b, uint64(le.Uint32(h[msghdrLen:])))
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

const (
	// msghdrLen is the size of struct msghdr on 64-bit ABIs.
	msghdrLen = 56
	// msgCmsgCloexec is recvmsg's MSG_CMSG_CLOEXEC.
	msgCmsgCloexec = 0x40000000
)

// appendCmsgs appends control messages as strace decodes them:
// [{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[5]}].
func (d *decoder) appendCmsgs(b []byte, c *Call, data []byte, ctllen, ptr uint64) []byte {
	buf := data
	if uint64(len(buf)) > ctllen {
		buf = buf[:ctllen]
	}
	if len(buf) < 16 {
		return appendPtr(b, ptr)
	}
	b = append(b, '[')
	first := true
	for len(buf) >= 16 {
		cmsgLen := le.Uint64(buf)
		level, typ := uint64(le.Uint32(buf[8:])), uint64(le.Uint32(buf[12:]))
		if !first {
			b = append(b, ", "...)
		}
		first = false
		b = append(b, "{cmsg_len="...)
		b = appendUint(b, cmsgLen)
		b = append(b, ", cmsg_level="...)
		b = appendXval(b, socketLevelNames, level, "SOL_???")
		b = append(b, ", cmsg_type="...)
		l := min(cmsgLen, uint64(len(buf)))
		var payload []byte
		if l > 16 {
			payload = buf[16:l]
		}
		b = d.appendCmsgData(b, c, level, typ, payload)
		b = append(b, '}')
		if l < 16 {
			buf = buf[:0]
			break
		}
		if cmsgLen >= uint64(len(buf)) || (cmsgLen+7)&^7 >= uint64(len(buf)) {
			buf = buf[:0]
			break
		}
		buf = buf[(cmsgLen+7)&^7:]
	}
	if len(buf) != 0 || uint64(len(data)) < ctllen {
		b = append(b, ", ..."...)
	}
	return append(b, ']')
}

// appendCmsgData appends a control message's type and what it carries.
func (d *decoder) appendCmsgData(b []byte, c *Call, level, typ uint64, data []byte) []byte {
	switch level {
	case solSocket:
		b = appendXval(b, scmTypes, typ, "SCM_???")
		switch {
		case typ == 1 && len(data) >= 4: // SCM_RIGHTS
			b = append(b, ", cmsg_data=["...)
			for j := 0; (j+1)*4 <= len(data); j++ {
				if j > 0 {
					b = append(b, ", "...)
				}
				b = d.appendPassedFD(b, c, int64(int32(le.Uint32(data[j*4:]))))
			}
			return append(b, ']')
		case typ == 2 && len(data) >= 12: // SCM_CREDENTIALS
			b = append(b, ", cmsg_data="...)
			return appendUcred(b, data, 12)
		case typ == 3 && len(data) >= 1: // SCM_SECURITY
			b = append(b, ", cmsg_data="...)
			return appendQuoted(b, data, d.strLen, false)
		}
		return b
	case solIP:
		b = appendXval(b, ipCmsgTypes, typ, "IP_???")
		switch {
		case (typ == 2 || typ == 23) && len(data) >= 4: // IP_TTL, IP_CHECKSUM
			b = append(b, ", cmsg_data=["...)
			for j := 0; (j+1)*4 <= len(data); j++ {
				if j > 0 {
					b = append(b, ", "...)
				}
				b = appendUint(b, uint64(le.Uint32(data[j*4:])))
			}
			return append(b, ']')
		case (typ == 1 || typ == 6 || typ == 7) && len(data) >= 1: // IP_TOS, IP_RECVOPTS, IP_RETOPTS
			b = append(b, ", cmsg_data=["...)
			for j, x := range data {
				if j > 0 {
					b = append(b, ", "...)
				}
				b = appendHex(b, uint64(x))
			}
			return append(b, ']')
		}
		return b
	}
	return appendHex(b, typ)
}

// appendPassedFD appends an fd of SCM_RIGHTS with what it refers to under
// -y: the sender's fd as its table knows it, the receiver's new fd as the
// recorder read it.
func (d *decoder) appendPassedFD(b []byte, c *Call, fd int64) []byte {
	if c.Name != "recvmsg" {
		return d.appendFD(b, c, uint64(uint32(fd)))
	}
	b = strconv.AppendInt(b, fd, 10)
	if d.fdPaths {
		if link := fdLink(c.Exit, fd); link != nil {
			link, deleted := cutDeleted(link)
			b = appendFDTarget(b, string(link), deleted)
		}
	}
	return b
}
