package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// replaySystem is what every program may read: its libraries and the system's
// configuration.
const replaySystem = "allow read /usr/**\nallow read /etc/**\nallow /dev/**\nallow read /proc/**\n"

// TestReplayRefinesAPolicy is the policy refined offline: a recording of a
// program, a policy that denies one of its reads (exit 1, naming the
// path), the policy fixed (exit 0).
func TestReplayRefinesAPolicy(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"config", "data"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(f+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	trace := filepath.Join(dir, "run.trc")
	if _, stderr, code := trec(t, nil, "record", "-q", "-o", trace, "--", "cat", filepath.Join(dir, "config"), filepath.Join(dir, "data")); code != 0 {
		t.Fatalf("record: exit %d: %s", code, stderr)
	}
	policy := filepath.Join(dir, "policy")
	write := func(rules string) {
		if err := os.WriteFile(policy, []byte(replaySystem+rules), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	write("allow read " + dir + "/config\n")
	stdout, stderr, code := trec(t, nil, "replay", "--sandbox", policy, trace)
	denied := `openat(AT_FDCWD, "` + dir + `/data", O_RDONLY) = -1 EACCES (Permission denied) (sandbox: no rule allows read)`
	if code != 1 || !strings.Contains(stdout, denied) || stderr != "" {
		t.Errorf("a policy without data: exit %d, stdout:\n%s\nstderr: %s\nwant exit 1 and %s", code, stdout, stderr, denied)
	}
	if !strings.Contains(stdout, "trec replay: 1 call changed, 0 undecidable") {
		t.Errorf("no summary line:\n%s", stdout)
	}

	stdout, _, code = trec(t, nil, "replay", "--json", "--sandbox", policy, trace)
	var rep struct {
		Changed     *int
		Undecidable *int
		Calls       []struct {
			Hooks []struct{ Name, Rule, Action, Path, Errno, At string }
		}
		Summary []struct {
			Hook    string
			Rule    *string
			Changed int
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, stdout)
	}
	if code != 1 || rep.Changed == nil || *rep.Changed != 1 || len(rep.Calls) != 1 || len(rep.Calls[0].Hooks) != 1 {
		t.Fatalf("--json: exit %d, %s", code, stdout)
	}
	if h := rep.Calls[0].Hooks[0]; h.Name != "sandbox" || h.Action != "fail" || h.Errno != "EACCES" || h.Path != dir+"/data" || h.At != "enter" {
		t.Errorf("--json's action: %+v", h)
	}

	write("allow read " + dir + "/config\nallow read " + dir + "/data\n")
	stdout, stderr, code = trec(t, nil, "replay", "--sandbox", policy, trace)
	if code != 0 || !strings.Contains(stdout, "trec replay: 0 calls changed, 0 undecidable") || stderr != "" {
		t.Errorf("the fixed policy: exit %d, stdout:\n%s\nstderr: %s", code, stdout, stderr)
	}
}

// TestReplayUndecidable checks the exit status of undecidable calls, and
// --allow-undecidable.
func TestReplayUndecidable(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	trace := filepath.Join(dir, "run.trc")
	// The recording keeps openat alone: cat's relative path cannot be
	// resolved.
	if _, stderr, code := trec(t, nil, "record", "-q", "-e", "trace=openat", "-o", trace, "--", "cat", "a"); code != 0 {
		t.Fatalf("record: exit %d: %s", code, stderr)
	}
	stdout, _, code := trec(t, nil, "replay", "--deny", "socket", "--sandbox", "/dev/null", trace)
	undecided := regexp.MustCompile(`openat\(AT_FDCWD, "a", O_RDONLY\) += 3 \(sandbox undecidable: fd -100: working directory: the recording kept only -e trace=openat, without `)
	if code != 1 || !undecided.MatchString(stdout) {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
	if !strings.Contains(stdout, "incomplete: the recording kept only -e trace=openat: calls of ") {
		t.Errorf("the gaps are not named:\n%s", stdout)
	}
	// An empty policy denies every absolute path too: exit 1 for them.
	_, _, code = trec(t, nil, "replay", "--allow-undecidable", "--sandbox", "/dev/null", trace)
	if code != 1 {
		t.Errorf("--allow-undecidable with changed calls: exit %d, want 1", code)
	}
	_, _, code = trec(t, nil, "replay", "--allow-undecidable", "--map-path", "/nowhere=/x", trace)
	if code != 0 {
		t.Errorf("--allow-undecidable with nothing changed: exit %d, want 0", code)
	}
}

// TestReplayErrors checks that trouble exits 2 with one line naming what
// is wrong.
func TestReplayErrors(t *testing.T) {
	dir := t.TempDir()
	trace := filepath.Join(dir, "run.trc")
	if _, stderr, code := trec(t, nil, "record", "-q", "-o", trace, "--", "true"); code != 0 {
		t.Fatalf("record: exit %d: %s", code, stderr)
	}
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("allow /usr/**\npermit /etc\n"), 0o644)
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"replay", trace}, "no hooks to replay"},
		{[]string{"replay", "--deny", "socket", filepath.Join(dir, "missing.trc")}, "missing.trc"},
		{[]string{"replay", "--sandbox", bad, trace}, bad + ":2:1: unknown rule"},
		{[]string{"replay", "--sandbox", filepath.Join(dir, "nopolicy"), trace}, "--sandbox"},
		{[]string{"replay", "--inject", "openat:error=ENOPE", trace}, "column 14: unknown errno"},
		{[]string{"replay", "--deny", "nosuchcall", trace}, "nosuchcall"},
		{[]string{"replay", "--nosuchflag", trace}, "unknown flag --nosuchflag"},
		{[]string{"replay", "--deny", "socket", "-s", "-1", trace}, "-s"},
		{[]string{"replay", "--deny", "socket", "--root", filepath.Join(dir, "nosuchdir"), trace}, "--root " + filepath.Join(dir, "nosuchdir") + ": no such file or directory"},
		{[]string{"replay", "--deny", "socket", "--root", bad, trace}, "--root " + bad + ": not a directory"},
	} {
		stdout, stderr, code := trec(t, nil, tc.args...)
		if code != 2 || !strings.HasPrefix(stderr, "trec: ") || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%q: exit %d, stderr %q, stdout %q; want 2 and one line naming %q", tc.args, code, stderr, stdout, tc.msg)
		}
	}
}

// TestReplayHelp checks that the help explains the CI use.
func TestReplayHelp(t *testing.T) {
	stdout, _, code := trec(t, nil, "replay", "--help")
	for _, want := range []string{"trec replay", "--sandbox", "--allow-undecidable", "--root", "CI check", "trec record -o test.trc", "exit 1 lists each violation"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("trec replay --help (exit %d) lacks %q:\n%s", code, want, stdout)
		}
	}
}

// TestReplayGolden keeps replay's text and JSON for the repository's
// pipeline trace under testdata/traces/golden (go test -update rewrites
// them): hooks that read no symbolic links, so that the output is the same
// on every machine.
func TestReplayGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"replay-pipeline-redirect-fd-1-2-inject.txt", []string{"replay", "--redirect-fd", "1:2", "--inject", "openat:error=ENOENT:when=2", "pipeline.trc"}},
		{"replay-pipeline-json-redirect-fd-1-2-inject.json", []string{"replay", "--json", "--redirect-fd", "1:2", "--inject", "openat:error=ENOENT:when=2", "pipeline.trc"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			args := append([]string(nil), tc.args...)
			args[len(args)-1] = filepath.Join(tracesDir, args[len(args)-1])
			out, errs, code := trec(t, nil, args...)
			if code != 1 || errs != "" {
				t.Fatalf("trec %s: exit %d, stderr %q; want 1, the hooks change calls", strings.Join(tc.args, " "), code, errs)
			}
			checkGolden(t, tc.golden, []byte(out))
		})
	}
}
