package seccomp

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// probeC makes raw syscalls and prints each raw result (-errno on failure):
// getppid (selected), getuid (not), getpid through int 0x80 (i386, a
// foreign arch) and getpid with the x32 bit.
const probeC = `
#include <stdio.h>
static long sys64(long nr) {
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr) : "rcx", "r11", "memory");
	return r;
}
static long sys32(long nr) {
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr) : "r8", "r9", "r10", "r11", "memory");
	return r;
}
int main(void) {
	long pid = sys64(39), ppid = sys64(110), uid = sys64(102);
	long pid32 = sys32(20), pidx32 = sys64(0x40000000 | 39);
	printf("pid=%ld getppid=%ld getuid=%ld i386_getpid=%ld x32_getpid=%ld\n", pid, ppid, uid, pid32, pidx32);
	return 0;
}
`

// buildProbe compiles probeC into a temporary directory.
func buildProbe(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("gcc not found; CI must have it")
		}
		t.Skip("gcc not found")
	}
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "probe.c"), filepath.Join(dir, "probe")
	if err := os.WriteFile(src, []byte(probeC), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("gcc", "-O2", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	return bin
}

// probeResult parses probeC's line into name -> value.
func probeResult(t *testing.T, out string) map[string]int64 {
	t.Helper()
	m := make(map[string]int64)
	for _, f := range strings.Fields(out) {
		k, v, ok := strings.Cut(f, "=")
		n, err := strconv.ParseInt(v, 10, 64)
		if !ok || err != nil {
			t.Fatalf("probe printed %q", out)
		}
		m[k] = n
	}
	if len(m) != 5 {
		t.Fatalf("probe printed %q", out)
	}
	return m
}

// TestExecInherits installs the filter and execs the probe, as the shim
// does, with no tracer: the program exec'd inherits the filter, so the
// selected and the foreign syscalls fail with ENOSYS and getuid works.
func TestExecInherits(t *testing.T) {
	probe := buildProbe(t)
	out, err := childCmd("exec", "TREC_SECCOMP_TEST_EXEC="+probe).Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	r := probeResult(t, string(out))
	enosys := -int64(unix.ENOSYS)
	want := map[string]int64{"getppid": enosys, "getuid": int64(os.Getuid()), "i386_getpid": enosys, "x32_getpid": enosys}
	for k, v := range want {
		if r[k] != v {
			t.Errorf("%s = %d, want %d (all: %v)", k, r[k], v, r)
		}
	}
}

// TestTracerSeesSelected traces the shim pattern with PTRACE_CONT and
// PTRACE_O_TRACESECCOMP: the tracee stops exactly at the selected and the
// foreign syscalls, each with its SECCOMP_RET_DATA, and PTRACE_SYSCALL at
// a seccomp stop leads to that syscall's exit stop, which carries the real
// result. The syscalls run: the probe sees getppid and the i386 getpid
// succeed.
func TestTracerSeesSelected(t *testing.T) {
	probe := buildProbe(t)
	outFile, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer outFile.Close()

	// Every ptrace request must come from the thread that attached.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cmd := childCmd("exec", "TREC_SECCOMP_TEST_EXEC="+probe)
	cmd.Stdout = outFile
	cmd.SysProcAttr = &unix.SysProcAttr{Ptrace: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	defer unix.Kill(pid, unix.SIGKILL)

	var ws unix.WaitStatus
	if _, err := unix.Wait4(pid, &ws, unix.WALL, nil); err != nil || !ws.Stopped() || ws.StopSignal() != unix.SIGTRAP {
		t.Fatalf("first stop: %v, status %#x", err, ws)
	}
	opts := unix.PTRACE_O_TRACESECCOMP | unix.PTRACE_O_TRACESYSGOOD | unix.PTRACE_O_TRACEEXEC | unix.PTRACE_O_EXITKILL
	if err := unix.PtraceSetOptions(pid, opts); err != nil {
		t.Fatal(err)
	}
	type stop struct {
		nr, data uint64
		ret      int64 // at the exit stop
	}
	var stops []stop
	inSyscall := false
	sig := 0
	for {
		var err error
		if inSyscall {
			err = unix.PtraceSyscall(pid, 0)
		} else {
			err = unix.PtraceCont(pid, sig)
		}
		if err != nil {
			t.Fatalf("resume: %v", err)
		}
		sig = 0
		if _, err := unix.Wait4(pid, &ws, unix.WALL, nil); err != nil {
			t.Fatal(err)
		}
		if ws.Exited() || ws.Signaled() {
			if ws.ExitStatus() != 0 {
				t.Fatalf("tracee ended with status %#x", ws)
			}
			break
		}
		var regs unix.PtraceRegs
		switch {
		case ws.StopSignal() == unix.SIGTRAP && ws.TrapCause() == unix.PTRACE_EVENT_SECCOMP:
			if inSyscall {
				t.Fatalf("seccomp stop while waiting for an exit stop")
			}
			data, err := unix.PtraceGetEventMsg(pid)
			if err == nil {
				err = unix.PtraceGetRegs(pid, &regs)
			}
			if err != nil {
				t.Fatal(err)
			}
			stops = append(stops, stop{nr: regs.Orig_rax, data: uint64(data)})
			inSyscall = true
		case ws.StopSignal() == unix.SIGTRAP|0x80:
			if !inSyscall {
				t.Fatalf("syscall stop without a seccomp stop before it")
			}
			if err := unix.PtraceGetRegs(pid, &regs); err != nil {
				t.Fatal(err)
			}
			stops[len(stops)-1].ret = int64(regs.Rax)
			inSyscall = false
		case ws.StopSignal() == unix.SIGTRAP && ws.TrapCause() == unix.PTRACE_EVENT_EXEC:
		default:
			sig = int(ws.StopSignal()) // the Go runtime's signals (SIGURG)
		}
	}
	out, err := os.ReadFile(outFile.Name())
	if err != nil {
		t.Fatal(err)
	}
	r := probeResult(t, string(out))
	want := []stop{
		{nr: unix.SYS_GETPPID, data: uint64(DataSelected), ret: int64(os.Getpid())},
		{nr: 20, data: uint64(DataForeign), ret: r["pid"]},
		{nr: x32Bit | 39, data: uint64(DataForeign), ret: -int64(unix.ENOSYS)}, // no x32 ABI in this kernel
	}
	if len(stops) != len(want) {
		t.Fatalf("seccomp stops %+v, want %+v", stops, want)
	}
	for i := range want {
		// A kernel built with the x32 ABI runs getpid: accept the pid.
		if i == 2 && stops[i].ret == r["pid"] {
			stops[i].ret = want[i].ret
		}
		if stops[i] != want[i] {
			t.Errorf("stop %d: %+v, want %+v", i, stops[i], want[i])
		}
	}
	if r["getppid"] != int64(os.Getpid()) || r["i386_getpid"] != r["pid"] {
		t.Errorf("probe saw %v: traced syscalls did not run normally", r)
	}
}
