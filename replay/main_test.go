package replay

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/hook"
	"github.com/trecdev/trec/record"
	"github.com/trecdev/trec/sysent"
)

// progDir holds the test programs, built by TestMain.
var progDir string

func TestMain(m *testing.M) {
	record.MaybeRunShim()
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "trec-replay-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	progDir = dir
	// Built before any recording: record.Run ignores SIGCHLD while it
	// runs, which exec.Cmd.Wait needs.
	srcs, _ := filepath.Glob(filepath.Join("testdata", "progs", "*.c"))
	common, _ := filepath.Glob(filepath.Join("..", "testdata", "progs", "*.c"))
	srcs = append(srcs, common...)
	for _, src := range srcs {
		name := strings.TrimSuffix(filepath.Base(src), ".c")
		if out, err := exec.Command("gcc", "-O1", "-pthread", "-o", filepath.Join(dir, name), src).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build %s: %v\n%s", name, err, out)
			return 1
		}
	}
	return m.Run()
}

func prog(name string) string { return filepath.Join(progDir, name) }

func table() *sysent.Table {
	a, err := sysent.ParseArch(runtime.GOARCH)
	if err != nil {
		panic(err)
	}
	return sysent.ForArch(a)
}

// hooksFunc builds a fresh set of hooks: a live recording and a replay
// each need their own, as hooks keep state.
type hooksFunc func(t *testing.T) []hook.Hook

// recordOptions are the recording options the tests vary.
type recordOptions struct {
	filter      string
	captureSize int
}

// recordTrace runs argv in dir under trec's recorder with the hooks of mk
// (none when nil) and returns the trace and the program's exit status.
func recordTrace(t *testing.T, dir string, mk hooksFunc, filter string, argv ...string) ([]byte, int) {
	t.Helper()
	return recordTraceWith(t, dir, mk, recordOptions{filter: filter, captureSize: 4096}, argv...)
}

// recordTraceWith is recordTrace with options.
func recordTraceWith(t *testing.T, dir string, mk hooksFunc, o recordOptions, argv ...string) ([]byte, int) {
	t.Helper()
	out, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	var hooks []hook.Hook
	if mk != nil {
		hooks = mk(t)
	}
	var trace bytes.Buffer
	res, err := record.Run(context.Background(), record.Options{
		Argv: argv, Dir: dir, Stdin: devnull, Stdout: out, Stderr: out,
		CaptureSize: o.captureSize, Filter: o.filter, Hooks: hooks,
	}, &trace)
	if err != nil {
		t.Fatalf("record %q: %v", argv, err)
	}
	return trace.Bytes(), res.ExitStatus
}

// replayed is trec replay --json's output, the parts the tests read.
type replayed struct {
	Calls                      []callJSON
	Changed, Undecidable, Seen uint64
	Incomplete                 []string
	Summary                    []struct {
		Hook                       string
		Rule                       *string
		Seen, Changed, Undecidable uint64
	}
}

// callJSON is a call as trec dump --json and trec replay --json print it,
// the parts the tests read.
type callJSON struct {
	TimeNs      int64 `json:"time_ns"`
	Pid, Tid    int32
	Nr          int32
	Hooks       []map[string]any
	Undecidable []struct{ Name, Rule, Reason string }
}

// replayTrace runs Run over trace with opts and decodes its JSON.
func replayTrace(t *testing.T, trace []byte, opts Options) (*replayed, Result) {
	t.Helper()
	rd, err := format.NewReader(bytes.NewReader(trace))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	opts.Print.JSON = true
	res, err := Run(rd, rd.Header(), &out, opts)
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	var rep replayed
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("replay's JSON: %v\n%s", err, out.String())
	}
	if rep.Changed != res.Changed || rep.Undecidable != res.Undecidable || uint64(len(rep.Calls)) < res.Changed {
		t.Errorf("JSON says %d changed, %d undecidable, %d calls; Result %+v", rep.Changed, rep.Undecidable, len(rep.Calls), res)
	}
	return &rep, res
}

// change is one changed call, for comparisons: who made it, which call,
// and what the hooks did, as trec dump --json shows hook records.
type change struct {
	proc    string
	call    string
	actions string
}

func (c change) String() string { return c.proc + " " + c.call + ": " + c.actions }

// changes returns the calls of calls that hooks changed. Processes are
// named "p0", "p1", ... in the order the trace shows them start, so that
// runs with other pids compare; with keepPids the pid and the call's time
// stay, and the calls are put in the order of their entries.
func changes(t *testing.T, trace []byte, calls []callJSON, keepPids bool) []change {
	t.Helper()
	rd, err := format.NewReader(bytes.NewReader(trace))
	if err != nil {
		t.Fatal(err)
	}
	tab, _ := analyze.TableFor(rd.Header())
	names := map[int32]string{}
	name := func(pid int32) string {
		if s, ok := names[pid]; ok {
			return s
		}
		s := fmt.Sprintf("p%d", len(names))
		names[pid] = s
		return s
	}
	for {
		e, err := rd.Next()
		if err != nil {
			break
		}
		switch {
		case e.Kind == format.KindExec:
			name(e.Pid)
		case e.Kind == format.KindClone && e.Clone.Kind != format.CloneThread:
			name(e.Clone.Child)
		}
	}
	if keepPids {
		// dump --json lists calls by their entry; a replay as they end.
		slices.SortStableFunc(calls, func(a, b callJSON) int {
			return cmp.Or(cmp.Compare(a.TimeNs, b.TimeNs), cmp.Compare(a.Tid, b.Tid))
		})
	}
	var out []change
	for _, c := range calls {
		if len(c.Hooks) == 0 {
			continue
		}
		acts, err := json.Marshal(c.Hooks)
		if err != nil {
			t.Fatal(err)
		}
		ch := change{proc: name(c.Pid), call: tab.Name(int(c.Nr)), actions: string(acts)}
		if keepPids {
			ch.proc = fmt.Sprintf("%d/%d", c.Pid, c.Tid)
			ch.call += fmt.Sprintf("@%d", c.TimeNs)
		}
		out = append(out, ch)
	}
	return out
}

// liveChanges returns the calls the trace's hook records say the hooks
// changed live, as trec dump --json prints them, in trace order.
func liveChanges(t *testing.T, trace []byte, keepPids bool) []change {
	t.Helper()
	rd, err := format.NewReader(bytes.NewReader(trace))
	if err != nil {
		t.Fatal(err)
	}
	w, err := analyze.NewWalker(rd.Header(), nil, analyze.WalkerOptions{TrackFDs: true})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	p := analyze.NewPrinter(&out, w, rd.Header(), analyze.DumpOptions{JSON: true})
	if err := w.Walk(rd, p); err != io.EOF {
		t.Fatal(err)
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	var calls []callJSON
	for line := range strings.Lines(out.String()) {
		var c callJSON
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatalf("dump --json: %v: %s", err, line)
		}
		calls = append(calls, c)
	}
	return changes(t, trace, calls, keepPids)
}

// replayChanges returns the calls a replay of trace says the hooks
// change, in its order, and its result.
func replayChanges(t *testing.T, trace []byte, keepPids bool, opts Options) ([]change, *replayed) {
	t.Helper()
	rep, _ := replayTrace(t, trace, opts)
	return changes(t, trace, rep.Calls, keepPids), rep
}

// sortChanges orders changes by process, keeping each process's order:
// processes run concurrently, each in its own order.
func sortChanges(cs []change) {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].proc < cs[j].proc })
}

func diffChanges(t *testing.T, what string, live, replay []change) {
	t.Helper()
	n := max(len(live), len(replay))
	var b strings.Builder
	bad := len(live) != len(replay)
	for i := range n {
		var l, r string
		if i < len(live) {
			l = live[i].String()
		}
		if i < len(replay) {
			r = replay[i].String()
		}
		mark := "  "
		if l != r {
			mark, bad = "! ", true
		}
		fmt.Fprintf(&b, "%slive:   %s\n%sreplay: %s\n", mark, l, mark, r)
	}
	if bad {
		t.Errorf("%s: the replay's changes differ from the live ones:\n%s", what, b.String())
	}
}
