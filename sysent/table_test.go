package sysent

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var arches = []Arch{X86_64, ARM64}

func TestArch(t *testing.T) {
	for _, a := range arches {
		if got := ArchFromAudit(a.Audit()); got != a {
			t.Errorf("ArchFromAudit(%v.Audit()) = %v", a, got)
		}
		if got, err := ParseArch(a.String()); err != nil || got != a {
			t.Errorf("ParseArch(%q) = %v, %v", a.String(), got, err)
		}
		if tab := ForArch(a); tab == nil || tab.Arch() != a {
			t.Errorf("ForArch(%v) = %v", a, tab)
		}
	}
	if X86_64.String() != "x86_64" || ARM64.String() != "aarch64" {
		t.Errorf("names: %q, %q", X86_64, ARM64)
	}
	if X86_64.Audit() != 0xc000003e || ARM64.Audit() != 0xc00000b7 {
		t.Errorf("audit values: %#x, %#x", X86_64.Audit(), ARM64.Audit())
	}
	if ArchFromAudit(0x40000003) != ArchUnknown { // AUDIT_ARCH_I386
		t.Error("i386 is not supported but ArchFromAudit knows it")
	}
	if _, err := ParseArch("i386"); err == nil || !strings.Contains(err.Error(), `"i386"`) {
		t.Errorf(`ParseArch("i386") error = %v`, err)
	}
	if ForArch(ArchUnknown) != nil || ForArch(Arch(200)) != nil {
		t.Error("ForArch of an unsupported arch is not nil")
	}
}

func TestNumbers(t *testing.T) {
	for _, tc := range []struct {
		arch Arch
		nr   int
		name string
	}{
		{X86_64, 0, "read"},
		{X86_64, 1, "write"},
		{X86_64, 17, "pread64"},
		{X86_64, 156, "_sysctl"},
		{X86_64, 257, "openat"},
		{X86_64, 262, "newfstatat"},
		{X86_64, 435, "clone3"},
		{X86_64, 471, "rseq_slice_yield"}, // newer than the 6.1 headers
		{ARM64, 56, "openat"},
		{ARM64, 63, "read"},
		{ARM64, 79, "newfstatat"},
		{ARM64, 435, "clone3"},
	} {
		tab := ForArch(tc.arch)
		if got := tab.Name(tc.nr); got != tc.name {
			t.Errorf("%v: Name(%d) = %q, want %q", tc.arch, tc.nr, got, tc.name)
		}
		sc, ok := tab.ByName(tc.name)
		if !ok || sc.Nr != tc.nr || sc != tab.Lookup(tc.nr) {
			t.Errorf("%v: ByName(%q) = %+v, %v; want nr %d", tc.arch, tc.name, sc, ok, tc.nr)
		}
	}
	x86 := ForArch(X86_64)
	if got := x86.Name(0x190); got != "syscall_0x190" {
		t.Errorf("Name(0x190) = %q", got)
	}
	if got := x86.Name(x86.Max()); got != "syscall_"+"0x"+strconv.FormatInt(int64(x86.Max()), 16) {
		t.Errorf("Name(Max) = %q", got)
	}
	if x86.Lookup(-1) != nil || x86.Lookup(x86.Max()) != nil || x86.Lookup(0x190) != nil {
		t.Error("Lookup of an unknown number is not nil")
	}
	if _, ok := x86.ByName("stat64"); ok {
		t.Error("x86_64 has stat64")
	}
	if _, ok := ForArch(ARM64).ByName("open"); ok {
		t.Error("aarch64 has open")
	}
	if x86.Lookup(x86.Max()-1) == nil {
		t.Error("Max-1 is no syscall: Max is not the highest number plus one")
	}
	n := 0
	prev := -1
	for sc := range x86.All() {
		if sc.Nr <= prev || x86.Lookup(sc.Nr) != sc {
			t.Fatalf("All: %d after %d", sc.Nr, prev)
		}
		prev = sc.Nr
		n++
	}
	if n < 370 {
		t.Errorf("x86_64 has %d syscalls, want more than 370", n)
	}
}

// modCacheFile returns a file of golang.org/x/sys in the module cache, or
// skips the test.
func modCacheFile(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Skipf("go env GOMODCACHE: %v", err)
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "golang.org", "x", "sys@v0.50.0", "unix", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("x/sys not in the module cache: %v", err)
	}
	return p
}

// numbersIn returns name -> number for the lines of path matching re.
func numbersIn(t *testing.T, path string, re *regexp.Regexp) map[string]int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	m := make(map[string]int)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if sub := re.FindStringSubmatch(sc.Text()); sub != nil {
			nr, _ := strconv.Atoi(sub[2])
			m[strings.ToLower(sub[1])] = nr
		}
	}
	if len(m) < 300 {
		t.Fatalf("%s: only %d syscall numbers", path, len(m))
	}
	return m
}

var xsysLine = regexp.MustCompile(`^\s*SYS_([A-Z0-9_]+)\s*=\s*([0-9]+)\s*$`)

// TestEveryKernelNumberHasAName checks that no syscall x/sys or the UAPI
// header knows prints as a bare number.
func TestEveryKernelNumberHasAName(t *testing.T) {
	for _, tc := range []struct {
		arch Arch
		file string
		re   *regexp.Regexp
	}{
		{X86_64, "zsysnum_linux_amd64.go", xsysLine},
		{ARM64, "zsysnum_linux_arm64.go", xsysLine},
		{X86_64, "/usr/include/x86_64-linux-gnu/asm/unistd_64.h", regexp.MustCompile(`^#define __NR_([a-z0-9_]+)\s+([0-9]+)\s*$`)},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			p := tc.file
			if !filepath.IsAbs(p) {
				p = modCacheFile(t, p)
			}
			tab := ForArch(tc.arch)
			for name, nr := range numbersIn(t, p, tc.re) {
				if name == "arch_specific_syscall" {
					continue // a range marker, not a syscall
				}
				if got := tab.Name(nr); got != name {
					t.Errorf("%v: %s is %d, but Name(%d) = %q", tc.arch, name, nr, nr, got)
				}
			}
		})
	}
}

// TestGeneratedUpToDate regenerates the number tables and compares them
// with the committed ones.
func TestGeneratedUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	modCacheFile(t, "zsysnum_linux_amd64.go")
	const header = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
	if _, err := os.Stat(header); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	out, err := exec.Command("go", "run", "./internal/mksysnum", "-header", header, "-o", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("mksysnum: %v\n%s", err, out)
	}
	for _, f := range []string{"zsysnum_x86_64.go", "zsysnum_aarch64.go"} {
		want, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./sysent", f)
		}
	}
}

// common lists the syscalls strace users see daily; each must have its
// arguments described.
var common = strings.Fields(`
read write open openat close stat fstat lstat newfstatat statx poll ppoll
lseek mmap mprotect munmap brk rt_sigaction rt_sigprocmask rt_sigreturn
ioctl pread64 pwrite64 readv writev access pipe pipe2 select pselect6
sched_yield mremap madvise dup dup2 dup3 nanosleep clock_nanosleep getpid
gettid socket connect accept accept4 sendto recvfrom sendmsg recvmsg
shutdown bind listen getsockname getpeername socketpair setsockopt
getsockopt clone clone3 fork vfork execve execveat exit exit_group wait4
waitid kill tgkill tkill uname fcntl flock fsync fdatasync truncate
ftruncate getdents64 getcwd chdir fchdir rename renameat renameat2 mkdir
mkdirat rmdir creat link linkat unlink unlinkat symlink symlinkat readlink
readlinkat chmod fchmod fchmodat chown fchown lchown fchownat umask
gettimeofday getrlimit setrlimit prlimit64 getrusage sysinfo times getuid
getgid setuid setgid geteuid getegid getppid getpgrp setsid setpgid getpgid
getsid sigaltstack statfs fstatfs prctl arch_prctl set_tid_address
set_robust_list get_robust_list futex sched_getaffinity sched_setaffinity
epoll_create1 epoll_ctl epoll_wait epoll_pwait eventfd2 timerfd_create
signalfd4 inotify_init1 inotify_add_watch getrandom memfd_create
copy_file_range sendfile splice faccessat faccessat2 openat2 utimensat rseq
clock_gettime clock_getres pidfd_open close_range mincore getxattr
lgetxattr fgetxattr setxattr listxattr removexattr alarm getitimer
setitimer rt_sigsuspend rt_sigpending rt_sigtimedwait mount umount2
msync mlock munlock capget capset getgroups setgroups getresuid getresgid
setresuid setresgid eventfd epoll_create sync syncfs fallocate fadvise64
`)

func TestCommonSyscallsHaveArgs(t *testing.T) {
	if len(common) < 120 {
		t.Fatalf("only %d common syscalls listed", len(common))
	}
	x86 := ForArch(X86_64)
	arm := ForArch(ARM64)
	for _, name := range common {
		sc, ok := x86.ByName(name)
		if !ok {
			t.Errorf("x86_64 has no %s", name)
			continue
		}
		if sc.Args == nil {
			t.Errorf("x86_64: %s has no argument description", name)
		}
		if sa, ok := arm.ByName(name); ok && sa.Args == nil {
			t.Errorf("aarch64: %s has no argument description", name)
		}
	}
}

func TestSpecNamesAreSyscalls(t *testing.T) {
	seen := make(map[string]bool)
	for _, s := range specs(&x86_64Sizes) {
		if seen[s.name] {
			t.Errorf("%s described twice", s.name)
		}
		seen[s.name] = true
		_, x := ForArch(X86_64).ByName(s.name)
		_, a := ForArch(ARM64).ByName(s.name)
		if !x && !a {
			t.Errorf("%s is described but is no syscall", s.name)
		}
	}
}

// TestArgs checks the argument table's internal consistency on every arch.
func TestArgs(t *testing.T) {
	for _, a := range arches {
		for sc := range ForArch(a).All() {
			if sc.Args == nil {
				continue
			}
			if len(sc.Args) > 6 {
				t.Errorf("%v: %s has %d args", a, sc.Name, len(sc.Args))
			}
			if sc.Ret >= numRetKinds {
				t.Errorf("%v: %s: bad return kind %d", a, sc.Name, sc.Ret)
			}
			names := make(map[string]bool)
			for i, arg := range sc.Args {
				where := sc.Name + "." + arg.Name
				if arg.Name == "" || names[arg.Name] {
					t.Errorf("%v: %s arg %d: empty or repeated name %q", a, sc.Name, i, arg.Name)
				}
				names[arg.Name] = true
				if arg.Kind >= numArgKinds {
					t.Errorf("%v: %s: bad kind %d", a, where, arg.Kind)
				}
				if arg.Kind.NeedsLen() {
					if arg.Len < 0 || int(arg.Len) >= len(sc.Args) || int(arg.Len) == i {
						t.Errorf("%v: %s (%v): Len %d does not name another argument", a, where, arg.Kind, arg.Len)
					} else if k := sc.Args[arg.Len].Kind; k != ArgInt && k != ArgUint && k != ArgInOutStruct {
						t.Errorf("%v: %s: length argument %s is %v", a, where, sc.Args[arg.Len].Name, k)
					}
				} else if arg.Len != -1 {
					t.Errorf("%v: %s (%v): Len %d, want -1", a, where, arg.Kind, arg.Len)
				}
				if arg.Kind.NeedsSize() != (arg.Size > 0) {
					t.Errorf("%v: %s (%v): Size %d", a, where, arg.Kind, arg.Size)
				}
				if arg.Kind.NeedsSize() != (arg.Type != "") {
					t.Errorf("%v: %s (%v): Type %q", a, where, arg.Kind, arg.Type)
				}
				hasSet := arg.Kind == ArgFlags || arg.Kind == ArgEnum
				if hasSet != (arg.Flags != FlagsNone) || arg.Flags >= numFlagSets {
					t.Errorf("%v: %s (%v): flag set %v", a, where, arg.Kind, arg.Flags)
				}
				// A return value that is an fd, an address or a pid
				// cannot give the valid length of an output.
				switch arg.Kind {
				case ArgOutBuf, ArgOutIovec, ArgOutArray:
					if sc.Ret == RetFD || sc.Ret == RetHex || sc.Ret == RetPid || sc.Ret == RetNone {
						t.Errorf("%v: %s (%v) in a syscall returning %v", a, where, arg.Kind, sc.Ret)
					}
				case ArgOutSockaddr, ArgOutBufLenPtr:
					if l := sc.Args[arg.Len]; l.Kind != ArgInOutStruct || l.Size != szInt {
						t.Errorf("%v: %s: length %s is not an in-out socklen_t", a, where, l.Name)
					}
				}
				if arg.Kind.NeedsLen() || arg.Kind.NeedsSize() || arg.Kind == ArgInMsghdr || arg.Kind == ArgOutMsghdr ||
					arg.Kind == ArgPath || arg.Kind == ArgString || arg.Kind == ArgStringArray {
					if !arg.Kind.AtEntry() && !arg.Kind.AtExit() {
						t.Errorf("%v: %s (%v) points at memory captured neither at entry nor at exit", a, where, arg.Kind)
					}
				}
			}
		}
	}
}

func TestArchSizes(t *testing.T) {
	for _, tc := range []struct {
		arch      Arch
		name, arg string
		size      uint16
	}{
		{X86_64, "fstat", "statbuf", 144},
		{ARM64, "fstat", "statbuf", 128},
		{X86_64, "epoll_wait", "events", 12},
		{ARM64, "epoll_pwait", "events", 16},
		{X86_64, "uname", "name", 390},
		{X86_64, "statfs", "buf", 120},
		{X86_64, "sysinfo", "info", 112},
		{X86_64, "getrusage", "ru", 144},
		{X86_64, "rt_sigaction", "act", 32},
		{X86_64, "pipe2", "fildes", 8},
		{X86_64, "clock_gettime", "tp", 16},
		{X86_64, "getrlimit", "rlim", 16},
	} {
		sc, ok := ForArch(tc.arch).ByName(tc.name)
		if !ok {
			t.Errorf("%v: no %s", tc.arch, tc.name)
			continue
		}
		var got *Arg
		for i := range sc.Args {
			if sc.Args[i].Name == tc.arg {
				got = &sc.Args[i]
			}
		}
		if got == nil || got.Size != tc.size {
			t.Errorf("%v: %s.%s = %+v, want size %d", tc.arch, tc.name, tc.arg, got, tc.size)
		}
	}
	// clone's argument order differs: aarch64 passes tls before child_tid.
	if x, a := ForArch(X86_64).Lookup(56), ForArch(ARM64).Lookup(220); x.Args[3].Name != "child_tidptr" || a.Args[3].Name != "tls" {
		t.Errorf("clone args: x86_64 %v, aarch64 %v", x.Args, a.Args)
	}
}

func TestKindStrings(t *testing.T) {
	if len(argKindNames) != int(numArgKinds) {
		t.Errorf("%d ArgKind names for %d kinds", len(argKindNames), numArgKinds)
	}
	if len(flagSetNames) != int(numFlagSets) {
		t.Errorf("%d FlagSet names for %d sets", len(flagSetNames), numFlagSets)
	}
	if len(retKindNames) != int(numRetKinds) {
		t.Errorf("%d RetKind names for %d kinds", len(retKindNames), numRetKinds)
	}
	if ArgOutBuf.String() != "outbuf" || FlagsMmapProt.String() != "mmap_prot" || RetFD.String() != "fd" || ArgKind(250).String() != "argkind(250)" {
		t.Error("String methods")
	}
}
