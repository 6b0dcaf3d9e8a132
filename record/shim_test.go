//go:build linux

package record

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/record/internal/cshim"
	"github.com/trecdev/trec/record/internal/startstate"
	"github.com/trecdev/trec/record/seccomp"
	"github.com/trecdev/trec/sysent"
)

// startShimUntraced runs this test binary as the shim of sh -c script, without a
// tracer, and returns its pid once it has stopped itself, and the read end
// of its stdout.
func startShimUntraced(t *testing.T, filter string, script string) (int, *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	argv := []string{shimArg0, strconv.Itoa(os.Getpid()), filter, startstate.State{Exact: true}.String(), "/bin/sh", "sh", "-c", script}
	env := []string{"PATH=/usr/bin:/bin", "KEEP=kept", shimMarker}
	pid, err := syscall.ForkExec("/proc/self/exe", argv, &syscall.ProcAttr{
		Env:   env,
		Files: []uintptr{0, w.Fd(), 2},
	})
	if err != nil {
		r.Close()
		t.Fatal(err)
	}
	var ws unix.WaitStatus
	if _, err := unix.Wait4(pid, &ws, unix.WUNTRACED, nil); err != nil || !ws.Stopped() {
		unix.Kill(pid, unix.SIGKILL)
		unix.Wait4(pid, &ws, 0, nil)
		r.Close()
		t.Fatalf("shim %d did not stop itself: status %#x, %v", pid, uint32(ws), err)
	}
	return pid, r
}

// finishShim continues a stopped shim and returns what its program wrote and
// its exit status.
func finishShim(t *testing.T, pid int, out *os.File) (string, int) {
	t.Helper()
	defer out.Close()
	if err := unix.Kill(pid, unix.SIGCONT); err != nil {
		t.Fatal(err)
	}
	var ws unix.WaitStatus
	if _, err := unix.Wait4(pid, &ws, 0, nil); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4096)
	n, _ := out.Read(b)
	return string(b[:n]), ws.ExitStatus()
}

// The shim execs the program with the environment it was given less its
// marker. Where the C shim is active, it does so before the Go runtime
// starts: it stops with one thread, where a Go shim's runtime has several.
func TestShimExecsProgram(t *testing.T) {
	pid, out := startShimUntraced(t, "", `echo "$KEEP:${TREC_SHIM-unset}"`)
	entries, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		t.Fatal(err)
	}
	if cshim.Active() && len(entries) != 1 {
		t.Errorf("stopped shim has %d threads, want 1: the C shim did not run", len(entries))
	}
	got, status := finishShim(t, pid, out)
	if got != "kept:unset\n" || status != 0 {
		t.Errorf("program printed %q and exited %d, want %q and 0", got, status, "kept:unset\n")
	}
}

// The shim installs the filter it is given: without a tracer, a syscall the
// filter selects fails with ENOSYS.
func TestShimInstallsFilter(t *testing.T) {
	tab := sysent.ForArch(nativeArch)
	sc, ok := tab.ByName("uname")
	if !ok {
		t.Skip("no uname syscall on this architecture")
	}
	prog, err := seccomp.Filter(nativeArch.Audit(), []int{sc.Nr})
	if err != nil {
		t.Fatal(err)
	}
	pid, out := startShimUntraced(t, encodeFilter(prog), `uname -s 2>&1; echo "status $?"`)
	got, status := finishShim(t, pid, out)
	if !strings.Contains(got, "status 1") || strings.Contains(got, "Linux") || status != 0 {
		t.Errorf("uname under a filter selecting it printed %q (exit %d), want a failure", got, status)
	}
	pid, out = startShimUntraced(t, encodeFilter(prog), `echo "status $?"`)
	if got, _ := finishShim(t, pid, out); got != "status 0\n" {
		t.Errorf("a program without uname printed %q under the filter", got)
	}
}

// A shim whose parent is not the process that started it (that process
// died before the shim could check) exits at once, without stopping: it
// would otherwise wait, stopped, for a tracer that is gone.
func TestShimExitsWithoutItsTracer(t *testing.T) {
	argv := []string{shimArg0, "1", "", startstate.State{Exact: true}.String(), "/bin/true", "true"}
	pid, err := syscall.ForkExec("/proc/self/exe", argv, &syscall.ProcAttr{
		Env:   []string{"PATH=/usr/bin:/bin", shimMarker},
		Files: []uintptr{0, 1, 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	var ws unix.WaitStatus
	if _, err := unix.Wait4(pid, &ws, unix.WUNTRACED, nil); err != nil || !ws.Exited() || ws.ExitStatus() != 127 {
		unix.Kill(pid, unix.SIGKILL)
		unix.Wait4(pid, &ws, 0, nil)
		t.Errorf("shim told its parent is pid 1: status %#x (%v), want exit 127 without a stop", uint32(ws), err)
	}
}
