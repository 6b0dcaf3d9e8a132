package record

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/hook"
	"github.com/trecdev/trec/sysent"
)

// target is a test program started outside the recorder, for a recording
// to attach to. Its stdin is a pipe: closing it ends the program.
type target struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout string // the file its stdout goes to
	file   string // the file it writes, for the modes that write one
	ended  bool
}

// startTarget starts attachee with args; FILE in args is the target's
// file.
func startTarget(t *testing.T, args ...string) *target {
	t.Helper()
	dir := t.TempDir()
	tg := &target{stdout: filepath.Join(dir, "stdout"), file: filepath.Join(dir, "out")}
	for i, a := range args {
		if a == "FILE" {
			args[i] = tg.file
		}
	}
	tg.cmd = exec.Command(prog("attachee"), args...)
	out, err := os.Create(tg.stdout)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	tg.cmd.Stdout, tg.cmd.Stderr = out, out
	if tg.stdin, err = tg.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := tg.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !tg.ended {
			tg.cmd.Process.Kill()
			tg.cmd.Wait()
		}
	})
	return tg
}

func (tg *target) pid() int { return tg.cmd.Process.Pid }

// finish ends the program by closing its stdin; it must exit 0. It returns
// what the program wrote to its file.
func (tg *target) finish(t *testing.T) string {
	t.Helper()
	tg.stdin.Close()
	err := tg.cmd.Wait()
	tg.ended = true
	if err != nil {
		out, _ := os.ReadFile(tg.stdout)
		t.Fatalf("after the detach the program failed: %v\n%s", err, out)
	}
	b, _ := os.ReadFile(tg.file)
	return string(b)
}

// waitUntil polls cond for up to 20 seconds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// fileLines returns the number of lines in the file.
func fileLines(name string) int {
	b, _ := os.ReadFile(name)
	return bytes.Count(b, []byte("\n"))
}

// attaching is an Attach running in the background.
type attaching struct {
	pids   []int
	cancel context.CancelFunc
	done   chan struct{}
	res    Result
	err    error
	trace  bytes.Buffer
}

// startAttach attaches to pids in the background, the recording ending
// when ctx does or cancel is called, and waits until every process is
// traced.
func startAttach(t *testing.T, ctx context.Context, opts Options, pids ...int) *attaching {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	a := &attaching{pids: pids, cancel: cancel, done: make(chan struct{})}
	if opts.CaptureSize == 0 {
		opts.CaptureSize = 4096
	}
	go func() {
		defer close(a.done)
		a.res, a.err = Attach(ctx, pids, opts, &a.trace)
	}()
	// A test that fails on its way ends the recording too.
	t.Cleanup(func() {
		cancel()
		<-a.done
	})
	for _, pid := range pids {
		waitUntil(t, fmt.Sprintf("%d is traced", pid), func() bool {
			select {
			case <-a.done:
				return true
			default:
			}
			st, err := readStatus(pid)
			return err != nil || st.tracer != 0
		})
	}
	return a
}

// stop ends the recording and reads the trace. Every process attached to
// must be left untraced and without a SIGTRAP pending.
func (a *attaching) stop(t *testing.T) *recording {
	t.Helper()
	a.cancel()
	return a.wait(t)
}

// wait waits for the recording to end by itself.
func (a *attaching) wait(t *testing.T) *recording {
	t.Helper()
	<-a.done
	checkNothingLeft(t, a.pids...)
	if sigchldIgnored() {
		t.Errorf("SIGCHLD still ignored after Attach")
	}
	if a.err != nil {
		t.Fatalf("Attach: %v", a.err)
	}
	for _, pid := range a.pids {
		checkLetGo(t, pid)
	}
	r := readTrace(t, &a.trace)
	r.res = a.res
	if uint64(len(r.events)) != a.res.Events {
		t.Errorf("read %d events, Attach said %d", len(r.events), a.res.Events)
	}
	if a.res.ExitStatus != 0 || r.trailer.ExitStatus != 0 {
		t.Errorf("exit status %d, trailer %d; want 0", a.res.ExitStatus, r.trailer.ExitStatus)
	}
	return r
}

// checkLetGo checks that no thread of process pid is traced or has a
// SIGTRAP pending.
func checkLetGo(t *testing.T, pid int) {
	t.Helper()
	for _, tid := range tasks(pid) {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(tid) + "/status")
		if err != nil {
			continue
		}
		for line := range strings.SplitSeq(string(b), "\n") {
			k, v, _ := strings.Cut(line, ":")
			v = strings.TrimSpace(v)
			switch k {
			case "TracerPid":
				if v != "0" {
					t.Errorf("thread %d still traced by %s", tid, v)
				}
			case "SigPnd", "ShdPnd":
				if m, _ := strconv.ParseUint(v, 16, 64); m&(1<<(syscall.SIGTRAP-1)) != 0 {
					t.Errorf("thread %d: SIGTRAP pending (%s %s)", tid, k, v)
				}
			}
		}
	}
}

// state returns the State letter of /proc/PID/status.
func state(pid int) byte {
	st, _ := readStatus(pid)
	return st.state
}

// of returns the events of thread tid.
func (r *recording) of(tid int) []*format.Event {
	var out []*format.Event
	for i := range r.events {
		if int(r.events[i].Tid) == tid {
			out = append(out, &r.events[i])
		}
	}
	return out
}

// writtenLines returns the lines the trace shows thread tid writing to
// fd, in order.
func (r *recording) writtenLines(tid int32, fd uint64) []string {
	text := r.writes(fd, func(t int32) bool { return t == tid })
	return strings.SplitAfter(text, "\n")[:strings.Count(text, "\n")]
}

// checkCounted checks that lines are "PREFIXk\n" for consecutive k.
func checkCounted(t *testing.T, what string, lines []string, prefix string) {
	t.Helper()
	if len(lines) == 0 {
		t.Errorf("%s: no lines", what)
		return
	}
	first, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(lines[0], prefix), "\n"))
	if err != nil {
		t.Fatalf("%s: line %q", what, lines[0])
	}
	for i, l := range lines {
		if want := fmt.Sprintf("%s%d\n", prefix, first+i); l != want {
			t.Fatalf("%s: line %d is %q, want %q", what, i, l, want)
		}
	}
}

// TestAttachCounter attaches to a program that writes a count to a file:
// the trace holds its writes between an attach and a detach event, the
// header describes the process, and after the detach the program goes on
// and ends as it would have without trec.
func TestAttachCounter(t *testing.T) {
	tg := startTarget(t, "count", "FILE")
	waitUntil(t, "it writes", func() bool { return fileLines(tg.file) >= 3 })
	a := startAttach(t, context.Background(), Options{}, tg.pid())
	time.Sleep(200 * time.Millisecond)
	r := a.stop(t)

	pid := tg.pid()
	if got := r.header.GetAttached(); len(got) != 1 || int(got[0]) != pid {
		t.Errorf("header attached %v, want [%d]", got, pid)
	}
	if len(r.header.GetArgv()) != 0 {
		t.Errorf("header argv %q, want none", r.header.GetArgv())
	}
	procs := r.header.GetAttachedProcesses()
	wantArgv := []string{prog("attachee"), "count", tg.file}
	if len(procs) != 1 || int(procs[0].Pid) != pid || procs[0].Exe != prog("attachee") || strings.Join(procs[0].Argv, " ") != strings.Join(wantArgv, " ") {
		t.Fatalf("header attached processes %v, want pid %d, exe %s, argv %q", procs, pid, prog("attachee"), wantArgv)
	}
	if cwd, _ := os.Getwd(); procs[0].Cwd != cwd || r.header.Cwd != cwd {
		t.Errorf("cwd %q, header cwd %q; want %q", procs[0].Cwd, r.header.Cwd, cwd)
	}
	evs := r.of(pid)
	first, last := evs[0], evs[len(evs)-1]
	if first.Kind != format.KindAttach || first.Exec.Path != prog("attachee") {
		t.Fatalf("first event %v %+v, want the attach with the program\n%s", first.Kind, first.Exec, r.dump())
	}
	if !hasFDLink(first, 3, tg.file) || !hasFDLink(first, int64(format.CwdIndex), procs[0].Cwd) {
		t.Errorf("attach event lacks fd 3 -> %s or the cwd\n%s", tg.file, r.dump())
	}
	if last.Kind != format.KindDetach {
		t.Errorf("last event %v, want the detach\n%s", last.Kind, r.dump())
	}
	lines := r.writtenLines(int32(pid), 3)
	if len(lines) < 10 {
		t.Fatalf("%d writes recorded in 200 ms\n%s", len(lines), r.dump())
	}
	checkCounted(t, "recorded writes", lines, "")
	if r.trailer.Detached != 1 || r.trailer.EndReason != "interrupted" || r.res.Processes != 1 || r.res.Threads != 1 {
		t.Errorf("trailer %v, result %+v", r.trailer, r.res)
	}

	out := strings.SplitAfter(tg.finish(t), "\n")
	out = out[:len(out)-1]
	if out[len(out)-1] != "done\n" {
		t.Fatalf("program's last line %q", out[len(out)-1])
	}
	checkCounted(t, "the program's file", out[:len(out)-1], "")
	if !strings.Contains(strings.Join(out, ""), strings.Join(lines, "")) {
		t.Errorf("the recorded writes are not in the file")
	}
}

// hasFDLink reports whether e carries a CaptureFD of fd reading link.
func hasFDLink(e *format.Event, fd int64, link string) bool {
	for _, c := range e.Captures {
		if c.Kind == format.CaptureFD && int64(c.Index) == fd && string(c.Data) == link {
			return true
		}
	}
	return false
}

// TestAttachThreads attaches to a program whose threads all write: every
// thread is attached, recorded and detached.
func TestAttachThreads(t *testing.T) {
	const n = 4
	tg := startTarget(t, "threads", "FILE", strconv.Itoa(n))
	waitUntil(t, "every thread writes", func() bool {
		b, _ := os.ReadFile(tg.file)
		for i := range n {
			if !bytes.Contains(b, []byte(fmt.Sprintf("\n%d 2\n", i))) {
				return false
			}
		}
		return true
	})
	a := startAttach(t, context.Background(), Options{}, tg.pid())
	time.Sleep(200 * time.Millisecond)
	r := a.stop(t)

	tids := tasks(tg.pid())
	if len(tids) != n+1 {
		t.Fatalf("%d threads", len(tids))
	}
	writers := 0
	for _, tid := range tids {
		evs := r.of(tid)
		if len(evs) < 2 || evs[0].Kind != format.KindAttach || evs[len(evs)-1].Kind != format.KindDetach || int(evs[0].Pid) != tg.pid() {
			t.Fatalf("thread %d: not attached and detached\n%s", tid, r.dump())
		}
		if tid == tg.pid() {
			continue
		}
		lines := r.writtenLines(int32(tid), 3)
		if len(lines) > 0 {
			writers++
			id := strings.Fields(lines[0])[0]
			checkCounted(t, "thread "+id, lines, id+" ")
		}
	}
	if writers != n {
		t.Errorf("%d threads' writes recorded, want %d\n%s", writers, n, r.dump())
	}
	if r.trailer.Detached != n+1 || r.res.Threads != n+1 || r.res.Processes != 1 {
		t.Errorf("trailer %v, result %+v", r.trailer, r.res)
	}

	out := tg.finish(t)
	for i := range n {
		var lines []string
		for l := range strings.SplitAfterSeq(out, "\n") {
			if strings.HasPrefix(l, strconv.Itoa(i)+" ") {
				lines = append(lines, l)
			}
		}
		checkCounted(t, fmt.Sprintf("thread %d's lines", i), lines, strconv.Itoa(i)+" ")
	}
}

// TestAttachBlockedRead attaches to a program blocked in read(2) on a
// pipe: the read it was in shows as an exit without its enter, with what
// it read, and the program reads and writes as without trec.
func TestAttachBlockedRead(t *testing.T) {
	tg := startTarget(t, "read")
	readNr := int(mustNr(t, "read"))
	waitUntil(t, "it is blocked in read", func() bool { return inSyscall(tg.pid()) == readNr })
	a := startAttach(t, context.Background(), Options{}, tg.pid())
	// Most often the attach interrupts the read, which the kernel
	// restarts; otherwise the line comes first and the read returns.
	time.Sleep(20 * time.Millisecond)
	io.WriteString(tg.stdin, "hello\n")
	waitUntil(t, "it copied the line", func() bool {
		b, _ := os.ReadFile(tg.stdout)
		return string(b) == "hello\n"
	})
	r := a.stop(t)

	evs := r.of(tg.pid())
	if evs[0].Kind != format.KindAttach || !evs[0].Attach.InSyscall || int(evs[0].Nr) != readNr {
		t.Fatalf("first event %v %+v nr %d, want the attach in read\n%s", evs[0].Kind, evs[0].Attach, evs[0].Nr, r.dump())
	}
	resumed := evs[1]
	if resumed.Kind != format.KindSyscallExit || int(resumed.Nr) != readNr || resumed.Ret != 6 {
		t.Fatalf("second event %v nr %d = %d, want read's exit = 6\n%s", resumed.Kind, resumed.Nr, resumed.Ret, r.dump())
	}
	if d, ok := capture(resumed, 1); !ok || string(d) != "hello\n" {
		t.Errorf("read's exit captured %q", d)
	}
	if got := r.writes(1, nil); got != "hello\n" {
		t.Errorf("writes to stdout %q", got)
	}
	last := evs[len(evs)-1]
	if last.Kind != format.KindDetach || !last.Attach.InSyscall || int(last.Nr) != readNr {
		t.Errorf("last event %v %+v, want the detach in read\n%s", last.Kind, last.Attach, r.dump())
	}

	io.WriteString(tg.stdin, "again\n")
	tg.finish(t)
	if b, _ := os.ReadFile(tg.stdout); string(b) != "hello\nagain\n" {
		t.Errorf("program's output %q", b)
	}
}

// TestAttachInUninterruptibleCall attaches to a process in a call that
// the attach cannot interrupt (vfork waits for its child): the call's exit
// is recorded, with its result, when the thread first stops.
func TestAttachInUninterruptibleCall(t *testing.T) {
	tg := startTarget(t, "vfork")
	nrs := []int{int(mustNr(t, "clone"))}
	if sc, ok := sysent.ForArch(nativeArch).ByName("vfork"); ok {
		nrs = append(nrs, sc.Nr)
	}
	io.WriteString(tg.stdin, "\n")
	waitUntil(t, "it is in vfork", func() bool { return slices.Contains(nrs, inSyscall(tg.pid())) })
	a := startAttach(t, context.Background(), Options{}, tg.pid())
	waitUntil(t, "the child is gone", func() bool { return len(children(tg.pid())) == 0 })
	r := a.stop(t)
	evs := r.of(tg.pid())
	if evs[0].Kind != format.KindAttach || !evs[0].Attach.InSyscall || !slices.Contains(nrs, int(evs[0].Nr)) {
		t.Fatalf("first event %v %+v nr %d, want the attach in vfork\n%s", evs[0].Kind, evs[0].Attach, evs[0].Nr, r.dump())
	}
	if x := evs[1]; x.Kind != format.KindSyscallExit || x.Nr != evs[0].Nr || x.Ret <= 0 {
		t.Fatalf("second event %v nr %d = %d, want vfork's exit with the child's pid\n%s", x.Kind, x.Nr, x.Ret, r.dump())
	}
	tg.finish(t)
}

// children returns the children of process pid.
func children(pid int) []string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	return strings.Fields(string(b))
}

// mustNr returns the number of syscall name.
func mustNr(t *testing.T, name string) int32 {
	t.Helper()
	r := &recording{table: sysent.ForArch(nativeArch)}
	return r.nr(name)
}

// inSyscall returns the syscall process pid is blocked in, -1 for none.
func inSyscall(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/syscall")
	if err != nil {
		return -1
	}
	nr, err := strconv.Atoi(strings.Fields(string(b) + " x")[0])
	if err != nil {
		return -1
	}
	return nr
}

// TestAttachFork attaches to a program that forks afterwards: the child
// is recorded from its creation to its exit.
func TestAttachFork(t *testing.T) {
	tg := startTarget(t, "fork", "FILE")
	a := startAttach(t, context.Background(), Options{}, tg.pid())
	io.WriteString(tg.stdin, "\n")
	waitUntil(t, "the child wrote", func() bool { return fileLines(tg.file) == 1 })
	// Reaped by its parent, it is past its exit, which the tracer saw
	// first.
	waitUntil(t, "the child is reaped", func() bool { return len(children(tg.pid())) == 0 })
	r := a.stop(t)

	clones := r.kind(format.KindClone)
	if len(clones) != 1 || int(clones[0].Tid) != tg.pid() {
		t.Fatalf("clones %v\n%s", clones, r.dump())
	}
	child := clones[0].Clone.Child
	want := fmt.Sprintf("child %d\n", child)
	if got := r.writes(3, func(tid int32) bool { return tid == child }); got != want {
		t.Errorf("child's writes %q, want %q\n%s", got, want, r.dump())
	}
	if x := r.exitOf(child); x == nil || x.Exit.Code != 0 || x.Exit.Thread {
		t.Errorf("child's exit %v", x)
	}
	if r.res.Processes != 2 {
		t.Errorf("%d processes, want 2", r.res.Processes)
	}
	if got := tg.finish(t); got != want+"done\n" {
		t.Errorf("program's file %q", got)
	}
}

// TestAttachStopped attaches to a program stopped by SIGSTOP: it is still
// stopped after the detach, and SIGCONT resumes it.
func TestAttachStopped(t *testing.T) {
	tg := startTarget(t, "count", "FILE")
	waitUntil(t, "it writes", func() bool { return fileLines(tg.file) >= 3 })
	syscall.Kill(tg.pid(), syscall.SIGSTOP)
	waitUntil(t, "it is stopped", func() bool { return state(tg.pid()) == 'T' })
	a := startAttach(t, context.Background(), Options{}, tg.pid())
	time.Sleep(100 * time.Millisecond)
	r := a.stop(t)

	evs := r.of(tg.pid())
	if evs[0].Kind != format.KindAttach || !evs[0].Attach.Stopped {
		t.Errorf("first event %v %+v, want the attach of a stopped thread\n%s", evs[0].Kind, evs[0].Attach, r.dump())
	}
	if last := evs[len(evs)-1]; last.Kind != format.KindDetach || !last.Attach.Stopped {
		t.Errorf("last event %v %+v, want the detach of a stopped thread\n%s", last.Kind, last.Attach, r.dump())
	}
	if n := len(r.calls("write")); n != 0 {
		t.Errorf("%d writes while stopped", n)
	}
	if s := state(tg.pid()); s != 'T' {
		t.Fatalf("state %c after the detach, want T (stopped)", s)
	}
	n := fileLines(tg.file)
	time.Sleep(50 * time.Millisecond)
	if fileLines(tg.file) != n {
		t.Fatalf("it wrote while stopped")
	}
	syscall.Kill(tg.pid(), syscall.SIGCONT)
	waitUntil(t, "it runs again", func() bool { return fileLines(tg.file) > n+3 })
	out := strings.SplitAfter(tg.finish(t), "\n")
	checkCounted(t, "the program's file", out[:len(out)-2], "")
}

// TestAttachUntilExit records until the process exits by itself.
func TestAttachUntilExit(t *testing.T) {
	tg := startTarget(t, "count", "FILE")
	waitUntil(t, "it writes", func() bool { return fileLines(tg.file) >= 3 })
	a := startAttach(t, context.Background(), Options{}, tg.pid())
	time.Sleep(50 * time.Millisecond)
	tg.stdin.Close()
	r := a.wait(t)
	// The tracer, in this process, reaped it.
	tg.cmd.Wait()
	tg.ended = true

	x := r.exitOf(int32(tg.pid()))
	if x == nil || x.Exit.Code != 0 {
		t.Fatalf("exit %v\n%s", x, r.dump())
	}
	if r.trailer.EndReason != "exited" || r.trailer.Detached != 0 {
		t.Errorf("trailer %v", r.trailer)
	}
	if got := r.writes(3, nil); !strings.HasSuffix(got, "done\n") {
		t.Errorf("writes end %q", got[max(0, len(got)-20):])
	}
}

// TestAttachDuration ends the recording with a deadline: the process
// runs on.
func TestAttachDuration(t *testing.T) {
	tg := startTarget(t, "count", "FILE")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	a := startAttach(t, ctx, Options{}, tg.pid())
	r := a.wait(t)
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("recording ended after %v", d)
	}
	if r.trailer.EndReason != "duration" {
		t.Errorf("end reason %q", r.trailer.EndReason)
	}
	if s := state(tg.pid()); s == 'T' || s == 't' || s == 'Z' {
		t.Errorf("state %c after the detach", s)
	}
	n := fileLines(tg.file)
	waitUntil(t, "it runs on", func() bool { return fileLines(tg.file) > n+3 })
	tg.finish(t)
}

// TestAttachFilter records only the selected syscalls, filtered in the
// recorder.
func TestAttachFilter(t *testing.T) {
	tg := startTarget(t, "count", "FILE")
	a := startAttach(t, context.Background(), Options{Filter: "write"}, tg.pid())
	time.Sleep(100 * time.Millisecond)
	r := a.stop(t)
	if r.header.Options.GetSeccomp() || r.header.Options.GetFilter() != "write" {
		t.Errorf("header options %v", r.header.Options)
	}
	write := r.nr("write")
	n := 0
	for _, e := range r.events {
		if (e.Kind == format.KindSyscallEnter || e.Kind == format.KindSyscallExit) && e.Nr != write {
			t.Fatalf("%s recorded\n%s", r.table.Name(int(e.Nr)), r.dump())
		}
		if e.Kind == format.KindSyscallEnter {
			n++
		}
	}
	if n < 5 {
		t.Errorf("%d writes", n)
	}
	tg.finish(t)
}

// TestAttachPinned pins the attached threads with UseCPU and gives each
// its own CPU mask back at the detach.
func TestAttachPinned(t *testing.T) {
	tg := startTarget(t, "threads", "FILE", "2")
	waitUntil(t, "it writes", func() bool { return fileLines(tg.file) >= 3 })
	masks := func() map[int]string {
		m := map[int]string{}
		for _, tid := range tasks(tg.pid()) {
			var buf [maskMax]byte
			n, _ := getaffinity(tid, buf[:])
			m[tid] = fmt.Sprintf("%x", buf[:n])
		}
		return m
	}
	before := masks()
	// The CPU this test runs on now, as trec would choose.
	var cpu uint32
	if _, _, e := unix.RawSyscall(unix.SYS_GETCPU, uintptr(unsafe.Pointer(&cpu)), 0, 0); e != 0 {
		t.Fatal(e)
	}
	a := startAttach(t, context.Background(), Options{UseCPU: true, CPU: int(cpu)}, tg.pid())
	time.Sleep(50 * time.Millisecond)
	during := masks()
	r := a.stop(t)
	if r.header.Options.GetCpu() != int32(cpu) {
		t.Errorf("header cpu %d, want %d", r.header.Options.GetCpu(), cpu)
	}
	for tid, m := range during {
		if m != fmt.Sprintf("%x", oneCPU(int(cpu), len(m)/2)) {
			t.Errorf("thread %d mask %s while recorded", tid, m)
		}
	}
	if after := masks(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("masks %v after the detach, want %v", after, before)
	}
	tg.finish(t)
}

// TestAttachAdaptive: by default an attached thread that makes syscalls
// often comes to the tracer's CPU, from its own mask, and gets its mask
// back at the detach.
func TestAttachAdaptive(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("one CPU: there is nowhere to move a thread to")
	}
	tg := startTarget(t, "count", "FILE")
	waitUntil(t, "it writes", func() bool { return fileLines(tg.file) >= 3 })
	before, err := cpusAllowed(tg.pid())
	if err != nil {
		t.Fatal(err)
	}
	a := startAttach(t, context.Background(), Options{}, tg.pid())
	var during string
	waitUntil(t, "the thread is on one CPU", func() bool {
		during, err = cpusAllowed(tg.pid())
		return err == nil && !strings.ContainsAny(during, ",-")
	})
	r := a.stop(t)
	if o := r.header.GetOptions(); o.GetPlacement() != "adaptive" || strconv.Itoa(int(o.GetCpu())) != during {
		t.Errorf("header: placement %q, CPU %d; the thread ran on %s", o.GetPlacement(), o.GetCpu(), during)
	}
	if after, _ := cpusAllowed(tg.pid()); after != before {
		t.Errorf("CPUs %s after the detach, want %s as before", after, before)
	}
	if pl := r.trailer.GetPlacement(); pl.GetMovesBack() < 1 {
		t.Errorf("trailer placement: %v", pl)
	}
	tg.finish(t)
}

// TestAttachErrors checks the errors of processes that cannot be attached
// to.
func TestAttachErrors(t *testing.T) {
	attach := func(pid int) error {
		_, err := Attach(context.Background(), []int{pid}, Options{}, io.Discard)
		checkNothingLeft(t, pid)
		return err
	}
	b, _ := os.ReadFile("/proc/sys/kernel/pid_max")
	pidMax, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	if err := attach(pidMax + 1); !errors.Is(err, ErrNoProcess) || err.Error() != fmt.Sprintf("attach %d: no such process", pidMax+1) {
		t.Errorf("missing process: %v", err)
	}
	if err := attach(os.Getpid()); !errors.Is(err, ErrSelf) {
		t.Errorf("this process: %v", err)
	}
	if err := attach(2); !errors.Is(err, os.ErrPermission) || !strings.Contains(err.Error(), "kernel thread") {
		t.Errorf("kthreadd: %v", err)
	}

	zombie := exec.Command(prog("attachee"), "bad mode")
	if err := zombie.Start(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "it is a zombie", func() bool { return state(zombie.Process.Pid) == 'Z' })
	err := attach(zombie.Process.Pid)
	want := fmt.Sprintf("attach %d: process is a zombie (it has exited; its parent, process %d, has not reaped it)", zombie.Process.Pid, os.Getpid())
	if !errors.Is(err, ErrZombie) || err.Error() != want {
		t.Errorf("zombie: %v, want %s", err, want)
	}
	zombie.Wait()
}

// TestAttachTraced fails to attach to a process that strace traces,
// naming strace.
func TestAttachTraced(t *testing.T) {
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("no strace")
	}
	tg := startTarget(t, "count", "FILE")
	strace := exec.Command("strace", "-o", os.DevNull, "-p", strconv.Itoa(tg.pid()))
	if err := strace.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		strace.Process.Signal(syscall.SIGINT)
		strace.Wait()
	}()
	waitUntil(t, "strace traces it", func() bool {
		st, _ := readStatus(tg.pid())
		return st.tracer == strace.Process.Pid
	})
	_, err := Attach(context.Background(), []int{tg.pid()}, Options{}, io.Discard)
	checkNothingLeft(t, tg.pid(), strace.Process.Pid)
	var ae *AttachError
	want := fmt.Sprintf("attach %d: already traced by process %d (strace)", tg.pid(), strace.Process.Pid)
	if !errors.As(err, &ae) || !errors.Is(err, ErrTraced) || ae.Tracer != strace.Process.Pid || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// TestAttachDeny applies a hook to an attached process: its polls fail
// with EPERM while it is recorded, and work again after the detach.
func TestAttachDeny(t *testing.T) {
	tg := startTarget(t, "count", "FILE")
	waitUntil(t, "it writes", func() bool { return fileLines(tg.file) >= 3 })
	d, err := hook.ParseDeny(table(), []string{"poll,ppoll"})
	if err != nil {
		t.Fatal(err)
	}
	a := startAttach(t, context.Background(), Options{Hooks: []hook.Hook{d}}, tg.pid())
	time.Sleep(100 * time.Millisecond)
	r := a.stop(t)

	polls := r.calls("poll")
	if sc, ok := table().ByName("ppoll"); ok && len(polls) == 0 {
		polls = r.calls(sc.Name)
	}
	if len(polls) < 5 {
		t.Fatalf("%d polls recorded\n%s", len(polls), r.dump())
	}
	for _, c := range polls {
		if c.exit != nil && c.exit.Ret != -int64(unix.EPERM) {
			t.Fatalf("a poll returned %d, want EPERM", c.exit.Ret)
		}
	}
	if got := r.header.GetOptions().GetHooks(); len(got) != 1 || got[0] != "deny poll,ppoll" {
		t.Errorf("header hooks %q", got)
	}
	if c := trailerCount(r, "deny", "poll,ppoll"); c == nil || c.Changed < uint64(len(polls))-1 {
		t.Errorf("trailer count %v for %d polls", c, len(polls))
	}
	out := strings.SplitAfter(tg.finish(t), "\n")
	checkCounted(t, "the program's file", out[:len(out)-2], "")
}

// TestAttachDelayed detaches from a thread that a delay hook holds: the
// delay ends, the thread is detached at its next stop, and the program
// goes on.
func TestAttachDelayed(t *testing.T) {
	tg := startTarget(t, "count", "FILE")
	waitUntil(t, "it writes", func() bool { return fileLines(tg.file) >= 3 })
	inj, err := hook.ParseInject(table(), []string{"write:delay_enter=10s:when=3"})
	if err != nil {
		t.Fatal(err)
	}
	a := startAttach(t, context.Background(), Options{Hooks: []hook.Hook{inj}}, tg.pid())
	// Held in its third write: stopped, and the file no longer grows.
	waitUntil(t, "the delay holds it", func() bool {
		n := fileLines(tg.file)
		time.Sleep(300 * time.Millisecond)
		return state(tg.pid()) == 't' && fileLines(tg.file) == n
	})
	start := time.Now()
	r := a.stop(t)
	if d := time.Since(start); d > 9*time.Second {
		t.Errorf("the detach waited for the delay (%v)", d)
	}
	evs := r.of(tg.pid())
	if last := evs[len(evs)-1]; last.Kind != format.KindDetach {
		t.Errorf("last event %v, want the detach\n%s", last.Kind, r.dump())
	}
	// Let go of before its delay ended, the held write went on: its exit
	// follows the delay's record.
	var delayed *call
	for _, c := range r.calls("write") {
		if r.hookBetween(c) || c.exit == nil && slices.ContainsFunc(r.hookRecords("write"), func(e *format.Event) bool { return r.index(e) > c.enterIdx }) {
			delayed = &c
		}
	}
	if delayed == nil {
		t.Fatalf("no write was delayed\n%s", r.dump())
	}
	if delayed.exit == nil || delayed.exit.Ret <= 0 {
		t.Errorf("the held write has no exit\n%s", r.dump())
	}
	n := fileLines(tg.file)
	waitUntil(t, "it runs on", func() bool { return fileLines(tg.file) > n+3 })
	out := strings.SplitAfter(tg.finish(t), "\n")
	checkCounted(t, "the program's file", out[:len(out)-2], "")
}
