package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/parquet-go/parquet-go"
	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
)

// forkLoop forks and reaps argv[1] children one after another; child i
// exits with i & 0xff, and every argv[2]-th child first execs this
// program again as "forkloop child i".
const forkLoop = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc == 3 && strcmp(argv[1], "child") == 0)
		return atoi(argv[2]) & 0xff;
	int n = atoi(argv[1]), step = atoi(argv[2]);
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			if (i % step == 0) {
				char b[16];
				snprintf(b, sizeof b, "%d", i);
				execl("/proc/self/exe", "forkloop", "child", b, (char *)0);
				_exit(127);
			}
			_exit(i & 0xff);
		}
		int st;
		if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != (i & 0xff))
			return 1;
	}
	return 0;
}
`

// pidMaxPerNamespace reports whether pid_max is a property of the pid
// namespace (Linux 6.14), so that a test can lower it in a namespace of
// its own without touching the machine's.
func pidMaxPerNamespace() bool {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return false
	}
	var major, minor int
	fmt.Sscanf(unix.ByteSliceToString(u.Release[:]), "%d.%d", &major, &minor)
	return major > 6 || (major == 6 && minor >= 14)
}

// recordPastPidMax records a fork-and-reap loop that goes round the pid
// space several times: in a pid namespace of its own whose pid_max is
// 400, pids wrap every hundred forks.
func recordPastPidMax(t *testing.T, children int) string {
	t.Helper()
	if !pidMaxPerNamespace() {
		t.Skip("needs Linux 6.14 or later, where pid_max can be lowered in a pid namespace alone")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "forkloop.c")
	bin := filepath.Join(dir, "forkloop")
	if err := os.WriteFile(src, []byte(forkLoop), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("gcc", "-O1", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	trace := filepath.Join(dir, "loop.trc")
	// The shell is the namespace's init: it must outlive trec.
	script := `echo 400 > /proc/sys/kernel/pid_max || exit 99
"$0" record -q -o "$1" -- "$2" "$3" 97
status=$?
exit $status`
	cmd := exec.Command("sh", "-c", script, os.Args[0], trace, bin, strconv.Itoa(children))
	cmd.Env = append(os.Environ(), asCLI+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID}
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 99 {
			t.Skipf("cannot set pid_max in a new pid namespace: %s", out)
		}
		t.Fatalf("record in a pid namespace: %v\n%s", err, out)
	}
	return trace
}

// procRef is a process in JSON: its pid and start.
type procRef struct {
	Pid     int32 `json:"pid"`
	StartNs int64 `json:"start_ns"`
}

// statsProcess is a process row of stats --json.
type statsProcess struct {
	procRef
	Parent *procRef `json:"parent"`
	Execs  []struct {
		Argv      []string `json:"argv"`
		Inherited bool     `json:"inherited"`
	} `json:"execs"`
	ExitStatus *int `json:"exit_status"`
}

func statsProcesses(t *testing.T, args ...string) []statsProcess {
	t.Helper()
	out, errs, code := trec(t, nil, append([]string{"stats", "--json", "--top", "0"}, args...)...)
	if code != 0 {
		t.Fatalf("stats %v: exit %d: %s", args, code, errs)
	}
	var rep struct{ Processes []statsProcess }
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	return rep.Processes
}

func trailerOf(t *testing.T, trace string) *format.Trailer {
	t.Helper()
	f, err := os.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := format.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := r.Next(); err != nil {
			if r.Trailer() == nil {
				t.Fatalf("%s: %v", trace, err)
			}
			return r.Trailer()
		}
	}
}

// TestPidReuse checks that every reading command tells apart the
// processes of a trace that reused each pid several times.
func TestPidReuse(t *testing.T) {
	const children = 1000
	trace := recordPastPidMax(t, children)
	tr := trailerOf(t, trace)
	procs := statsProcesses(t, trace)
	if tr.Processes != children+1 || len(procs) != int(tr.Processes) {
		t.Fatalf("trailer: %d processes, stats: %d; want %d each", tr.Processes, len(procs), children+1)
	}
	byPid := map[int32][]statsProcess{}
	seen := map[[2]int64]bool{}
	for i, p := range procs {
		byPid[p.Pid] = append(byPid[p.Pid], p)
		seen[[2]int64{int64(p.Pid), p.StartNs}] = true
		if i == 0 {
			continue
		}
		// Children come in order of creation: child i-1 exits with i-1.
		if p.ExitStatus == nil || *p.ExitStatus != (i-1)&0xff || p.Parent == nil || *p.Parent != procs[0].procRef {
			t.Fatalf("child %d: %+v; want exit %d, parent %+v", i-1, p, (i-1)&0xff, procs[0].procRef)
		}
		own := 0
		for _, x := range p.Execs {
			if !x.Inherited {
				own++
				if want := []string{"forkloop", "child", strconv.Itoa(i - 1)}; strings.Join(x.Argv, " ") != strings.Join(want, " ") {
					t.Errorf("child %d ran %q, want %q", i-1, x.Argv, want)
				}
			}
		}
		if wantOwn := map[bool]int{true: 1, false: 0}[(i-1)%97 == 0]; own != wantOwn {
			t.Errorf("child %d: %d programs of its own, want %d: %+v", i-1, own, wantOwn, p.Execs)
		}
	}
	if len(seen) != len(procs) {
		t.Errorf("%d processes, %d distinct pid and start_ns", len(procs), len(seen))
	}
	info, _, _ := trec(t, nil, "info", "--json", trace)
	var ti struct{ Processes uint32 }
	if err := json.Unmarshal([]byte(info), &ti); err != nil || ti.Processes != tr.Processes {
		t.Errorf("info: %d processes (%v), the trailer %d", ti.Processes, err, tr.Processes)
	}
	// The pid that names the most processes.
	var reused int32
	for pid, ps := range byPid {
		if len(ps) > len(byPid[reused]) {
			reused = pid
		}
	}
	if n := len(byPid[reused]); n < 5 {
		t.Fatalf("no pid named more than %d processes: pid_max did not apply", n)
	}
	pid := strconv.Itoa(int(reused))
	want := byPid[reused]

	// -p PID keeps every process that had it, in every command.
	if got := statsProcesses(t, "-p", pid, trace); len(got) != len(want) {
		t.Errorf("stats -p %s: %d processes, want %d", pid, len(got), len(want))
	}
	second := want[1]
	at := fmt.Sprintf("%s@%dns", pid, second.StartNs)
	if got := statsProcesses(t, "-p", at, trace); len(got) != 1 || got[0].StartNs != second.StartNs {
		t.Errorf("stats -p %s: %+v, want the one process", at, got)
	}
	// The start stats prints names the process too.
	text, _, _ := trec(t, nil, "stats", "-p", pid, trace)
	var printed []string
	for _, l := range strings.Split(text, "\n") {
		if f := strings.Fields(l); len(f) > 3 && f[0] == pid {
			printed = append(printed, f[2])
		}
	}
	if len(printed) != len(want) {
		t.Fatalf("stats -p %s lists %d processes, want %d:\n%s", pid, len(printed), len(want), text)
	}
	at = pid + "@" + printed[1]
	if got := statsProcesses(t, "-p", at, trace); len(got) != 1 || got[0].StartNs != second.StartNs {
		t.Errorf("stats -p %s: %+v, want the process that started at %dns", at, got, second.StartNs)
	}
	jsonl, errs, code := trec(t, nil, "dump", "--json", "-p", pid, trace)
	if code != 0 {
		t.Fatalf("dump --json -p %s: exit %d: %s", pid, code, errs)
	}
	starts := map[int64]bool{}
	for _, l := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		var o struct {
			Pid            int32 `json:"pid"`
			ProcessStartNs int64 `json:"process_start_ns"`
		}
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatal(err)
		}
		if o.Pid == reused {
			starts[o.ProcessStartNs] = true
		}
	}
	if len(starts) != len(want) {
		t.Errorf("dump --json -p %s: %d processes, want %d", pid, len(starts), len(want))
	}
	filtered := filepath.Join(t.TempDir(), "p.trc")
	if _, errs, code := trec(t, nil, "filter", "-p", pid, "-o", filtered, trace); code != 0 {
		t.Fatalf("filter -p %s: exit %d: %s", pid, code, errs)
	}
	if got := statsProcesses(t, filtered); len(got) != len(want) {
		t.Errorf("stats of filter -p %s: %d processes, want %d", pid, len(got), len(want))
	}

	// Perfetto: one track per process.
	chrome, errs, code := trec(t, nil, "export", trace)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	var doc struct {
		TraceEvents []struct {
			Name string `json:"name"`
			Ph   string `json:"ph"`
			Pid  int64  `json:"pid"`
		} `json:"traceEvents"`
	}
	if err := json.Unmarshal([]byte(chrome), &doc); err != nil {
		t.Fatal(err)
	}
	tracks := map[int64]bool{}
	for _, e := range doc.TraceEvents {
		tracks[e.Pid] = true
	}
	if len(tracks) != len(procs) {
		t.Errorf("export: %d process tracks, want %d", len(tracks), len(procs))
	}
}

// recordPidTwice records testdata/progs/pidtwice.c in a pid namespace of
// its own, where ns_last_pid makes a pid come again at once, once with
// each of paths as what the second process opens.
func recordPidTwice(t *testing.T, paths ...string) []string {
	t.Helper()
	bin := buildProg(t, "pidtwice")
	dir := filepath.Dir(bin)
	for _, name := range []string{"sel", "other"} {
		if err := os.Link(bin, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	var traces []string
	for i, p := range paths {
		trace := filepath.Join(dir, fmt.Sprintf("%d.trc", i))
		// The shell is the namespace's init: it must outlive trec.
		cmd := exec.Command("sh", "-c", `"$0" record -q -o "$1" -- "$2" "$3" "$4"; exit $?`, os.Args[0], trace, bin, dir, p)
		cmd.Env = append(os.Environ(), asCLI+"=1")
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID}
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 99 {
			t.Skipf("cannot write ns_last_pid in a new pid namespace: %s", out)
		} else if err != nil {
			t.Fatalf("record in a pid namespace: %v\n%s", err, out)
		}
		traces = append(traces, trace)
	}
	return traces
}

// TestPidTwiceDiffExportReplay checks that diff, the Parquet export and
// replay keep apart two processes that had one pid one after the other:
// a, which runs sel and then other, and b, which runs sel.
func TestPidTwiceDiffExportReplay(t *testing.T) {
	const missing = "/nonexistent/trec-pid-twice"
	traces := recordPidTwice(t, "/etc/hostname", missing)
	procs := statsProcesses(t, traces[0])
	if len(procs) < 3 {
		t.Fatalf("%d processes: %+v", len(procs), procs)
	}
	root, a := procs[0], procs[1]
	var twice []statsProcess
	for _, p := range procs {
		if p.Pid == a.Pid {
			twice = append(twice, p)
		}
	}
	if len(twice) != 2 {
		t.Fatalf("pid %d names %d processes, want 2: %+v", a.Pid, len(twice), procs)
	}
	b := twice[1]
	child := func(p statsProcess, exit int) bool {
		return p.ExitStatus != nil && *p.ExitStatus == exit && p.Parent != nil && *p.Parent == root.procRef
	}
	if !child(a, 3) || !child(b, 0) {
		t.Fatalf("a %+v, b %+v: want exit 3 and 0, children of %+v", a, b, root.procRef)
	}

	// diff: with --comm sel, which leaves out a's exit and b's fork, a and
	// b are still two processes, and the one difference is b's open.
	for _, args := range [][]string{nil, {"--comm", "sel"}} {
		out, errs, code := trec(t, nil, append(append([]string{"diff", "--json"}, args...), traces...)...)
		if code != 1 {
			t.Fatalf("diff %v: exit %d, want 1: %s", args, code, errs)
		}
		var rep struct {
			A struct {
				ProcessCount int `json:"process_count"`
			} `json:"a"`
			NewFailures []struct{ Syscall, Errno, Path string } `json:"new_failures"`
			Threads     []struct {
				A procRef `json:"a"`
			} `json:"threads"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		want := len(procs)
		if args != nil {
			want = 2
		}
		if rep.A.ProcessCount != want {
			t.Errorf("diff %v: %d processes in a, want %d", args, rep.A.ProcessCount, want)
		}
		if len(rep.NewFailures) != 1 || rep.NewFailures[0].Path != missing {
			t.Errorf("diff %v: new failures %+v, want the open of %s", args, rep.NewFailures, missing)
		}
		// b's thread started with b, after a ended. (The parent's
		// writes of the pid differ too when the runs' pids do.)
		var ofPid []procRef
		for _, th := range rep.Threads {
			if th.A.Pid == b.Pid {
				ofPid = append(ofPid, th.A)
			}
		}
		if len(ofPid) != 1 || ofPid[0].StartNs < b.StartNs {
			t.Errorf("diff %v: threads of pid %d that differ: %+v, want one from %dns on", args, b.Pid, ofPid, b.StartNs)
		}
	}

	// export --format parquet: each row of the pid carries its process's
	// start, parent and program.
	for _, args := range [][]string{nil, {"--comm", "sel"}} {
		out := filepath.Join(t.TempDir(), "t.parquet")
		if _, errs, code := trec(t, nil, append(append([]string{"export", "--format", "parquet", "-o", out}, args...), traces[0])...); code != 0 {
			t.Fatalf("export %v: exit %d: %s", args, code, errs)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		rows, err := parquet.Read[struct {
			Kind           string  `parquet:"kind"`
			Pid            int32   `parquet:"pid"`
			ProcessStartNs int64   `parquet:"process_start_ns"`
			Ppid           *int32  `parquet:"ppid"`
			Comm           *string `parquet:"comm"`
		}](f, st.Size())
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		last := map[int64]string{}
		for _, r := range rows {
			if r.Pid != a.Pid {
				continue
			}
			if r.Ppid == nil || *r.Ppid != root.Pid || r.Comm == nil {
				t.Fatalf("export %v: row %+v: want ppid %d and a comm", args, r, root.Pid)
			}
			last[r.ProcessStartNs] = *r.Comm
		}
		// With --comm sel, a's last row is its execve of other.
		want := map[int64]string{a.StartNs: "other", b.StartNs: "sel"}
		if fmt.Sprint(last) != fmt.Sprint(want) {
			t.Errorf("export %v: the last comm of each process of pid %d: %v, want %v", args, a.Pid, last, want)
		}
	}

	// replay: inject's when= counts each thread's calls, b's apart from
	// a's although they had one tid.
	opens := map[int64]int{}
	jsonl, _, _ := trec(t, nil, "dump", "--json", "-e", "trace=openat", "-p", strconv.Itoa(int(a.Pid)), traces[0])
	for _, l := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		var o struct {
			Type           string `json:"type"`
			ProcessStartNs int64  `json:"process_start_ns"`
		}
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatal(err)
		}
		if o.Type == "syscall" {
			opens[o.ProcessStartNs]++
		}
	}
	na, nb := opens[a.StartNs], opens[b.StartNs]
	if nb == 0 || na <= nb {
		t.Fatalf("a opened %d files, b %d: want b some, a more", na, nb)
	}
	rule := fmt.Sprintf("openat:error=ENOENT:when=%d+", nb+1)
	out, errs, code := trec(t, nil, "replay", "--json", "--inject", rule, traces[0])
	if code != 1 {
		t.Fatalf("replay --inject %s: exit %d, want 1 (a call changed): %s", rule, code, errs)
	}
	var rep struct {
		Calls []struct {
			Pid            int32 `json:"pid"`
			ProcessStartNs int64 `json:"process_start_ns"`
		} `json:"calls"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	failed := map[int64]int{}
	for _, c := range rep.Calls {
		if c.Pid == a.Pid {
			failed[c.ProcessStartNs]++
		}
	}
	if want := map[int64]int{a.StartNs: na - nb}; fmt.Sprint(failed) != fmt.Sprint(want) {
		t.Errorf("replay --inject %s: failed opens of each process of pid %d: %v, want %v", rule, a.Pid, failed, want)
	}
}
