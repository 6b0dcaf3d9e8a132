package analyze

import (
	"runtime"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

func TestFlags(t *testing.T) {
	x86 := sysent.X86_64
	for _, tc := range []struct {
		name string
		got  []byte
		want string
	}{
		{"open rdonly cloexec", appendOpenFlags(nil, x86, unix.O_RDONLY|unix.O_CLOEXEC), "O_RDONLY|O_CLOEXEC"},
		{"open create", appendOpenFlags(nil, x86, unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC), "O_WRONLY|O_CREAT|O_TRUNC"},
		{"open dir", appendOpenFlags(nil, x86, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_DIRECTORY), "O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY"},
		{"open rdwr unknown bit", appendOpenFlags(nil, x86, 2|0x80000000), "O_RDWR|0x80000000"},
		{"open sync", appendOpenFlags(nil, x86, 1|0o4010000), "O_WRONLY|O_SYNC"},
		{"open tmpfile", appendOpenFlags(nil, x86, 2|0o20200000), "O_RDWR|O_TMPFILE"},
		{"open arm64 dir", appendOpenFlags(nil, sysent.ARM64, 0o40000|0o2000000), "O_RDONLY|O_CLOEXEC|O_DIRECTORY"},
		{"pipe2 flags", appendFlags(nil, openFlagsX86, unix.O_CLOEXEC|unix.O_NONBLOCK), "O_NONBLOCK|O_CLOEXEC"},
		{"prot none", appendFlags(nil, mmapProt, 0), "PROT_NONE"},
		{"prot rw", appendFlags(nil, mmapProt, unix.PROT_READ|unix.PROT_WRITE), "PROT_READ|PROT_WRITE"},
		{"prot rx", appendFlags(nil, mmapProt, unix.PROT_READ|unix.PROT_EXEC), "PROT_READ|PROT_EXEC"},
		{"map anon", appendFlags(nil, mmapFlags, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS), "MAP_PRIVATE|MAP_ANONYMOUS"},
		{"map fixed", appendFlags(nil, mmapFlags, unix.MAP_PRIVATE|unix.MAP_FIXED|unix.MAP_DENYWRITE), "MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE"},
		{"map stack", appendFlags(nil, mmapFlags, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_STACK), "MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK"},
		{"map shared", appendFlags(nil, mmapFlags, unix.MAP_SHARED), "MAP_SHARED"},
		{"clone fork", appendCloneFlags(nil, unix.CLONE_CHILD_CLEARTID|unix.CLONE_CHILD_SETTID|uint64(unix.SIGCHLD)), "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD"},
		{"clone vfork", appendCloneFlags(nil, unix.CLONE_VM|unix.CLONE_VFORK|uint64(unix.SIGCHLD)), "CLONE_VM|CLONE_VFORK|SIGCHLD"},
		{"clone zero", appendCloneFlags(nil, 0), "0"},
		{"access F_OK", appendFlags(nil, accessModes, 0), "F_OK"},
		{"access RW", appendFlags(nil, accessModes, unix.R_OK|unix.W_OK), "R_OK|W_OK"},
		{"at empty path", appendFlags(nil, atFlags, unix.AT_EMPTY_PATH), "AT_EMPTY_PATH"},
		{"at zero", appendFlags(nil, atFlags, 0), "0"},
		{"at two", appendFlags(nil, atFlags, unix.AT_SYMLINK_NOFOLLOW|unix.AT_REMOVEDIR), "AT_SYMLINK_NOFOLLOW|AT_REMOVEDIR"},
		{"seek", appendEnum(nil, seekWhence, 2), "SEEK_END"},
		{"seek unknown", appendEnum(nil, seekWhence, 9), "9"},
		{"futex private", appendFutexOp(nil, 128), "FUTEX_WAIT_PRIVATE"},
		{"futex bitset rt", appendFutexOp(nil, 9|256), "FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME"},
		{"socket type", appendSocketType(nil, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK), "SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK"},
		{"wait", appendFlags(nil, waitOptionsWait4, unix.WNOHANG|unix.WALL), "WNOHANG|__WALL"},
		{"mode", appendMode(nil, 0o644), "0644"},
		{"mode zero", appendMode(nil, 0), "000"},
		{"file mode", appendFileMode(nil, unix.S_IFREG|0o755), "S_IFREG|0755"},
		{"file mode dir sticky", appendFileMode(nil, unix.S_IFDIR|0o1777), "S_IFDIR|S_ISVTX|0777"},
		{"hex", appendHex(nil, 0x1cf000), "0x1cf000"},
		{"hex zero", appendHex(nil, 0), "0"},
		{"ptr", appendPtr(nil, 0), "NULL"},
		{"int -1", appendInt(nil, 0xffffffff), "-1"},
		{"int -1 wide", appendInt(nil, ^uint64(0)), "-1"},
		{"rlim", appendRlim(nil, 8<<20), "8192*1024"},
		{"rlim inf", appendRlim(nil, ^uint64(0)), "RLIM64_INFINITY"},
	} {
		if string(tc.got) != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, tc.got, tc.want)
		}
	}
}

// TestFlagValuesMatchUnix compares the tables' values with the host's
// golang.org/x/sys/unix constants.
func TestFlagValuesMatchUnix(t *testing.T) {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("tables cover x86_64 and aarch64")
	}
	open := openFlagsX86
	if runtime.GOARCH == "arm64" {
		open = openFlagsARM64
	}
	want := map[string]uint64{
		"O_CREAT": unix.O_CREAT, "O_EXCL": unix.O_EXCL, "O_NOCTTY": unix.O_NOCTTY, "O_TRUNC": unix.O_TRUNC,
		"O_APPEND": unix.O_APPEND, "O_NONBLOCK": unix.O_NONBLOCK, "O_SYNC": unix.O_SYNC, "O_DSYNC": unix.O_DSYNC,
		"O_DIRECT": unix.O_DIRECT, "O_NOFOLLOW": unix.O_NOFOLLOW, "O_NOATIME": unix.O_NOATIME,
		"O_CLOEXEC": unix.O_CLOEXEC, "O_PATH": unix.O_PATH, "O_TMPFILE": unix.O_TMPFILE,
		"O_DIRECTORY": unix.O_DIRECTORY, "O_ASYNC": unix.O_ASYNC,
	}
	check := func(x xlat, want map[string]uint64) {
		t.Helper()
		for _, e := range x {
			if w, ok := want[e.name]; ok && w != e.val {
				t.Errorf("%s = %#x, unix says %#x", e.name, e.val, w)
			}
		}
	}
	check(open, want)
	check(mmapProt, map[string]uint64{"PROT_READ": unix.PROT_READ, "PROT_WRITE": unix.PROT_WRITE, "PROT_EXEC": unix.PROT_EXEC, "PROT_GROWSDOWN": unix.PROT_GROWSDOWN})
	check(mmapFlags, map[string]uint64{
		"MAP_SHARED": unix.MAP_SHARED, "MAP_PRIVATE": unix.MAP_PRIVATE, "MAP_FIXED": unix.MAP_FIXED,
		"MAP_ANONYMOUS": unix.MAP_ANONYMOUS, "MAP_NORESERVE": unix.MAP_NORESERVE, "MAP_POPULATE": unix.MAP_POPULATE,
		"MAP_NONBLOCK": unix.MAP_NONBLOCK, "MAP_GROWSDOWN": unix.MAP_GROWSDOWN, "MAP_DENYWRITE": unix.MAP_DENYWRITE,
		"MAP_EXECUTABLE": unix.MAP_EXECUTABLE, "MAP_LOCKED": unix.MAP_LOCKED, "MAP_STACK": unix.MAP_STACK,
		"MAP_HUGETLB": unix.MAP_HUGETLB, "MAP_FIXED_NOREPLACE": unix.MAP_FIXED_NOREPLACE, "MAP_SYNC": unix.MAP_SYNC,
	})
	check(cloneFlags, map[string]uint64{
		"CLONE_VM": unix.CLONE_VM, "CLONE_FS": unix.CLONE_FS, "CLONE_FILES": unix.CLONE_FILES,
		"CLONE_SIGHAND": unix.CLONE_SIGHAND, "CLONE_PIDFD": unix.CLONE_PIDFD, "CLONE_VFORK": unix.CLONE_VFORK,
		"CLONE_THREAD": unix.CLONE_THREAD, "CLONE_SETTLS": unix.CLONE_SETTLS, "CLONE_PARENT_SETTID": unix.CLONE_PARENT_SETTID,
		"CLONE_CHILD_CLEARTID": unix.CLONE_CHILD_CLEARTID, "CLONE_CHILD_SETTID": unix.CLONE_CHILD_SETTID,
		"CLONE_NEWNS": unix.CLONE_NEWNS, "CLONE_NEWUSER": unix.CLONE_NEWUSER, "CLONE_NEWPID": unix.CLONE_NEWPID,
		"CLONE_NEWNET": unix.CLONE_NEWNET, "CLONE_IO": unix.CLONE_IO, "CLONE_SYSVSEM": unix.CLONE_SYSVSEM,
	})
	check(atFlags, map[string]uint64{"AT_SYMLINK_NOFOLLOW": unix.AT_SYMLINK_NOFOLLOW, "AT_REMOVEDIR": unix.AT_REMOVEDIR, "AT_EMPTY_PATH": unix.AT_EMPTY_PATH, "AT_SYMLINK_FOLLOW": unix.AT_SYMLINK_FOLLOW})
	check(msgFlags, map[string]uint64{"MSG_PEEK": unix.MSG_PEEK, "MSG_DONTWAIT": unix.MSG_DONTWAIT, "MSG_NOSIGNAL": unix.MSG_NOSIGNAL, "MSG_WAITALL": unix.MSG_WAITALL})
	check(socketTypeFlags, map[string]uint64{"SOCK_NONBLOCK": unix.SOCK_NONBLOCK, "SOCK_CLOEXEC": unix.SOCK_CLOEXEC})
	check(eventfdFlags, map[string]uint64{"EFD_CLOEXEC": unix.EFD_CLOEXEC, "EFD_NONBLOCK": unix.EFD_NONBLOCK})
	for sig := 1; sig < 32; sig++ {
		if got, want := SignalName(int32(sig)), unix.SignalName(unix.Signal(sig)); want != "" && got != want {
			t.Errorf("signal %d: %s, unix says %s", sig, got, want)
		}
	}
}

func TestQuote(t *testing.T) {
	for _, tc := range []struct {
		data  string
		limit int
		more  bool
		want  string
	}{
		{"hello\n", 32, false, `"hello\n"`},
		{"tab\there \"q\" \\", 32, false, `"tab\there \"q\" \\"`},
		{"\x00\x01\x7f\xff", 32, false, `"\0\1\177\377"`},
		{"\x003", 32, false, `"\0003"`},
		{"\x018", 32, false, `"\18"`},
		{"\r\v\f", 32, false, `"\r\v\f"`},
		{"abcdef", 3, false, `"abc"...`},
		{"abc", 3, true, `"abc"...`},
		{"", 32, false, `""`},
		{"\xc3\xa9", 32, false, `"\303\251"`},
	} {
		if got := string(appendQuoted(nil, []byte(tc.data), tc.limit, tc.more)); got != tc.want {
			t.Errorf("quote %q: got %s, want %s", tc.data, got, tc.want)
		}
	}
	if got := string(appendHexQuoted(nil, []byte{0xab, 1}, 32, false)); got != `"\xab\x01"` {
		t.Errorf("hex quote: %s", got)
	}
}

func TestErrno(t *testing.T) {
	for _, tc := range []struct {
		e          int
		name, text string
	}{
		{2, "ENOENT", "ENOENT (No such file or directory)"},
		{13, "EACCES", "EACCES (Permission denied)"},
		{11, "EAGAIN", "EAGAIN (Resource temporarily unavailable)"},
		{512, "ERESTARTSYS", "ERESTARTSYS (To be restarted if SA_RESTART is set)"},
		{516, "ERESTART_RESTARTBLOCK", "ERESTART_RESTARTBLOCK (Interrupted by signal)"},
	} {
		if got := ErrnoName(tc.e); got != tc.name {
			t.Errorf("ErrnoName(%d) = %s", tc.e, got)
		}
		if got := string(appendErrno(nil, tc.e)); got != tc.text {
			t.Errorf("appendErrno(%d) = %s", tc.e, got)
		}
	}
	if !IsError(-1) || !IsError(-4095) || IsError(-4096) || IsError(0) {
		t.Error("IsError range")
	}
}

func TestSignals(t *testing.T) {
	for sig, want := range map[int32]string{10: "SIGUSR1", 17: "SIGCHLD", 32: "SIGRTMIN", 34: "SIGRT_2", 64: "SIGRT_32", 99: "99"} {
		if got := SignalName(sig); got != want {
			t.Errorf("SignalName(%d) = %s, want %s", sig, got, want)
		}
	}
	mask := func(sigs ...int) []byte {
		b := make([]byte, 8)
		for _, s := range sigs {
			b[(s-1)/8] |= 1 << ((s - 1) % 8)
		}
		return b
	}
	all := make([]byte, 8)
	for i := range all {
		all[i] = 0xff
	}
	allBut := mask()
	for i := range allBut {
		allBut[i] = 0xff
	}
	allBut[(33-1)/8] &^= 1 << ((33 - 1) % 8)
	for _, tc := range []struct {
		set  []byte
		want string
	}{
		{mask(), "[]"},
		{mask(10, 17), "[USR1 CHLD]"},
		{mask(32, 33), "[RTMIN RT_1]"},
		{all, "~[]"},
		{allBut, "~[RT_1]"},
	} {
		if got := string(appendSigset(nil, tc.set)); got != tc.want {
			t.Errorf("sigset: got %s, want %s", got, tc.want)
		}
	}
	for _, tc := range []struct {
		s    format.Signal
		want string
	}{
		{format.Signal{Signo: 10, Code: 0, SenderPid: 42}, "{si_signo=SIGUSR1, si_code=SI_USER, si_pid=42, si_uid=0}"},
		{format.Signal{Signo: 23, Code: -6, SenderPid: 7, SenderUid: 1000}, "{si_signo=SIGURG, si_code=SI_TKILL, si_pid=7, si_uid=1000}"},
		{format.Signal{Signo: 11, Code: 1, Addr: 0x10}, "{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10}"},
		{format.Signal{Signo: 11, Code: 0x80}, "{si_signo=SIGSEGV, si_code=SI_KERNEL, si_addr=NULL}"},
		{format.Signal{Signo: 17, Code: 2, SenderPid: 9, Status: 9}, "{si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=9, si_uid=0, si_status=SIGKILL}"},
		{format.Signal{Signo: 17, Code: 1, SenderPid: 9, Status: 3}, "{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=9, si_uid=0, si_status=3}"},
	} {
		if got := string(appendSiginfo(nil, &tc.s)); got != tc.want {
			t.Errorf("siginfo: got %s\nwant %s", got, tc.want)
		}
	}
}

func TestWaitStatus(t *testing.T) {
	for s, want := range map[uint32]string{
		0x0300: "[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]",
		0x000f: "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGTERM}]",
		0x008b: "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}]",
		0x137f: "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}]",
		0xffff: "[{WIFCONTINUED(s)}]",
	} {
		if got := string(appendWaitStatusWord(nil, s)); got != want {
			t.Errorf("status %#x: got %s, want %s", s, got, want)
		}
	}
}

func TestStat(t *testing.T) {
	x86 := make([]byte, 144)
	le.PutUint32(x86[24:], unix.S_IFREG|0o644)
	le.PutUint64(x86[48:], 2220400)
	arm := make([]byte, 128)
	le.PutUint32(arm[16:], unix.S_IFCHR|0o620)
	le.PutUint64(arm[32:], 0x8801)
	for _, tc := range []struct {
		arch sysent.Arch
		data []byte
		want string
	}{
		{sysent.X86_64, x86, "{st_mode=S_IFREG|0644, st_size=2220400, ...}"},
		{sysent.ARM64, arm, "{st_mode=S_IFCHR|0620, st_rdev=makedev(0x88, 0x1), ...}"},
	} {
		d := decoder{arch: tc.arch}
		got := string(d.appendStruct(nil, sysent.Arg{Type: "stat"}, tc.data, 0x1000))
		if got != tc.want {
			t.Errorf("%v: got %s, want %s", tc.arch, got, tc.want)
		}
	}
	d := decoder{arch: sysent.X86_64}
	for _, tc := range []struct {
		typ  string
		data []byte
		want string
	}{
		{"timespec", append(le.AppendUint64(nil, 1), le.AppendUint64(nil, 500)...), "{tv_sec=1, tv_nsec=500}"},
		{"int[2]", append(le.AppendUint32(nil, 3), le.AppendUint32(nil, 4)...), "[3, 4]"},
		{"int", le.AppendUint32(nil, 0xffffffff), "[-1]"},
		{"sigaction", append(append(append(le.AppendUint64(nil, 1), le.AppendUint64(nil, 0x04000000|0x10000000)...), le.AppendUint64(nil, 0x7f00)...), le.AppendUint64(nil, 1<<9)...),
			"{sa_handler=SIG_IGN, sa_mask=[USR1], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7f00}"},
		{"nosuchtype", []byte{1}, "0x1000"},
	} {
		if got := string(d.appendStruct(nil, sysent.Arg{Type: tc.typ}, tc.data, 0x1000)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.typ, got, tc.want)
		}
	}
	if got := string(d.appendStruct(nil, sysent.Arg{Type: "stat"}, nil, 0)); got != "NULL" {
		t.Errorf("NULL struct: %s", got)
	}
}

func TestSockaddr(t *testing.T) {
	inet := []byte{2, 0, 0, 80, 93, 184, 216, 34, 0, 0, 0, 0, 0, 0, 0, 0}
	inet6 := make([]byte, 28)
	inet6[0] = 10
	inet6[2], inet6[3] = 0x01, 0xbb // port 443
	inet6[23] = 1                   // ::1
	unixPath := append([]byte{1, 0}, "/run/x.sock\x00"...)
	abstract := append([]byte{1, 0, 0}, "bus"...)
	for _, tc := range []struct {
		sa          []byte
		short, long string
	}{
		{inet, "93.184.216.34:80", `{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("93.184.216.34")}`},
		{inet6, "[::1]:443", `{sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}`},
		{unixPath, "/run/x.sock", `{sa_family=AF_UNIX, sun_path="/run/x.sock"}`},
		{abstract, "@bus", `{sa_family=AF_UNIX, sun_path=@"bus"}`},
	} {
		if got := string(appendSockaddr(nil, tc.sa)); got != tc.short {
			t.Errorf("short: got %s, want %s", got, tc.short)
		}
		if got := string(appendSockaddrStrace(nil, tc.sa)); got != tc.long {
			t.Errorf("strace: got %s\nwant %s", got, tc.long)
		}
	}
}
