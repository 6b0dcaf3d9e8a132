package analyze

import (
	"github.com/trecdev/trec/sysent"
)

// ioDir says which way the bytes a syscall returns moved.
type ioDir int8

const (
	ioNone  ioDir = iota
	ioRead        // the return value counts bytes read
	ioWrite       // the return value counts bytes written
)

// fdOp is what a syscall does to its process's fd table.
type fdOp uint8

const (
	fdNone       fdOp = iota
	fdOpen            // the return value is a new fd for the path argument
	fdDup             // the return value is a copy of arg 0
	fdClose           // arg 0 is closed
	fdCloseRange      // args 0..1 are closed (or marked close-on-exec)
	fdFcntl           // F_DUPFD, F_DUPFD_CLOEXEC, F_SETFD
	fdPipe            // arg 0 points at two new fds
	fdSocketpair      // arg 3 points at two new fds
	fdSocket          // the return value is a new socket
	fdAccept          // the return value is a connected socket
	fdConnect         // arg 0 gets the peer in arg 1
	fdAnon            // the return value is an anonymous-inode fd
	fdMemfd           // the return value is a memfd named by arg 0
	fdChdir           // the working directory changes to the path argument
	fdFchdir          // the working directory changes to arg 0's path
	fdUnlink          // the path argument's file loses its name
	fdBind            // arg 0, a socket, gets its address (bind, listen)
	fdRecvmsg         // SCM_RIGHTS messages bring new fds
	fdIoctl           // some requests return a new fd
	fdUnseen          // may make fds the trace does not show (SCM_RIGHTS, CLONE_PIDFD)
)

// callInfo is what the analyzer needs to know of one syscall number,
// derived once from its sysent description.
type callInfo struct {
	sys  *sysent.Syscall
	name string
	// fdArg is the first fd argument, dirfdArg the first dirfd, pathArg
	// and pathArg2 the path arguments; -1 when there is none.
	fdArg, dirfdArg, pathArg, pathArg2 int8
	io                                 ioDir
	op                                 fdOp
	// anon is the fd path of an anonymous-inode fd (fdAnon).
	anon string
	// peerArg is the argument holding a sockaddr worth listing as a
	// network peer, -1 if none; peerAtExit when it is written by the call.
	peerArg    int8
	peerAtExit bool
	// dec names the decoder that reads the call beyond its sysent kinds.
	dec decKind
}

// callTable maps syscall numbers of one architecture to callInfo.
type callTable struct {
	tab   *sysent.Table
	arch  sysent.Arch
	calls []callInfo
	// unknown holds numbers beyond the table, named as strace names them.
	unknown map[int32]*callInfo
}

var ioDirs = map[string]ioDir{
	"read": ioRead, "pread64": ioRead, "readv": ioRead, "preadv": ioRead, "preadv2": ioRead,
	"recvfrom": ioRead, "recvmsg": ioRead, "recvmmsg": ioRead,
	"write": ioWrite, "pwrite64": ioWrite, "writev": ioWrite, "pwritev": ioWrite, "pwritev2": ioWrite,
	"sendto": ioWrite, "sendmsg": ioWrite, "sendmmsg": ioWrite, "sendfile": ioWrite,
}

var fdOps = map[string]fdOp{
	"open": fdOpen, "openat": fdOpen, "openat2": fdOpen, "creat": fdOpen, "open_tree": fdOpen,
	"dup": fdDup, "dup2": fdDup, "dup3": fdDup,
	"close": fdClose, "close_range": fdCloseRange, "fcntl": fdFcntl,
	"pipe": fdPipe, "pipe2": fdPipe, "socketpair": fdSocketpair,
	"socket": fdSocket, "accept": fdAccept, "accept4": fdAccept, "connect": fdConnect,
	"eventfd": fdAnon, "eventfd2": fdAnon, "epoll_create": fdAnon, "epoll_create1": fdAnon,
	"timerfd_create": fdAnon, "signalfd": fdAnon, "signalfd4": fdAnon, "inotify_init": fdAnon,
	"inotify_init1": fdAnon, "pidfd_open": fdAnon, "userfaultfd": fdAnon, "perf_event_open": fdAnon,
	"fanotify_init": fdAnon, "io_uring_setup": fdAnon, "memfd_create": fdMemfd,
	"chdir": fdChdir, "fchdir": fdFchdir, "unlink": fdUnlink, "unlinkat": fdUnlink,
	"rmdir": fdUnlink, "bind": fdBind, "listen": fdBind, "recvmsg": fdRecvmsg, "recvmmsg": fdUnseen,
	"ioctl": fdIoctl, "clone": fdUnseen, "clone3": fdUnseen, "io_uring_enter": fdUnseen,
}

var anonNames = map[string]string{
	"eventfd": "anon_inode:[eventfd]", "eventfd2": "anon_inode:[eventfd]",
	"epoll_create": "anon_inode:[eventpoll]", "epoll_create1": "anon_inode:[eventpoll]",
	"timerfd_create": "anon_inode:[timerfd]", "signalfd": "anon_inode:[signalfd]",
	"signalfd4": "anon_inode:[signalfd]", "inotify_init": "anon_inode:inotify",
	"inotify_init1": "anon_inode:inotify", "pidfd_open": "anon_inode:[pidfd]",
	"userfaultfd": "anon_inode:[userfaultfd]", "perf_event_open": "anon_inode:[perf_event]",
	"fanotify_init": "anon_inode:[fanotify]", "io_uring_setup": "anon_inode:[io_uring]",
}

// peerArgs lists the syscalls whose sockaddr names a network peer.
var peerArgs = map[string]struct {
	arg    int8
	atExit bool
}{
	"connect": {1, false}, "sendto": {4, false}, "accept": {1, true}, "accept4": {1, true},
	"recvfrom": {4, true},
}

func newCallTable(tab *sysent.Table) *callTable {
	ct := &callTable{tab: tab, arch: tab.Arch(), calls: make([]callInfo, tab.Max()), unknown: map[int32]*callInfo{}}
	for nr := range ct.calls {
		ct.calls[nr] = makeCallInfo(tab, tab.Lookup(nr), nr)
	}
	return ct
}

func makeCallInfo(tab *sysent.Table, sys *sysent.Syscall, nr int) callInfo {
	ci := callInfo{sys: sys, fdArg: -1, dirfdArg: -1, pathArg: -1, pathArg2: -1, peerArg: -1}
	if sys == nil {
		ci.name = tab.Name(nr)
		return ci
	}
	ci.name = sys.Name
	for i, a := range sys.Args {
		switch a.Kind {
		case sysent.ArgFD:
			if ci.fdArg < 0 {
				ci.fdArg = int8(i)
			}
		case sysent.ArgDirFD:
			if ci.dirfdArg < 0 {
				ci.dirfdArg = int8(i)
			}
		case sysent.ArgPath:
			if ci.pathArg < 0 {
				ci.pathArg = int8(i)
			} else if ci.pathArg2 < 0 {
				ci.pathArg2 = int8(i)
			}
		}
	}
	ci.io = ioDirs[sys.Name]
	ci.op = fdOps[sys.Name]
	ci.anon = anonNames[sys.Name]
	ci.dec = decKinds[sys.Name]
	if p, ok := peerArgs[sys.Name]; ok {
		ci.peerArg, ci.peerAtExit = p.arg, p.atExit
	}
	return ci
}

// get returns the callInfo of nr.
func (t *callTable) get(nr int32) *callInfo {
	if nr >= 0 && int(nr) < len(t.calls) {
		return &t.calls[nr]
	}
	if ci, ok := t.unknown[nr]; ok {
		return ci
	}
	ci := makeCallInfo(t.tab, nil, int(nr))
	t.unknown[nr] = &ci
	return &ci
}
