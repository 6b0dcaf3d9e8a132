package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
