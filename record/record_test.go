package record

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/record/internal/startstate"
)

func TestLsHeaderAndOpenat(t *testing.T) {
	r := mustRecord(t, 0, "ls", "-la", "/")
	h := r.header
	if h == nil || h.Clock != "CLOCK_MONOTONIC" || h.Arch != nativeArch.String() ||
		h.KernelRelease == "" || h.PageSize != uint32(os.Getpagesize()) ||
		!slices.Equal(h.Argv, []string{"ls", "-la", "/"}) || h.Options.GetCpu() < 0 || int(h.Options.GetCpu()) >= runtime.NumCPU() || h.Options.GetSeccomp() || h.Options.GetCaptureSize() != 4096 {
		t.Errorf("header: %v", h)
	}
	if r.res.Processes != 1 || r.res.Threads != 1 {
		t.Errorf("processes %d threads %d, want 1 and 1", r.res.Processes, r.res.Threads)
	}
	// The trace starts at the target's execve: nothing of the shim.
	first := r.events[0]
	if first.Kind != format.KindSyscallEnter || first.Nr != r.nr("execve") {
		t.Fatalf("first event is not execve's enter:\n%s", r.dump())
	}
	if p, _ := capture(&first, 0); !strings.HasSuffix(string(p), "/ls") {
		t.Errorf("execve path %q", p)
	}
	ex := r.kind(format.KindExec)
	if len(ex) != 1 || !strings.HasSuffix(ex[0].Exec.Path, "/ls") || !slices.Equal(ex[0].Exec.Argv, []string{"ls", "-la", "/"}) {
		t.Errorf("exec events: %+v", ex)
	}
	opened := false
	for _, c := range r.calls("openat") {
		if p, _ := capture(c.enter, 1); string(p) == "/" && c.exit != nil && c.exit.Ret >= 0 {
			opened = true
		}
	}
	if !opened {
		t.Errorf("no successful openat of \"/\"\n%s", r.dump())
	}
	if got := r.writes(1, nil); got != r.stdout {
		t.Errorf("captured writes to stdout differ from stdout:\n%q\n%q", got, r.stdout)
	}
}

// inPlacements runs f pinned (the default) and with NoPin, where the
// tracer waits for stops differently and they arrive in other orders.
func inPlacements(t *testing.T, f func(t *testing.T, opts Options)) {
	for _, nopin := range []bool{false, true} {
		name := "pinned"
		if nopin {
			name = "nopin"
		}
		t.Run(name, func(t *testing.T) { f(t, Options{NoPin: nopin}) })
	}
}

func TestThreadsWriteConcurrently(t *testing.T) {
	inPlacements(t, testThreadsWriteConcurrently)
}

func testThreadsWriteConcurrently(t *testing.T, opts Options) {
	opts.Argv = []string{prog("threads")}
	r := mustRecordWith(t, 0, opts)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 8*50+1 || lines[len(lines)-1] != "done" {
		t.Fatalf("stdout has %d lines:\n%s", len(lines), r.stdout)
	}
	threads := map[int32]bool{}
	for _, c := range r.kind(format.KindClone) {
		if c.Clone.Kind != format.CloneThread {
			t.Errorf("clone kind %v, want thread", c.Clone.Kind)
		}
		threads[c.Clone.Child] = true
	}
	if len(threads) != 8 || r.res.Threads != 9 || r.res.Processes != 1 {
		t.Fatalf("%d thread clones, Threads %d, Processes %d", len(threads), r.res.Threads, r.res.Processes)
	}
	perTid := map[int32]int{}
	seen := map[string]bool{}
	for _, c := range r.calls("write") {
		d, ok := capture(c.enter, 1)
		if !ok || c.enter.Args[0] != 1 || string(d) == "done\n" {
			continue
		}
		var k, tid, line int
		if _, err := fmt.Sscanf(string(d), "thread %d tid %d line %d\n", &k, &tid, &line); err != nil {
			t.Fatalf("write %q: %v", d, err)
		}
		if int32(tid) != c.enter.Tid || c.enter.Pid != r.initialPid(t) {
			t.Errorf("write %q recorded on tid %d pid %d", d, c.enter.Tid, c.enter.Pid)
		}
		if c.exit == nil || c.exit.Ret != int64(len(d)) {
			t.Errorf("write %q: exit %v", d, c.exit)
		}
		perTid[c.enter.Tid]++
		seen[string(d)] = true
	}
	for tid := range threads {
		if perTid[tid] != 50 {
			t.Errorf("thread %d: %d writes recorded, want 50", tid, perTid[tid])
		}
		if e := r.exitOf(tid); e == nil || !e.Exit.Thread || e.Pid != r.initialPid(t) {
			t.Errorf("thread %d: exit event %v", tid, e)
		}
	}
	for _, l := range lines[:len(lines)-1] {
		if !seen[l+"\n"] {
			t.Errorf("line %q is not in the trace", l)
		}
	}
}

func TestForkTree(t *testing.T) {
	inPlacements(t, testForkTree)
}

func testForkTree(t *testing.T, opts Options) {
	opts.Argv = []string{prog("forktree")}
	r := mustRecordWith(t, 0, opts)
	depth := map[int32]int{}
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var pid, d int
		if n, _ := fmt.Sscanf(l, "process %d depth %d", &pid, &d); n == 2 {
			depth[int32(pid)] = d
		} else if l != "root done" {
			t.Errorf("stdout line %q", l)
		}
	}
	if len(depth) != 14 {
		t.Fatalf("%d processes printed, want 14:\n%s", len(depth), r.stdout)
	}
	if r.res.Processes != 15 {
		t.Errorf("Processes %d, want 15", r.res.Processes)
	}
	children := map[int32]bool{}
	for _, c := range r.kind(format.KindClone) {
		if c.Clone.Kind != format.CloneFork || c.Clone.Flags&0xff != uint64(syscall.SIGCHLD) {
			t.Errorf("clone %+v, want a fork with SIGCHLD", c.Clone)
		}
		child := c.Clone.Child
		children[child] = true
		d, ok := depth[child]
		if !ok {
			t.Errorf("forked child %d never printed", child)
			continue
		}
		e := r.exitOf(child)
		if e == nil || e.Pid != child || e.Exit.Thread || int(e.Exit.Code) != d {
			t.Errorf("child %d (depth %d): exit event %+v", child, d, e)
		}
		if r.index(e) < r.index(c) {
			t.Errorf("child %d exits before its fork event", child)
		}
	}
	if len(children) != 14 {
		t.Errorf("%d fork events, want 14", len(children))
	}
	reaped := map[int32]bool{}
	for _, c := range r.calls("wait4") {
		if c.exit != nil && c.exit.Ret > 0 {
			reaped[int32(c.exit.Ret)] = true
		}
	}
	for c := range children {
		if !reaped[c] {
			t.Errorf("child %d was never reaped by a recorded wait4", c)
		}
	}
}

func TestVforkExec(t *testing.T) {
	r := mustRecord(t, 0, prog("vforkexec"))
	clones := r.kind(format.KindClone)
	if len(clones) != 1 || clones[0].Clone.Kind != format.CloneVfork || clones[0].Clone.Flags&syscall.CLONE_VFORK == 0 {
		t.Fatalf("clone events %+v\n%s", clones, r.dump())
	}
	child := clones[0].Clone.Child
	wantStdout(t, r, fmt.Sprintf("hello from vfork\nchild %d exited 0\n", child))
	var exec *format.Event
	for _, e := range r.kind(format.KindExec) {
		if e.Tid == child {
			exec = e
		}
	}
	if exec == nil || exec.Exec.Path != "/bin/echo" || !slices.Equal(exec.Exec.Argv, []string{"echo", "hello from vfork"}) || exec.Exec.OldTid != 0 {
		t.Fatalf("child's exec event %+v\n%s", exec, r.dump())
	}
	if got := r.writes(1, func(tid int32) bool { return tid == child }); got != "hello from vfork\n" {
		t.Errorf("child wrote %q", got)
	}
	if e := r.exitOf(child); e == nil || e.Exit.Code != 0 || e.Exit.Thread {
		t.Errorf("child's exit %+v", e)
	}
}

func TestExecFromNonLeaderThread(t *testing.T) {
	r := mustRecord(t, 0, prog("threadexec"))
	wantStdout(t, r, "exec from a thread\n")
	pid := r.initialPid(t)
	clones := r.kind(format.KindClone)
	if len(clones) != 1 || clones[0].Clone.Kind != format.CloneThread {
		t.Fatalf("clone events %+v", clones)
	}
	thread := clones[0].Clone.Child
	ex := r.kind(format.KindExec)
	if len(ex) != 2 {
		t.Fatalf("%d exec events, want 2\n%s", len(ex), r.dump())
	}
	e := ex[1]
	if e.Tid != pid || e.Pid != pid || e.Exec.OldTid != thread || e.Exec.Path != "/bin/echo" ||
		!slices.Equal(e.Exec.Argv, []string{"echo", "exec from a thread"}) {
		t.Errorf("exec event %+v, want tid %d old tid %d", e, pid, thread)
	}
	if got := r.writes(1, func(tid int32) bool { return tid == pid }); got != "exec from a thread\n" {
		t.Errorf("echo's write after the exec: %q\n%s", got, r.dump())
	}
}

func TestSignalHandler(t *testing.T) {
	r := mustRecord(t, 0, prog("signals"), "handler")
	wantStdout(t, r, "handled signal 10\nafter signal\n")
	pid := r.initialPid(t)
	sigs := r.kind(format.KindSignal)
	if len(sigs) != 1 {
		t.Fatalf("signal events %+v", sigs)
	}
	s := sigs[0].Signal
	if s.Signo != int32(syscall.SIGUSR1) || s.Code != 0 || s.SenderPid != pid || s.SenderUid != uint32(os.Getuid()) {
		t.Errorf("signal %+v, want SIGUSR1 from %d (SI_USER)", s, pid)
	}
	if len(r.calls("rt_sigreturn")) != 1 {
		t.Errorf("want one rt_sigreturn")
	}
}

// A read interrupted by a handled signal without SA_RESTART: the kernel
// ends it with -ERESTARTSYS, delivers the signal, and rt_sigreturn returns
// -EINTR into the program's read. The program sees EINTR.
func TestReadInterruptedEINTR(t *testing.T) {
	r := mustRecord(t, 0, prog("signals"), "eintr")
	wantStdout(t, r, "read returned -1 errno Interrupted system call\n")
	reads := pipeReads(t, r)
	if len(reads) != 1 || reads[0].exit == nil || reads[0].exit.Ret != -512 {
		t.Fatalf("reads %+v, want one ending with -ERESTARTSYS\n%s", reads, r.dump())
	}
	sig := nextOfKind(r, reads[0].exitIdx, format.KindSignal)
	if sig == nil || sig.Signal.Signo != int32(syscall.SIGALRM) || sig.Signal.Code != 0x80 {
		t.Fatalf("signal after the read: %+v", sig)
	}
	ret := r.calls("rt_sigreturn")
	if len(ret) != 1 || ret[0].exit == nil || ret[0].exit.Ret != -int64(syscall.EINTR) {
		t.Errorf("rt_sigreturn %+v, want -EINTR", ret)
	}
}

// With SA_RESTART the same read is entered again after the handler, and
// completes with the byte the handler wrote.
func TestReadRestarted(t *testing.T) {
	r := mustRecord(t, 0, prog("signals"), "restart")
	wantStdout(t, r, "read returned 1 errno none\n")
	reads := pipeReads(t, r)
	if len(reads) != 2 || reads[0].exit == nil || reads[0].exit.Ret != -512 || reads[1].exit == nil || reads[1].exit.Ret != 1 {
		t.Fatalf("reads %+v, want -ERESTARTSYS then 1\n%s", reads, r.dump())
	}
	if d, _ := capture(reads[1].exit, 1); string(d) != "x" {
		t.Errorf("restarted read captured %q", d)
	}
	sig := nextOfKind(r, reads[0].exitIdx, format.KindSignal)
	if sig == nil || sig.Signal.Signo != int32(syscall.SIGALRM) || r.index(sig) > reads[1].enterIdx {
		t.Errorf("no SIGALRM between the two reads: %+v", sig)
	}
}

// pipeReads returns the reads of the signals program from its pipe (the
// lowest fd it reads after pipe2 is the pipe's read end).
func pipeReads(t *testing.T, r *recording) []call {
	t.Helper()
	var fd int32 = -1
	after := 0
	for _, c := range r.calls("pipe2") {
		if d, ok := capture(c.exit, 0); ok && len(d) == 8 {
			fd, after = int32(d[0])|int32(d[1])<<8, c.exitIdx
		}
	}
	if fd < 0 {
		t.Fatalf("no pipe2 with captured fds\n%s", r.dump())
	}
	var out []call
	for _, c := range r.calls("read") {
		if int32(c.enter.Args[0]) == fd && c.enterIdx > after {
			out = append(out, c)
		}
	}
	return out
}

func nextOfKind(r *recording, from int, k format.Kind) *format.Event {
	for i := from + 1; i < len(r.events); i++ {
		if r.events[i].Kind == k {
			return &r.events[i]
		}
	}
	return nil
}

func TestChildStopsAndIsContinued(t *testing.T) {
	r := mustRecord(t, 0, prog("stopcont"))
	wantStdout(t, r, "child stopped by signal 19\nchild resumed\nchild exited 3\n")
	pid := r.initialPid(t)
	clones := r.kind(format.KindClone)
	if len(clones) != 1 {
		t.Fatalf("clone events %+v", clones)
	}
	child := clones[0].Clone.Child
	var stop, sigstop, sigcont *format.Event
	for i := range r.events {
		e := &r.events[i]
		switch {
		case e.Kind == format.KindStop && e.Tid == child:
			stop = e
		case e.Kind == format.KindSignal && e.Tid == child && e.Signal.Signo == int32(syscall.SIGSTOP):
			sigstop = e
		case e.Kind == format.KindSignal && e.Tid == child && e.Signal.Signo == int32(syscall.SIGCONT):
			sigcont = e
		}
	}
	if sigstop == nil || stop == nil || stop.Signal.Signo != int32(syscall.SIGSTOP) || r.index(stop) < r.index(sigstop) {
		t.Errorf("SIGSTOP %+v then group-stop %+v\n%s", sigstop, stop, r.dump())
	}
	if sigcont == nil || sigcont.Signal.SenderPid != pid || r.index(sigcont) < r.index(stop) {
		t.Errorf("SIGCONT from %d after the stop: %+v", pid, sigcont)
	}
	if e := r.exitOf(child); e == nil || e.Exit.Code != 3 {
		t.Errorf("child's exit %+v", e)
	}
}

func TestSegfault(t *testing.T) {
	r := mustRecord(t, 139, prog("segv"))
	wantStdout(t, r, "about to crash\n")
	sigs := r.kind(format.KindSignal)
	if len(sigs) != 1 || sigs[0].Signal.Signo != int32(syscall.SIGSEGV) || sigs[0].Signal.Addr != 0 || sigs[0].Signal.Code != 1 {
		t.Errorf("signal events %+v, want SIGSEGV SEGV_MAPERR at 0", sigs)
	}
	e := r.exitOf(r.initialPid(t))
	if e == nil || e.Exit.Signal != int32(syscall.SIGSEGV) || e.Exit.CoreDumped || e.Exit.Status() != 139 {
		t.Errorf("exit event %+v", e)
	}
}

func TestExitCode(t *testing.T) {
	r := mustRecord(t, 42, "sh", "-c", "exit 42")
	if e := r.exitOf(r.initialPid(t)); e == nil || e.Exit.Code != 42 {
		t.Errorf("exit event %+v", e)
	}
	if ex := r.calls("exit_group"); len(ex) != 1 || ex[0].enter.Args[0] != 42 || ex[0].exit != nil {
		t.Errorf("exit_group calls %+v", ex)
	}
}

func TestThreadExitsWhileOthersRead(t *testing.T) {
	r := mustRecord(t, 0, prog("threadexit"))
	var quitter int32
	for _, l := range strings.Split(r.stdout, "\n") {
		fmt.Sscanf(l, "quitter %d exits", &quitter)
	}
	want := fmt.Sprintf("quitter %d exits\nreader 0 got 1\nreader 1 got 1\nall done\n", quitter)
	wantStdout(t, r, want)
	e := r.exitOf(quitter)
	if e == nil || !e.Exit.Thread || e.Exit.Code != 0 {
		t.Fatalf("quitter's exit %+v\n%s", e, r.dump())
	}
	blocked := 0
	for _, c := range r.calls("read") {
		if c.enter.Tid != r.initialPid(t) && c.enterIdx < r.index(e) && c.exitIdx > r.index(e) && c.exit.Ret == 1 {
			blocked++
		}
	}
	if blocked != 2 {
		t.Errorf("%d reads span the thread's exit, want 2\n%s", blocked, r.dump())
	}
	if r.res.Threads != 4 {
		t.Errorf("Threads %d, want 4", r.res.Threads)
	}
}

func TestOrphanOutlivesParent(t *testing.T) {
	r := mustRecord(t, 0, prog("orphan"))
	var grand int32
	for _, l := range strings.Split(r.stdout, "\n") {
		fmt.Sscanf(l, "grandchild %d done", &grand)
	}
	wantStdout(t, r, fmt.Sprintf("parent done\ngrandchild %d done\n", grand))
	if got := r.writes(1, func(tid int32) bool { return tid == grand }); got != fmt.Sprintf("grandchild %d done\n", grand) {
		t.Errorf("grandchild's recorded write %q", got)
	}
	ge, pe := r.exitOf(grand), r.exitOf(r.initialPid(t))
	if ge == nil || ge.Exit.Code != 7 || pe == nil || r.index(ge) < r.index(pe) {
		t.Errorf("grandchild exit %+v should follow the parent's %+v", ge, pe)
	}
	if r.res.Processes != 3 || r.res.Duration < 300*time.Millisecond {
		t.Errorf("Processes %d Duration %v", r.res.Processes, r.res.Duration)
	}
}

func TestPipe64MiB(t *testing.T) {
	const size = 64 << 20
	r := mustRecord(t, 0, "sh", "-c", fmt.Sprintf("head -c %d /dev/zero | cat > /dev/null", size))
	roles := map[int32]string{}
	for _, e := range r.kind(format.KindExec) {
		roles[e.Pid] = filepath.Base(e.Exec.Path)
	}
	var headOut, catIn int64
	for _, c := range r.calls("write") {
		if roles[c.enter.Pid] == "head" && c.enter.Args[0] == 1 && c.exit != nil && c.exit.Ret > 0 {
			headOut += c.exit.Ret
		}
	}
	reads, captured := 0, 0
	for _, c := range r.calls("read") {
		if roles[c.enter.Pid] == "cat" && c.enter.Args[0] == 0 && c.exit != nil && c.exit.Ret > 0 {
			catIn += c.exit.Ret
			reads++
			if d, ok := capture(c.exit, 1); ok && len(d) == min(int(c.exit.Ret), 4096) && !bytes.ContainsFunc(d, func(r rune) bool { return r != 0 }) {
				captured++
			}
		}
	}
	if headOut != size || catIn != size {
		t.Errorf("head wrote %d, cat read %d; want %d each (roles %v)", headOut, catIn, size, roles)
	}
	if captured != reads {
		t.Errorf("%d of %d reads captured as zeros", captured, reads)
	}
	t.Logf("%d events, %d reads by cat, %v", r.res.Events, reads, r.res.Duration)
}

func TestGoProgramPreempted(t *testing.T) {
	r := mustRecord(t, 0, prog("goprog"))
	wantStdout(t, r, "goroutines done, total 36\n")
	urg := 0
	for _, s := range r.kind(format.KindSignal) {
		if s.Signal.Signo == int32(syscall.SIGURG) {
			urg++
		}
	}
	if urg == 0 {
		t.Errorf("no SIGURG recorded")
	}
	t.Logf("%d SIGURG, %d threads, %d events", urg, r.res.Threads, r.res.Events)
}

func TestProgramNotFound(t *testing.T) {
	for _, name := range []string{"trec-no-such-program", "/no/such/program"} {
		r := record(t, Options{Argv: []string{name, "x"}})
		var se *StartError
		if !errors.As(r.err, &se) || se.ExitCode() != 127 || !strings.HasPrefix(se.Error(), name+": ") {
			t.Errorf("%s: err %v, want a StartError with exit code 127", name, r.err)
		}
		if r.header != nil {
			t.Errorf("%s: a trace was written", name)
		}
	}
}

func TestProgramNotExecutable(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	garbage := filepath.Join(dir, "garbage")
	os.WriteFile(plain, []byte("#!/bin/sh\necho hi\n"), 0o644)
	os.WriteFile(garbage, []byte{0x7f, 'E', 'L', 'F', 1, 2, 3}, 0o755)
	for _, name := range []string{plain, dir, garbage} {
		r := record(t, Options{Argv: []string{name}})
		var se *StartError
		if !errors.As(r.err, &se) || se.ExitCode() != 126 {
			t.Errorf("%s: err %v, want a StartError with exit code 126", name, r.err)
		}
		if r.header != nil {
			t.Errorf("%s: a trace was written", name)
		}
	}
}

// The program's stdout, stderr, environment, working directory, stdin and
// exit status are what they are without trec.
func TestProgramSeesNoDifference(t *testing.T) {
	dir := t.TempDir()
	script := `echo out; echo err >&2; pwd; env | sort; cat; trap 'echo trapped' CHLD; sleep 0 & wait; exit 5`
	env := []string{"FOO=bar", "PATH=" + os.Getenv("PATH"), "EMPTY="}
	input := filepath.Join(dir, "input")
	os.WriteFile(input, []byte("from stdin\n"), 0o644)

	run := func(recorded bool) (stdout, stderr string, status int) {
		o, _ := os.Create(filepath.Join(dir, "o"))
		e, _ := os.Create(filepath.Join(dir, "e"))
		in, _ := os.Open(input)
		defer o.Close()
		defer e.Close()
		defer in.Close()
		argv := []string{"sh", "-c", script}
		if recorded {
			res, err := Run(context.Background(), Options{Argv: argv, Env: env, Dir: dir, Stdin: in, Stdout: o, Stderr: e, CaptureSize: 4096}, &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			status = res.ExitStatus
			checkNothingLeft(t)
		} else {
			cmd := exec.Command("/bin/sh", argv[1:]...)
			cmd.Env, cmd.Dir, cmd.Stdin, cmd.Stdout, cmd.Stderr = env, dir, in, o, e
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("direct run: %v", err)
			}
			status = ee.ExitCode()
		}
		ob, _ := os.ReadFile(o.Name())
		eb, _ := os.ReadFile(e.Name())
		return string(ob), string(eb), status
	}
	o1, e1, s1 := run(false)
	o2, e2, s2 := run(true)
	if o1 != o2 || e1 != e2 || s1 != s2 {
		t.Errorf("direct: status %d stdout:\n%s\nstderr:\n%s\nrecorded: status %d stdout:\n%s\nstderr:\n%s", s1, o1, e1, s2, o2, e2)
	}
	if !strings.Contains(o2, "FOO=bar") || !strings.Contains(o2, "from stdin") || !strings.Contains(o2, "trapped") {
		t.Errorf("unexpected output:\n%s", o2)
	}
	// Run leaves SIGCHLD as it found it.
	if sigchldIgnored() {
		t.Errorf("SIGCHLD is still ignored")
	}
}

// Cancelling Run kills the program and its children, however long they
// would run, and closes the trace.
func TestCancel(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel once both children are started: the shell says so.
	go func() {
		bufio.NewReader(pr).ReadString('\n')
		cancel()
	}()
	var trace bytes.Buffer
	res, err := Run(ctx, Options{Argv: []string{"sh", "-c", "sleep 300 & sleep 300 & echo started; wait"}, Stdout: pw}, &trace)
	pw.Close()
	checkNothingLeft(t)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
	if res.ExitStatus != 128+9 {
		t.Errorf("exit status %d, want %d", res.ExitStatus, 128+9)
	}
	r := readTrace(t, &trace)
	clones := 0
	for _, e := range r.events {
		if e.Kind == format.KindClone {
			clones++
		}
	}
	if clones < 2 {
		t.Errorf("%d clones before the cancel, want the shell's two children:\n%s", clones, r.dump())
	}
}

// A recording cancelled before the program's exec says that it was
// cancelled, not that the program failed to start.
func TestCancelBeforeExec(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var trace bytes.Buffer
	res, err := Run(ctx, Options{Argv: []string{"true"}}, &trace)
	checkNothingLeft(t)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want %v", err, context.Canceled)
	}
	if res.ExitStatus != 128+9 {
		t.Errorf("exit status %d, want %d", res.ExitStatus, 128+9)
	}
	r := readTrace(t, &trace)
	for _, e := range r.events {
		if e.Kind == format.KindExec {
			t.Errorf("the program ran: %s", r.dump())
			break
		}
	}
}

func TestFilter(t *testing.T) {
	r := record(t, Options{Argv: []string{"ls", "/"}, Filter: "openat,close"})
	if r.err != nil || r.res.ExitStatus != 0 {
		t.Fatal(r.err, r.res)
	}
	kinds := map[format.Kind]int{}
	for _, e := range r.events {
		kinds[e.Kind]++
		if (e.Kind == format.KindSyscallEnter || e.Kind == format.KindSyscallExit) && e.Nr != r.nr("openat") && e.Nr != r.nr("close") {
			t.Errorf("filtered trace holds %s", r.table.Name(int(e.Nr)))
		}
	}
	if kinds[format.KindExec] != 1 || kinds[format.KindExit] != 1 || len(r.calls("openat")) == 0 {
		t.Errorf("event kinds %v", kinds)
	}
	if r.header.Options.GetFilter() != "openat,close" {
		t.Errorf("header filter %q", r.header.Options.GetFilter())
	}
}

// sigchldIgnored reports whether this process ignores SIGCHLD.
func sigchldIgnored() bool {
	b, _ := os.ReadFile("/proc/self/status")
	return sigIgnored(string(b))&(1<<(syscall.SIGCHLD-1)) != 0
}

// sigIgnored returns the SigIgn mask of a /proc/PID/status text.
func sigIgnored(status string) uint64 {
	for line := range strings.SplitSeq(status, "\n") {
		if v, ok := strings.CutPrefix(line, "SigIgn:"); ok {
			var mask uint64
			fmt.Sscanf(strings.TrimSpace(v), "%x", &mask)
			return mask
		}
	}
	return 0
}

// The program inherits the signal dispositions the caller of Run started
// with, not the ones it set since: an ignored signal survives the shim's
// exec unless the shim resets it.
func TestProgramGetsStartDispositions(t *testing.T) {
	start, exact := startstate.At()
	if !exact {
		t.Skip("the start state is not known in this build")
	}
	sigs := []syscall.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGUSR1, syscall.SIGPIPE}
	// signal.Reset leaves SIG_IGN in the kernel where the runtime had a
	// handler, which later tests' programs would inherit: the kernel's
	// struct sigaction is saved and put back as it was.
	saved := make([][4]uint64, len(sigs))
	for i, sig := range sigs {
		unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), 0, uintptr(unsafe.Pointer(&saved[i])), 8, 0, 0)
		signal.Ignore(sig)
	}
	r := record(t, Options{Argv: []string{"grep", "SigIgn", "/proc/self/status"}})
	for i, sig := range sigs {
		signal.Reset(sig)
		unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&saved[i])), 0, 8, 0, 0)
	}
	if r.err != nil || r.res.ExitStatus != 0 {
		t.Fatalf("Run: %v, status %d", r.err, r.res.ExitStatus)
	}
	got := sigIgnored(r.stdout)
	for _, sig := range sigs {
		bit := uint64(1) << (sig - 1)
		if got&bit != start.Ignored&bit {
			t.Errorf("%v: program's SigIgn %#x, start state %#x", sig, got, start.Ignored)
		}
	}
}

// failingWriter accepts n bytes, then fails.
type failingWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, errDiskFull
	}
	w.n -= len(p)
	return len(p), nil
}

// When the trace cannot be written the program is killed, Run returns the
// write error, and nothing is left behind.
func TestWriteErrorKillsProgram(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	defer devnull.Close()
	_, err := Run(ctx, Options{Argv: []string{"sh", "-c", "while :; do echo x; done"}, Stdout: devnull, CaptureSize: 4096}, &failingWriter{n: 1 << 16})
	checkNothingLeft(t)
	if !errors.Is(err, errDiskFull) {
		t.Errorf("Run returned %v, want the write error", err)
	}
}

func TestMissingWorkingDirectory(t *testing.T) {
	_, err := Run(context.Background(), Options{Argv: []string{"true"}, Dir: "/no/such/dir"}, &bytes.Buffer{})
	var se *StartError
	if err == nil || errors.As(err, &se) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Run returned %v, want a working directory error", err)
	}
}

// fdLinks returns the CaptureFD data of e by fd.
func fdLinks(e *format.Event) map[uint32]string {
	m := map[uint32]string{}
	for _, c := range e.Captures {
		if c.Kind == format.CaptureFD {
			m[c.Index] = string(c.Data)
		}
	}
	return m
}

// The trace's first exec carries what the program's fds refer to, and the
// exit of each call that creates fds what the new ones refer to, as
// /proc/PID/fd shows them.
func TestFDLinks(t *testing.T) {
	r := mustRecord(t, 0, "sh", "-c", "cd /etc && exec 3<hostname && echo hi | cat >/dev/null")
	start := fdLinks(r.kind(format.KindExec)[0])
	if start[0] != "/dev/null" || !strings.HasSuffix(start[1], "/stdout") {
		t.Errorf("the program's first fds: %v", start)
	}
	opened := false
	for _, c := range r.calls("openat") {
		if c.exit != nil && c.exit.Ret == 3 && string(c.enter.Captures[0].Data) == "hostname" {
			opened = fdLinks(c.exit)[3] == "/etc/hostname"
		}
	}
	if !opened {
		t.Errorf("no openat of hostname with fd 3 linked to /etc/hostname")
	}
	pipes := r.calls("pipe2")
	if len(pipes) == 0 || pipes[0].exit == nil {
		t.Fatal("no pipe2 exit")
	}
	links := fdLinks(pipes[0].exit)
	var ends []string
	for _, l := range links {
		ends = append(ends, l)
	}
	if len(ends) != 2 || ends[0] != ends[1] || !strings.HasPrefix(ends[0], "pipe:[") {
		t.Errorf("pipe2's fds link to %v, want one pipe twice", links)
	}
}

// Result tells a program killed by a signal from one that exited with
// 128+N, for a caller that dies of the same signal.
func TestResultSignal(t *testing.T) {
	for _, tc := range []struct {
		script string
		status int
		sig    syscall.Signal
	}{
		{"kill -SEGV $$", 128 + 11, syscall.SIGSEGV},
		{"exit 139", 139, 0},
	} {
		r := mustRecord(t, tc.status, "sh", "-c", tc.script)
		if r.res.Signal != tc.sig {
			t.Errorf("sh -c %q: Result.Signal %v, want %v", tc.script, r.res.Signal, tc.sig)
		}
	}
}
