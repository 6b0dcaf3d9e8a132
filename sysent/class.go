package sysent

import (
	"strconv"
	"strings"
)

// Class is a set of strace syscall classes, a bitmask.
type Class uint32

// The strace classes. Each syscall belongs to the classes strace's
// syscallent tables give it (TD, TF, ...).
const (
	ClassFile       Class = 1 << iota // %file: takes a file name (TF)
	ClassProcess                      // %process: process lifecycle (TP)
	ClassNetwork                      // %network, %net: sockets (TN)
	ClassSignal                       // %signal: signal related (TS)
	ClassIPC                          // %ipc: SysV IPC (TI)
	ClassDesc                         // %desc: file descriptor related (TD)
	ClassMemory                       // %memory: memory mapping (TM)
	ClassCreds                        // %creds: user and group ids, capabilities (TC)
	ClassClock                        // %clock: read or change clocks (TCL)
	ClassStat                         // %stat: stat variants (TST)
	ClassLstat                        // %lstat: lstat variants (TLST)
	ClassFstat                        // %fstat: fstat and fstatat variants (TFST)
	ClassStatLike                     // %%stat: every stat-like syscall (TSTA)
	ClassStatfs                       // %statfs: statfs variants (TSF)
	ClassFstatfs                      // %fstatfs: fstatfs variants (TFSF)
	ClassStatfsLike                   // %%statfs: every statfs-like syscall (TSFA)
	ClassPure                         // %pure: no arguments, always succeed (PU)
)

// classNames lists the classes in bit order, by their strace names.
var classNames = [...]string{
	"%file", "%process", "%network", "%signal", "%ipc", "%desc", "%memory",
	"%creds", "%clock", "%stat", "%lstat", "%fstat", "%%stat", "%statfs",
	"%fstatfs", "%%statfs", "%pure",
}

// ParseClass returns the class named name, with its leading % as strace
// spells it ("%file", "%%stat"). It accepts strace's alias "%net" too.
func ParseClass(name string) (Class, bool) {
	if name == "%net" {
		return ClassNetwork, true
	}
	for i, n := range classNames {
		if n == name {
			return 1 << i, true
		}
	}
	return 0, false
}

// String returns the strace names of the classes in c joined by "|", or
// "0" for the empty set.
func (c Class) String() string {
	if c == 0 {
		return "0"
	}
	var b strings.Builder
	for i, n := range classNames {
		if c&(1<<i) != 0 {
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString(n)
		}
	}
	if rest := c &^ (1<<len(classNames) - 1); rest != 0 {
		if b.Len() > 0 {
			b.WriteByte('|')
		}
		b.WriteString("0x")
		b.WriteString(strconv.FormatUint(uint64(rest), 16))
	}
	return b.String()
}

// classByName returns the strace classes of every syscall that has any,
// keyed by name. Class membership is a property of the syscall, not of the
// architecture: strace gives a syscall the same classes on x86_64
// (src/linux/x86_64/syscallent.h) and on the generic 64-bit table aarch64
// uses (src/linux/64/syscallent.h); numbers 424 and up come from
// src/linux/generic/syscallent-common.h. listxattrat, removexattrat,
// open_tree_attr, file_getattr and file_setattr are newer than those tables
// and follow their siblings (getxattrat, open_tree): %desc|%file.
func classByName() map[string]Class {
	const (
		D   = ClassDesc
		F   = ClassFile
		I   = ClassIPC
		N   = ClassNetwork
		P   = ClassProcess
		S   = ClassSignal
		M   = ClassMemory
		C   = ClassCreds
		CL  = ClassClock
		ST  = ClassStat
		LST = ClassLstat
		FST = ClassFstat
		STA = ClassStatLike
		SF  = ClassStatfs
		FSF = ClassFstatfs
		SFA = ClassStatfsLike
		PU  = ClassPure
	)
	return map[string]Class{
		"accept":                  N,
		"accept4":                 N,
		"access":                  F,
		"acct":                    F,
		"adjtimex":                CL,
		"bind":                    N,
		"bpf":                     D,
		"brk":                     M,
		"cachestat":               D,
		"capget":                  C,
		"capset":                  C,
		"chdir":                   F,
		"chmod":                   F,
		"chown":                   F,
		"chroot":                  F,
		"clock_adjtime":           CL,
		"clock_getres":            CL,
		"clock_gettime":           CL,
		"clock_settime":           CL,
		"clone":                   P,
		"clone3":                  P,
		"close":                   D,
		"connect":                 N,
		"copy_file_range":         D,
		"creat":                   D | F,
		"dup":                     D,
		"dup2":                    D,
		"dup3":                    D,
		"epoll_create":            D,
		"epoll_create1":           D,
		"epoll_ctl":               D,
		"epoll_pwait":             D,
		"epoll_pwait2":            D,
		"epoll_wait":              D,
		"eventfd":                 D,
		"eventfd2":                D,
		"execve":                  F | P,
		"execveat":                D | F | P,
		"exit":                    P,
		"exit_group":              P,
		"faccessat":               D | F,
		"faccessat2":              D | F,
		"fadvise64":               D,
		"fallocate":               D,
		"fanotify_init":           D,
		"fanotify_mark":           D | F,
		"fchdir":                  D,
		"fchmod":                  D,
		"fchmodat":                D | F,
		"fchmodat2":               D | F,
		"fchown":                  D,
		"fchownat":                D | F,
		"fcntl":                   D,
		"fdatasync":               D,
		"fgetxattr":               D,
		"file_getattr":            D | F,
		"file_setattr":            D | F,
		"finit_module":            D,
		"flistxattr":              D,
		"flock":                   D,
		"fork":                    P,
		"fremovexattr":            D,
		"fsconfig":                D | F,
		"fsetxattr":               D,
		"fsmount":                 D,
		"fsopen":                  D,
		"fspick":                  D | F,
		"fstat":                   D | FST | STA,
		"fstatfs":                 D | FSF | SFA,
		"fsync":                   D,
		"ftruncate":               D,
		"futimesat":               D | F,
		"get_mempolicy":           M,
		"getcwd":                  F,
		"getdents":                D,
		"getdents64":              D,
		"getegid":                 C | PU,
		"geteuid":                 C | PU,
		"getgid":                  C | PU,
		"getgroups":               C,
		"getpeername":             N,
		"getpgrp":                 PU,
		"getpid":                  PU,
		"getpmsg":                 N,
		"getppid":                 PU,
		"getresgid":               C,
		"getresuid":               C,
		"getsockname":             N,
		"getsockopt":              N,
		"gettid":                  PU,
		"gettimeofday":            CL,
		"getuid":                  C | PU,
		"getxattr":                F,
		"getxattrat":              D | F,
		"inotify_add_watch":       D | F,
		"inotify_init":            D,
		"inotify_init1":           D,
		"inotify_rm_watch":        D,
		"io_destroy":              M,
		"io_setup":                M,
		"io_uring_enter":          D | S,
		"io_uring_register":       D | M,
		"io_uring_setup":          D,
		"ioctl":                   D,
		"kexec_file_load":         D,
		"kill":                    S | P,
		"landlock_add_rule":       D,
		"landlock_create_ruleset": D,
		"landlock_restrict_self":  D,
		"lchown":                  F,
		"lgetxattr":               F,
		"link":                    F,
		"linkat":                  D | F,
		"listen":                  N,
		"listxattr":               F,
		"listxattrat":             D | F,
		"llistxattr":              F,
		"lremovexattr":            F,
		"lseek":                   D,
		"lsetxattr":               F,
		"lstat":                   F | LST | STA,
		"madvise":                 M,
		"map_shadow_stack":        M,
		"mbind":                   M,
		"memfd_create":            D,
		"memfd_secret":            D,
		"migrate_pages":           M,
		"mincore":                 M,
		"mkdir":                   F,
		"mkdirat":                 D | F,
		"mknod":                   F,
		"mknodat":                 D | F,
		"mlock":                   M,
		"mlock2":                  M,
		"mlockall":                M,
		"mmap":                    D | M,
		"mount":                   F,
		"mount_setattr":           D | F,
		"move_mount":              D | F,
		"move_pages":              M,
		"mprotect":                M,
		"mq_getsetattr":           D,
		"mq_notify":               D,
		"mq_open":                 D,
		"mq_timedreceive":         D,
		"mq_timedsend":            D,
		"mremap":                  M,
		"mseal":                   M,
		"msgctl":                  I,
		"msgget":                  I,
		"msgrcv":                  I,
		"msgsnd":                  I,
		"msync":                   M,
		"munlock":                 M,
		"munlockall":              M,
		"munmap":                  M,
		"name_to_handle_at":       D | F,
		"newfstatat":              D | F | FST | STA,
		"open":                    D | F,
		"open_by_handle_at":       D,
		"open_tree":               D | F,
		"open_tree_attr":          D | F,
		"openat":                  D | F,
		"openat2":                 D | F,
		"pause":                   S,
		"perf_event_open":         D,
		"pidfd_getfd":             D,
		"pidfd_open":              D,
		"pidfd_send_signal":       D | S | P,
		"pipe":                    D,
		"pipe2":                   D,
		"pivot_root":              F,
		"pkey_mprotect":           M,
		"poll":                    D,
		"ppoll":                   D,
		"prctl":                   C,
		"pread64":                 D,
		"preadv":                  D,
		"preadv2":                 D,
		"process_madvise":         D,
		"process_mrelease":        D,
		"pselect6":                D,
		"putpmsg":                 N,
		"pwrite64":                D,
		"pwritev":                 D,
		"pwritev2":                D,
		"quotactl":                F,
		"quotactl_fd":             D,
		"read":                    D,
		"readahead":               D,
		"readlink":                F,
		"readlinkat":              D | F,
		"readv":                   D,
		"recvfrom":                N,
		"recvmmsg":                N,
		"recvmsg":                 N,
		"remap_file_pages":        M,
		"removexattr":             F,
		"removexattrat":           D | F,
		"rename":                  F,
		"renameat":                D | F,
		"renameat2":               D | F,
		"rmdir":                   F,
		"rt_sigaction":            S,
		"rt_sigpending":           S,
		"rt_sigprocmask":          S,
		"rt_sigqueueinfo":         S | P,
		"rt_sigreturn":            S,
		"rt_sigsuspend":           S,
		"rt_sigtimedwait":         S,
		"rt_tgsigqueueinfo":       P | S,
		"select":                  D,
		"semctl":                  I,
		"semget":                  I,
		"semop":                   I,
		"semtimedop":              I,
		"sendfile":                D | N,
		"sendmmsg":                N,
		"sendmsg":                 N,
		"sendto":                  N,
		"set_mempolicy":           M,
		"set_mempolicy_home_node": M,
		"setfsgid":                C,
		"setfsuid":                C,
		"setgid":                  C,
		"setgroups":               C,
		"setns":                   D,
		"setregid":                C,
		"setresgid":               C,
		"setresuid":               C,
		"setreuid":                C,
		"setsockopt":              N,
		"settimeofday":            CL,
		"setuid":                  C,
		"setxattr":                F,
		"setxattrat":              D | F,
		"shmat":                   I | M,
		"shmctl":                  I,
		"shmdt":                   I | M,
		"shmget":                  I,
		"shutdown":                N,
		"sigaltstack":             S,
		"signalfd":                D | S,
		"signalfd4":               D | S,
		"socket":                  N,
		"socketpair":              N,
		"splice":                  D,
		"stat":                    F | ST | STA,
		"statfs":                  F | SF | SFA,
		"statx":                   D | F | FST | STA,
		"swapoff":                 F,
		"swapon":                  F,
		"symlink":                 F,
		"symlinkat":               D | F,
		"sync_file_range":         D,
		"syncfs":                  D,
		"tee":                     D,
		"tgkill":                  S | P,
		"time":                    CL,
		"timerfd_create":          D,
		"timerfd_gettime":         D,
		"timerfd_settime":         D,
		"tkill":                   S | P,
		"truncate":                F,
		"umount2":                 F,
		"unlink":                  F,
		"unlinkat":                D | F,
		"uselib":                  F,
		"userfaultfd":             D,
		"ustat":                   SFA,
		"utime":                   F,
		"utimensat":               D | F,
		"utimes":                  F,
		"vfork":                   P,
		"vmsplice":                D,
		"wait4":                   P,
		"waitid":                  P,
		"write":                   D,
		"writev":                  D,
	}
}
