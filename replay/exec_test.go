package replay

import (
	"bytes"
	"context"
	"errors"
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

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/record"
)

// recorded is a replayable recording and what the program printed.
type recorded struct {
	trace  []byte
	stdout string
	status int
}

// recordReplayable records argv in dir with env (nil: this process's) as
// trec record --replayable does.
func recordReplayable(t *testing.T, dir string, env []string, argv ...string) recorded {
	t.Helper()
	stdin, stdout := stdFiles(t)
	var trace bytes.Buffer
	res, err := record.Run(context.Background(), record.Options{
		Argv: argv, Dir: dir, Env: env, Stdin: stdin, Stdout: stdout, Stderr: stdout,
		CaptureSize: 4096, Replayable: true,
	}, &trace)
	if err != nil {
		t.Fatalf("record %q: %v", argv, err)
	}
	return recorded{trace: trace.Bytes(), stdout: readBack(t, stdout), status: res.ExitStatus}
}

// execReplay runs Exec over a recording and returns what the program
// printed.
func execReplay(t *testing.T, rec recorded, opts ExecOptions) (*ExecResult, string) {
	t.Helper()
	rd, err := format.NewReader(bytes.NewReader(rec.trace))
	if err != nil {
		t.Fatal(err)
	}
	opts.Stdin, opts.Stdout = stdFiles(t)
	opts.Stderr = opts.Stdout
	res, err := Exec(context.Background(), rd, opts)
	if err != nil {
		t.Fatalf("Exec: %v", err)
	}
	return res, readBack(t, opts.Stdout)
}

// stdFiles returns /dev/null for standard input and a new file for the
// output.
func stdFiles(t *testing.T) (*os.File, *os.File) {
	t.Helper()
	in, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); out.Close() })
	return in, out
}

func readBack(t *testing.T, f *os.File) string {
	t.Helper()
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// divergence formats a replay's divergence for a failure message.
func divergence(t *testing.T, res *ExecResult, rec recorded) string {
	if res.Divergence == nil {
		return "no divergence"
	}
	rd, _ := format.NewReader(bytes.NewReader(rec.trace))
	var b strings.Builder
	res.Divergence.WriteText(&b, rd.Header())
	return b.String()
}

// mustMatch replays rec and checks that the program printed what it
// printed when recorded, and ended the same way.
func mustMatch(t *testing.T, rec recorded, opts ExecOptions) *ExecResult {
	t.Helper()
	res, out := execReplay(t, rec, opts)
	if res.Divergence != nil {
		t.Fatalf("replay diverged:\n%s", divergence(t, res, rec))
	}
	if out != rec.stdout {
		t.Fatalf("replay printed:\n%s\nthe recorded run:\n%s", out, rec.stdout)
	}
	if res.ExitStatus != rec.status {
		t.Fatalf("replay exit status %d, recorded %d", res.ExitStatus, rec.status)
	}
	return res
}

// TestExecWitness replays a program that prints what it gets from outside:
// random bytes, the clocks, its pid, an AT_RANDOM hash, and a file that
// changes after the recording.
func TestExecWitness(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("as recorded\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := recordReplayable(t, dir, nil, prog("replaywitness"), file)
	if rec.status != 0 || !strings.Contains(rec.stdout, "file as recorded\n") || !strings.Contains(rec.stdout, "vdso 0\n") {
		t.Fatalf("recorded run: status %d:\n%s", rec.status, rec.stdout)
	}
	if err := os.WriteFile(file, []byte("rewritten since\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A moment later, so that any clock read live would show.
	time.Sleep(20 * time.Millisecond)
	res := mustMatch(t, rec, ExecOptions{})
	if res.Served == 0 || res.Ran == 0 || res.Events == 0 {
		t.Errorf("result %+v", res)
	}
	// QuietOutput serves the writes: nothing is printed.
	res, out := execReplay(t, rec, ExecOptions{QuietOutput: true})
	if res.Divergence != nil || out != "" {
		t.Errorf("--quiet-output printed %q, %s", out, divergence(t, res, rec))
	}
}

// TestExecPython replays python3 printing a random number, the time and
// its pid.
func TestExecPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	rec := recordReplayable(t, "", nil, py, "-c", "import random, time, os; print(random.random(), time.time(), os.getpid())")
	if rec.status != 0 || len(strings.Fields(rec.stdout)) != 3 {
		t.Fatalf("recorded run: status %d: %q", rec.status, rec.stdout)
	}
	mustMatch(t, rec, ExecOptions{})
}

var buildGo = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(progDir, "replaygo")
	out, err := exec.Command("go", "build", "-o", bin, "../testdata/progs/replaygo").CombinedOutput()
	if err != nil {
		return "", errors.New(string(out))
	}
	return bin, nil
})

// TestExecGo replays a Go program printing time.Now, crypto/rand bytes and
// its pid. The runtime's idle threads race for work between syscalls,
// which a replay cannot always repeat (see the README): GOMAXPROCS=1 makes
// that rare (about 1 replay in 100 here), and a recording whose replay
// still diverges there is followed by another, up to three.
func TestExecGo(t *testing.T) {
	bin, err := buildGo()
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	for try := 1; ; try++ {
		rec := recordReplayable(t, "", append(os.Environ(), "GOMAXPROCS=1"), bin)
		if rec.status != 0 || !strings.Contains(rec.stdout, "random ") {
			t.Fatalf("recorded run: status %d: %q", rec.status, rec.stdout)
		}
		res, out := execReplay(t, rec, ExecOptions{})
		if res.Divergence == nil && out == rec.stdout && res.ExitStatus == 0 {
			return
		}
		if try == 3 {
			t.Fatalf("replay printed %q, the recorded run %q; %s", out, rec.stdout, divergence(t, res, rec))
		}
		t.Logf("recording %d: %s", try, divergence(t, res, rec))
	}
}

// TestExecThreads replays, 20 times, a program whose output depends on the
// order of its threads' syscalls.
func TestExecThreads(t *testing.T) {
	rec := recordReplayable(t, "", nil, prog("replaythreads"))
	if rec.status != 0 || !strings.HasPrefix(rec.stdout, "tickets ") {
		t.Fatalf("recorded run: status %d: %q", rec.status, rec.stdout)
	}
	for range 20 {
		mustMatch(t, rec, ExecOptions{})
	}
}

// TestExecPipeline replays a shell pipeline, its children included.
func TestExecPipeline(t *testing.T) {
	rec := recordReplayable(t, "", nil, "sh", "-c", "echo hello world | tr a-z A-Z; date +%s%N | cat; echo $$")
	lines := strings.Split(rec.stdout, "\n")
	if rec.status != 0 || len(lines) != 4 || lines[0] != "HELLO WORLD" {
		t.Fatalf("recorded run: status %d: %q", rec.status, rec.stdout)
	}
	mustMatch(t, rec, ExecOptions{})
}

// TestExecStatus checks that a replay ends with the recorded status.
func TestExecStatus(t *testing.T) {
	rec := recordReplayable(t, "", nil, "sh", "-c", "echo out; exit 7")
	if rec.status != 7 {
		t.Fatalf("recorded status %d", rec.status)
	}
	mustMatch(t, rec, ExecOptions{})
}

// TestExecDiverges records a program, rebuilds it to read another file,
// and checks that the replay stops at that call and names it.
func TestExecDiverges(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "replaydiverge")
	build := func(defs ...string) {
		args := append([]string{"-O1", "-o", bin}, defs...)
		args = append(args, "../testdata/progs/replaydiverge.c")
		if out, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
			t.Fatalf("build: %v\n%s", err, out)
		}
	}
	build()
	rec := recordReplayable(t, dir, nil, bin)
	if rec.status != 0 {
		t.Fatalf("recorded status %d: %s", rec.status, rec.stdout)
	}
	mustMatch(t, rec, ExecOptions{})
	build("-DREBUILT")
	res, out := execReplay(t, rec, ExecOptions{})
	d := res.Divergence
	if d == nil {
		t.Fatalf("the rebuilt program matched the recording; it printed %q", out)
	}
	tab := table()
	if len(d.Recorded) == 0 || d.Live == nil || tab.Name(int(d.Live.Nr)) != "openat" || d.Recorded[0].Nr != d.Live.Nr ||
		!strings.Contains(d.Reason, "filename") {
		t.Fatalf("divergence: %s", divergence(t, res, rec))
	}
	if d.Event == 0 || d.Pid == 0 || len(d.Before) == 0 {
		t.Errorf("divergence at event %d, pid %d, %d calls before it", d.Event, d.Pid, len(d.Before))
	}
	// What it printed before the divergence is what it printed then.
	if !strings.HasPrefix(rec.stdout, out) || out == "" {
		t.Errorf("the replay printed %q before it stopped; the recording %q", out, rec.stdout)
	}
	text := divergence(t, res, rec)
	for _, want := range []string{"event " + strconv.FormatUint(d.Event, 10), `"/etc/passwd"`, `"/etc/hosts"`, "recorded:", "live:", "before it"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report has no %q:\n%s", want, text)
		}
	}
	var js bytes.Buffer
	rd, _ := format.NewReader(bytes.NewReader(rec.trace))
	if err := res.WriteJSON(&js, rd.Header()); err != nil || !strings.Contains(js.String(), `"diverged":true`) || !strings.Contains(js.String(), `"syscall":"openat"`) {
		t.Errorf("JSON %v:\n%s", err, js.String())
	}
}

// TestExecNotReplayable checks that a trace recorded without --replayable
// is refused.
func TestExecNotReplayable(t *testing.T) {
	trace, _ := recordTrace(t, "", nil, "", "true")
	rd, err := format.NewReader(bytes.NewReader(trace))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Exec(context.Background(), rd, ExecOptions{}); !errors.Is(err, ErrNotReplayable) {
		t.Errorf("Exec of a plain trace: %v", err)
	}
}

// TestExecUntil stops a replay before an event and finds the program
// stopped, detached, where the recording had it.
func TestExecUntil(t *testing.T) {
	rec := recordReplayable(t, "", nil, prog("replaywitness"))
	rd, _ := format.NewReader(bytes.NewReader(rec.trace))
	var n uint64
	for i := uint64(1); ; i++ {
		e, err := rd.Next()
		if err != nil {
			t.Fatal("no write in the recording")
		}
		if e.Kind == format.KindSyscallEnter && table().Name(int(e.Nr)) == "write" {
			n = i
			break
		}
	}
	res, out := execReplay(t, rec, ExecOptions{Until: n})
	if res.Divergence != nil || len(res.Stopped) != 1 || out != "" || res.Events != n-1 {
		t.Fatalf("until %d: %+v, printed %q; %s", n, res, out, divergence(t, res, rec))
	}
	pid := res.Stopped[0]
	defer func() {
		syscall.Kill(pid, syscall.SIGKILL)
		var ws syscall.WaitStatus
		syscall.Wait4(pid, &ws, 0, nil)
	}()
	st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	// pid (comm) STATE ...: stopped, and traced by nobody.
	fields := strings.Fields(string(st[bytes.LastIndexByte(st, ')')+1:]))
	status, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if fields[0] != "T" || !strings.Contains(string(status), "TracerPid:\t0\n") {
		t.Errorf("process %d is in state %s:\n%s", pid, fields[0], status)
	}
}

// rrCases are trec's own test programs, recorded and replayed as rr's
// tests check rr: the replay prints what the recording printed. Where a
// program's replay cannot match, why.
var rrCases = []struct {
	name string
	argv []string
	env  []string
	// unordered: the lines of output come in an order the recording
	// does not hold (processes writing to one output at once).
	unordered bool
	// diverges says why the replay stops before the end.
	diverges string
}{
	{name: "replaywitness", argv: []string{"replaywitness"}},
	{name: "replaythreads", argv: []string{"replaythreads"}},
	{name: "threads", argv: []string{"threads"}, unordered: true},
	{name: "threadexit", argv: []string{"threadexit"}},
	{name: "threadexec", argv: []string{"threadexec"}},
	{name: "vforkexec", argv: []string{"vforkexec"}},
	{name: "orphan", argv: []string{"orphan"}},
	{name: "segv", argv: []string{"segv"}},
	{name: "signals handler", argv: []string{"signals", "handler"}},
	{name: "signals eintr", argv: []string{"signals", "eintr"}},
	{name: "signals restart", argv: []string{"signals", "restart"}},
	{name: "stopcont", argv: []string{"stopcont"}},
	{name: "netloop", argv: []string{"netloop"}},
	{name: "int80", argv: []string{"int80"}},
	{name: "diffprog", argv: []string{"diffprog", "a", "out"}},
	{name: "diffsleep", argv: []string{"diffsleep"}, env: []string{"DIFFSLEEP_MS=20"}},
	{name: "diffthreads", argv: []string{"diffthreads"}},
	{name: "difftree", argv: []string{"difftree", "root"}, env: []string{"DIFFTREE_MID=mid"}},
	{name: "forktree", argv: []string{"forktree"}, unordered: true},
}

// TestExecTestPrograms is rr's style of check across the repository's test
// programs.
func TestExecTestPrograms(t *testing.T) {
	for _, c := range rrCases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			argv := append([]string{prog(c.argv[0])}, c.argv[1:]...)
			env := append(os.Environ(), c.env...)
			rec := recordReplayable(t, dir, env, argv...)
			res, out := execReplay(t, rec, ExecOptions{})
			if c.diverges != "" {
				if res.Divergence == nil {
					t.Fatalf("replay matched; expected it to stop: %s", c.diverges)
				}
				return
			}
			if res.Divergence != nil {
				t.Fatalf("replay diverged:\n%s", divergence(t, res, rec))
			}
			got, want := out, rec.stdout
			if c.unordered {
				got, want = sortedLines(got), sortedLines(want)
			}
			if got != want || res.ExitStatus != rec.status {
				t.Fatalf("replay printed (status %d):\n%s\nthe recorded run (status %d):\n%s", res.ExitStatus, out, rec.status, rec.stdout)
			}
		})
	}
}

func sortedLines(s string) string {
	l := strings.Split(s, "\n")
	slices.Sort(l)
	return strings.Join(l, "\n")
}
