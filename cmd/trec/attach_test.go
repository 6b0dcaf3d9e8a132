package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
)

// startProc starts sh -c script, its stdin a pipe, and kills it at the end
// of the test.
func startProc(t *testing.T, script string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, stdin
}

// procStatus returns the fields of /proc/PID/status.
func procStatus(pid int) map[string]string {
	m := map[string]string{}
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}

// patience bounds the tests' waits for a condition: generous, for a
// loaded machine, and only spent when the condition never comes.
const patience = 30 * time.Second

// waitFor polls cond for up to patience.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(patience); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// checkRunsUntraced checks that process pid runs (not stopped, not dead),
// is not traced, and has no SIGTRAP pending.
func checkRunsUntraced(t *testing.T, pid int) {
	t.Helper()
	st := procStatus(pid)
	// Running or sleeping (D too: a shell's vfork waits so).
	if s := st["State"]; s == "" || strings.ContainsAny(s[:1], "TtZX") {
		t.Errorf("state %q after trec ended", s)
	}
	if st["TracerPid"] != "0" {
		t.Errorf("still traced by %s", st["TracerPid"])
	}
	for _, k := range []string{"SigPnd", "ShdPnd"} {
		if m, _ := strconv.ParseUint(st[k], 16, 64); m&(1<<(syscall.SIGTRAP-1)) != 0 {
			t.Errorf("%s %s: SIGTRAP pending", k, st[k])
		}
	}
}

// TestAttachSIGINT attaches trec, a process of its own, to a busy shell
// loop and interrupts it: trec exits 0 with a complete trace, and the
// loop runs on untraced.
func TestAttachSIGINT(t *testing.T) {
	busy, _ := startProc(t, `while :; do echo x >/dev/null; done`)
	trace := filepath.Join(t.TempDir(), "x.trc")
	cmd := exec.Command(os.Args[0], "record", "-p", strconv.Itoa(busy.Process.Pid), "-o", trace)
	cmd.Env = append(os.Environ(), asCLI+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "trec traces the loop", func() bool { return procStatus(busy.Process.Pid)["TracerPid"] != "0" })
	// The trace's frames end every 200 ms: wait for the loop's writes in
	// them (each after the open of its redirection).
	waitFor(t, "the trace holds the loop's writes", func() bool {
		return entriesSoFar(trace, func(e *format.Event) bool { return e.Nr == unix.SYS_WRITE }) >= 10
	})
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("trec: %v\n%s", err, stderr.String())
	}
	if !summaryLine.MatchString(stderr.String()) {
		t.Errorf("stderr %q, want the summary", stderr.String())
	}
	checkRunsUntraced(t, busy.Process.Pid)
	got := calls(t, trace)
	if got["write"] < 10 || got["openat"]+got["open"] < 10 {
		t.Errorf("trace misses the loop's calls: %v", got)
	}
}

// TestAttachDuration ends the recording after --duration. The fd the
// shell opened before the attach is named in dump -y and stats.
func TestAttachDuration(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	busy, _ := startProc(t, `exec 3>`+out+`; while :; do echo x >&3; sleep 0.01; done`)
	waitFor(t, "it writes", func() bool { b, _ := os.ReadFile(out); return len(b) > 0 })
	trace := filepath.Join(dir, "x.trc")
	start := time.Now()
	_, stderr, code := trec(t, nil, "record", "-q", "-p", strconv.Itoa(busy.Process.Pid), "--duration", "1s", "-o", trace)
	if d := time.Since(start); code != 0 || d < time.Second {
		t.Fatalf("exit %d after %v: %s", code, d, stderr)
	}
	checkRunsUntraced(t, busy.Process.Pid)
	dump, _, _ := trec(t, nil, "dump", trace)
	if !regexp.MustCompile(`(?m)^(\[pid +\d+\] )?<\.\.\. wait4 resumed>`).MatchString(dump) || !regexp.MustCompile(`(vfork|clone3?)\(`).MatchString(dump) {
		t.Errorf("dump lacks the shell's wait4 and its children:\n%s", dump)
	}
	dumpY, _, _ := trec(t, nil, "dump", "-y", "-e", "trace=write", trace)
	// dash writes through a dup2 of fd 3 on fd 1.
	if !strings.Contains(dumpY, `write(1<`+out+`>, "x\n", 2) = 2`) {
		t.Errorf("dump -y does not name the file opened before the attach:\n%s", dumpY)
	}
	stats, _, _ := trec(t, nil, "stats", trace)
	if !strings.Contains(stats, out) || !strings.Contains(stats, "sh -c 'exec 3>"+out) {
		t.Errorf("stats names neither the file nor the program:\n%s", stats)
	}
	first := fmt.Sprintf("attached to %d sh -c 'exec 3>%s;", busy.Process.Pid, out)
	if !strings.HasPrefix(stats, first) || !strings.Contains(strings.SplitN(stats, "\n", 2)[0], ": detached after --duration, ") {
		t.Errorf("stats' summary line:\n%s", strings.SplitN(stats, "\n", 2)[0])
	}
	info, _, _ := trec(t, nil, "info", trace)
	if !strings.Contains(info, "ended         duration; threads detached: ") {
		t.Errorf("info:\n%s", info)
	}
}

// TestAttachResumedRead attaches to a shell blocked in read: dump shows
// the read resumed, as strace does.
func TestAttachResumedRead(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	sh, stdin := startProc(t, `read line; echo "$line" >`+out+`; read line`)
	pid := strconv.Itoa(sh.Process.Pid)
	inRead := func() bool {
		b, _ := os.ReadFile("/proc/" + pid + "/syscall")
		return strings.HasPrefix(string(b), "0 ") && strings.HasPrefix(procStatus(sh.Process.Pid)["State"], "S")
	}
	waitFor(t, "it reads", inRead)
	trace := filepath.Join(dir, "x.trc")
	cmd := exec.Command(os.Args[0], "record", "-q", "-p", pid, "-o", trace)
	cmd.Env = append(os.Environ(), asCLI+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "trec traces it", func() bool { return procStatus(sh.Process.Pid)["TracerPid"] != "0" })
	io.WriteString(stdin, "hi\n")
	waitFor(t, "it reads again", func() bool { b, _ := os.ReadFile(out); return string(b) == "hi\n" && inRead() })
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("trec: %v\n%s", err, stderr.String())
	}
	dump, _, _ := trec(t, nil, "dump", trace)
	if !strings.HasPrefix(dump, "<... read resumed>) ") {
		t.Errorf("dump does not begin with the resumed read:\n%s", dump)
	}
	if !strings.Contains(dump, `read(0,  <detached ...>`) {
		t.Errorf("dump does not end in the read trec detached from:\n%s", dump)
	}
	if _, stderr, code := trec(t, nil, "stats", trace); code != 0 {
		t.Errorf("stats: %s", stderr)
	}
	reads, _, _ := trec(t, nil, "dump", "-e", "trace=read", trace)
	if !strings.Contains(reads, "<... read resumed>") {
		t.Errorf("dump -e trace=read drops the resumed read:\n%s", reads)
	}
	writes, _, _ := trec(t, nil, "dump", "-e", "trace=write", trace)
	if strings.Contains(writes, "read") {
		t.Errorf("dump -e trace=write keeps reads:\n%s", writes)
	}
}

// TestAttachErrors checks the one-line errors of processes trec cannot
// attach to, and of bad flags.
func TestAttachErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.trc")
	b, _ := os.ReadFile("/proc/sys/kernel/pid_max")
	pidMax, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	missing := strconv.Itoa(pidMax + 1)

	zombie := exec.Command("true")
	if err := zombie.Start(); err != nil {
		t.Fatal(err)
	}
	defer zombie.Wait()
	zpid := strconv.Itoa(zombie.Process.Pid)
	waitFor(t, "it is a zombie", func() bool { return strings.HasPrefix(procStatus(zombie.Process.Pid)["State"], "Z") })

	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"-p", missing}, 1, "attach " + missing + ": no such process"},
		{[]string{"-p", zpid}, 1, "attach " + zpid + ": process is a zombie (it has exited; its parent, process " + strconv.Itoa(os.Getpid()) + ", has not reaped it)"},
		{[]string{"-p", "2"}, 1, "attach 2: permission denied (a kernel thread cannot be traced)"},
		{[]string{"-p", "x1"}, 2, "-p x1: not a process id"},
		{[]string{"-p", "1", "--", "true"}, 2, "-p and a program to run exclude each other"},
		{[]string{"--duration", "1s", "--", "true"}, 2, "--duration: only with -p (a started program runs to its end)"},
	} {
		_, stderr, code := trec(t, nil, append([]string{"record", "-o", out}, tc.args...)...)
		if code != tc.code || stderr != "trec: "+tc.msg+"\n" {
			t.Errorf("record %q: exit %d, stderr %q; want %d, %q", tc.args, code, stderr, tc.code, tc.msg)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("record %q left a trace", tc.args)
			os.Remove(out)
		}
	}
}

// TestAttachTracedByStrace names strace's pid.
func TestAttachTracedByStrace(t *testing.T) {
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("no strace")
	}
	busy, _ := startProc(t, `while :; do sleep 0.01; done`)
	pid := busy.Process.Pid
	strace := exec.Command("strace", "-o", os.DevNull, "-p", strconv.Itoa(pid))
	if err := strace.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		strace.Process.Signal(syscall.SIGINT)
		strace.Wait()
	}()
	waitFor(t, "strace traces it", func() bool { return procStatus(pid)["TracerPid"] == strconv.Itoa(strace.Process.Pid) })
	_, stderr, code := trec(t, nil, "record", "-o", filepath.Join(t.TempDir(), "x.trc"), "-p", strconv.Itoa(pid))
	want := fmt.Sprintf("trec: attach %d: already traced by process %d (strace)\n", pid, strace.Process.Pid)
	if code != 1 || stderr != want {
		t.Errorf("exit %d, stderr %q; want 1, %q", code, stderr, want)
	}
}

// TestAttachPermissionDenied runs trec as another user than the process's
// and checks that the error names the causes.
func TestAttachPermissionDenied(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to run trec as another user")
	}
	busy, _ := startProc(t, `while :; do sleep 0.01; done`)
	// The test binary, where another user may run it.
	dir, err := os.MkdirTemp("", "trec-test")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	bin := filepath.Join(dir, "trec")
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "record", "-o", "/dev/null", "-p", strconv.Itoa(busy.Process.Pid))
	cmd.Env = append(os.Environ(), asCLI+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("%v: %s", err, out)
	}
	want := fmt.Sprintf("trec: attach %d: permission denied (it runs as uid 0, trec as uid 65534", busy.Process.Pid)
	if !strings.HasPrefix(string(out), want) || !strings.HasSuffix(string(out), "trec has no CAP_SYS_PTRACE)\n") || strings.Count(string(out), "\n") != 1 {
		t.Errorf("got %q, want %q ... no CAP_SYS_PTRACE)", out, want)
	}
}

// TestAttachDeny applies --deny to an attached shell loop: its mkdir
// fails while trec records it, and works again afterwards.
func TestAttachDeny(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	sh, _ := startProc(t, `while :; do if mkdir `+dir+`/x 2>/dev/null; then rmdir `+dir+`/x; echo ok; else echo denied; fi; sleep 0.01; done >>`+out)
	lines := func() string { b, _ := os.ReadFile(out); return string(b) }
	waitFor(t, "it makes directories", func() bool { return strings.Contains(lines(), "ok") })
	trace := filepath.Join(dir, "x.trc")
	cmd := trecCommand("record", "-q", "-p", strconv.Itoa(sh.Process.Pid), "--deny", "mkdir", "-o", trace)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupted once a mkdir was denied, however long the loop took to
	// come to one.
	waitFor(t, "a mkdir is denied", func() bool { return strings.Contains(lines(), "denied") })
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("trec: %v\n%s", err, stderr.String())
	}
	before := lines()
	if !strings.Contains(before, "ok\ndenied\n") {
		t.Errorf("no mkdir was denied while recorded:\n%s", before)
	}
	waitFor(t, "mkdir works again", func() bool { return strings.Contains(strings.TrimPrefix(lines(), before), "ok") })
	dump, _, _ := trec(t, nil, "dump", "-e", "trace=mkdir", trace)
	if !strings.Contains(dump, "= -1 EPERM") {
		t.Errorf("dump shows no denied mkdir:\n%s", dump)
	}
}

// TestAttachThreadsPrefixed attaches to a process whose main thread is
// blocked in read while another thread sleeps in a loop: as in strace -f
// -p, every line names its thread, the read's included, since two threads
// are traced throughout.
func TestAttachThreadsPrefixed(t *testing.T) {
	bin := buildProgWith(t, "attachthreads", "-pthread")
	cmd := exec.Command(bin)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	}()
	pid := strconv.Itoa(cmd.Process.Pid)
	waitFor(t, "two threads, the main one in read", func() bool {
		tasks, _ := os.ReadDir("/proc/" + pid + "/task")
		b, _ := os.ReadFile("/proc/" + pid + "/syscall")
		return len(tasks) == 2 && strings.HasPrefix(string(b), "0 ")
	})
	trace := filepath.Join(t.TempDir(), "x.trc")
	if _, stderr, code := trec(t, nil, "record", "-q", "-p", pid, "--duration", "300ms", "-o", trace); code != 0 {
		t.Fatalf("record -p: exit %d: %s", code, stderr)
	}
	dump, _, _ := trec(t, nil, "dump", trace)
	lines := strings.Split(strings.TrimSuffix(dump, "\n"), "\n")
	if len(lines) < 2 || !strings.Contains(dump, fmt.Sprintf("[pid %5d] <... read resumed> <detached ...>", cmd.Process.Pid)) {
		t.Errorf("dump lacks the main thread's read, named:\n%s", dump)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "[pid ") {
			t.Errorf("a line names no thread: %q", l)
		}
	}
	// The read began before the attach: a replay denying reads says
	// that it saw only part of what the hooks act on.
	out, _, code := trec(t, nil, "replay", "--deny", "read", trace)
	if code != 1 || !strings.Contains(out, "incomplete: the recording attached to running processes") {
		t.Errorf("replay --deny read of a -p recording: exit %d:\n%s", code, out)
	}
}
