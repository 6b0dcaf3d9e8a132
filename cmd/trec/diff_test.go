package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// recordRun records a program in dir and returns the trace's path.
func recordRun(t *testing.T, dir, trace string, argv ...string) string {
	t.Helper()
	t.Chdir(dir)
	path := filepath.Join(dir, trace)
	args := append([]string{"record", "-q", "-o", path, "--"}, argv...)
	if _, stderr, code := trec(t, nil, args...); code != 0 {
		t.Fatalf("record %v: exit %d: %s", argv, code, stderr)
	}
	return path
}

// diffReport is the part of trec diff --json the tests read.
type diffReport struct {
	Equal     bool
	Processes struct {
		OnlyInA, OnlyInB []struct{ Pid int32 }
		Changed          []struct {
			Changes []string
			A, B    struct{ Position string }
		}
	}
	Syscalls []struct {
		Syscall                          string
		CallsA, CallsB, ErrorsA, ErrorsB uint64
	}
	NewFailures  []struct{ Syscall, Errno, Path string }
	GoneFailures []struct{ Syscall string }
	Files        struct{ OnlyInA, OnlyInB []string }
	Bytes        []struct{ Path string }
	Streams      []struct {
		Target, Direction  string
		BytesA, BytesB     uint64
		ExcerptA, ExcerptB string
		FirstDifference    *uint64
	}
	Time []struct {
		Syscall                  string
		DurationANs, DurationBNs int64
	}
	Threads []struct {
		Hunks []struct {
			Lines []struct {
				Op    string
				Event map[string]any
			}
		}
	}
}

func (r *diffReport) UnmarshalJSON(b []byte) error {
	// Keys are snake_case: map them onto the Go names above.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	type plain diffReport
	fixed := map[string]json.RawMessage{}
	for k, v := range raw {
		fixed[strings.ReplaceAll(k, "_", "")] = fixKeys(v)
	}
	data, _ := json.Marshal(fixed)
	return json.Unmarshal(data, (*plain)(r))
}

// fixKeys removes the underscores of object keys, recursively, so that
// encoding/json's case-insensitive matching finds the Go fields.
func fixKeys(v json.RawMessage) json.RawMessage {
	var x any
	if json.Unmarshal(v, &x) != nil {
		return v
	}
	var walk func(any) any
	walk = func(x any) any {
		switch t := x.(type) {
		case map[string]any:
			m := map[string]any{}
			for k, v := range t {
				if k == "event" {
					m[k] = v
					continue
				}
				m[strings.ReplaceAll(k, "_", "")] = walk(v)
			}
			return m
		case []any:
			for i := range t {
				t[i] = walk(t[i])
			}
		}
		return x
	}
	out, _ := json.Marshal(walk(x))
	return out
}

// diffJSON runs trec diff --json and decodes it.
func diffJSON(t *testing.T, args ...string) (*diffReport, int) {
	t.Helper()
	out, stderr, code := trec(t, nil, append([]string{"diff", "--json"}, args...)...)
	if code > 1 {
		t.Fatalf("diff %v: exit %d: %s", args, code, stderr)
	}
	var r diffReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("diff --json: %v\n%s", err, out)
	}
	return &r, code
}

func TestDiffSameProgramMatches(t *testing.T) {
	dir := t.TempDir()
	threads := testProg(t, "diffthreads")
	src := filepath.Join(dir, "tree")
	for i, n := range []int{10, 3000, 70000} {
		sub := filepath.Join(src, "d"+strconv.Itoa(i))
		os.MkdirAll(sub, 0o755)
		os.WriteFile(filepath.Join(sub, "f"), []byte(strings.Repeat("x", n)), 0o644)
	}
	for _, tc := range []struct {
		name string
		argv []string
	}{
		{"tar | wc", []string{"sh", "-c", "tar cf - tree | wc -c"}},
		{"threads", []string{threads}},
	} {
		a := recordRun(t, dir, "a.trc", tc.argv...)
		b := recordRun(t, dir, "b.trc", tc.argv...)
		dumpA, _, _ := trec(t, nil, "dump", a)
		dumpB, _, _ := trec(t, nil, "dump", b)
		if dumpA == dumpB {
			t.Fatalf("%s: the two dumps are the same: nothing to normalize", tc.name)
		}
		out, stderr, code := trec(t, nil, "diff", a, b)
		if code != 0 || !strings.Contains(out, "no differences after normalization") {
			t.Errorf("%s: diff exit %d, stderr %q:\n%s", tc.name, code, stderr, out)
		}
	}
}

func TestDiffFindsChanges(t *testing.T) {
	dir := t.TempDir()
	prog := testProg(t, "diffprog")
	out := filepath.Join(dir, "out.txt")
	a := recordRun(t, dir, "a.trc", prog, "a", out)
	b := recordRun(t, dir, "b.trc", prog, "b", out)
	r, code := diffJSON(t, a, b)
	if code != 1 || r.Equal {
		t.Fatalf("exit %d, equal %v; want 1, false", code, r.Equal)
	}
	if len(r.Processes.Changed) != 1 || !slices.Equal(r.Processes.Changed[0].Changes, []string{"argv"}) ||
		len(r.Processes.OnlyInA)+len(r.Processes.OnlyInB) != 0 {
		t.Errorf("processes: %+v", r.Processes)
	}
	if len(r.NewFailures) != 1 || r.NewFailures[0].Errno != "ENOENT" || r.NewFailures[0].Path != "diffprog-missing-file" ||
		!strings.HasPrefix(r.NewFailures[0].Syscall, "open") || len(r.GoneFailures) != 0 {
		t.Errorf("failures: new %+v, gone %+v", r.NewFailures, r.GoneFailures)
	}
	if !slices.Equal(r.Files.OnlyInB, []string{"/etc/group"}) || len(r.Files.OnlyInA) != 0 {
		t.Errorf("files: %+v", r.Files)
	}
	for _, s := range r.Syscalls {
		if s.Syscall != "openat" && s.Syscall != "close" {
			t.Errorf("syscall %s changed: %+v", s.Syscall, s)
		}
	}
	if len(r.Bytes)+len(r.Streams) != 0 {
		t.Errorf("bytes %+v, streams %+v: the same number of bytes went everywhere", r.Bytes, r.Streams)
	}
	if len(r.Threads) != 1 || len(r.Threads[0].Hunks) != 1 {
		t.Fatalf("threads: %+v", r.Threads)
	}
	var changes []string
	for _, l := range r.Threads[0].Hunks[0].Lines {
		if l.Op == " " {
			continue
		}
		desc := l.Op + fmtEvent(l.Event)
		changes = append(changes, desc)
	}
	want := []string{
		`+openat /etc/group`, `+close /etc/group`, `+openat diffprog-missing-file ENOENT`,
		`-write ` + out + " result: aaa\n", `+write ` + out + " result: bbb\n",
	}
	if !slices.Equal(changes, want) {
		t.Errorf("first hunk's changes:\n%s\nwant:\n%s", strings.Join(changes, "\n"), strings.Join(want, "\n"))
	}
	text, _, _ := trec(t, nil, "diff", a, b)
	for _, line := range []string{
		`+openat(AT_FDCWD<` + dir + `>, "diffprog-missing-file", O_RDONLY) = -1 ENOENT (No such file or directory)`,
		`-write(3<` + out + `>, "result: aaa\n", 12) = 12`,
		`+write(3<` + out + `>, "result: bbb\n", 12) = 12`,
		"  + openat ENOENT \"diffprog-missing-file\"",
	} {
		if !strings.Contains(text, line+"\n") {
			t.Errorf("text report lacks %q:\n%s", line, text)
		}
	}
}

// fmtEvent shortens a dump --json call: its name, the path or fd path it
// names, a written string, and the errno.
func fmtEvent(e map[string]any) string {
	name, _ := e["syscall"].(string)
	if name == "" {
		name, _ = e["name"].(string)
	}
	s := name
	args, _ := e["args"].([]any)
	for _, a := range args {
		m, _ := a.(map[string]any)
		switch m["name"] {
		case "filename", "pathname", "fd", "buf":
			v := m["value"]
			if vm, ok := v.(map[string]any); ok {
				v = vm["path"]
			}
			if str, ok := v.(string); ok {
				str = strings.Trim(strings.SplitN(str, "<", 2)[len(strings.SplitN(str, "<", 2))-1], `">`)
				s += " " + str
			}
		}
	}
	if errno, ok := e["errno"].(string); ok {
		s += " " + errno
	}
	return s
}

func TestDiffMatchesATreeWhoseMiddleChanged(t *testing.T) {
	dir := t.TempDir()
	tree := testProg(t, "difftree")
	t.Setenv("DIFFTREE_MID", "x")
	a := recordRun(t, dir, "a.trc", tree, "root")
	t.Setenv("DIFFTREE_MID", "y")
	b := recordRun(t, dir, "b.trc", tree, "root")
	r, code := diffJSON(t, a, b)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	p := r.Processes
	if len(p.OnlyInA)+len(p.OnlyInB) != 0 || len(p.Changed) != 1 || p.Changed[0].A.Position != "1.1" ||
		!slices.Equal(p.Changed[0].Changes, []string{"argv"}) {
		t.Errorf("processes: %+v", p)
	}
	if len(r.Threads)+len(r.Syscalls)+len(r.Files.OnlyInA)+len(r.Files.OnlyInB) != 0 {
		t.Errorf("the leaves did not match: %+v", r)
	}
	text, _, _ := trec(t, nil, "diff", a, b)
	if !strings.Contains(text, "middle x") || !strings.Contains(text, "middle y") {
		t.Errorf("text report lacks the changed argv:\n%s", text)
	}
}

// A nanosleep 300 ms long in b, 5 ms in a, is the call whose time grew
// most. On a busy machine other calls can grow past the threshold too:
// the test does not ask that they did not.
func TestDiffSlowerSyscall(t *testing.T) {
	dir := t.TempDir()
	prog := testProg(t, "diffsleep")
	t.Setenv("DIFFSLEEP_MS", "5")
	a := recordRun(t, dir, "a.trc", prog)
	t.Setenv("DIFFSLEEP_MS", "300")
	b := recordRun(t, dir, "b.trc", prog)
	r, code := diffJSON(t, a, b)
	if code != 0 || !r.Equal || len(r.Threads) != 0 || len(r.Syscalls) != 0 {
		t.Fatalf("exit %d: %+v", code, r)
	}
	if len(r.Time) == 0 || r.Time[0].Syscall != "nanosleep" || r.Time[0].DurationBNs < 300e6 || r.Time[0].DurationANs < 5e6 {
		t.Errorf("time section %+v, want nanosleep first, from at least 5 ms to at least 300 ms", r.Time)
	}
}

func TestDiffStreams(t *testing.T) {
	dir := t.TempDir()
	a := recordRun(t, dir, "a.trc", "sh", "-c", "echo hello | cat")
	b := recordRun(t, dir, "b.trc", "sh", "-c", "echo hellp | cat")
	r, code := diffJSON(t, a, b)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	dirs := map[string]bool{}
	for _, s := range r.Streams {
		if s.Target != "pipe:" || s.BytesA != 6 || s.BytesB != 6 || s.FirstDifference == nil || *s.FirstDifference != 4 ||
			s.ExcerptA != `"hello\n"` || s.ExcerptB != `"hellp\n"` {
			t.Errorf("stream %+v", s)
		}
		dirs[s.Direction] = true
	}
	if !dirs["read"] || !dirs["write"] {
		t.Errorf("streams %+v: want the pipe's write in sh and its read in cat", r.Streams)
	}
	same, _ := diffJSON(t, a, a)
	if !same.Equal || len(same.Streams) != 0 {
		t.Errorf("a trace against itself: %+v", same)
	}
}

func TestDiffFilters(t *testing.T) {
	dir := t.TempDir()
	prog := testProg(t, "diffprog")
	out := filepath.Join(dir, "out.txt")
	a := recordRun(t, dir, "a.trc", prog, "a", out)
	b := recordRun(t, dir, "b.trc", prog, "b", out)
	r, _ := diffJSON(t, "-e", "trace=write", a, b)
	if len(r.Syscalls) != 0 || len(r.NewFailures) != 0 || len(r.Threads) != 1 {
		t.Errorf("-e trace=write: %+v", r)
	}
	r, _ = diffJSON(t, "--ignore", "openat,close", a, b)
	if len(r.Syscalls) != 0 || len(r.NewFailures) != 0 || len(r.Files.OnlyInB) != 0 {
		t.Errorf("--ignore openat,close: %+v", r)
	}
	r, _ = diffJSON(t, "--ignore", "%file,%desc,write", a, b)
	if len(r.Threads) != 0 {
		t.Errorf("--ignore %%file,%%desc,write left hunks: %+v", r.Threads)
	}
	// A pid of either run selects it and its match in the other.
	stats, _, _ := trec(t, nil, "stats", "--json", b)
	var st struct{ Processes []struct{ Pid int } }
	json.Unmarshal([]byte(stats), &st)
	if len(st.Processes) != 1 {
		t.Fatalf("stats: %s", stats)
	}
	r, code := diffJSON(t, "-p", strconv.Itoa(st.Processes[0].Pid), a, b)
	if code != 1 || len(r.Threads) != 1 {
		t.Errorf("-p %d: exit %d, %+v", st.Processes[0].Pid, code, r)
	}
	_, stderr, code := trec(t, nil, "diff", "-p", "1", a, b)
	if code != 2 || !strings.Contains(stderr, "no such process") {
		t.Errorf("-p 1: exit %d, %q", code, stderr)
	}
}

func TestDiffStdinAndErrors(t *testing.T) {
	trc := filepath.Join(tracesDir, "fileio.trc")
	data, _ := os.ReadFile(trc)
	out, _, code := trec(t, data, "diff", "-", trc)
	if code != 0 || !strings.Contains(out, "no differences") {
		t.Errorf("diff - FILE with FILE on stdin: exit %d\n%s", code, out)
	}
	out, _, code = trec(t, nil, "diff", filepath.Join(tracesDir, "pipeline.trc"), trc)
	if code != 1 || !strings.Contains(out, "\n--- a pid") {
		t.Errorf("two different traces: exit %d\n%s", code, out)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.trc")
	os.WriteFile(bad, []byte("not a trace"), 0o644)
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"diff", trc}, "want two trace files"},
		{[]string{"diff", trc, filepath.Join(dir, "missing.trc")}, "no such file"},
		{[]string{"diff", trc, bad}, "not a trec trace"},
		{[]string{"diff", "-", "-"}, "standard input"},
		{[]string{"diff", "--time-threshold", "fast", trc, trc}, "--time-threshold"},
		{[]string{"diff", "--ignore", "nosuchcall", trc, trc}, "nosuchcall"},
		{[]string{"diff", trc, trc, "--json"}, "put flags before"},
		{[]string{"diff", "--bogus", trc, trc}, "unknown flag --bogus"},
	} {
		_, stderr, code := trec(t, nil, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.msg) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("trec %v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.msg)
		}
	}
}
