package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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
	Calls []struct {
		TimeNs      int64 `json:"time_ns"`
		Pid, Tid    int32
		Nr          int32
		Ret         *int64
		Hooks       []action
		Undecidable []struct{ Name, Rule, Reason string }
	}
	Changed, Undecidable, Seen uint64
	Incomplete                 []string
	Summary                    []struct {
		Hook                       string
		Rule                       *string
		Seen, Changed, Undecidable uint64
	}
}

// action is a hook's change as replay's JSON and the trace's hook records
// both tell it.
type action struct {
	Name, Rule, Action, Stop, Path string
	Arg                            *int
	Old, New                       any
	DelayNs                        int64 `json:"delay_ns"`
	Signo                          int
}

func (a action) String() string {
	s := fmt.Sprintf("%s %q %s@%s", a.Name, a.Rule, a.Action, a.Stop)
	if a.Path != "" {
		s += " path=" + a.Path
	}
	if a.Arg != nil {
		s += fmt.Sprintf(" arg%d", *a.Arg)
	}
	if a.Old != nil {
		s += fmt.Sprintf(" old=%v", a.Old)
	}
	if a.New != nil {
		s += fmt.Sprintf(" new=%v", a.New)
	}
	if a.DelayNs != 0 {
		s += fmt.Sprintf(" delay=%d", a.DelayNs)
	}
	if a.Signo != 0 {
		s += fmt.Sprintf(" signo=%d", a.Signo)
	}
	return s
}

// replayTrace runs Run over trace with opts and decodes its JSON.
func replayTrace(t *testing.T, trace []byte, opts Options) (*replayed, Result) {
	t.Helper()
	rd, err := format.NewReader(bytes.NewReader(trace))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	opts.JSON = true
	res, err := Run(rd, rd.Header(), &out, opts)
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	var rep replayed
	dec := json.NewDecoder(&out)
	dec.UseNumber()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("replay's JSON: %v\n%s", err, out.String())
	}
	if rep.Changed != res.Changed || rep.Undecidable != res.Undecidable || uint64(len(rep.Calls)) < res.Changed {
		t.Errorf("JSON says %d changed, %d undecidable, %d calls; Result %+v", rep.Changed, rep.Undecidable, len(rep.Calls), res)
	}
	return &rep, res
}

// change is one changed call, for comparisons: who made it, which call,
// and what the hooks did.
type change struct {
	proc    string
	call    string
	actions string
}

func (c change) String() string { return c.proc + " " + c.call + ": " + c.actions }

// procNames names each process of a trace "p0", "p1", ... in the order
// the trace shows them start, so that runs with other pids compare; with
// keepPids the pid stays.
type procNames struct {
	names    map[int32]string
	n        int
	keepPids bool
}

func (p *procNames) name(pid int32) string {
	if p.keepPids {
		return fmt.Sprint(pid)
	}
	if s, ok := p.names[pid]; ok {
		return s
	}
	s := fmt.Sprintf("p%d", p.n)
	p.n++
	p.names[pid] = s
	return s
}

// liveChanges returns the calls the trace's hook records say the hooks
// changed live, in trace order.
func liveChanges(t *testing.T, trace []byte, keepPids bool) []change {
	t.Helper()
	rd, err := format.NewReader(bytes.NewReader(trace))
	if err != nil {
		t.Fatal(err)
	}
	tab, _ := analyze.TableFor(rd.Header())
	names := &procNames{names: map[int32]string{}, keepPids: keepPids}
	type open struct {
		time    int64
		pid     int32
		nr      int32
		actions []string
	}
	calls := map[int32]*open{}
	var order []*open
	for {
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e.Kind {
		case format.KindExec:
			names.name(e.Pid)
		case format.KindClone:
			if e.Clone.Kind != format.CloneThread {
				names.name(e.Clone.Child)
			}
		case format.KindSyscallEnter:
			calls[e.Tid] = &open{time: e.Time, pid: e.Pid, nr: e.Nr}
		case format.KindHook:
			c := calls[e.Tid]
			if c == nil {
				t.Fatalf("hook record of tid %d outside a call", e.Tid)
			}
			if len(c.actions) == 0 {
				order = append(order, c)
			}
			c.actions = append(c.actions, recordAction(&e.Hook).String())
		}
	}
	var out []change
	for _, c := range order {
		key := tab.Name(int(c.nr))
		if keepPids {
			key = fmt.Sprintf("%s@%d", key, c.time)
		}
		out = append(out, change{proc: names.name(c.pid), call: key, actions: strings.Join(c.actions, "; ")})
	}
	return out
}

// recordAction is a hook record as replay's JSON has it.
func recordAction(h *format.Hook) action {
	a := action{Name: h.Name, Rule: h.Rule, Path: h.Path, Stop: "entry"}
	if h.Exit {
		a.Stop = "exit"
	}
	num := func(v int64) any { return json.Number(fmt.Sprint(v)) }
	raw := func(v uint64) any {
		if n := int64(v); n < 0 && n >= -1<<31 {
			return num(n)
		}
		return json.Number(fmt.Sprint(v))
	}
	switch h.Op {
	case format.HookSkip:
		a.Action, a.New = "return", num(int64(h.NewValue))
		if hook.IsError(int64(h.NewValue)) {
			a.Action = "fail"
		}
	case format.HookSetArg:
		arg := int(h.Arg)
		a.Action, a.Arg = "set_arg", &arg
		a.Old, a.New = raw(h.OldValue), raw(h.NewValue)
		if h.NewData != nil {
			a.Old, a.New = string(h.OldData), string(h.NewData)
		}
	case format.HookSetRet:
		a.Action, a.Old, a.New = "set_ret", num(int64(h.OldValue)), num(int64(h.NewValue))
	case format.HookDelay:
		a.Action, a.DelayNs = "delay", int64(h.NewValue)
	case format.HookSignal:
		a.Action, a.Signo = "signal", int(h.NewValue)
	}
	return a
}

// replayChanges returns the calls a replay of trace says the hooks
// change, in its order, and its result.
func replayChanges(t *testing.T, trace []byte, keepPids bool, opts Options) ([]change, *replayed) {
	t.Helper()
	rep, _ := replayTrace(t, trace, opts)
	rd, _ := format.NewReader(bytes.NewReader(trace))
	tab, _ := analyze.TableFor(rd.Header())
	// Process names come from the trace's order of processes.
	names := &procNames{names: map[int32]string{}, keepPids: keepPids}
	for {
		e, err := rd.Next()
		if err != nil {
			break
		}
		switch {
		case e.Kind == format.KindExec:
			names.name(e.Pid)
		case e.Kind == format.KindClone && e.Clone.Kind != format.CloneThread:
			names.name(e.Clone.Child)
		}
	}
	var out []change
	for _, c := range rep.Calls {
		if len(c.Hooks) == 0 {
			continue
		}
		var acts []string
		for _, a := range c.Hooks {
			acts = append(acts, a.String())
		}
		key := tab.Name(int(c.Nr))
		if keepPids {
			key = fmt.Sprintf("%s@%d", key, c.TimeNs)
		}
		out = append(out, change{proc: names.name(c.Pid), call: key, actions: strings.Join(acts, "; ")})
	}
	return out, rep
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
