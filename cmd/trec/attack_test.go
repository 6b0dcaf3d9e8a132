package main

// The attack suite: trec run as a user's shell, script or supervisor runs
// it, killed, signalled and starved, with small C programs that do what
// hostile or unusual programs do. Each test runs this test binary as the
// trec command (TestMain, asCLI) in processes of its own. -long runs the
// long variants by hand.

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
)

var long = flag.Bool("long", false, "run the attack tests' long variants (200 early kills, 10 minutes of steady syscalls)")

// progs holds the C programs the tests build, each once, below a
// directory that TestMain removes.
var progs struct {
	mu  sync.Mutex
	dir string
	// bin are the programs by source file.
	bin map[string]string
}

// cProg returns the program built from the C source src, building it at
// the first call, into a directory named after src's.
func cProg(t *testing.T, src string) string {
	t.Helper()
	progs.mu.Lock()
	defer progs.mu.Unlock()
	if bin, ok := progs.bin[src]; ok {
		return bin
	}
	if progs.dir == "" {
		dir, err := os.MkdirTemp("", "trec-cmd-test")
		if err != nil {
			t.Fatal(err)
		}
		progs.dir, progs.bin = dir, map[string]string{}
	}
	dir := filepath.Join(progs.dir, filepath.Base(filepath.Dir(src)))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, strings.TrimSuffix(filepath.Base(src), ".c"))
	gcc(t, bin, src, "-pthread")
	progs.bin[src] = bin
	return bin
}

// gcc compiles the C source src into bin, with -O1 and args.
func gcc(t *testing.T, bin, src string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Fatal("gcc is needed to build the test programs (.ci/run installs it)")
	}
	if out, err := exec.Command("gcc", append([]string{"-O1", "-o", bin, src}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", src, err, out)
	}
}

// attackProg returns the program built from testdata/attack/NAME.c.
func attackProg(t *testing.T, name string) string {
	t.Helper()
	return cProg(t, filepath.Join("testdata", "attack", name+".c"))
}

// testProg returns the program built from the repository's
// testdata/progs/NAME.c.
func testProg(t *testing.T, name string) string {
	t.Helper()
	return cProg(t, filepath.Join("..", "..", "testdata", "progs", name+".c"))
}

// trecCommand returns a command that runs this test binary as trec.
func trecCommand(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asCLI+"=1")
	return cmd
}

// ended is how a process group's leader ended, as its parent saw it.
type ended struct {
	// stops are the signals that stopped it on the way.
	stops  []syscall.Signal
	status syscall.WaitStatus
	out    string
	// rusage is its resource use (Maxrss: its peak resident memory).
	rusage syscall.Rusage
}

func (e ended) String() string {
	s := fmt.Sprintf("exit %d", e.status.ExitStatus())
	if e.status.Signaled() {
		s = "killed by " + e.status.Signal().String()
	}
	return fmt.Sprintf("%s, stopped by %v, output %q", s, e.stops, e.out)
}

// same reports whether two ends look the same to a parent: status (the
// core-dump bit aside: trec writes no core of its own), stops and output.
func (e ended) same(o ended) bool {
	return e.status.Exited() == o.status.Exited() && e.status.ExitStatus() == o.status.ExitStatus() &&
		e.status.Signaled() == o.status.Signaled() && e.status.Signal() == o.status.Signal() &&
		fmt.Sprint(e.stops) == fmt.Sprint(o.stops) && e.out == o.out
}

// runGroup runs cmd as the leader of a new process group with stdout and
// stderr to one pipe, and waits for it as a shell waits for a job: when it
// stops, the stop is noted and the group continued. then, when set, runs
// once the command has started. After a minute (20 with -long) the group
// is killed and the test fails.
func runGroup(t *testing.T, cmd *exec.Cmd, then func(pid int)) ended {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd.Stdout, cmd.Stderr = w, w
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	defer cmd.Process.Release()
	out := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(r)
		out <- string(b)
	}()
	limit := time.Minute
	if *long {
		limit = 20 * time.Minute
	}
	watchdog := time.AfterFunc(limit, func() { syscall.Kill(-pid, syscall.SIGKILL) })
	defer watchdog.Stop()
	if then != nil {
		then(pid)
	}
	var e ended
	for {
		if _, err := syscall.Wait4(pid, &e.status, syscall.WUNTRACED, &e.rusage); err != nil {
			if err == syscall.EINTR {
				continue
			}
			t.Fatalf("wait %v: %v", cmd.Args, err)
		}
		if !e.status.Stopped() {
			break
		}
		e.stops = append(e.stops, e.status.StopSignal())
		syscall.Kill(-pid, syscall.SIGCONT)
	}
	if !watchdog.Stop() {
		t.Fatalf("%v: still running after %v", cmd.Args, limit)
	}
	// Whatever the group left running keeps the pipe open: kill it.
	syscall.Kill(-pid, syscall.SIGKILL)
	e.out = <-out
	reapGroup(pid)
	return e
}

// reapGroup waits, up to patience, for the processes of group pgid to be
// gone, reaping those that were reparented to this process: it is a
// subreaper since its first in-process recording, and they would stay
// zombies.
func reapGroup(pgid int) {
	for deadline := time.Now().Add(patience); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		reapOrphans()
		if !groupAlive(pgid) {
			return
		}
	}
}

// groupAlive reports whether a process of group pgid exists, a zombie
// included.
func groupAlive(pgid int) bool {
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil || e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		// pid (comm) state ppid pgrp ...
		i := bytes.LastIndexByte(stat, ')')
		if f := strings.Fields(string(stat[i+1:])); len(f) > 2 && f[2] == strconv.Itoa(pgid) {
			return true
		}
	}
	return false
}

// shellStatus is a wait status as a shell's $? reports it.
func shellStatus(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// readTraceFile reads a trace file's events, its trailer (nil when it was
// cut) and the error that ended it.
func readTraceFile(t *testing.T, name string) ([]format.Event, *format.Trailer, error) {
	t.Helper()
	var evs []format.Event
	_, tr, err := walkTraceFile(t, name, func(e *format.Event) { evs = append(evs, e.Copy()) })
	return evs, tr, err
}

// walkTraceFile calls fn with each event of a trace file, and returns its
// header, its trailer (nil when it was cut) and the error that ended it.
func walkTraceFile(t *testing.T, name string, fn func(*format.Event)) (*format.Header, *format.Trailer, error) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := format.NewReader(f)
	if err != nil {
		return nil, nil, err
	}
	for {
		e, err := rd.Next()
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return rd.Header(), rd.Trailer(), err
		}
		fn(e)
	}
}

// noCores keeps the test's processes, and trec's programs, from writing
// core files into the test's directory.
func noCores(t *testing.T) {
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_CORE, &old); err != nil {
		t.Fatal(err)
	}
	unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: old.Max})
	t.Cleanup(func() { unix.Setrlimit(unix.RLIMIT_CORE, &old) })
}

// TestSignalsToTheGroup has a program send each signal to its own process
// group, once handling it and once not. Under trec, its parent sees what it
// sees without trec (the same exit status or death by the same signal, the
// same job-control stops, the same output), and the trace is complete. Of
// the real-time signals, which trec treats alike, a few (the C library's
// 32 to 34, and 35, 48 and 64) are tried; -long tries all.
func TestSignalsToTheGroup(t *testing.T) {
	noCores(t)
	sigself := attackProg(t, "sigself")
	dir := t.TempDir()
	for sig := syscall.Signal(1); sig <= 64; sig++ {
		switch {
		case sig == syscall.SIGKILL || sig == syscall.SIGSTOP:
			continue
		case sig > 35 && sig != 48 && sig != 64 && !*long:
			continue
		}
		for _, mode := range []string{"default", "handle"} {
			args := []string{strconv.Itoa(int(sig)), mode}
			bare := runGroup(t, exec.Command(sigself, args...), nil)
			trace := filepath.Join(dir, fmt.Sprintf("%d-%s.trc", sig, mode))
			traced := runGroup(t, trecCommand(append([]string{"record", "-q", "-o", trace, "--", sigself}, args...)...), nil)
			if !traced.same(bare) {
				t.Errorf("signal %d, %s: under trec %v; without %v", sig, mode, traced, bare)
				continue
			}
			evs, tr, err := readTraceFile(t, trace)
			if err != nil || tr == nil {
				t.Errorf("signal %d, %s: trace cut (%v, %d events)", sig, mode, err, len(evs))
				continue
			}
			var sent, delivered bool
			for _, e := range evs {
				sent = sent || (e.Kind == format.KindSyscallExit && e.Ret == 0 && e.Nr == int32(unix.SYS_KILL))
				delivered = delivered || (e.Kind == format.KindSignal && e.Signal.Signo == int32(sig))
			}
			if !sent || !delivered || int(tr.ExitStatus) != shellStatus(bare.status) {
				t.Errorf("signal %d, %s: trace has kill %v, the signal %v, exit status %d", sig, mode, sent, delivered, tr.ExitStatus)
			}
		}
	}
}

// token returns a duration in seconds for sleep, prefix followed by digits
// unique to this call, so that the process sleeping it can be found in
// /proc: "300.0" is about five minutes, "0.5" half a second.
func token(prefix string) string {
	return fmt.Sprintf("%s%d%06d", prefix, os.Getpid()%1000, time.Now().UnixNano()%1e6)
}

// withToken returns the pids of processes whose command line holds tok,
// a zombie's empty one never, and whether each is the program itself
// (its command is sleep) rather than trec's shim.
func withToken(tok string) map[int]string {
	found := map[int]string{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !bytes.Contains(cmdline, []byte(tok)) {
			continue
		}
		stat, _ := os.ReadFile("/proc/" + e.Name() + "/stat")
		found[pid] = string(stat)
	}
	return found
}

// waitForSleep waits until a sleep of tok runs (not the shim that will
// exec it), and fails the test after patience.
func waitForSleep(t *testing.T, tok string) {
	t.Helper()
	for deadline := time.Now().Add(patience); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		for _, stat := range withToken(tok) {
			if strings.Contains(stat, "(sleep) S") {
				return
			}
		}
	}
	t.Fatalf("sleep %s did not start", tok)
}

// A program killed by a signal kills trec with the same signal: a shell
// stops a script after a Ctrl-C to the job, Python sees a negative
// returncode, a terminal's Ctrl-C ends the shell that waits for trec.
// Each is compared with the same run without trec.
func TestDeathBySignalReachesTheParent(t *testing.T) {
	noCores(t)
	dir := t.TempDir()
	trace := filepath.Join(dir, "x.trc")
	self := os.Args[0]
	recordCmd := func(prog string) string {
		return fmt.Sprintf("%s=1 %s record -q -o %s -- %s", asCLI, self, trace, prog)
	}

	t.Run("bash", func(t *testing.T) {
		bash, err := exec.LookPath("bash")
		if err != nil {
			t.Skip("no bash")
		}
		// bash carries on after a child that exited 130 and stops after
		// one killed by SIGINT, when SIGINT came to it too.
		for _, traced := range []bool{false, true} {
			tok := token("300.0")
			prog := "sleep " + tok
			if traced {
				prog = recordCmd(prog)
			}
			e := runGroup(t, exec.Command(bash, "-c", prog+"; echo continued"), func(pid int) {
				waitForSleep(t, tok)
				syscall.Kill(-pid, syscall.SIGINT)
			})
			if !e.status.Signaled() || e.status.Signal() != syscall.SIGINT || e.out != "" {
				t.Errorf("traced %v: bash %v, want it killed by SIGINT before it echoes", traced, e)
			}
		}
	})

	t.Run("python", func(t *testing.T) {
		python, err := exec.LookPath("python3")
		if err != nil {
			t.Skip("no python3")
		}
		script := `import os, subprocess, sys
env = dict(os.environ, ` + asCLI + `="1")
for argv in ([], [sys.argv[1], "record", "-q", "-o", sys.argv[2], "--"]):
    p = subprocess.run(argv + ["sh", "-c", "kill -SEGV $$"], env=env)
    print(p.returncode)`
		out, err := exec.Command(python, "-c", script, self, trace).CombinedOutput()
		if err != nil || string(out) != "-11\n-11\n" {
			t.Errorf("python's returncode without and with trec: %q (%v), want -11 twice", out, err)
		}
	})

	t.Run("pty", func(t *testing.T) {
		for _, traced := range []bool{false, true} {
			tok := token("300.0")
			prog := "sleep " + tok
			if traced {
				prog = recordCmd(prog)
			}
			status, out := ctrlC(t, tok, "bash -c '"+prog+"; echo continued'")
			if !status.Signaled() || status.Signal() != syscall.SIGINT || strings.Contains(out, "continued") {
				t.Errorf("traced %v: Ctrl-C on the terminal: status %#x, output %q; want bash killed by SIGINT", traced, uint32(status), out)
			}
		}
	})
}

// ctrlC runs sh -c script as the session leader of a new terminal, types
// Ctrl-C once a sleep of tok runs, and returns the shell's wait status and
// what the terminal showed.
func ctrlC(t *testing.T, tok, script string) (syscall.WaitStatus, string) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	pts, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "-c", script)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pts, pts, pts
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	err = cmd.Start()
	pts.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Release()
	out := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(ptmx) // EIO once the terminal's last user is gone
		out <- string(b)
	}()
	watchdog := time.AfterFunc(time.Minute, func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	defer watchdog.Stop()
	waitForSleep(t, tok)
	ptmx.Write([]byte{3})
	var ws syscall.WaitStatus
	for {
		_, err := syscall.Wait4(cmd.Process.Pid, &ws, 0, nil)
		if err != syscall.EINTR {
			break
		}
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	reapGroup(cmd.Process.Pid)
	return ws, <-out
}

// Killed with SIGKILL at any time from its start, trec leaves nothing of
// the program behind, stopped or running untraced, and no trace file
// (killed before it wrote one) or one that reads as a trace, never an
// empty one. The kills are spread over the first 20 ms, where trec starts
// the shim and the shim the program; -long makes 200 of them.
func TestKillEarly(t *testing.T) {
	runs := 40
	if *long {
		runs = 200
	}
	dir := t.TempDir()
	// Where the file system has no O_TMPFILE, trec creates the file and
	// then writes the header: a kill in between leaves it empty.
	tmpfile := true
	if fd, err := unix.Open(dir, unix.O_WRONLY|unix.O_TMPFILE, 0o600); err != nil {
		tmpfile = false
	} else {
		unix.Close(fd)
	}
	var survivors, none, cut, empty int
	for i := range runs {
		delay := time.Duration(i%41) * 20 * time.Millisecond / 40
		tok := token("300.0")
		trace := filepath.Join(dir, strconv.Itoa(i)+".trc")
		cmd := trecCommand("record", "-q", "-o", trace, "--", "sleep", tok)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		cmd.Process.Kill()
		cmd.Wait()
		// The program dies with trec (SIGKILL, at once).
		if n := checkGone(t, tok); n > 0 {
			survivors += n
			t.Errorf("killed after %v, trec left %d processes behind", delay, n)
		}
		fi, err := os.Stat(trace)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			none++
		case err != nil:
			t.Fatal(err)
		case fi.Size() == 0:
			empty++
			if tmpfile {
				t.Errorf("killed after %v, trec left an empty trace", delay)
			}
		default:
			_, tr, err := readTraceFile(t, trace)
			switch {
			case tr != nil:
				t.Errorf("killed after %v: the trace has a trailer", delay)
			case errors.Is(err, format.ErrTruncated) || err == nil:
				cut++
			default:
				t.Errorf("killed after %v: a %d-byte trace reads as %v", delay, fi.Size(), err)
			}
		}
	}
	t.Logf("%d kills: %d left something behind; %d left no trace, %d a cut trace, %d an empty one", runs, survivors, none, cut, empty)
}

// reapOrphans reaps the zombies that were reparented to this process.
func reapOrphans() {
	for {
		var ws syscall.WaitStatus
		if pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG|unix.WALL, nil); pid <= 0 || err != nil {
			return
		}
	}
}

// recordArgs returns the arguments of trec record -q -o trace for argv.
func recordArgs(trace string, argv ...string) []string {
	return append([]string{"record", "-q", "-o", trace, "--"}, argv...)
}

// checkGone fails the test for each process whose command line holds tok
// after patience (a killed one can take that long to die on a loaded
// machine), kills it, and returns how many there were.
// Orphans come to this process, a subreaper since its first in-process
// recording: it reaps them.
func checkGone(t *testing.T, tok string) int {
	t.Helper()
	var left map[int]string
	for deadline := time.Now().Add(patience); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		reapOrphans()
		if left = withToken(tok); len(left) == 0 {
			return 0
		}
	}
	for pid, stat := range left {
		t.Errorf("left behind: pid %d: %s", pid, stat)
		syscall.Kill(pid, syscall.SIGKILL)
	}
	reapOrphans()
	return len(left)
}

// count returns the number of events of kind k, and of them those that
// pass keep when it is not nil.
func count(evs []format.Event, k format.Kind, keep func(*format.Event) bool) int {
	n := 0
	for i := range evs {
		if evs[i].Kind == k && (keep == nil || keep(&evs[i])) {
			n++
		}
	}
	return n
}

// SIGKILL to trec while the program runs kills the program with it; the
// trace reads up to its last complete frame.
func TestKillMidRun(t *testing.T) {
	steady := attackProg(t, "steady")
	tok := token("300.0")
	trace := filepath.Join(t.TempDir(), "x.trc")
	e := runGroup(t, trecCommand(recordArgs(trace, steady, tok)...), func(pid int) {
		// Frames end every 200 ms or 64 KiB: wait until complete ones
		// hold many calls.
		for deadline := time.Now().Add(patience); entriesSoFar(trace, nil) < 100 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		syscall.Kill(pid, syscall.SIGKILL)
	})
	if !e.status.Signaled() || e.status.Signal() != syscall.SIGKILL {
		t.Errorf("trec %v, want killed by SIGKILL", e)
	}
	checkGone(t, tok)
	evs, tr, err := readTraceFile(t, trace)
	if !errors.Is(err, format.ErrTruncated) || tr != nil || count(evs, format.KindSyscallEnter, nil) < 100 {
		t.Errorf("trace of a killed trec: %d events, trailer %v, %v; want many events, then truncation", len(evs), tr, err)
	}
}

// entriesSoFar returns the number of syscall entries in the complete
// frames of a trace being written, of those that keep passes when it is
// not nil; 0 while the trace does not exist.
func entriesSoFar(name string, keep func(*format.Event) bool) int {
	f, err := os.Open(name)
	if err != nil {
		return 0
	}
	defer f.Close()
	rd, err := format.NewReader(f)
	if err != nil {
		return 0
	}
	n := 0
	for {
		e, err := rd.Next()
		if err != nil {
			return n
		}
		if e.Kind == format.KindSyscallEnter && (keep == nil || keep(e)) {
			n++
		}
	}
}

// SIGINT and SIGTERM sent to trec alone do not stop the recording (as with
// strace -o FILE PROG): the program runs to its end, the trace is
// complete. Sent to the process group they reach the program, which dies
// of them, and trec with it, the trace complete.
func TestIntTermFromOutside(t *testing.T) {
	dir := t.TempDir()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		tok := token("0.5")
		trace := filepath.Join(dir, "alone.trc")
		e := runGroup(t, trecCommand(recordArgs(trace, "sleep", tok)...), func(pid int) {
			waitForSleep(t, tok)
			syscall.Kill(pid, sig)
		})
		evs, tr, err := readTraceFile(t, trace)
		if e.status.ExitStatus() != 0 || e.out != "" || err != nil || tr == nil || count(evs, format.KindSignal, nil) != 0 {
			t.Errorf("%v to trec alone: trec %v; trace %d events, trailer %v, %v", sig, e, len(evs), tr, err)
		}

		tok = token("300.0")
		trace = filepath.Join(dir, "group.trc")
		e = runGroup(t, trecCommand(recordArgs(trace, "sleep", tok)...), func(pid int) {
			waitForSleep(t, tok)
			syscall.Kill(-pid, sig)
		})
		evs, tr, err = readTraceFile(t, trace)
		died := func(e *format.Event) bool { return e.Exit.Signal == int32(sig) }
		if !e.status.Signaled() || e.status.Signal() != sig || err != nil || tr == nil || count(evs, format.KindExit, died) != 1 {
			t.Errorf("%v to the group: trec %v; trace %d events, trailer %v, %v", sig, e, len(evs), tr, err)
		}
		checkGone(t, tok)
	}
}

// A program killed from outside in the middle of a syscall: trec dies of
// the same signal, the trace has the call's entry, the exit and its
// trailer.
func TestKilledMidSyscall(t *testing.T) {
	tok := token("300.0")
	trace := filepath.Join(t.TempDir(), "x.trc")
	e := runGroup(t, trecCommand(recordArgs(trace, "sleep", tok)...), func(int) {
		waitForSleep(t, tok)
		for pid, stat := range withToken(tok) {
			if strings.Contains(stat, "(sleep)") {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	if !e.status.Signaled() || e.status.Signal() != syscall.SIGKILL {
		t.Errorf("trec %v, want killed by SIGKILL as the program was", e)
	}
	evs, tr, err := readTraceFile(t, trace)
	killed := func(e *format.Event) bool { return e.Exit.Signal == int32(syscall.SIGKILL) }
	if err != nil || tr == nil || tr.ExitStatus != 128+9 || count(evs, format.KindExit, killed) != 1 {
		t.Fatalf("trace: %d events, trailer %v, %v", len(evs), tr, err)
	}
	if last := evs[len(evs)-2]; last.Kind != format.KindSyscallEnter {
		t.Errorf("the event before the exit is a %v, want the entry of the sleep's last syscall", last.Kind)
	}
}

// A trace that cannot be written (a full file system) ends the recording:
// trec kills the program, says why and exits 1, and what it wrote reads up
// to its last complete frame.
func TestFullFileSystem(t *testing.T) {
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size=256k"); err != nil {
		t.Skipf("cannot mount a small tmpfs here (%v): the full file system is not tested", err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
	tok := token("300.0")
	trace := filepath.Join(dir, "x.trc")
	e := runGroup(t, trecCommand("record", "-o", trace, "--", attackProg(t, "steady"), tok), nil)
	if e.status.ExitStatus() != 1 || !strings.Contains(e.out, "no space left on device") || strings.Count(e.out, "\n") != 1 {
		t.Errorf("recording onto a full file system: trec %v; want exit 1 and one line saying why", e)
	}
	checkGone(t, tok)
	evs, tr, err := readTraceFile(t, trace)
	if !errors.Is(err, format.ErrTruncated) || tr != nil || len(evs) == 0 {
		t.Errorf("the cut trace: %d events, trailer %v, %v; want events, then truncation", len(evs), tr, err)
	}
}

// Many processes and threads: 2000 forks one after another, 1000 threads
// alive at once. The program behaves as without trec and the trace counts
// every one.
func TestManyProcessesAndThreads(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		prog, arg, out string
		procs, threads uint32
	}{
		{"forks", "2000", "reaped 2000\n", 2001, 2001},
		{"threads", "1000", "sum 499500\n", 1, 1001},
	} {
		trace := filepath.Join(dir, tc.prog+".trc")
		e := runGroup(t, trecCommand(recordArgs(trace, attackProg(t, tc.prog), tc.arg)...), nil)
		_, tr, err := readTraceFile(t, trace)
		if e.status.ExitStatus() != 0 || e.out != tc.out || err != nil || tr == nil || tr.Processes != tc.procs || tr.Threads != tc.threads {
			t.Errorf("%s %s: trec %v; trailer %v, %v; want %d processes and %d threads", tc.prog, tc.arg, e, tr, err, tc.procs, tc.threads)
		}
	}
}

// Programs that meet the system's limits and ptrace itself behave as
// without trec, or, where being traced shows, as under strace: a fork bomb
// bounded by RLIMIT_NPROC, PTRACE_TRACEME (fails, the program is traced
// already), a program started with every signal blocked.
func TestLimitsAndPtrace(t *testing.T) {
	noCores(t)
	dir := t.TempDir()
	trace := filepath.Join(dir, "x.trc")
	blockexec := attackProg(t, "blockexec")
	for _, argv := range [][]string{
		{attackProg(t, "forkbomb"), "64"},
		{blockexec, "grep", "SigBlk", "/proc/self/status"},
		{blockexec, attackProg(t, "sigself"), "15"},
	} {
		bare := runGroup(t, exec.Command(argv[0], argv[1:]...), nil)
		traced := runGroup(t, trecCommand(recordArgs(trace, argv...)...), nil)
		if !traced.same(bare) {
			t.Errorf("%q: under trec %v; without %v", argv, traced, bare)
		}
		if _, tr, err := readTraceFile(t, trace); err != nil || tr == nil {
			t.Errorf("%q: trace cut: %v", argv, err)
		}
	}
	// trec itself started with every signal blocked: the program inherits
	// the mask (where trec knows it, see haveCgo), and sh unblocks them.
	for _, argv := range [][]string{
		{"grep", "SigBlk", "/proc/self/status"},
		{"sh", "-c", attackProg(t, "sigself") + " 15"},
	} {
		bare := runGroup(t, exec.Command(blockexec, argv...), nil)
		cmd := trecCommand(recordArgs(trace, argv...)...)
		cmd.Path, cmd.Args = blockexec, append([]string{blockexec}, cmd.Args...)
		traced := runGroup(t, cmd, nil)
		if !traced.same(bare) && (haveCgo || argv[0] != "grep") {
			t.Errorf("%q with every signal blocked: under trec %v; without %v", argv, traced, bare)
		}
	}

	traceme := attackProg(t, "traceme")
	want := "traceme -1 Operation not permitted\nchild exited 0\n"
	if strace, err := exec.LookPath("strace"); err == nil {
		want = runGroup(t, exec.Command(strace, "-f", "-o", filepath.Join(dir, "strace.out"), traceme), nil).out
	}
	if e := runGroup(t, trecCommand(recordArgs(trace, traceme)...), nil); e.status.ExitStatus() != 0 || e.out != want {
		t.Errorf("PTRACE_TRACEME under trec: %v; want %q as under strace", e, want)
	}
}

// rss returns the resident memory of process pid in KiB, 0 when it is gone.
func rss(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	_, v, _ := strings.Cut(string(b), "\nVmRSS:")
	kib, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.SplitN(v, "\n", 2)[0], "kB")))
	return kib
}

// Recording a program that makes syscalls steadily, trec's memory stays
// flat: the largest resident size of the recording's last third is within
// a few MiB of the first third's. Two seconds here, ten minutes with
// -long.
func TestSteadyMemory(t *testing.T) {
	secs := 2.0
	if *long {
		secs = 600
	}
	trace := filepath.Join(t.TempDir(), "x.trc")
	var samples []int
	e := runGroup(t, trecCommand(recordArgs(trace, attackProg(t, "steady"), fmt.Sprint(secs))...), func(pid int) {
		for {
			time.Sleep(50 * time.Millisecond)
			kib := rss(pid)
			if kib == 0 {
				return
			}
			samples = append(samples, kib)
		}
	})
	events := 0
	_, tr, err := walkTraceFile(t, trace, func(*format.Event) { events++ })
	if e.out != "ran 1\n" || err != nil || tr == nil {
		t.Fatalf("trec %v; trace %d events, %v", e, events, err)
	}
	third := len(samples) / 3
	if third < 5 {
		t.Fatalf("only %d samples of trec's memory", len(samples))
	}
	first, last := slices.Max(samples[:third]), slices.Max(samples[len(samples)-third:])
	t.Logf("%d events in %.0f s; trec's resident memory: %d KiB at most in the first third, %d KiB in the last", events, secs, first, last)
	if last > first+8<<10 {
		t.Errorf("trec's memory grew from %d KiB to %d KiB while recording steady syscalls", first, last)
	}
}

// -s is capped: a larger value is a usage error, and at the cap every
// trace reads back, whatever the program writes: one buffer over the cap is
// cut at it, the captures of one event stop at it in all (a writev of 1024
// buffers of 32 MiB), and trec's memory stays bounded.
func TestLargeCaptures(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "x.trc")
	const max = 16 << 20
	_, stderr, code := trec(t, nil, "record", "-o", trace, "-s", strconv.Itoa(max+1), "--", "true")
	if code != 2 || !strings.Contains(stderr, strconv.Itoa(max)) {
		t.Errorf("-s over the cap: exit %d, %q; want 2 and the cap", code, stderr)
	}
	cmd := trecCommand("record", "-q", "-s", strconv.Itoa(max), "-o", trace, "--", attackProg(t, "bigwrite"), "32", "2")
	e := runGroup(t, cmd, nil)
	if e.status.ExitStatus() != 0 || e.out != "wrote\n" {
		t.Fatalf("trec %v", e)
	}
	if e.rusage.Maxrss > 512<<10 {
		t.Errorf("trec's resident memory peaked at %d MiB", e.rusage.Maxrss>>10)
	}
	t.Logf("trec's resident memory peaked at %d MiB", e.rusage.Maxrss>>10)
	var writes, writevs int
	h, tr, err := walkTraceFile(t, trace, func(e *format.Event) {
		if e.Kind != format.KindSyscallEnter || (e.Nr != unix.SYS_WRITE && e.Nr != unix.SYS_WRITEV) {
			return
		}
		data := 0
		for _, c := range e.Captures {
			data += len(c.Data)
		}
		switch {
		case e.Nr == unix.SYS_WRITE && e.Args[2] == 32<<20:
			writes++
			if data != max || e.Captures[0].Size != 32<<20 {
				t.Errorf("write of 32 MiB: %d bytes captured, size %d", data, e.Captures[0].Size)
			}
		case e.Nr == unix.SYS_WRITEV:
			writevs++
			if data != max || len(e.Captures) != 1024 || e.Captures[1023].Size != 32<<20 {
				t.Errorf("writev of 1024 x 32 MiB: %d bytes in %d captures", data, len(e.Captures))
			}
		}
	})
	if err != nil || tr == nil {
		t.Fatalf("reading the trace: %v", err)
	}
	if got := h.GetOptions().GetCaptureSize(); got != max {
		t.Errorf("header's capture size %d, want %d", got, max)
	}
	if writes != 2 || writevs != 1 {
		t.Errorf("%d large writes and %d writevs in the trace, want 2 and 1", writes, writevs)
	}
}
