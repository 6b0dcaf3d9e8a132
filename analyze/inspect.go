package analyze

import (
	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// FDKind says what an fd refers to.
type FDKind uint8

// The kinds of fds the walker tells apart.
const (
	// FDUnknown: the trace does not tell.
	FDUnknown FDKind = FDKind(fdUnknown)
	// FDFile: a path (a regular file, a directory, a device).
	FDFile FDKind = FDKind(fdFile)
	// FDPipe: an end of a pipe.
	FDPipe FDKind = FDKind(fdPipeEnd)
	// FDSocket: a socket.
	FDSocket FDKind = FDKind(fdSock)
	// FDAnonInode: another object of the kernel (eventfd, epoll, timerfd).
	FDAnonInode FDKind = FDKind(fdAnonInode)
)

// FDInfo is what the trace tells of one open fd.
type FDInfo struct {
	// Target is what strace -y prints between <>: the path, "pipe:[4321]",
	// "socket:[4322]", "anon_inode:[eventfd]"; "" when unknown.
	Target string
	// Kind says what the fd refers to.
	Kind FDKind
	// Deleted is set for a file that lost its name.
	Deleted bool
}

// FD returns what the walker knows of fd in process pid, and whether the
// fd is known to be open. During Visitor.SyscallExit it is the table as
// the call found it when it entered: without the call's own effect, nor
// that of calls of other threads that ended meanwhile (a close racing
// another thread's open of the same number). It needs
// WalkerOptions.TrackFDs.
func (w *Walker) FD(pid int32, fd int64) (FDInfo, bool) {
	if w.fds == nil {
		return FDInfo{}, false
	}
	e := w.fds.lookup(pid, fd, w.visiting)
	if e == nil {
		return FDInfo{}, false
	}
	return FDInfo{Target: e.target(), Kind: FDKind(e.kind), Deleted: e.deleted}, true
}

// IO says which way the bytes a syscall's return value counts moved.
type IO int8

// The directions of IO.
const (
	IONone  IO = IO(ioNone)  // the return value counts no bytes
	IORead  IO = IO(ioRead)  // read, recvfrom, readv and the like
	IOWrite IO = IO(ioWrite) // write, sendto, writev, sendfile and the like
)

// IO returns which way the bytes counted by c's return value moved.
func (c *Call) IO() IO {
	if c.info == nil {
		return IONone
	}
	return IO(c.info.io)
}

// ArgCount returns how many of c's arguments mean something, as strace
// prints them: open's mode only when the flags create a file, futex's
// arguments by operation, fcntl's third only for commands that take one.
// The registers past it hold whatever the caller left there.
func (c *Call) ArgCount() int {
	var d decoder
	n, _ := d.layout(c)
	return n
}

// Captured returns the data of e's first capture of argument arg of kind
// k: nil when there is none, empty for an empty one.
func Captured(e *format.Event, arg int, k format.CaptureKind) []byte {
	return captureData(e, arg, k)
}

// Quote returns data as strace quotes a string ("ab\n"), followed by
// "..." when more is set.
func Quote(data []byte, more bool) string {
	return string(appendQuoted(nil, data, -1, more))
}

// Cwd returns the working directory of process pid as far as the trace
// tells, and whether it is known: the header's, then after each chdir and
// fchdir what the recorder read. It is unknown in a trace whose header has
// none and after a chdir the trace cannot follow (an fchdir to an fd it
// does not know). It needs WalkerOptions.TrackFDs.
func (w *Walker) Cwd(pid int32) (string, bool) {
	if w.fds == nil {
		return "", false
	}
	ft := w.fds.table(pid)
	return ft.cwd, ft.cwd != "" && !ft.cwdLost
}

// FDClosed reports whether the trace shows that fd is not open in process
// pid: the process's fd table is known whole (from the fds the program
// started with, which the recorder lists at its first exec, and each call
// since that makes or closes one) and fd is not in it. A recording that
// left calls out (trec record -e trace=, see StateSyscalls) can make it
// wrong. It needs WalkerOptions.TrackFDs.
func (w *Walker) FDClosed(pid int32, fd int64) bool {
	if w.fds == nil {
		return false
	}
	ft := w.fds.table(pid)
	return ft.complete && ft.at(fd, w.visiting) == nil
}

// StateSyscalls returns the syscalls of table t whose calls the walker
// follows to know what fds refer to and where the working directories
// are: a recording that left one of them out (trec record -e trace=) may
// hold stale answers in FD and Cwd.
func StateSyscalls(t *sysent.Table) []int {
	var nrs []int
	for nr := range t.Max() {
		ci := makeCallInfo(t, t.Lookup(nr), nr)
		if ci.op != fdNone && ci.op != fdConnect && ci.op != fdUnseen && ci.op != fdRecvmsg && ci.op != fdIoctl || ci.sys != nil && ci.sys.Ret == sysent.RetFD {
			nrs = append(nrs, nr)
		}
	}
	return nrs
}
