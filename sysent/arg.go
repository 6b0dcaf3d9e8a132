package sysent

import "fmt"

// ArgKind says what an argument is and what memory it points at.
//
// Kinds named In are read at syscall entry; kinds named Out are read at
// exit, and only when the call succeeded; kinds named InOut are read at
// both. A kind that needs a length names the argument holding it in
// Arg.Len; a fixed-size kind gives its size in Arg.Size.
type ArgKind uint8

// The argument kinds.
const (
	ArgInt         ArgKind = iota // signed integer
	ArgUint                       // unsigned integer, printed decimal
	ArgHex                        // pointer or value printed in hex, nothing captured
	ArgFD                         // file descriptor
	ArgDirFD                      // dirfd of the *at family: AT_FDCWD prints as AT_FDCWD
	ArgPath                       // NUL-terminated path read at entry
	ArgString                     // NUL-terminated non-path string read at entry (xattr name, memfd name)
	ArgStringArray                // NULL-terminated array of strings read at entry (execve argv, envp)
	ArgInBuf                      // buffer read at entry, length in arg Len
	ArgOutBuf                     // buffer written by the kernel, valid length = return value, capacity in arg Len
	ArgInIovec                    // iovec array read at entry, count in arg Len (writev, pwritev)
	ArgOutIovec                   // iovec array filled by the kernel, count in arg Len, total valid = return value (readv)
	ArgInSockaddr                 // sockaddr read at entry, length in arg Len (connect, bind, sendto)
	ArgOutSockaddr                // sockaddr written by the kernel, length is *(socklen_t*)arg Len (accept, getsockname, recvfrom)
	ArgInMsghdr                   // struct msghdr read at entry, with the buffers it points at (sendmsg)
	ArgOutMsghdr                  // struct msghdr filled at exit, with the buffers it points at (recvmsg)
	ArgInStruct                   // fixed-size struct read at entry, size in Arg.Size, C type in Arg.Type
	ArgOutStruct                  // fixed-size struct written at exit when the call succeeds, size in Arg.Size
	ArgFlags                      // bit flags, decoded with Arg.Flags
	ArgEnum                       // one value of a set (whence, socket family, fcntl cmd), Arg.Flags names the set
	ArgMode                       // file mode (octal)
	ArgSignal                     // signal number
	ArgPid                        // pid

	ArgInOutStruct  // fixed-size struct read at entry and again at exit (select timeout, sendfile offset, accept addrlen)
	ArgOutArray     // array of Arg.Size-byte elements written by the kernel, valid count = return value, capacity count in arg Len (epoll_wait)
	ArgInOutArray   // array of Arg.Size-byte elements read at entry and again at exit, count in arg Len (poll fds)
	ArgFdSet        // fd_set bitmap read at entry and again at exit, nfds in arg Len (select)
	ArgOutBufLenPtr // buffer written by the kernel, valid length is *(socklen_t*)arg Len at exit (getsockopt optval)
	ArgUID          // user id; -1 (0xffffffff) means "unchanged" where the call allows it
	ArgGID          // group id; as ArgUID
	ArgInArray      // array of Arg.Size-byte elements read at entry, count in arg Len (setgroups)

	numArgKinds
)

var argKindNames = [...]string{
	"int", "uint", "hex", "fd", "dirfd", "path", "string", "string[]",
	"inbuf", "outbuf", "iniovec", "outiovec", "insockaddr", "outsockaddr",
	"inmsghdr", "outmsghdr", "instruct", "outstruct", "flags", "enum",
	"mode", "signal", "pid", "inoutstruct", "outarray", "inoutarray",
	"fdset", "outbuflenptr", "uid", "gid", "inarray",
}

// String returns a short lowercase name of k: "fd", "outbuf".
func (k ArgKind) String() string {
	if int(k) < len(argKindNames) {
		return argKindNames[k]
	}
	return fmt.Sprintf("argkind(%d)", uint8(k))
}

// NeedsLen reports whether an argument of kind k takes its length or count
// from another argument, named by Arg.Len.
func (k ArgKind) NeedsLen() bool {
	switch k {
	case ArgInBuf, ArgOutBuf, ArgInIovec, ArgOutIovec, ArgInSockaddr,
		ArgOutSockaddr, ArgOutArray, ArgInOutArray, ArgFdSet, ArgOutBufLenPtr,
		ArgInArray:
		return true
	}
	return false
}

// NeedsSize reports whether an argument of kind k points at memory whose
// size is fixed per architecture and given by Arg.Size.
func (k ArgKind) NeedsSize() bool {
	switch k {
	case ArgInStruct, ArgOutStruct, ArgInOutStruct, ArgOutArray, ArgInOutArray,
		ArgInArray:
		return true
	}
	return false
}

// AtEntry reports whether memory an argument of kind k points at is
// captured at syscall entry.
func (k ArgKind) AtEntry() bool {
	switch k {
	case ArgPath, ArgString, ArgStringArray, ArgInBuf, ArgInIovec,
		ArgInSockaddr, ArgInMsghdr, ArgInStruct, ArgInOutStruct,
		ArgInOutArray, ArgFdSet, ArgInArray:
		return true
	}
	return false
}

// AtExit reports whether memory an argument of kind k points at is
// captured at syscall exit.
func (k ArgKind) AtExit() bool {
	switch k {
	case ArgOutBuf, ArgOutIovec, ArgOutSockaddr, ArgOutMsghdr, ArgOutStruct,
		ArgInOutStruct, ArgOutArray, ArgInOutArray, ArgFdSet, ArgOutBufLenPtr:
		return true
	}
	return false
}

// FlagSet names a set of symbolic constants. The analyzer owns the value
// tables; sysent only names the set an argument draws from.
type FlagSet uint8

// The flag and enum sets.
const (
	FlagsNone            FlagSet = iota
	FlagsOpen                    // O_* (open, openat, pipe2, dup3, ...)
	FlagsAt                      // AT_* (AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, AT_EMPTY_PATH, ...)
	FlagsMmapProt                // PROT_*
	FlagsMmapFlags               // MAP_*
	FlagsClone                   // CLONE_* with the exit signal in the low byte
	FlagsAccessMode              // F_OK, R_OK, W_OK, X_OK
	FlagsSeekWhence              // SEEK_* (enum)
	FlagsFcntlCmd                // F_* commands (enum)
	FlagsSocketFamily            // AF_* (enum)
	FlagsSocketType              // SOCK_* type with SOCK_NONBLOCK, SOCK_CLOEXEC
	FlagsMsg                     // MSG_*
	FlagsWait                    // WNOHANG, WUNTRACED, WEXITED, __WALL, ...
	FlagsSigprocmaskHow          // SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK (enum)
	FlagsPrctlOption             // PR_* (enum)
	FlagsFutexOp                 // FUTEX_* operation with FUTEX_PRIVATE_FLAG, FUTEX_CLOCK_REALTIME
	FlagsIoctlReq                // ioctl request codes (enum)
	FlagsMremap                  // MREMAP_*
	FlagsMadvise                 // MADV_* (enum)
	FlagsSocketLevel             // SOL_* (enum)
	FlagsSockopt                 // SO_*, TCP_*, ... option names, interpreted by level (enum)
	FlagsShutdownHow             // SHUT_RD, SHUT_WR, SHUT_RDWR (enum)
	FlagsEpollCtlOp              // EPOLL_CTL_* (enum)
	FlagsEpollCreate             // EPOLL_CLOEXEC
	FlagsEventfd                 // EFD_*
	FlagsTimerfd                 // TFD_* for timerfd_create and TFD_TIMER_* for timerfd_settime
	FlagsSignalfd                // SFD_*
	FlagsInotifyInit             // IN_NONBLOCK, IN_CLOEXEC
	FlagsInotifyMask             // IN_* event mask
	FlagsMemfd                   // MFD_*
	FlagsGetrandom               // GRND_*
	FlagsClockID                 // CLOCK_* (enum)
	FlagsTimerAbs                // TIMER_ABSTIME
	FlagsRlimit                  // RLIMIT_* (enum)
	FlagsRusageWho               // RUSAGE_* (enum)
	FlagsArchPrctl               // ARCH_* codes of arch_prctl (enum)
	FlagsFlock                   // LOCK_*
	FlagsRename                  // RENAME_*
	FlagsXattr                   // XATTR_CREATE, XATTR_REPLACE
	FlagsIDType                  // P_PID, P_PGID, P_ALL, P_PIDFD (enum)
	FlagsStatxMask               // STATX_*
	FlagsCloseRange              // CLOSE_RANGE_*
	FlagsSplice                  // SPLICE_F_*
	FlagsMsync                   // MS_ASYNC, MS_SYNC, MS_INVALIDATE
	FlagsMlockall                // MCL_*
	FlagsFallocate               // FALLOC_FL_*
	FlagsFadvise                 // POSIX_FADV_* (enum)
	FlagsPtraceReq               // PTRACE_* requests (enum)
	FlagsMount                   // MS_* mount flags
	FlagsUmount                  // MNT_FORCE, MNT_DETACH, UMOUNT_NOFOLLOW, ...
	FlagsSchedPolicy             // SCHED_* (enum)
	FlagsPriorityWhich           // PRIO_PROCESS, PRIO_PGRP, PRIO_USER (enum)
	FlagsItimerWhich             // ITIMER_* (enum)
	FlagsSeccompOp               // SECCOMP_SET_MODE_* (enum)
	FlagsMembarrierCmd           // MEMBARRIER_CMD_* (enum)
	FlagsUnshare                 // CLONE_NEW* and friends for unshare and setns
	FlagsRseq                    // RSEQ_FLAG_*
	FlagsPidfd                   // PIDFD_* (pidfd_open)
	FlagsResolve                 // RESOLVE_* (openat2 how.resolve)
	FlagsPersonality             // PER_* (personality)
	FlagsBpfCmd                  // BPF_* commands (enum)
	FlagsKeyctlCmd               // KEYCTL_* (enum)
	FlagsIoUringEnter            // IORING_ENTER_*
	FlagsIoUringRegister         // IORING_REGISTER_* opcodes (enum)
	FlagsRWF                     // RWF_* (preadv2, pwritev2)
	FlagsPerfEventOpen           // PERF_FLAG_*
	FlagsFanotifyInit            // FAN_CLASS_* with FAN_* init flags

	numFlagSets
)

var flagSetNames = [...]string{
	"none", "open", "at", "mmap_prot", "mmap_flags", "clone", "access_mode",
	"seek_whence", "fcntl_cmd", "socket_family", "socket_type", "msg",
	"wait", "sigprocmask_how", "prctl_option", "futex_op", "ioctl_req",
	"mremap", "madvise", "socket_level", "sockopt", "shutdown_how",
	"epoll_ctl_op", "epoll_create", "eventfd", "timerfd", "signalfd",
	"inotify_init", "inotify_mask", "memfd", "getrandom", "clock_id",
	"timer_abs", "rlimit", "rusage_who", "arch_prctl", "flock", "rename",
	"xattr", "idtype", "statx_mask", "close_range", "splice", "msync",
	"mlockall", "fallocate", "fadvise", "ptrace_req", "mount", "umount",
	"sched_policy", "priority_which", "itimer_which", "seccomp_op",
	"membarrier_cmd", "unshare", "rseq", "pidfd", "resolve", "personality",
	"bpf_cmd", "keyctl_cmd", "io_uring_enter", "io_uring_register", "rwf",
	"perf_event_open", "fanotify_init",
}

// String returns a short lowercase name of f: "open", "mmap_prot".
func (f FlagSet) String() string {
	if int(f) < len(flagSetNames) {
		return flagSetNames[f]
	}
	return fmt.Sprintf("flagset(%d)", uint8(f))
}

// Arg describes one syscall argument.
type Arg struct {
	Name  string  // as in the kernel prototype: "fd", "buf", "count"
	Kind  ArgKind // what the argument is
	Len   int8    // index of the argument giving the length, count or capacity; -1 if none
	Size  uint16  // bytes of the struct, or of one array element, on this arch (NeedsSize kinds)
	Flags FlagSet // the constants of ArgFlags and ArgEnum arguments
	Type  string  // C type pointed at by struct and array kinds: "stat", "timespec", "int[2]"
}

// RetKind says what a syscall's return value is.
type RetKind uint8

// The return kinds.
const (
	RetInt  RetKind = iota // integer or -errno
	RetFD                  // a new file descriptor
	RetHex                 // an address (mmap, brk)
	RetPid                 // a process or thread id
	RetNone                // the call does not return (exit, exit_group)
	RetUint                // an unsigned value that is never an error (umask, getuid)
	RetOct                 // a file mode, printed in octal (umask)

	numRetKinds
)

var retKindNames = [...]string{"int", "fd", "hex", "pid", "none", "uint", "oct"}

// String returns a short lowercase name of r: "int", "fd".
func (r RetKind) String() string {
	if int(r) < len(retKindNames) {
		return retKindNames[r]
	}
	return fmt.Sprintf("retkind(%d)", uint8(r))
}
