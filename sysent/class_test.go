package sysent

import (
	"strings"
	"testing"
)

// straceEntry is one line of a strace syscallent table: number, number of
// arguments, flags as strace writes them, name.
type straceEntry struct {
	nr    int
	nargs int
	flags string
	name  string
}

// straceX86_64 is a sample of strace's src/linux/x86_64/syscallent.h and,
// from 424 on, src/linux/generic/syscallent-common.h (strace git, 2024).
// Flags that are not classes (SI, SE, NF, CC, TSD) are left out.
var straceX86_64 = []straceEntry{
	{0, 3, "TD", "read"},
	{1, 3, "TD", "write"},
	{2, 3, "TD|TF", "open"},
	{3, 1, "TD", "close"},
	{4, 2, "TF|TST|TSTA", "stat"},
	{5, 2, "TD|TFST|TSTA", "fstat"},
	{6, 2, "TF|TLST|TSTA", "lstat"},
	{7, 3, "TD", "poll"},
	{9, 6, "TD|TM", "mmap"},
	{12, 1, "TM", "brk"},
	{13, 4, "TS", "rt_sigaction"},
	{17, 4, "TD", "pread64"},
	{20, 3, "TD", "writev"},
	{21, 2, "TF", "access"},
	{24, 0, "0", "sched_yield"},
	{30, 3, "TI|TM", "shmat"},
	{35, 2, "0", "nanosleep"},
	{39, 0, "PU", "getpid"},
	{40, 4, "TD|TN", "sendfile"},
	{41, 3, "TN", "socket"},
	{45, 6, "TN", "recvfrom"},
	{56, 5, "TP", "clone"},
	{59, 3, "TF|TP", "execve"},
	{61, 4, "TP", "wait4"},
	{62, 2, "TS|TP", "kill"},
	{63, 1, "0", "uname"},
	{72, 3, "TD", "fcntl"},
	{79, 2, "TF", "getcwd"},
	{85, 2, "TD|TF", "creat"},
	{95, 1, "0", "umask"},
	{96, 2, "TCL", "gettimeofday"},
	{102, 0, "TC|PU", "getuid"},
	{105, 1, "TC", "setuid"},
	{110, 0, "PU", "getppid"},
	{131, 2, "TS", "sigaltstack"},
	{136, 2, "TSFA", "ustat"},
	{137, 2, "TF|TSF|TSFA", "statfs"},
	{138, 2, "TD|TFSF|TSFA", "fstatfs"},
	{157, 5, "TC", "prctl"},
	{158, 2, "0", "arch_prctl"},
	{186, 0, "PU", "gettid"},
	{191, 4, "TF", "getxattr"},
	{193, 4, "TD", "fgetxattr"},
	{202, 6, "0", "futex"},
	{217, 3, "TD", "getdents64"},
	{228, 2, "TCL", "clock_gettime"},
	{231, 1, "TP", "exit_group"},
	{232, 4, "TD", "epoll_wait"},
	{234, 3, "TS|TP", "tgkill"},
	{254, 3, "TD|TF", "inotify_add_watch"},
	{257, 4, "TD|TF", "openat"},
	{262, 4, "TD|TF|TFST|TSTA", "newfstatat"},
	{270, 6, "TD", "pselect6"},
	{281, 6, "TD", "epoll_pwait"},
	{288, 4, "TN", "accept4"},
	{289, 4, "TD|TS", "signalfd4"},
	{302, 4, "0", "prlimit64"},
	{318, 3, "0", "getrandom"},
	{322, 5, "TD|TF|TP", "execveat"},
	{326, 6, "TD", "copy_file_range"},
	{332, 5, "TD|TF|TFST|TSTA", "statx"},
	{334, 4, "0", "rseq"},
	{424, 4, "TD|TS|TP", "pidfd_send_signal"},
	{427, 4, "TD|TM", "io_uring_register"},
	{434, 2, "TD", "pidfd_open"},
	{435, 2, "TP", "clone3"},
	{436, 3, "0", "close_range"},
	{437, 4, "TD|TF", "openat2"},
	{439, 4, "TD|TF", "faccessat2"},
	{452, 4, "TD|TF", "fchmodat2"},
	{462, 3, "TM", "mseal"},
}

// straceAarch64 is a sample of strace's src/linux/64/syscallent.h, which
// src/linux/aarch64/syscallent.h includes.
var straceAarch64 = []straceEntry{
	{17, 2, "TF", "getcwd"},
	{25, 3, "TD", "fcntl"},
	{29, 3, "TD", "ioctl"},
	{43, 2, "TF|TSF|TSFA", "statfs"},
	{56, 4, "TD|TF", "openat"},
	{57, 1, "TD", "close"},
	{63, 3, "TD", "read"},
	{79, 4, "TD|TF|TFST|TSTA", "newfstatat"},
	{80, 2, "TD|TFST|TSTA", "fstat"},
	{93, 1, "TP", "exit"},
	{98, 6, "0", "futex"},
	{129, 2, "TS|TP", "kill"},
	{174, 0, "TC|PU", "getuid"},
	{198, 3, "TN", "socket"},
	{214, 1, "TM", "brk"},
	{220, 5, "TP", "clone"},
	{221, 3, "TF|TP", "execve"},
	{222, 6, "TD|TM", "mmap"},
	{260, 4, "TP", "wait4"},
	{291, 5, "TD|TF|TFST|TSTA", "statx"},
	{435, 2, "TP", "clone3"},
}

var straceFlags = map[string]Class{
	"TD": ClassDesc, "TF": ClassFile, "TI": ClassIPC, "TN": ClassNetwork,
	"TP": ClassProcess, "TS": ClassSignal, "TM": ClassMemory, "TC": ClassCreds,
	"TCL": ClassClock, "TST": ClassStat, "TLST": ClassLstat, "TFST": ClassFstat,
	"TSTA": ClassStatLike, "TSF": ClassStatfs, "TFSF": ClassFstatfs,
	"TSFA": ClassStatfsLike, "PU": ClassPure, "0": 0,
}

func parseStraceFlags(t *testing.T, s string) Class {
	t.Helper()
	var c Class
	for f := range strings.SplitSeq(s, "|") {
		v, ok := straceFlags[f]
		if !ok {
			t.Fatalf("test data: unknown strace flag %q", f)
		}
		c |= v
	}
	return c
}

func TestClassesMatchStrace(t *testing.T) {
	for _, tc := range []struct {
		arch Arch
		want []straceEntry
	}{{X86_64, straceX86_64}, {ARM64, straceAarch64}} {
		tab := ForArch(tc.arch)
		for _, e := range tc.want {
			sc := tab.Lookup(e.nr)
			if sc == nil || sc.Name != e.name {
				t.Errorf("%v: syscall %d = %v, want %s", tc.arch, e.nr, sc, e.name)
				continue
			}
			if want := parseStraceFlags(t, e.flags); sc.Class != want {
				t.Errorf("%v: %s: class %v, want %v (strace %s)", tc.arch, e.name, sc.Class, want, e.flags)
			}
			if sc.Args != nil && len(sc.Args) != e.nargs {
				t.Errorf("%v: %s: %d args, strace has %d", tc.arch, e.name, len(sc.Args), e.nargs)
			}
		}
	}
}

func TestClassNamesAreSyscalls(t *testing.T) {
	for name := range classByName() {
		_, x := ForArch(X86_64).ByName(name)
		_, a := ForArch(ARM64).ByName(name)
		if !x && !a {
			t.Errorf("class table names %q, which is no syscall", name)
		}
	}
}

func TestClassString(t *testing.T) {
	for c, want := range map[Class]string{
		0:                           "0",
		ClassFile:                   "%file",
		ClassDesc | ClassFile:       "%file|%desc",
		ClassStatLike | ClassFstat:  "%fstat|%%stat",
		ClassPure | 1<<31:           "%pure|0x80000000",
		ClassNetwork | ClassProcess: "%process|%network",
	} {
		if got := c.String(); got != want {
			t.Errorf("Class(%#x).String() = %q, want %q", uint32(c), got, want)
		}
	}
	for i, name := range classNames {
		c, ok := ParseClass(name)
		if !ok || c != 1<<i || c.String() != name {
			t.Errorf("ParseClass(%q) = %v, %v", name, c, ok)
		}
	}
	if c, ok := ParseClass("%net"); !ok || c != ClassNetwork {
		t.Errorf("ParseClass(%%net) = %v, %v", c, ok)
	}
	if _, ok := ParseClass("file"); ok {
		t.Error(`ParseClass("file") succeeded, want the % required`)
	}
}
