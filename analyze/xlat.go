package analyze

import (
	"strconv"

	"github.com/trecdev/trec/sysent"
)

// xval is one named constant of a flag or enum set.
type xval struct {
	val  uint64
	name string
}

// xlat is a set of named constants, in the order strace prints them.
type xlat []xval

// appendFlags appends v as the names of the flags in x joined by "|", in
// x's order, as strace's printflags does: each entry whose bits are all set
// is printed and its bits cleared; leftover bits follow in hex. A zero value
// prints the entry whose value is 0, or "0".
func appendFlags(b []byte, x xlat, v uint64) []byte {
	if v == 0 {
		for _, e := range x {
			if e.val == 0 {
				return append(b, e.name...)
			}
		}
		return append(b, '0')
	}
	first := true
	for _, e := range x {
		if e.val != 0 && v&e.val == e.val {
			if !first {
				b = append(b, '|')
			}
			b = append(b, e.name...)
			first = false
			v &^= e.val
			if v == 0 {
				return b
			}
		}
	}
	if !first {
		b = append(b, '|')
	}
	return appendHex(b, v)
}

// lookup returns the name of the entry of x equal to v.
func (x xlat) lookup(v uint64) (string, bool) {
	for _, e := range x {
		if e.val == v {
			return e.name, true
		}
	}
	return "", false
}

// appendEnum appends the name of v in x, or v in decimal when x has none.
func appendEnum(b []byte, x xlat, v uint64) []byte {
	if n, ok := x.lookup(v); ok {
		return append(b, n...)
	}
	return strconv.AppendInt(b, int64(int32(v)), 10)
}

// appendHex appends v as strace prints hexadecimal numbers: 0x1f, or 0.
func appendHex(b []byte, v uint64) []byte {
	if v == 0 {
		return append(b, '0')
	}
	b = append(b, '0', 'x')
	return strconv.AppendUint(b, v, 16)
}

// Flag tables. Values are those of the Linux UAPI headers, identical on
// x86_64 and aarch64 unless an arch-specific table says otherwise; tests
// compare them with golang.org/x/sys/unix on the build host.

var openAccessModes = xlat{{0, "O_RDONLY"}, {1, "O_WRONLY"}, {2, "O_RDWR"}, {3, "O_ACCMODE"}}

// openFlagsX86 are the O_* flags above the access mode on x86_64 (the
// asm-generic values), in strace's order.
var openFlagsX86 = xlat{
	{0o100, "O_CREAT"}, {0o200, "O_EXCL"}, {0o400, "O_NOCTTY"}, {0o1000, "O_TRUNC"},
	{0o2000, "O_APPEND"}, {0o4000, "O_NONBLOCK"}, {0o4010000, "O_SYNC"},
	{0o4000000, "__O_SYNC"}, {0o10000, "O_DSYNC"}, {0o40000, "O_DIRECT"},
	{0o100000, "O_LARGEFILE"}, {0o400000, "O_NOFOLLOW"}, {0o1000000, "O_NOATIME"},
	{0o2000000, "O_CLOEXEC"}, {0o10000000, "O_PATH"}, {0o20200000, "O_TMPFILE"},
	{0o20000000, "__O_TMPFILE"}, {0o200000, "O_DIRECTORY"}, {0o20000, "O_ASYNC"},
}

// openFlagsARM64 are the O_* flags on aarch64, which moves O_DIRECTORY,
// O_NOFOLLOW, O_DIRECT and O_LARGEFILE.
var openFlagsARM64 = xlat{
	{0o100, "O_CREAT"}, {0o200, "O_EXCL"}, {0o400, "O_NOCTTY"}, {0o1000, "O_TRUNC"},
	{0o2000, "O_APPEND"}, {0o4000, "O_NONBLOCK"}, {0o4010000, "O_SYNC"},
	{0o4000000, "__O_SYNC"}, {0o10000, "O_DSYNC"}, {0o200000, "O_DIRECT"},
	{0o400000, "O_LARGEFILE"}, {0o100000, "O_NOFOLLOW"}, {0o1000000, "O_NOATIME"},
	{0o2000000, "O_CLOEXEC"}, {0o10000000, "O_PATH"}, {0o20040000, "O_TMPFILE"},
	{0o20000000, "__O_TMPFILE"}, {0o40000, "O_DIRECTORY"}, {0o20000, "O_ASYNC"},
}

// oCloexec and oCreat are the same on every supported arch.
const (
	oCloexec  = 0o2000000
	oCreat    = 0o100
	oTmpfile  = 0o20000000
	atFDCWD   = -100
	cloneVM   = 0x100
	cloneFile = 0x400
	cloneThrd = 0x10000
)

var atFlags = xlat{
	{0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_REMOVEDIR"}, {0x400, "AT_SYMLINK_FOLLOW"},
	{0x800, "AT_NO_AUTOMOUNT"}, {0x1000, "AT_EMPTY_PATH"}, {0x8000, "AT_RECURSIVE"},
	{0x2000, "AT_STATX_FORCE_SYNC"}, {0x4000, "AT_STATX_DONT_SYNC"},
}

var mmapProt = xlat{
	{0, "PROT_NONE"}, {1, "PROT_READ"}, {2, "PROT_WRITE"}, {4, "PROT_EXEC"}, {8, "PROT_SEM"},
	{0x1000000, "PROT_GROWSDOWN"}, {0x2000000, "PROT_GROWSUP"},
}

var mmapFlags = xlat{
	{0x1, "MAP_SHARED"}, {0x2, "MAP_PRIVATE"}, {0x3, "MAP_SHARED_VALIDATE"}, {0x8, "MAP_DROPPABLE"},
	{0x10, "MAP_FIXED"}, {0x20, "MAP_ANONYMOUS"}, {0x40, "MAP_32BIT"}, {0x80, "MAP_ABOVE4G"},
	{0x4000, "MAP_NORESERVE"}, {0x8000, "MAP_POPULATE"}, {0x10000, "MAP_NONBLOCK"},
	{0x100, "MAP_GROWSDOWN"}, {0x800, "MAP_DENYWRITE"}, {0x1000, "MAP_EXECUTABLE"},
	{0x2000, "MAP_LOCKED"}, {0x20000, "MAP_STACK"}, {0x40000, "MAP_HUGETLB"},
	{0x80000, "MAP_SYNC"}, {0x4000000, "MAP_UNINITIALIZED"}, {0x100000, "MAP_FIXED_NOREPLACE"},
}

var cloneFlags = xlat{
	{0x100, "CLONE_VM"}, {0x200, "CLONE_FS"}, {0x400, "CLONE_FILES"}, {0x800, "CLONE_SIGHAND"},
	{0x1000, "CLONE_PIDFD"}, {0x2000, "CLONE_PTRACE"}, {0x4000, "CLONE_VFORK"},
	{0x8000, "CLONE_PARENT"}, {0x10000, "CLONE_THREAD"}, {0x20000, "CLONE_NEWNS"},
	{0x40000, "CLONE_SYSVSEM"}, {0x80000, "CLONE_SETTLS"}, {0x100000, "CLONE_PARENT_SETTID"},
	{0x200000, "CLONE_CHILD_CLEARTID"}, {0x800000, "CLONE_UNTRACED"},
	{0x1000000, "CLONE_CHILD_SETTID"}, {0x2000000, "CLONE_NEWCGROUP"}, {0x4000000, "CLONE_NEWUTS"},
	{0x8000000, "CLONE_NEWIPC"}, {0x10000000, "CLONE_NEWUSER"}, {0x20000000, "CLONE_NEWPID"},
	{0x40000000, "CLONE_NEWNET"}, {0x80000000, "CLONE_IO"},
	{0x100000000, "CLONE_CLEAR_SIGHAND"}, {0x200000000, "CLONE_INTO_CGROUP"},
}

var accessModes = xlat{{0, "F_OK"}, {4, "R_OK"}, {2, "W_OK"}, {1, "X_OK"}}

var seekWhence = xlat{{0, "SEEK_SET"}, {1, "SEEK_CUR"}, {2, "SEEK_END"}, {3, "SEEK_DATA"}, {4, "SEEK_HOLE"}}

var fcntlCmds = xlat{
	{0, "F_DUPFD"}, {1, "F_GETFD"}, {2, "F_SETFD"}, {3, "F_GETFL"}, {4, "F_SETFL"},
	{5, "F_GETLK"}, {6, "F_SETLK"}, {7, "F_SETLKW"}, {8, "F_SETOWN"}, {9, "F_GETOWN"},
	{10, "F_SETSIG"}, {11, "F_GETSIG"}, {15, "F_SETOWN_EX"}, {16, "F_GETOWN_EX"},
	{17, "F_GETOWNER_UIDS"}, {36, "F_OFD_GETLK"}, {37, "F_OFD_SETLK"}, {38, "F_OFD_SETLKW"},
	{1024, "F_SETLEASE"}, {1025, "F_GETLEASE"}, {1026, "F_NOTIFY"}, {1027, "F_DUPFD_QUERY"},
	{1028, "F_CREATED_QUERY"}, {1029, "F_CANCELLK"}, {1030, "F_DUPFD_CLOEXEC"},
	{1031, "F_SETPIPE_SZ"}, {1032, "F_GETPIPE_SZ"}, {1033, "F_ADD_SEALS"}, {1034, "F_GET_SEALS"},
}

var socketFamilies = xlat{
	{0, "AF_UNSPEC"}, {1, "AF_UNIX"}, {2, "AF_INET"}, {10, "AF_INET6"}, {16, "AF_NETLINK"},
	{17, "AF_PACKET"}, {4, "AF_IPX"}, {5, "AF_APPLETALK"}, {9, "AF_X25"}, {15, "AF_KEY"},
	{29, "AF_CAN"}, {31, "AF_BLUETOOTH"}, {38, "AF_ALG"}, {40, "AF_VSOCK"}, {44, "AF_XDP"},
}

var socketTypes = xlat{
	{1, "SOCK_STREAM"}, {2, "SOCK_DGRAM"}, {3, "SOCK_RAW"}, {4, "SOCK_RDM"},
	{5, "SOCK_SEQPACKET"}, {6, "SOCK_DCCP"}, {10, "SOCK_PACKET"},
}

var fdFlags = xlat{{1, "FD_CLOEXEC"}}

var socketTypeFlags = xlat{{0o2000000, "SOCK_CLOEXEC"}, {0o4000, "SOCK_NONBLOCK"}}

var msgFlags = xlat{
	{0x1, "MSG_OOB"}, {0x2, "MSG_PEEK"}, {0x4, "MSG_DONTROUTE"}, {0x8, "MSG_CTRUNC"},
	{0x10, "MSG_PROBE"}, {0x20, "MSG_TRUNC"}, {0x40, "MSG_DONTWAIT"}, {0x80, "MSG_EOR"},
	{0x100, "MSG_WAITALL"}, {0x200, "MSG_FIN"}, {0x400, "MSG_SYN"}, {0x800, "MSG_CONFIRM"},
	{0x1000, "MSG_RST"}, {0x2000, "MSG_ERRQUEUE"}, {0x4000, "MSG_NOSIGNAL"}, {0x8000, "MSG_MORE"},
	{0x10000, "MSG_WAITFORONE"}, {0x20000, "MSG_SENDPAGE_NOPOLICY"}, {0x4000000, "MSG_ZEROCOPY"},
	{0x20000000, "MSG_FASTOPEN"}, {0x40000000, "MSG_CMSG_CLOEXEC"},
}

var waitOptions = xlat{
	{1, "WNOHANG"}, {2, "WSTOPPED"}, {4, "WEXITED"}, {8, "WCONTINUED"}, {0x1000000, "WNOWAIT"},
	{0x80000000, "__WCLONE"}, {0x40000000, "__WALL"}, {0x20000000, "__WNOTHREAD"},
}

// waitOptionsWait4 prints WUNTRACED as wait4 and waitpid callers write it.
var waitOptionsWait4 = xlat{
	{1, "WNOHANG"}, {2, "WSTOPPED"}, {4, "WEXITED"}, {8, "WCONTINUED"}, {0x1000000, "WNOWAIT"},
	{0x80000000, "__WCLONE"}, {0x40000000, "__WALL"}, {0x20000000, "__WNOTHREAD"},
}

var sigprocmaskHow = xlat{{0, "SIG_BLOCK"}, {1, "SIG_UNBLOCK"}, {2, "SIG_SETMASK"}}

var futexOps = xlat{
	{0, "FUTEX_WAIT"}, {1, "FUTEX_WAKE"}, {2, "FUTEX_FD"}, {3, "FUTEX_REQUEUE"},
	{4, "FUTEX_CMP_REQUEUE"}, {5, "FUTEX_WAKE_OP"}, {6, "FUTEX_LOCK_PI"}, {7, "FUTEX_UNLOCK_PI"},
	{8, "FUTEX_TRYLOCK_PI"}, {9, "FUTEX_WAIT_BITSET"}, {10, "FUTEX_WAKE_BITSET"},
	{11, "FUTEX_WAIT_REQUEUE_PI"}, {12, "FUTEX_CMP_REQUEUE_PI"}, {13, "FUTEX_LOCK_PI2"},
}

var prctlOptions = xlat{
	{1, "PR_SET_PDEATHSIG"}, {2, "PR_GET_PDEATHSIG"}, {3, "PR_GET_DUMPABLE"}, {4, "PR_SET_DUMPABLE"},
	{8, "PR_SET_KEEPCAPS"}, {15, "PR_SET_NAME"}, {16, "PR_GET_NAME"}, {22, "PR_SET_SECCOMP"},
	{21, "PR_GET_SECCOMP"}, {23, "PR_CAPBSET_READ"}, {24, "PR_CAPBSET_DROP"},
	{36, "PR_SET_CHILD_SUBREAPER"}, {37, "PR_GET_CHILD_SUBREAPER"}, {38, "PR_SET_NO_NEW_PRIVS"},
	{39, "PR_GET_NO_NEW_PRIVS"}, {35, "PR_SET_MM"}, {47, "PR_CAP_AMBIENT"}, {0x59616d61, "PR_SET_PTRACER"},
	{0x53564d41, "PR_SET_VMA"},
}

var epollCtlOps = xlat{{1, "EPOLL_CTL_ADD"}, {2, "EPOLL_CTL_DEL"}, {3, "EPOLL_CTL_MOD"}}

var cloexecOnly = xlat{{0o2000000, "EPOLL_CLOEXEC"}}

var eventfdFlags = xlat{{0o2000000, "EFD_CLOEXEC"}, {0o4000, "EFD_NONBLOCK"}, {1, "EFD_SEMAPHORE"}}

var getrandomFlags = xlat{{1, "GRND_NONBLOCK"}, {2, "GRND_RANDOM"}, {4, "GRND_INSECURE"}}

var clockIDs = xlat{
	{0, "CLOCK_REALTIME"}, {1, "CLOCK_MONOTONIC"}, {2, "CLOCK_PROCESS_CPUTIME_ID"},
	{3, "CLOCK_THREAD_CPUTIME_ID"}, {4, "CLOCK_MONOTONIC_RAW"}, {5, "CLOCK_REALTIME_COARSE"},
	{6, "CLOCK_MONOTONIC_COARSE"}, {7, "CLOCK_BOOTTIME"}, {8, "CLOCK_REALTIME_ALARM"},
	{9, "CLOCK_BOOTTIME_ALARM"}, {11, "CLOCK_TAI"},
}

var timerAbs = xlat{{1, "TIMER_ABSTIME"}}

var archPrctlCodes = xlat{
	{0x1001, "ARCH_SET_GS"}, {0x1002, "ARCH_SET_FS"}, {0x1003, "ARCH_GET_FS"}, {0x1004, "ARCH_GET_GS"},
	{0x1011, "ARCH_GET_CPUID"}, {0x1012, "ARCH_SET_CPUID"}, {0x1021, "ARCH_GET_XCOMP_SUPP"},
	{0x1022, "ARCH_GET_XCOMP_PERM"}, {0x1023, "ARCH_REQ_XCOMP_PERM"}, {0x2001, "ARCH_MAP_VDSO_X32"},
	{0x2002, "ARCH_MAP_VDSO_32"}, {0x2003, "ARCH_MAP_VDSO_64"}, {0x4001, "ARCH_GET_UNTAG_MASK"},
	{0x4002, "ARCH_ENABLE_TAGGED_ADDR"}, {0x4003, "ARCH_GET_MAX_TAG_BITS"},
	{0x4004, "ARCH_FORCE_TAGGED_SVA"}, {0x5001, "ARCH_SHSTK_ENABLE"}, {0x5002, "ARCH_SHSTK_DISABLE"},
	{0x5003, "ARCH_SHSTK_LOCK"}, {0x5004, "ARCH_SHSTK_UNLOCK"}, {0x5005, "ARCH_SHSTK_STATUS"},
}

var mremapFlags = xlat{{1, "MREMAP_MAYMOVE"}, {2, "MREMAP_FIXED"}, {4, "MREMAP_DONTUNMAP"}}

var madviseAdvice = xlat{
	{0, "MADV_NORMAL"}, {1, "MADV_RANDOM"}, {2, "MADV_SEQUENTIAL"}, {3, "MADV_WILLNEED"},
	{4, "MADV_DONTNEED"}, {8, "MADV_FREE"}, {9, "MADV_REMOVE"}, {10, "MADV_DONTFORK"},
	{11, "MADV_DOFORK"}, {12, "MADV_MERGEABLE"}, {13, "MADV_UNMERGEABLE"}, {14, "MADV_HUGEPAGE"},
	{15, "MADV_NOHUGEPAGE"}, {16, "MADV_DONTDUMP"}, {17, "MADV_DODUMP"}, {18, "MADV_WIPEONFORK"},
	{19, "MADV_KEEPONFORK"}, {20, "MADV_COLD"}, {21, "MADV_PAGEOUT"}, {22, "MADV_POPULATE_READ"},
	{23, "MADV_POPULATE_WRITE"}, {24, "MADV_DONTNEED_LOCKED"}, {25, "MADV_COLLAPSE"},
	{100, "MADV_HWPOISON"}, {101, "MADV_SOFT_OFFLINE"},
}

var socketLevels = xlat{{1, "SOL_SOCKET"}, {0, "SOL_IP"}, {6, "SOL_TCP"}, {17, "SOL_UDP"}, {41, "SOL_IPV6"}}

var shutdownHow = xlat{{0, "SHUT_RD"}, {1, "SHUT_WR"}, {2, "SHUT_RDWR"}}

var rlimits = xlat{
	{0, "RLIMIT_CPU"}, {1, "RLIMIT_FSIZE"}, {2, "RLIMIT_DATA"}, {3, "RLIMIT_STACK"},
	{4, "RLIMIT_CORE"}, {5, "RLIMIT_RSS"}, {6, "RLIMIT_NPROC"}, {7, "RLIMIT_NOFILE"},
	{8, "RLIMIT_MEMLOCK"}, {9, "RLIMIT_AS"}, {10, "RLIMIT_LOCKS"}, {11, "RLIMIT_SIGPENDING"},
	{12, "RLIMIT_MSGQUEUE"}, {13, "RLIMIT_NICE"}, {14, "RLIMIT_RTPRIO"}, {15, "RLIMIT_RTTIME"},
}

var rusageWho = xlat{{0, "RUSAGE_SELF"}, {0xffffffffffffffff, "RUSAGE_CHILDREN"}, {1, "RUSAGE_THREAD"}}

var flockOps = xlat{{1, "LOCK_SH"}, {2, "LOCK_EX"}, {4, "LOCK_NB"}, {8, "LOCK_UN"}}

var renameFlags = xlat{{1, "RENAME_NOREPLACE"}, {2, "RENAME_EXCHANGE"}, {4, "RENAME_WHITEOUT"}}

var memfdFlags = xlat{{1, "MFD_CLOEXEC"}, {2, "MFD_ALLOW_SEALING"}, {4, "MFD_HUGETLB"}, {8, "MFD_NOEXEC_SEAL"}, {16, "MFD_EXEC"}}

var closeRangeFlags = xlat{{2, "CLOSE_RANGE_UNSHARE"}, {4, "CLOSE_RANGE_CLOEXEC"}}

var idTypes = xlat{{0, "P_ALL"}, {1, "P_PID"}, {2, "P_PGID"}, {3, "P_PIDFD"}}

var inotifyInit = xlat{{0o4000, "IN_NONBLOCK"}, {0o2000000, "IN_CLOEXEC"}}

var timerfdFlags = xlat{{0o4000, "TFD_NONBLOCK"}, {0o2000000, "TFD_CLOEXEC"}, {1, "TFD_TIMER_ABSTIME"}, {2, "TFD_TIMER_CANCEL_ON_SET"}}

var signalfdFlags = xlat{{0o4000, "SFD_NONBLOCK"}, {0o2000000, "SFD_CLOEXEC"}}

var pidfdFlags = xlat{{0o4000, "PIDFD_NONBLOCK"}, {1, "PIDFD_THREAD"}}

var rseqFlags = xlat{{1, "RSEQ_FLAG_UNREGISTER"}}

var fadviseAdvice = xlat{
	{0, "POSIX_FADV_NORMAL"}, {1, "POSIX_FADV_RANDOM"}, {2, "POSIX_FADV_SEQUENTIAL"},
	{3, "POSIX_FADV_WILLNEED"}, {4, "POSIX_FADV_DONTNEED"}, {5, "POSIX_FADV_NOREUSE"},
}

var msyncFlags = xlat{{1, "MS_ASYNC"}, {2, "MS_INVALIDATE"}, {4, "MS_SYNC"}}

var mlockallFlags = xlat{{1, "MCL_CURRENT"}, {2, "MCL_FUTURE"}, {4, "MCL_ONFAULT"}}

var itimerWhich = xlat{{0, "ITIMER_REAL"}, {1, "ITIMER_VIRTUAL"}, {2, "ITIMER_PROF"}}

var priorityWhich = xlat{{0, "PRIO_PROCESS"}, {1, "PRIO_PGRP"}, {2, "PRIO_USER"}}

var schedPolicies = xlat{
	{0, "SCHED_OTHER"}, {1, "SCHED_FIFO"}, {2, "SCHED_RR"}, {3, "SCHED_BATCH"},
	{5, "SCHED_IDLE"}, {6, "SCHED_DEADLINE"}, {7, "SCHED_EXT"},
}

var xattrFlags = xlat{{1, "XATTR_CREATE"}, {2, "XATTR_REPLACE"}}

var spliceFlags = xlat{{1, "SPLICE_F_MOVE"}, {2, "SPLICE_F_NONBLOCK"}, {4, "SPLICE_F_MORE"}, {8, "SPLICE_F_GIFT"}}

// statxMask names STATX_BASIC_STATS and STATX_ALL first, so that a mask
// holding them prints as strace prints it: STATX_BASIC_STATS|STATX_MNT_ID.
var statxMask = xlat{
	{0xfff, "STATX_ALL"}, {0x7ff, "STATX_BASIC_STATS"},
	{0x1, "STATX_TYPE"}, {0x2, "STATX_MODE"}, {0x4, "STATX_NLINK"}, {0x8, "STATX_UID"},
	{0x10, "STATX_GID"}, {0x20, "STATX_ATIME"}, {0x40, "STATX_MTIME"}, {0x80, "STATX_CTIME"},
	{0x100, "STATX_INO"}, {0x200, "STATX_SIZE"}, {0x400, "STATX_BLOCKS"}, {0x800, "STATX_BTIME"},
	{0x1000, "STATX_MNT_ID"}, {0x2000, "STATX_DIOALIGN"}, {0x4000, "STATX_MNT_ID_UNIQUE"},
}

// atStatxSyncType are the bits of statx's flags that choose how to sync;
// none set is AT_STATX_SYNC_AS_STAT, which strace always prints.
const atStatxSyncType = 0x6000

// flagTable returns how an argument of flag set f prints: its table, and
// whether it is an enum (one value) rather than bit flags. A nil table
// means the set has none here and the value prints in hex.
func flagTable(arch sysent.Arch, f sysent.FlagSet) (x xlat, enum bool) {
	switch f {
	case sysent.FlagsAt:
		return atFlags, false
	case sysent.FlagsMmapProt:
		return mmapProt, false
	case sysent.FlagsMmapFlags:
		return mmapFlags, false
	case sysent.FlagsAccessMode:
		return accessModes, false
	case sysent.FlagsSeekWhence:
		return seekWhence, true
	case sysent.FlagsFcntlCmd:
		return fcntlCmds, true
	case sysent.FlagsSocketFamily:
		return socketFamilies, true
	case sysent.FlagsMsg:
		return msgFlags, false
	case sysent.FlagsWait:
		return waitOptions, false
	case sysent.FlagsSigprocmaskHow:
		return sigprocmaskHow, true
	case sysent.FlagsPrctlOption:
		return prctlOptions, true
	case sysent.FlagsMremap:
		return mremapFlags, false
	case sysent.FlagsMadvise:
		return madviseAdvice, true
	case sysent.FlagsSocketLevel:
		return socketLevels, true
	case sysent.FlagsShutdownHow:
		return shutdownHow, true
	case sysent.FlagsEpollCtlOp:
		return epollCtlOps, true
	case sysent.FlagsEpollCreate:
		return cloexecOnly, false
	case sysent.FlagsEventfd:
		return eventfdFlags, false
	case sysent.FlagsTimerfd:
		return timerfdFlags, false
	case sysent.FlagsSignalfd:
		return signalfdFlags, false
	case sysent.FlagsInotifyInit:
		return inotifyInit, false
	case sysent.FlagsMemfd:
		return memfdFlags, false
	case sysent.FlagsGetrandom:
		return getrandomFlags, false
	case sysent.FlagsClockID:
		return clockIDs, true
	case sysent.FlagsTimerAbs:
		return timerAbs, false
	case sysent.FlagsRlimit:
		return rlimits, true
	case sysent.FlagsRusageWho:
		return rusageWho, true
	case sysent.FlagsArchPrctl:
		return archPrctlCodes, true
	case sysent.FlagsFlock:
		return flockOps, false
	case sysent.FlagsRename:
		return renameFlags, false
	case sysent.FlagsXattr:
		return xattrFlags, false
	case sysent.FlagsIDType:
		return idTypes, true
	case sysent.FlagsStatxMask:
		return statxMask, false
	case sysent.FlagsCloseRange:
		return closeRangeFlags, false
	case sysent.FlagsSplice:
		return spliceFlags, false
	case sysent.FlagsMsync:
		return msyncFlags, false
	case sysent.FlagsMlockall:
		return mlockallFlags, false
	case sysent.FlagsFadvise:
		return fadviseAdvice, true
	case sysent.FlagsSchedPolicy:
		return schedPolicies, true
	case sysent.FlagsPriorityWhich:
		return priorityWhich, true
	case sysent.FlagsItimerWhich:
		return itimerWhich, true
	case sysent.FlagsPidfd:
		return pidfdFlags, false
	case sysent.FlagsRseq:
		return rseqFlags, false
	case sysent.FlagsUnshare:
		return cloneFlags, false
	case sysent.FlagsInotifyMask:
		return inotifyMask, false
	case sysent.FlagsPerfEventOpen:
		return perfEventOpenFlags, false
	}
	return nil, false
}

// openFlagTable returns the O_* flags of arch.
func openFlagTable(arch sysent.Arch) xlat {
	if arch == sysent.ARM64 {
		return openFlagsARM64
	}
	return openFlagsX86
}

// appendOpenFlags appends open flags as strace prints them: the access mode,
// then the other flags: O_RDONLY|O_CLOEXEC.
func appendOpenFlags(b []byte, arch sysent.Arch, v uint64) []byte {
	b = appendEnum(b, openAccessModes, v&3)
	if rest := v &^ 3; rest != 0 {
		b = append(b, '|')
		b = appendFlags(b, openFlagTable(arch), rest)
	}
	return b
}

// appendSocketType appends a socket type with its SOCK_NONBLOCK and
// SOCK_CLOEXEC flags: SOCK_STREAM|SOCK_CLOEXEC.
func appendSocketType(b []byte, v uint64) []byte {
	b = appendEnum(b, socketTypes, v&0xf)
	if rest := v &^ 0xf; rest != 0 {
		b = append(b, '|')
		b = appendFlags(b, socketTypeFlags, rest)
	}
	return b
}

// appendCloneFlags appends clone flags with the exit signal in the low
// byte: CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD.
func appendCloneFlags(b []byte, v uint64) []byte {
	sig := v & 0xff
	rest := v &^ 0xff
	if rest != 0 {
		b = appendFlags(b, cloneFlags, rest)
	}
	if sig != 0 {
		if rest != 0 {
			b = append(b, '|')
		}
		b = appendSignal(b, int32(sig))
	}
	if v == 0 {
		b = append(b, '0')
	}
	return b
}

// appendFutexOp appends a futex operation: FUTEX_WAIT_PRIVATE,
// FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME.
func appendFutexOp(b []byte, v uint64) []byte {
	cmd := v & 0x7f
	b = appendEnum(b, futexOps, cmd)
	if v&128 != 0 {
		b = append(b, "_PRIVATE"...)
	}
	if v&256 != 0 {
		b = append(b, "|FUTEX_CLOCK_REALTIME"...)
	}
	if rest := v &^ 0x1ff; rest != 0 {
		b = append(b, '|')
		b = appendHex(b, rest)
	}
	return b
}
