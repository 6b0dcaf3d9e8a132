package analyze

import (
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/trecdev/trec/format"
)

// What the recorder captured of sockets' endpoints (CAPTURE_SOCKET,
// FORMAT.md): strace -yy's text of a socket fd, and the peer of a
// connection accepted without an address.

// sockHeader is the size of a socket capture's fixed part.
const sockHeader = 28

// sockCapture returns the socket capture of fd at event e, or nil.
func sockCapture(e *format.Event, fd int64) []byte {
	if e == nil {
		return nil
	}
	for i := range e.Captures {
		if cp := &e.Captures[i]; cp.Kind == format.CaptureSocket && int64(cp.Index) == fd {
			if len(cp.Data) >= sockHeader {
				return cp.Data
			}
		}
	}
	return nil
}

// sockInfo is a decoded socket capture.
type sockInfo struct {
	family, typ, proto uint16
	ino, peerIno       uint64
	local, peer        []byte
}

func decodeSock(d []byte) (sockInfo, bool) {
	if len(d) < sockHeader {
		return sockInfo{}, false
	}
	le := binary.LittleEndian
	s := sockInfo{family: le.Uint16(d), typ: le.Uint16(d[2:]), proto: le.Uint16(d[4:]),
		ino: le.Uint64(d[8:]), peerIno: le.Uint64(d[16:])}
	nl, np := int(le.Uint16(d[24:])), int(le.Uint16(d[26:]))
	if sockHeader+nl+np > len(d) {
		return sockInfo{}, false
	}
	s.local = d[sockHeader : sockHeader+nl]
	s.peer = d[sockHeader+nl : sockHeader+nl+np]
	return s, true
}

// sockLabel names a socket's protocol as strace -yy does: TCP, UDPv6,
// UNIX-STREAM; "" for those it does not name.
func sockLabel(s sockInfo) string {
	const (
		stream, dgram, raw, seqpacket = 1, 2, 3, 5
		tcp, udp, udplite, sctp       = 6, 17, 136, 132
	)
	typ := s.typ & 0xf
	switch s.family {
	case afInet, afInet6:
		var l string
		switch {
		case s.proto == sctp:
			l = "SCTP"
		case typ == stream:
			l = "TCP"
		case typ == dgram && s.proto == udplite:
			l = "UDPLITE"
		case typ == dgram:
			l = "UDP"
		case typ == raw:
			l = "RAW"
		default:
			return ""
		}
		if s.family == afInet6 {
			l += "v6"
		}
		return l
	case afUnix:
		switch typ {
		case stream:
			return "UNIX-STREAM"
		case dgram:
			return "UNIX-DGRAM"
		case seqpacket:
			return "UNIX-SEQPACKET"
		}
	case afNetlink:
		return "NETLINK"
	}
	return ""
}

// appendSockText appends strace -yy's text of a socket:
// TCP:[127.0.0.1:41952->127.0.0.1:80], TCP:[0.0.0.0:8080], TCP:[31396],
// UNIX-STREAM:[31427->31423,@"abs"]. peer stands in for the capture's
// peer when it has none (a connect still in progress). ok is false for a
// socket strace names no other way than socket:[INODE].
func appendSockText(b []byte, s sockInfo, peer []byte) ([]byte, bool) {
	label := sockLabel(s)
	if label == "" {
		return b, false
	}
	if len(s.peer) == 0 {
		s.peer = peer
	}
	b = append(b, label...)
	b = append(b, ":["...)
	switch s.family {
	case afInet, afInet6:
		switch {
		case len(s.peer) > 2:
			b = appendSockaddr(b, s.local)
			b = append(b, "->"...)
			b = appendSockaddr(b, s.peer)
		case boundInet(s.local):
			b = appendSockaddr(b, s.local)
		default:
			b = strconv.AppendUint(b, s.ino, 10)
		}
	case afUnix:
		b = strconv.AppendUint(b, s.ino, 10)
		if s.peerIno != 0 {
			b = append(b, "->"...)
			b = strconv.AppendUint(b, s.peerIno, 10)
		}
		if len(s.local) > 2 {
			b = append(b, ',')
			name := s.local[2:]
			if name[0] == 0 {
				b = append(b, '@')
				name = name[1:]
			} else {
				name = cstring(name)
			}
			b = appendQuoted(b, name, -1, false)
		}
	default:
		b = strconv.AppendUint(b, s.ino, 10)
	}
	return append(b, ']'), true
}

// boundInet reports whether an inet sockaddr has a port or an address.
func boundInet(sa []byte) bool {
	if len(sa) < 4 {
		return false
	}
	for _, c := range sa[2:] {
		if c != 0 {
			return true
		}
	}
	return false
}

// setSock records what a socket capture tells of fd entry e: its -yy
// text, and its peer when the capture or the call (peer, a connect's
// address) names one.
func (t *fdTracker) setSock(e *fdEntry, data []byte, peer []byte) {
	s, ok := decodeSock(data)
	if !ok {
		return
	}
	e.kind = fdSock
	if e.path == "" {
		e.path = "socket"
	}
	if text, ok := appendSockText(t.scratch[:0], s, peer); ok {
		t.scratch = text
		e.sock = t.str(text)
	}
	e.sockIno = 0
	if s.family == afUnix {
		if s.peerIno != 0 {
			t.unixPeers[s.ino], t.unixPeers[s.peerIno] = s.peerIno, s.ino
		} else {
			e.sockIno = s.ino
		}
	}
	if len(s.peer) > 2 {
		e.peer = t.str(appendSockaddr(t.scratch[:0], s.peer))
	} else if len(peer) > 2 {
		e.peer = t.str(appendSockaddr(t.scratch[:0], peer))
	}
}

// applySocks records the socket captures of a call's exit in ft: bind,
// listen, connect and socketpair name or connect sockets they did not
// create as their result.
func (t *fdTracker) applySocks(c *Call, ft *fdTable, peer []byte) {
	for i := range c.Exit.Captures {
		cp := &c.Exit.Captures[i]
		if cp.Kind != format.CaptureSocket {
			continue
		}
		fd := int64(cp.Index)
		e := fdEntry{kind: fdSock, path: "socket"}
		if old := ft.get(fd); old != nil {
			e = *old
		}
		t.setSock(&e, cp.Data, peer)
		ft.set(fd, e)
	}
}

// acceptedPeer returns the peer of the connection an accept call c
// returned, from the recorder's capture: the peer of a connection
// accepted with a NULL address.
func acceptedPeer(c *Call, b []byte) []byte {
	if c.Exit == nil || c.Exit.Ret < 0 {
		return b
	}
	if s, ok := decodeSock(sockCapture(c.Exit, c.Exit.Ret)); ok && len(s.peer) > 2 {
		return appendSockaddr(b, s.peer)
	}
	return b
}

// appendSock appends what strace -yy shows of socket entry e, with the
// peer of a Unix socket that the other end's accept made known since.
func (t *fdTracker) appendSock(b []byte, e *fdEntry) []byte {
	peer := t.unixPeers[e.sockIno]
	if e.sockIno == 0 || peer == 0 {
		return append(b, e.sock...)
	}
	// UNIX-STREAM:[INODE,"name"] becomes UNIX-STREAM:[INODE->PEER,"name"].
	at := strings.IndexByte(e.sock, '[') + 1
	for at < len(e.sock) && e.sock[at] >= '0' && e.sock[at] <= '9' {
		at++
	}
	b = append(b, e.sock[:at]...)
	b = append(b, "->"...)
	b = strconv.AppendUint(b, peer, 10)
	return append(b, e.sock[at:]...)
}
