package main

import (
	"encoding/json"
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

// trec record --replayable, then trec replay --exec: the program prints
// again what it printed then, and the replay exits with its status.
func TestReplayExec(t *testing.T) {
	dir := t.TempDir()
	trace := filepath.Join(dir, "run.trc")
	script := `date +%s%N; head -c 8 /dev/urandom | od -An -tx1; echo $$; exit 3`
	out, errs, code := trec(t, nil, "record", "-q", "--replayable", "-o", trace, "--", "sh", "-c", script)
	if code != 3 || errs != "" || len(strings.Split(out, "\n")) != 4 {
		t.Fatalf("record: exit %d, stderr %q, stdout %q", code, errs, out)
	}
	again, errs, code := trec(t, nil, "replay", "--exec", trace)
	if code != 3 || errs != "" || again != out {
		t.Fatalf("replay: exit %d, stderr %q, stdout %q; recorded %q", code, errs, again, out)
	}
	quiet, _, code := trec(t, nil, "replay", "--exec", "--quiet-output", trace)
	if code != 3 || quiet != "" {
		t.Errorf("--quiet-output: exit %d, stdout %q", code, quiet)
	}
	js, _, code := trec(t, nil, "replay", "--exec", "--quiet-output", "--json", trace)
	var res struct {
		Diverged   bool
		ExitStatus int `json:"exit_status"`
		Events     int
		Served     int
	}
	if err := json.Unmarshal([]byte(js), &res); err != nil || code != 3 || res.Diverged || res.ExitStatus != 3 || res.Events == 0 || res.Served == 0 {
		t.Errorf("--json: exit %d, %v: %s", code, err, js)
	}
}

// A replay of a program rebuilt to read another file stops at that open,
// prints the recorded call and the live one in dump's notation and exits
// 1; --json says the same in one object.
func TestReplayExecDiverges(t *testing.T) {
	dir := t.TempDir()
	bin := buildProg(t, "replaydiverge")
	trace2 := filepath.Join(dir, "div.trc")
	if _, errs, code := trec(t, nil, "record", "-q", "--replayable", "-o", trace2, "--", bin); code != 0 {
		t.Fatalf("record: exit %d: %s", code, errs)
	}
	if _, errs, code := trec(t, nil, "replay", "--exec", trace2); code != 0 {
		t.Fatalf("replay of the same program: exit %d: %s", code, errs)
	}
	rebuilt := buildProgWith(t, "replaydiverge", "-DREBUILT")
	if err := os.Rename(rebuilt, bin); err != nil {
		t.Fatal(err)
	}
	_, errs, code := trec(t, nil, "replay", "--exec", trace2)
	if code != 1 || !strings.HasPrefix(errs, "trec: replay diverged at event ") {
		t.Fatalf("replay of the rebuilt program: exit %d:\n%s", code, errs)
	}
	for _, want := range []string{`recorded: openat(AT_FDCWD, "/etc/passwd", O_RDONLY)`, `live:     openat(AT_FDCWD, "/etc/hosts", O_RDONLY`, "argument 2 (filename)", "before it, in this thread:"} {
		if !strings.Contains(errs, want) {
			t.Errorf("the report lacks %q:\n%s", want, errs)
		}
	}
	js, _, code := trec(t, nil, "replay", "--exec", "--quiet-output", "--json", trace2)
	var res struct {
		Diverged   bool
		Divergence struct {
			Event    int
			Reason   string
			Recorded struct{ Syscall string }
			Live     struct{ Syscall string }
		}
	}
	if err := json.Unmarshal([]byte(js), &res); err != nil || code != 1 || !res.Diverged || res.Divergence.Event == 0 ||
		res.Divergence.Recorded.Syscall != "openat" || res.Divergence.Live.Syscall != "openat" {
		t.Errorf("--json: exit %d, %v: %s", code, err, js)
	}
}

// A trace recorded without --replayable is refused in one line, and so are
// flags that do not go with --exec.
func TestReplayExecRefuses(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.trc")
	if _, errs, code := trec(t, nil, "record", "-q", "-o", plain, "--", "true"); code != 0 {
		t.Fatalf("record: %s", errs)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"replay", "--exec", plain}, "not recorded with trec record --replayable"},
		{[]string{"replay", "--exec", "--sandbox", plain, plain}, "--sandbox is for replaying hooks"},
		{[]string{"replay", "--exec", "--until", "0", plain}, "events count from 1"},
		{[]string{"replay", "--exec", "--until", "soon", plain}, "want an event number"},
		{[]string{"record", "--replayable", "-e", "trace=read", "--", "true"}, "--replayable records every syscall"},
	} {
		_, errs, code := trec(t, nil, tc.args...)
		if code != 2 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, tc.want) {
			t.Errorf("trec %s: exit %d, stderr %q; want 2 and %q", strings.Join(tc.args, " "), code, errs, tc.want)
		}
	}
}

// The program trec replay --exec --until leaves stopped for a debugger
// outlives trec when a job-control shell ran trec in a process group of
// its own: the group's last link to the session goes with trec, and a
// stopped program in it would get the kernel's hangup. Continued, it
// runs on from where the replay left it.
func TestReplayExecUntilOutlivesTrec(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	dir := t.TempDir()
	trace := filepath.Join(dir, "run.trc")
	if out, errs, code := trec(t, nil, "record", "-q", "--replayable", "-o", trace, "--", "sh", "-c", "echo one; echo two"); code != 0 || out != "one\ntwo\n" {
		t.Fatalf("record: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	// The event number of the second write's entry.
	var n, i uint64
	walkTraceFile(t, trace, func(e *format.Event) {
		i++
		if e.Kind == format.KindSyscallEnter && e.Nr == unix.SYS_WRITE {
			n = i
		}
	})
	// A session leader (an interactive shell) runs trec as a job, in a
	// process group of its own, waits for it and exits.
	script := `import os, subprocess, sys
os.setsid()
env = dict(os.environ, ` + asCLI + `="1")
with open(sys.argv[2], "w") as out, open(sys.argv[3], "w") as err:
    p = subprocess.run([sys.argv[1], "replay", "--exec", "--until", sys.argv[4], sys.argv[5]], env=env, stdout=out, stderr=err, preexec_fn=os.setpgrp)
sys.exit(p.returncode)`
	outName, errName := filepath.Join(dir, "out"), filepath.Join(dir, "err")
	if b, err := exec.Command(python, "-c", script, os.Args[0], outName, errName, strconv.FormatUint(n, 10), trace).CombinedOutput(); err != nil {
		t.Fatalf("python: %v: %s", err, b)
	}
	errs, _ := os.ReadFile(errName)
	m := regexp.MustCompile(`stopped for a debugger: pid (\d+) \(gdb -p (\d+)\)\n$`).FindSubmatch(errs)
	if m == nil {
		t.Fatalf("replay --until %d: %q", n, errs)
	}
	pid, _ := strconv.Atoi(string(m[1]))
	defer func() {
		syscall.Kill(pid, syscall.SIGKILL)
		reapOrphans()
	}()
	// A hangup would have come as trec exited; what it does (the program
	// ends) takes a moment: a while later the program is still stopped.
	time.Sleep(200 * time.Millisecond)
	if st := procStatus(pid); !strings.HasPrefix(st["State"], "T") || st["TracerPid"] != "0" {
		t.Fatalf("after trec exited, the program %d is %q (TracerPid %s), want stopped, untraced", pid, st["State"], st["TracerPid"])
	}
	syscall.Kill(pid, syscall.SIGCONT)
	waitFor(t, "the program's second line", func() bool {
		b, _ := os.ReadFile(outName)
		return string(b) == "one\ntwo\n"
	})
}
