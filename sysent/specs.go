package sysent

// spec is the hand-written description of one syscall, by name.
type spec struct {
	name string
	ret  RetKind
	args []Arg
}

// Argument constructors, so that the table below reads one line per
// syscall, like the kernel prototypes.
func arg(name string, k ArgKind) Arg { return Arg{Name: name, Kind: k, Len: -1} }

func i(name string) Arg     { return arg(name, ArgInt) }
func u(name string) Arg     { return arg(name, ArgUint) }
func hx(name string) Arg    { return arg(name, ArgHex) }
func fd(name string) Arg    { return arg(name, ArgFD) }
func dfd(name string) Arg   { return arg(name, ArgDirFD) }
func path(name string) Arg  { return arg(name, ArgPath) }
func str(name string) Arg   { return arg(name, ArgString) }
func strv(name string) Arg  { return arg(name, ArgStringArray) }
func mode(name string) Arg  { return arg(name, ArgMode) }
func sig(name string) Arg   { return arg(name, ArgSignal) }
func pid(name string) Arg   { return arg(name, ArgPid) }
func uid(name string) Arg   { return arg(name, ArgUID) }
func gid(name string) Arg   { return arg(name, ArgGID) }
func inmsg(name string) Arg { return arg(name, ArgInMsghdr) }

func outmsg(name string) Arg { return arg(name, ArgOutMsghdr) }

func flg(name string, f FlagSet) Arg  { return Arg{Name: name, Kind: ArgFlags, Len: -1, Flags: f} }
func enum(name string, f FlagSet) Arg { return Arg{Name: name, Kind: ArgEnum, Len: -1, Flags: f} }

func withLen(name string, k ArgKind, l int8) Arg { return Arg{Name: name, Kind: k, Len: l} }

func inbuf(name string, l int8) Arg    { return withLen(name, ArgInBuf, l) }
func outbuf(name string, l int8) Arg   { return withLen(name, ArgOutBuf, l) }
func iniov(name string, l int8) Arg    { return withLen(name, ArgInIovec, l) }
func outiov(name string, l int8) Arg   { return withLen(name, ArgOutIovec, l) }
func insa(name string, l int8) Arg     { return withLen(name, ArgInSockaddr, l) }
func outsa(name string, l int8) Arg    { return withLen(name, ArgOutSockaddr, l) }
func fdset(name string, l int8) Arg    { return withLen(name, ArgFdSet, l) }
func outbuflp(name string, l int8) Arg { return withLen(name, ArgOutBufLenPtr, l) }

func sized(name string, k ArgKind, size uint16, typ string) Arg {
	return Arg{Name: name, Kind: k, Len: -1, Size: size, Type: typ}
}

func in(name string, size uint16, typ string) Arg    { return sized(name, ArgInStruct, size, typ) }
func out(name string, size uint16, typ string) Arg   { return sized(name, ArgOutStruct, size, typ) }
func inout(name string, size uint16, typ string) Arg { return sized(name, ArgInOutStruct, size, typ) }

func array(name string, k ArgKind, size uint16, typ string, l int8) Arg {
	return Arg{Name: name, Kind: k, Len: l, Size: size, Type: typ}
}

func sc(name string, ret RetKind, args ...Arg) spec {
	if args == nil {
		args = []Arg{} // known to take no arguments, unlike a nil Args
	}
	return spec{name: name, ret: ret, args: args}
}

// Sizes of the structs that are the same on x86_64 and aarch64.
const (
	szInt           = 4
	szLoff          = 8
	szFds           = 8 // int[2]
	szSigset        = 8 // the kernel's sigset_t
	szTimespec      = 16
	szTimeval       = 16
	szTimezone      = 8
	szItimerspec    = 32
	szItimerval     = 32
	szRlimit        = 16
	szRusage        = 144
	szUtsname       = 390
	szSysinfo       = 112
	szTms           = 32
	szSigaction     = 32 // handler, flags, restorer, mask
	szStack         = 24
	szStatfs        = 120
	szStatx         = 256
	szSiginfo       = 128
	szSigevent      = 64
	szPollfd        = 8
	szOpenHow       = 24
	szCloneArgs     = 88 // CLONE_ARGS_SIZE_VER2
	szRseq          = 32
	szSchedParam    = 4
	szCapHeader     = 8
	szCapData       = 24 // two __user_cap_data_struct
	szUtimbuf       = 16
	szTimespec2     = 32
	szTimeval2      = 32
	szTimex         = 208
	szIoUringParams = 120
	szPerfEventAttr = 128 // PERF_ATTR_SIZE_VER7
)

// archSizes holds what differs between the architectures.
type archSizes struct {
	stat       uint16 // struct stat
	epollEvent uint16 // struct epoll_event: packed on x86_64
	clone      []Arg  // clone's arguments: aarch64 swaps tls and child_tid
}

var (
	x86_64Sizes = archSizes{
		stat:       144,
		epollEvent: 12,
		clone:      []Arg{flg("flags", FlagsClone), hx("newsp"), hx("parent_tidptr"), hx("child_tidptr"), hx("tls")},
	}
	aarch64Sizes = archSizes{
		stat:       128,
		epollEvent: 16,
		clone:      []Arg{flg("flags", FlagsClone), hx("newsp"), hx("parent_tidptr"), hx("tls"), hx("child_tidptr")},
	}
)

// specs returns the argument table. Names are the kernel's; a syscall an
// architecture lacks (open, stat on aarch64) is ignored there. Argument
// names follow the kernel's SYSCALL_DEFINE prototypes.
func specs(a *archSizes) []spec {
	stat := func(name string) Arg { return out(name, a.stat, "stat") }
	epollEvents := array("events", ArgOutArray, a.epollEvent, "epoll_event", 2)
	sigset := func(name string) Arg { return in(name, szSigset, "sigset_t") }
	osigset := func(name string) Arg { return out(name, szSigset, "sigset_t") }
	return []spec{
		// Files and descriptors.
		sc("read", RetInt, fd("fd"), outbuf("buf", 2), u("count")),
		sc("write", RetInt, fd("fd"), inbuf("buf", 2), u("count")),
		sc("open", RetFD, path("filename"), flg("flags", FlagsOpen), mode("mode")),
		sc("openat", RetFD, dfd("dfd"), path("filename"), flg("flags", FlagsOpen), mode("mode")),
		sc("openat2", RetFD, dfd("dfd"), path("filename"), in("how", szOpenHow, "open_how"), u("usize")),
		sc("creat", RetFD, path("pathname"), mode("mode")),
		sc("close", RetInt, fd("fd")),
		sc("close_range", RetInt, u("fd"), u("max_fd"), flg("flags", FlagsCloseRange)),
		sc("stat", RetInt, path("filename"), stat("statbuf")),
		sc("lstat", RetInt, path("filename"), stat("statbuf")),
		sc("fstat", RetInt, fd("fd"), stat("statbuf")),
		sc("newfstatat", RetInt, dfd("dfd"), path("filename"), stat("statbuf"), flg("flag", FlagsAt)),
		sc("statx", RetInt, dfd("dfd"), path("filename"), flg("flags", FlagsAt), flg("mask", FlagsStatxMask), out("buffer", szStatx, "statx")),
		sc("statfs", RetInt, path("pathname"), out("buf", szStatfs, "statfs")),
		sc("fstatfs", RetInt, fd("fd"), out("buf", szStatfs, "statfs")),
		sc("lseek", RetInt, fd("fd"), i("offset"), enum("whence", FlagsSeekWhence)),
		sc("pread64", RetInt, fd("fd"), outbuf("buf", 2), u("count"), i("pos")),
		sc("pwrite64", RetInt, fd("fd"), inbuf("buf", 2), u("count"), i("pos")),
		sc("readv", RetInt, fd("fd"), outiov("vec", 2), u("vlen")),
		sc("writev", RetInt, fd("fd"), iniov("vec", 2), u("vlen")),
		sc("preadv", RetInt, fd("fd"), outiov("vec", 2), u("vlen"), i("pos")), // pos_h is unused on 64-bit ABIs
		sc("pwritev", RetInt, fd("fd"), iniov("vec", 2), u("vlen"), i("pos")),
		sc("preadv2", RetInt, fd("fd"), outiov("vec", 2), u("vlen"), i("pos_l"), u("pos_h"), flg("flags", FlagsRWF)),
		sc("pwritev2", RetInt, fd("fd"), iniov("vec", 2), u("vlen"), i("pos_l"), u("pos_h"), flg("flags", FlagsRWF)),
		sc("access", RetInt, path("filename"), flg("mode", FlagsAccessMode)),
		sc("faccessat", RetInt, dfd("dfd"), path("filename"), flg("mode", FlagsAccessMode)),
		sc("faccessat2", RetInt, dfd("dfd"), path("filename"), flg("mode", FlagsAccessMode), flg("flags", FlagsAt)),
		sc("pipe", RetInt, out("fildes", szFds, "int[2]")),
		sc("pipe2", RetInt, out("fildes", szFds, "int[2]"), flg("flags", FlagsOpen)),
		sc("dup", RetFD, fd("fildes")),
		sc("dup2", RetFD, fd("oldfd"), fd("newfd")),
		sc("dup3", RetFD, fd("oldfd"), fd("newfd"), flg("flags", FlagsOpen)),
		sc("ioctl", RetInt, fd("fd"), enum("cmd", FlagsIoctlReq), hx("arg")),
		sc("fcntl", RetInt, fd("fd"), enum("cmd", FlagsFcntlCmd), hx("arg")),
		sc("flock", RetInt, fd("fd"), flg("cmd", FlagsFlock)),
		sc("fsync", RetInt, fd("fd")),
		sc("fdatasync", RetInt, fd("fd")),
		sc("syncfs", RetInt, fd("fd")),
		sc("sync", RetInt),
		sc("sync_file_range", RetInt, fd("fd"), i("offset"), i("nbytes"), u("flags")),
		sc("truncate", RetInt, path("path"), i("length")),
		sc("ftruncate", RetInt, fd("fd"), i("length")),
		sc("fallocate", RetInt, fd("fd"), flg("mode", FlagsFallocate), i("offset"), i("len")),
		sc("fadvise64", RetInt, fd("fd"), i("offset"), i("len"), enum("advice", FlagsFadvise)),
		sc("readahead", RetInt, fd("fd"), i("offset"), u("count")),
		sc("getdents", RetInt, fd("fd"), outbuf("dirent", 2), u("count")),
		sc("getdents64", RetInt, fd("fd"), outbuf("dirent", 2), u("count")),
		sc("getcwd", RetInt, outbuf("buf", 1), u("size")),
		sc("chdir", RetInt, path("filename")),
		sc("fchdir", RetInt, fd("fd")),
		sc("chroot", RetInt, path("filename")),
		sc("rename", RetInt, path("oldname"), path("newname")),
		sc("renameat", RetInt, dfd("olddfd"), path("oldname"), dfd("newdfd"), path("newname")),
		sc("renameat2", RetInt, dfd("olddfd"), path("oldname"), dfd("newdfd"), path("newname"), flg("flags", FlagsRename)),
		sc("mkdir", RetInt, path("pathname"), mode("mode")),
		sc("mkdirat", RetInt, dfd("dfd"), path("pathname"), mode("mode")),
		sc("rmdir", RetInt, path("pathname")),
		sc("mknod", RetInt, path("filename"), mode("mode"), hx("dev")),
		sc("mknodat", RetInt, dfd("dfd"), path("filename"), mode("mode"), hx("dev")),
		sc("link", RetInt, path("oldname"), path("newname")),
		sc("linkat", RetInt, dfd("olddfd"), path("oldname"), dfd("newdfd"), path("newname"), flg("flags", FlagsAt)),
		sc("unlink", RetInt, path("pathname")),
		sc("unlinkat", RetInt, dfd("dfd"), path("pathname"), flg("flag", FlagsAt)),
		sc("symlink", RetInt, path("oldname"), path("newname")),
		sc("symlinkat", RetInt, path("oldname"), dfd("newdfd"), path("newname")),
		sc("readlink", RetInt, path("path"), outbuf("buf", 2), i("bufsiz")),
		sc("readlinkat", RetInt, dfd("dfd"), path("pathname"), outbuf("buf", 3), i("bufsiz")),
		sc("chmod", RetInt, path("filename"), mode("mode")),
		sc("fchmod", RetInt, fd("fd"), mode("mode")),
		sc("fchmodat", RetInt, dfd("dfd"), path("filename"), mode("mode")),
		sc("fchmodat2", RetInt, dfd("dfd"), path("filename"), mode("mode"), flg("flags", FlagsAt)),
		sc("chown", RetInt, path("filename"), uid("user"), gid("group")),
		sc("lchown", RetInt, path("filename"), uid("user"), gid("group")),
		sc("fchown", RetInt, fd("fd"), uid("user"), gid("group")),
		sc("fchownat", RetInt, dfd("dfd"), path("filename"), uid("user"), gid("group"), flg("flag", FlagsAt)),
		sc("umask", RetOct, mode("mask")),
		sc("utime", RetInt, path("filename"), in("times", szUtimbuf, "utimbuf")),
		sc("utimes", RetInt, path("filename"), in("utimes", szTimeval2, "timeval[2]")),
		sc("futimesat", RetInt, dfd("dfd"), path("filename"), in("utimes", szTimeval2, "timeval[2]")),
		sc("utimensat", RetInt, dfd("dfd"), path("filename"), in("utimes", szTimespec2, "timespec[2]"), flg("flags", FlagsAt)),
		sc("getxattr", RetInt, path("pathname"), str("name"), outbuf("value", 3), u("size")),
		sc("lgetxattr", RetInt, path("pathname"), str("name"), outbuf("value", 3), u("size")),
		sc("fgetxattr", RetInt, fd("fd"), str("name"), outbuf("value", 3), u("size")),
		sc("setxattr", RetInt, path("pathname"), str("name"), inbuf("value", 3), u("size"), flg("flags", FlagsXattr)),
		sc("lsetxattr", RetInt, path("pathname"), str("name"), inbuf("value", 3), u("size"), flg("flags", FlagsXattr)),
		sc("fsetxattr", RetInt, fd("fd"), str("name"), inbuf("value", 3), u("size"), flg("flags", FlagsXattr)),
		sc("listxattr", RetInt, path("pathname"), outbuf("list", 2), u("size")),
		sc("llistxattr", RetInt, path("pathname"), outbuf("list", 2), u("size")),
		sc("flistxattr", RetInt, fd("fd"), outbuf("list", 2), u("size")),
		sc("removexattr", RetInt, path("pathname"), str("name")),
		sc("lremovexattr", RetInt, path("pathname"), str("name")),
		sc("fremovexattr", RetInt, fd("fd"), str("name")),
		sc("sendfile", RetInt, fd("out_fd"), fd("in_fd"), inout("offset", szLoff, "loff_t"), u("count")),
		sc("copy_file_range", RetInt, fd("fd_in"), inout("off_in", szLoff, "loff_t"), fd("fd_out"), inout("off_out", szLoff, "loff_t"), u("len"), u("flags")),
		sc("splice", RetInt, fd("fd_in"), inout("off_in", szLoff, "loff_t"), fd("fd_out"), inout("off_out", szLoff, "loff_t"), u("len"), flg("flags", FlagsSplice)),
		sc("tee", RetInt, fd("fdin"), fd("fdout"), u("len"), flg("flags", FlagsSplice)),
		sc("vmsplice", RetInt, fd("fd"), hx("uiov"), u("nr_segs"), flg("flags", FlagsSplice)),
		sc("memfd_create", RetFD, str("uname"), flg("flags", FlagsMemfd)),
		sc("mount", RetInt, path("dev_name"), path("dir_name"), str("type"), flg("flags", FlagsMount), hx("data")),
		sc("umount2", RetInt, path("name"), flg("flags", FlagsUmount)),
		sc("inotify_init", RetFD),
		sc("inotify_init1", RetFD, flg("flags", FlagsInotifyInit)),
		sc("inotify_add_watch", RetInt, fd("fd"), path("pathname"), flg("mask", FlagsInotifyMask)),
		sc("inotify_rm_watch", RetInt, fd("fd"), i("wd")),

		// Polling and event descriptors.
		sc("poll", RetInt, array("ufds", ArgInOutArray, szPollfd, "pollfd", 1), u("nfds"), i("timeout_msecs")),
		sc("ppoll", RetInt, array("ufds", ArgInOutArray, szPollfd, "pollfd", 1), u("nfds"), inout("tsp", szTimespec, "timespec"), sigset("sigmask"), u("sigsetsize")),
		sc("select", RetInt, i("n"), fdset("inp", 0), fdset("outp", 0), fdset("exp", 0), inout("tvp", szTimeval, "timeval")),
		sc("pselect6", RetInt, i("n"), fdset("inp", 0), fdset("outp", 0), fdset("exp", 0), inout("tsp", szTimespec, "timespec"), hx("sig")),
		sc("epoll_create", RetFD, i("size")),
		sc("epoll_create1", RetFD, flg("flags", FlagsEpollCreate)),
		sc("epoll_ctl", RetInt, fd("epfd"), enum("op", FlagsEpollCtlOp), fd("fd"), in("event", a.epollEvent, "epoll_event")),
		sc("epoll_wait", RetInt, fd("epfd"), epollEvents, i("maxevents"), i("timeout")),
		sc("epoll_pwait", RetInt, fd("epfd"), epollEvents, i("maxevents"), i("timeout"), sigset("sigmask"), u("sigsetsize")),
		sc("epoll_pwait2", RetInt, fd("epfd"), epollEvents, i("maxevents"), in("timeout", szTimespec, "timespec"), sigset("sigmask"), u("sigsetsize")),
		sc("eventfd", RetFD, u("count")),
		sc("eventfd2", RetFD, u("count"), flg("flags", FlagsEventfd)),
		sc("timerfd_create", RetFD, enum("clockid", FlagsClockID), flg("flags", FlagsTimerfd)),
		sc("timerfd_settime", RetInt, fd("ufd"), flg("flags", FlagsTimerfd), in("utmr", szItimerspec, "itimerspec"), out("otmr", szItimerspec, "itimerspec")),
		sc("timerfd_gettime", RetInt, fd("ufd"), out("otmr", szItimerspec, "itimerspec")),
		sc("signalfd", RetFD, fd("ufd"), sigset("user_mask"), u("sizemask")),
		sc("signalfd4", RetFD, fd("ufd"), sigset("user_mask"), u("sizemask"), flg("flags", FlagsSignalfd)),
		sc("io_uring_setup", RetFD, u("entries"), out("params", szIoUringParams, "io_uring_params")),
		sc("io_uring_enter", RetInt, fd("fd"), u("to_submit"), u("min_complete"), flg("flags", FlagsIoUringEnter), hx("argp"), u("argsz")),
		sc("io_uring_register", RetInt, fd("fd"), enum("opcode", FlagsIoUringRegister), hx("arg"), u("nr_args")),

		// Memory.
		sc("mmap", RetHex, hx("addr"), u("len"), flg("prot", FlagsMmapProt), flg("flags", FlagsMmapFlags), fd("fd"), hx("off")),
		sc("mprotect", RetInt, hx("start"), u("len"), flg("prot", FlagsMmapProt)),
		sc("pkey_mprotect", RetInt, hx("start"), u("len"), flg("prot", FlagsMmapProt), i("pkey")),
		sc("munmap", RetInt, hx("addr"), u("len")),
		sc("brk", RetHex, hx("brk")),
		sc("mremap", RetHex, hx("addr"), u("old_len"), u("new_len"), flg("flags", FlagsMremap), hx("new_addr")),
		sc("msync", RetInt, hx("start"), u("len"), flg("flags", FlagsMsync)),
		sc("mincore", RetInt, hx("start"), u("len"), hx("vec")),
		sc("madvise", RetInt, hx("start"), u("len"), enum("behavior", FlagsMadvise)),
		sc("mlock", RetInt, hx("start"), u("len")),
		sc("mlock2", RetInt, hx("start"), u("len"), u("flags")),
		sc("munlock", RetInt, hx("start"), u("len")),
		sc("mlockall", RetInt, flg("flags", FlagsMlockall)),
		sc("munlockall", RetInt),
		sc("membarrier", RetInt, enum("cmd", FlagsMembarrierCmd), u("flags"), i("cpu_id")),
		sc("process_vm_readv", RetInt, pid("pid"), hx("lvec"), u("liovcnt"), hx("rvec"), u("riovcnt"), u("flags")),
		sc("process_vm_writev", RetInt, pid("pid"), hx("lvec"), u("liovcnt"), hx("rvec"), u("riovcnt"), u("flags")),

		// Signals.
		sc("rt_sigaction", RetInt, sig("sig"), in("act", szSigaction, "sigaction"), out("oact", szSigaction, "sigaction"), u("sigsetsize")),
		sc("rt_sigprocmask", RetInt, enum("how", FlagsSigprocmaskHow), sigset("nset"), osigset("oset"), u("sigsetsize")),
		sc("rt_sigreturn", RetInt),
		sc("rt_sigsuspend", RetInt, sigset("unewset"), u("sigsetsize")),
		sc("rt_sigpending", RetInt, osigset("uset"), u("sigsetsize")),
		sc("rt_sigtimedwait", RetInt, sigset("uthese"), out("uinfo", szSiginfo, "siginfo_t"), in("uts", szTimespec, "timespec"), u("sigsetsize")),
		sc("rt_sigqueueinfo", RetInt, pid("pid"), sig("sig"), in("uinfo", szSiginfo, "siginfo_t")),
		sc("rt_tgsigqueueinfo", RetInt, pid("tgid"), pid("pid"), sig("sig"), in("uinfo", szSiginfo, "siginfo_t")),
		sc("sigaltstack", RetInt, in("uss", szStack, "stack_t"), out("uoss", szStack, "stack_t")),
		sc("pause", RetInt),
		sc("kill", RetInt, pid("pid"), sig("sig")),
		sc("tkill", RetInt, pid("pid"), sig("sig")),
		sc("tgkill", RetInt, pid("tgid"), pid("pid"), sig("sig")),
		sc("pidfd_send_signal", RetInt, fd("pidfd"), sig("sig"), in("info", szSiginfo, "siginfo_t"), u("flags")),

		// Sockets.
		sc("socket", RetFD, enum("family", FlagsSocketFamily), flg("type", FlagsSocketType), i("protocol")),
		sc("socketpair", RetInt, enum("family", FlagsSocketFamily), flg("type", FlagsSocketType), i("protocol"), out("usockvec", szFds, "int[2]")),
		sc("connect", RetInt, fd("fd"), insa("uservaddr", 2), i("addrlen")),
		sc("bind", RetInt, fd("fd"), insa("umyaddr", 2), i("addrlen")),
		sc("listen", RetInt, fd("fd"), i("backlog")),
		sc("accept", RetFD, fd("fd"), outsa("upeer_sockaddr", 2), inout("upeer_addrlen", szInt, "int")),
		sc("accept4", RetFD, fd("fd"), outsa("upeer_sockaddr", 2), inout("upeer_addrlen", szInt, "int"), flg("flags", FlagsSocketType)),
		sc("getsockname", RetInt, fd("fd"), outsa("usockaddr", 2), inout("usockaddr_len", szInt, "int")),
		sc("getpeername", RetInt, fd("fd"), outsa("usockaddr", 2), inout("usockaddr_len", szInt, "int")),
		sc("sendto", RetInt, fd("fd"), inbuf("buff", 2), u("len"), flg("flags", FlagsMsg), insa("addr", 5), i("addr_len")),
		sc("recvfrom", RetInt, fd("fd"), outbuf("ubuf", 2), u("size"), flg("flags", FlagsMsg), outsa("addr", 5), inout("addr_len", szInt, "int")),
		sc("sendmsg", RetInt, fd("fd"), inmsg("msg"), flg("flags", FlagsMsg)),
		sc("recvmsg", RetInt, fd("fd"), outmsg("msg"), flg("flags", FlagsMsg)),
		sc("sendmmsg", RetInt, fd("fd"), hx("mmsg"), u("vlen"), flg("flags", FlagsMsg)),
		sc("recvmmsg", RetInt, fd("fd"), hx("mmsg"), u("vlen"), flg("flags", FlagsMsg), inout("timeout", szTimespec, "timespec")),
		sc("shutdown", RetInt, fd("fd"), enum("how", FlagsShutdownHow)),
		sc("setsockopt", RetInt, fd("fd"), enum("level", FlagsSocketLevel), enum("optname", FlagsSockopt), inbuf("optval", 4), i("optlen")),
		sc("getsockopt", RetInt, fd("fd"), enum("level", FlagsSocketLevel), enum("optname", FlagsSockopt), outbuflp("optval", 4), inout("optlen", szInt, "int")),

		// Processes.
		sc("clone", RetPid, a.clone...),
		sc("clone3", RetPid, in("uargs", szCloneArgs, "clone_args"), u("size")),
		sc("fork", RetPid),
		sc("vfork", RetPid),
		sc("execve", RetInt, path("filename"), strv("argv"), strv("envp")),
		sc("execveat", RetInt, dfd("fd"), path("filename"), strv("argv"), strv("envp"), flg("flags", FlagsAt)),
		sc("exit", RetNone, i("error_code")),
		sc("exit_group", RetNone, i("error_code")),
		sc("wait4", RetPid, pid("upid"), out("stat_addr", szInt, "int"), flg("options", FlagsWait), out("ru", szRusage, "rusage")),
		sc("waitid", RetInt, enum("which", FlagsIDType), pid("upid"), out("infop", szSiginfo, "siginfo_t"), flg("options", FlagsWait), out("ru", szRusage, "rusage")),
		sc("getpid", RetPid),
		sc("gettid", RetPid),
		sc("getppid", RetPid),
		sc("getpgrp", RetPid),
		sc("getpgid", RetPid, pid("pid")),
		sc("setpgid", RetInt, pid("pid"), pid("pgid")),
		sc("getsid", RetPid, pid("pid")),
		sc("setsid", RetPid),
		sc("set_tid_address", RetPid, hx("tidptr")),
		sc("set_robust_list", RetInt, hx("head"), u("len")),
		sc("get_robust_list", RetInt, pid("pid"), hx("head_ptr"), hx("len_ptr")),
		sc("futex", RetInt, hx("uaddr"), enum("op", FlagsFutexOp), i("val"), hx("utime"), hx("uaddr2"), i("val3")),
		sc("rseq", RetInt, in("rseq", szRseq, "rseq"), u("rseq_len"), flg("flags", FlagsRseq), hx("sig")),
		sc("prctl", RetInt, enum("option", FlagsPrctlOption), hx("arg2"), hx("arg3"), hx("arg4"), hx("arg5")),
		sc("arch_prctl", RetInt, enum("option", FlagsArchPrctl), hx("arg2")),
		sc("ptrace", RetInt, enum("request", FlagsPtraceReq), pid("pid"), hx("addr"), hx("data")),
		sc("seccomp", RetInt, enum("op", FlagsSeccompOp), u("flags"), hx("uargs")),
		sc("unshare", RetInt, flg("unshare_flags", FlagsUnshare)),
		sc("setns", RetInt, fd("fd"), flg("nstype", FlagsUnshare)),
		sc("pidfd_open", RetFD, pid("pid"), flg("flags", FlagsPidfd)),
		sc("pidfd_getfd", RetFD, fd("pidfd"), i("fd"), u("flags")),
		sc("userfaultfd", RetFD, flg("flags", FlagsOpen)),
		sc("perf_event_open", RetFD, in("attr_uptr", szPerfEventAttr, "perf_event_attr"), pid("pid"), i("cpu"), fd("group_fd"), flg("flags", FlagsPerfEventOpen)),
		sc("fanotify_init", RetFD, flg("flags", FlagsFanotifyInit), flg("event_f_flags", FlagsOpen)),
		sc("personality", RetHex, flg("personality", FlagsPersonality)),
		sc("restart_syscall", RetInt),
		sc("sched_yield", RetInt),
		sc("sched_getaffinity", RetInt, pid("pid"), u("len"), outbuf("user_mask_ptr", 1)),
		sc("sched_setaffinity", RetInt, pid("pid"), u("len"), inbuf("user_mask_ptr", 1)),
		sc("sched_getparam", RetInt, pid("pid"), out("param", szSchedParam, "sched_param")),
		sc("sched_setparam", RetInt, pid("pid"), in("param", szSchedParam, "sched_param")),
		sc("sched_getscheduler", RetInt, pid("pid")),
		sc("sched_setscheduler", RetInt, pid("pid"), enum("policy", FlagsSchedPolicy), in("param", szSchedParam, "sched_param")),
		sc("sched_get_priority_max", RetInt, enum("policy", FlagsSchedPolicy)),
		sc("sched_get_priority_min", RetInt, enum("policy", FlagsSchedPolicy)),
		sc("getpriority", RetInt, enum("which", FlagsPriorityWhich), i("who")),
		sc("setpriority", RetInt, enum("which", FlagsPriorityWhich), i("who"), i("niceval")),
		sc("getcpu", RetInt, out("cpup", szInt, "unsigned"), out("nodep", szInt, "unsigned"), hx("unused")),
		sc("bpf", RetInt, enum("cmd", FlagsBpfCmd), hx("uattr"), u("size")),
		sc("keyctl", RetInt, enum("option", FlagsKeyctlCmd), hx("arg2"), hx("arg3"), hx("arg4"), hx("arg5")),

		// Resources, identity and system information.
		sc("uname", RetInt, out("name", szUtsname, "new_utsname")),
		sc("sysinfo", RetInt, out("info", szSysinfo, "sysinfo")),
		sc("times", RetInt, out("tbuf", szTms, "tms")),
		sc("getrlimit", RetInt, enum("resource", FlagsRlimit), out("rlim", szRlimit, "rlimit")),
		sc("setrlimit", RetInt, enum("resource", FlagsRlimit), in("rlim", szRlimit, "rlimit")),
		sc("prlimit64", RetInt, pid("pid"), enum("resource", FlagsRlimit), in("new_rlim", szRlimit, "rlimit64"), out("old_rlim", szRlimit, "rlimit64")),
		sc("getrusage", RetInt, enum("who", FlagsRusageWho), out("ru", szRusage, "rusage")),
		sc("getrandom", RetInt, outbuf("buf", 1), u("count"), flg("flags", FlagsGetrandom)),
		sc("sethostname", RetInt, inbuf("name", 1), i("len")),
		sc("setdomainname", RetInt, inbuf("name", 1), i("len")),
		sc("syslog", RetInt, i("type"), outbuf("buf", 2), i("len")),
		sc("getuid", RetUint),
		sc("geteuid", RetUint),
		sc("getgid", RetUint),
		sc("getegid", RetUint),
		sc("setuid", RetInt, uid("uid")),
		sc("setgid", RetInt, gid("gid")),
		sc("setreuid", RetInt, uid("ruid"), uid("euid")),
		sc("setregid", RetInt, gid("rgid"), gid("egid")),
		sc("setresuid", RetInt, uid("ruid"), uid("euid"), uid("suid")),
		sc("setresgid", RetInt, gid("rgid"), gid("egid"), gid("sgid")),
		sc("getresuid", RetInt, out("ruid", szInt, "uid_t"), out("euid", szInt, "uid_t"), out("suid", szInt, "uid_t")),
		sc("getresgid", RetInt, out("rgid", szInt, "gid_t"), out("egid", szInt, "gid_t"), out("sgid", szInt, "gid_t")),
		sc("setfsuid", RetUint, uid("uid")),
		sc("setfsgid", RetUint, gid("gid")),
		sc("getgroups", RetInt, i("gidsetsize"), array("grouplist", ArgOutArray, szInt, "gid_t", 0)),
		sc("setgroups", RetInt, i("gidsetsize"), array("grouplist", ArgInArray, szInt, "gid_t", 0)),
		sc("capget", RetInt, in("header", szCapHeader, "cap_user_header_t"), out("dataptr", szCapData, "cap_user_data_t")),
		sc("capset", RetInt, in("header", szCapHeader, "cap_user_header_t"), in("data", szCapData, "cap_user_data_t")),

		// Time.
		// rmtp is written only when a signal interrupts the sleep: the
		// recorder captures it then (ExtraSleep).
		sc("nanosleep", RetInt, in("rqtp", szTimespec, "timespec"), hx("rmtp")),
		sc("clock_nanosleep", RetInt, enum("which_clock", FlagsClockID), flg("flags", FlagsTimerAbs), in("rqtp", szTimespec, "timespec"), hx("rmtp")),
		sc("clock_gettime", RetInt, enum("which_clock", FlagsClockID), out("tp", szTimespec, "timespec")),
		sc("clock_settime", RetInt, enum("which_clock", FlagsClockID), in("tp", szTimespec, "timespec")),
		sc("clock_getres", RetInt, enum("which_clock", FlagsClockID), out("tp", szTimespec, "timespec")),
		sc("clock_adjtime", RetInt, enum("which_clock", FlagsClockID), inout("utx", szTimex, "timex")),
		sc("adjtimex", RetInt, inout("txc_p", szTimex, "timex")),
		sc("gettimeofday", RetInt, out("tv", szTimeval, "timeval"), out("tz", szTimezone, "timezone")),
		sc("settimeofday", RetInt, in("tv", szTimeval, "timeval"), in("tz", szTimezone, "timezone")),
		sc("time", RetInt, out("tloc", 8, "time_t")),
		sc("alarm", RetUint, u("seconds")),
		sc("getitimer", RetInt, enum("which", FlagsItimerWhich), out("value", szItimerval, "itimerval")),
		sc("setitimer", RetInt, enum("which", FlagsItimerWhich), in("value", szItimerval, "itimerval"), out("ovalue", szItimerval, "itimerval")),
		sc("timer_create", RetInt, enum("which_clock", FlagsClockID), in("timer_event_spec", szSigevent, "sigevent"), out("created_timer_id", szInt, "timer_t")),
		sc("timer_settime", RetInt, i("timer_id"), flg("flags", FlagsTimerAbs), in("new_setting", szItimerspec, "itimerspec"), out("old_setting", szItimerspec, "itimerspec")),
		sc("timer_gettime", RetInt, i("timer_id"), out("setting", szItimerspec, "itimerspec")),
		sc("timer_getoverrun", RetInt, i("timer_id")),
		sc("timer_delete", RetInt, i("timer_id")),
	}
}
