//go:build linux

package record

import (
	"encoding/binary"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// What a socket is connected to, captured at the exit of the calls that
// create, name or connect sockets (socket, socketpair, bind, listen,
// connect, accept, accept4), as strace -yy shows it and as the network
// statistics need it for connections accepted without an address. The
// recorder copies the program's fd with pidfd_getfd(2) and asks the
// socket itself: getsockname, getpeername, its domain, type and protocol,
// and for a Unix socket its peer's inode (sock_diag). The other calls pay
// one bitset test.

// sockCalls is the set of syscall numbers after which a socket's
// endpoints are captured.
type sockCalls struct {
	bits                         [8]uint64
	socketpair, connect, bind    int
	listen, socket, accept, acc4 int
}

func newSockCalls(tab *sysent.Table) sockCalls {
	s := sockCalls{socketpair: -1, connect: -1, bind: -1, listen: -1, socket: -1, accept: -1, acc4: -1}
	for name, nr := range map[string]*int{
		"socketpair": &s.socketpair, "connect": &s.connect, "bind": &s.bind, "listen": &s.listen,
		"socket": &s.socket, "accept": &s.accept, "accept4": &s.acc4,
	} {
		if sc, ok := tab.ByName(name); ok && sc.Nr < len(s.bits)*64 {
			*nr = sc.Nr
			s.bits[sc.Nr/64] |= 1 << (sc.Nr % 64)
		}
	}
	return s
}

func (s *sockCalls) has(nr int) bool {
	return uint(nr) < uint(len(s.bits)*64) && s.bits[nr/64]&(1<<(nr%64)) != 0
}

// sockExit captures the endpoints of the sockets a call created, named or
// connected: a non-blocking connect's EINPROGRESS included, since the
// socket has its local address then.
func (t *tracer) sockExit(th *thread, failed bool, ret int64) {
	s := &t.sock
	switch th.nr {
	case s.socket, s.accept, s.acc4:
		if !failed {
			t.cap.sockInfo(th.pid, ret)
		}
	case s.bind, s.listen:
		if !failed {
			t.cap.sockInfo(th.pid, int64(int32(th.args[0])))
		}
	case s.connect:
		if !failed || ret == -int64(unix.EINPROGRESS) {
			t.cap.sockInfo(th.pid, int64(int32(th.args[0])))
		}
	case s.socketpair:
		if fds, ok := t.cap.u64At(th.pid, th.args[3]); !failed && ok {
			t.cap.sockInfo(th.pid, int64(int32(fds)))
			t.cap.sockInfo(th.pid, int64(int32(fds>>32)))
		}
	}
}

// Layout of a socket capture's data: a fixed part, then the local and the
// peer sockaddr. FORMAT.md documents it.
const (
	sockHeader  = 28
	sockaddrLen = 128
)

// sockInfo captures what socket fd of process pid is bound and connected
// to, as a CaptureSocket with Index fd. A socket that cannot be
// asked (the fd is gone, pidfd_getfd is not permitted) gets no capture.
func (c *capturer) sockInfo(pid int, fd int64) {
	if fd < 0 || fd > 1<<31-1 || c.room(sockHeader+2*sockaddrLen) < sockHeader+2*sockaddrLen {
		return
	}
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return
	}
	s, err := unix.PidfdGetfd(pidfd, int(fd), 0)
	unix.Close(pidfd)
	if err != nil {
		return
	}
	defer unix.Close(s)
	var st unix.Stat_t
	if unix.Fstat(s, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFSOCK {
		return
	}
	family, _ := unix.GetsockoptInt(s, unix.SOL_SOCKET, unix.SO_DOMAIN)
	typ, _ := unix.GetsockoptInt(s, unix.SOL_SOCKET, unix.SO_TYPE)
	proto, _ := unix.GetsockoptInt(s, unix.SOL_SOCKET, unix.SO_PROTOCOL)
	off := len(c.arena)
	c.arena = grow(c.arena, sockHeader+2*sockaddrLen)
	d := c.arena[off:]
	le := binary.LittleEndian
	le.PutUint16(d[0:], uint16(family))
	le.PutUint16(d[2:], uint16(typ))
	le.PutUint16(d[4:], uint16(proto))
	le.PutUint16(d[6:], 0)
	le.PutUint64(d[8:], st.Ino)
	var peerIno uint64
	if family == unix.AF_UNIX {
		peerIno = unixPeer(uint32(st.Ino))
	}
	le.PutUint64(d[16:], peerIno)
	local := sockName(s, unix.SYS_GETSOCKNAME, d[sockHeader:sockHeader+sockaddrLen])
	peer := sockName(s, unix.SYS_GETPEERNAME, d[sockHeader+local:sockHeader+local+sockaddrLen])
	le.PutUint16(d[24:], uint16(local))
	le.PutUint16(d[26:], uint16(peer))
	n := sockHeader + local + peer
	c.arena = c.arena[:off+n]
	c.add(0, format.CaptureSocket, int(fd), off, n, uint64(n))
}

// sockName reads the socket's own (getsockname) or its peer's
// (getpeername) address into buf and returns its length, 0 when there is
// none.
func sockName(s int, nr uintptr, buf []byte) int {
	n := uint32(len(buf))
	_, _, e := unix.RawSyscall(nr, uintptr(s), uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)))
	if e != 0 || n <= 2 {
		// An unnamed address is its family alone.
		return 0
	}
	return int(min(n, uint32(len(buf))))
}

// unixPeer returns the inode of the socket at the other end of the Unix
// socket with inode ino, as sock_diag reports it, or 0.
func unixPeer(ino uint32) uint64 {
	nl, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return 0
	}
	defer unix.Close(nl)
	// struct nlmsghdr, then struct unix_diag_req asking for the socket
	// by its inode, with UDIAG_SHOW_PEER.
	const (
		sockDiagByFamily = 20
		udiagShowPeer    = 4
		unixDiagPeer     = 2
	)
	var req [16 + 24]byte
	le := binary.LittleEndian
	le.PutUint32(req[0:], uint32(len(req)))
	le.PutUint16(req[4:], sockDiagByFamily)
	le.PutUint16(req[6:], unix.NLM_F_REQUEST)
	req[16] = unix.AF_UNIX
	le.PutUint32(req[20:], ^uint32(0)) // every state
	le.PutUint32(req[24:], ino)
	le.PutUint32(req[28:], udiagShowPeer)
	le.PutUint32(req[32:], ^uint32(0)) // no cookie
	le.PutUint32(req[36:], ^uint32(0))
	if err := unix.Sendto(nl, req[:], 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return 0
	}
	var resp [512]byte
	n, _, err := unix.Recvfrom(nl, resp[:], 0)
	if err != nil || n < 16+16 || le.Uint16(resp[4:]) != sockDiagByFamily {
		return 0
	}
	// struct unix_diag_msg is 16 bytes; its attributes follow.
	for a := 32; a+4 <= n; {
		alen := int(le.Uint16(resp[a:]))
		if alen < 4 || a+alen > n {
			break
		}
		if le.Uint16(resp[a+2:]) == unixDiagPeer && alen >= 8 {
			return uint64(le.Uint32(resp[a+4:]))
		}
		a += (alen + 3) &^ 3
	}
	return 0
}
