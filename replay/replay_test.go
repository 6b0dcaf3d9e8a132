package replay

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/hook"
	"github.com/trecdev/trec/sysent"
)

// reasons returns the undecidable calls' reasons, a line each.
func (r *replayed) reasons() string {
	var b strings.Builder
	for _, c := range r.Calls {
		for _, u := range c.Undecidable {
			b.WriteString(u.Name + ": " + u.Reason + "\n")
		}
	}
	return b.String()
}

// TestFilteredRecordingIsUndecidable replays a recording made with -e
// trace=openat: the working directory and the fds are not followed, so
// relative paths cannot be decided, absolute ones can; the syscalls the
// sandbox acts on that the recording left out make it incomplete.
func TestFilteredRecordingIsUndecidable(t *testing.T) {
	dir := fixture(t, t.TempDir())
	probe := prog("replayprobe")
	policy := sandbox(system + "allow read " + probe + "\ndeny " + dir + "/sub/b\nallow " + dir + "/**\n")
	trace, _ := recordTrace(t, dir, nil, "openat", probe, dir)
	rep, res := replayTrace(t, trace, Options{Hooks: policy(t)})
	if res.Undecidable == 0 {
		t.Fatalf("no call undecidable: %+v", rep.Calls)
	}
	if why := rep.reasons(); !strings.Contains(why, "-e trace=openat") || !strings.Contains(why, "not available") {
		t.Errorf("reasons do not name the filter:\n%s", why)
	}
	if len(res.Incomplete) != 1 || !strings.Contains(res.Incomplete[0], "-e trace=openat") || !strings.Contains(res.Incomplete[0], "stat, lstat") {
		t.Errorf("incomplete %q: want the syscalls the sandbox acts on that openat leaves out", res.Incomplete)
	}
	// The libraries' absolute paths are decided, allowed.
	var allowed uint64
	for _, c := range res.Counts {
		if c.Rule == "allow read /usr/**" {
			allowed = c.Seen
		}
	}
	if allowed == 0 {
		t.Errorf("no absolute path decided: %+v", res.Counts)
	}
}

// readsWrite is a hook that reads what write writes, through Memory.
type readsWrite struct{ got []string }

func (h *readsWrite) Name() string { return "reads-write" }
func (h *readsWrite) Syscalls(t *sysent.Table) (sysent.Set, error) {
	return sysent.ParseSet(t, "write")
}
func (h *readsWrite) Enter(c hook.Call) hook.Action {
	b, err := c.Mem().ReadBytes(c.Arg(1), int(c.Arg(2)))
	if err != nil {
		return hook.Action{Err: err}
	}
	h.got = append(h.got, string(b))
	return hook.Action{}
}
func (h *readsWrite) Exit(hook.Call) hook.Action { return hook.Action{} }

// TestUncapturedMemoryIsUndecidable replays a custom hook that reads write
// buffers: whole captures are served, cut ones are undecidable.
func TestUncapturedMemoryIsUndecidable(t *testing.T) {
	dir := fixture(t, t.TempDir())
	argv := []string{"sh", "-c", "echo hi; echo a-longer-line"}
	trace, _ := recordTraceWith(t, dir, nil, recordOptions{captureSize: 4}, argv...)
	h := &readsWrite{}
	rep, res := replayTrace(t, trace, Options{Hooks: []hook.Hook{h}})
	if strings.Join(h.got, "") != "hi\n" {
		t.Errorf("the hook read %q, want the one write captured whole", h.got)
	}
	if res.Undecidable != 1 || !strings.Contains(rep.reasons(), "buf's memory was recorded in part (4 of the 14 bytes asked for)") {
		t.Errorf("undecidable %d:\n%s", res.Undecidable, rep.reasons())
	}
}

// TestLinksOfAnotherHost replays a trace as if it came from another host:
// the file system's links are unknown, so resolving paths is undecidable
// until Root says where to read them; the links the program made, and
// lexical hooks, are decided.
func TestLinksOfAnotherHost(t *testing.T) {
	dir := fixture(t, t.TempDir())
	probe := prog("replayprobe")
	policy := sandbox(system + "allow read " + probe + "\ndeny " + dir + "/sub/b\nallow " + dir + "/**\nallow " + dir + "\n")
	trace, _ := recordTrace(t, dir, policy, "", probe, dir)
	live := liveChanges(t, trace, true)

	rep, res := replayTrace(t, trace, Options{Hooks: policy(t), Host: "elsewhere"})
	if res.Undecidable == 0 || !strings.Contains(rep.reasons(), `recorded on host`) {
		t.Errorf("undecidable %d: want the links' host named:\n%s", res.Undecidable, rep.reasons())
	}
	got, _ := replayChanges(t, trace, true, Options{Hooks: policy(t), Host: "elsewhere", Root: "/"})
	diffChanges(t, "with Root", live, got)

	_, res = replayTrace(t, trace, Options{Hooks: mapPath("/nowhere=/elsewhere")(t), Host: "elsewhere"})
	if res.Undecidable != 0 {
		t.Errorf("map-path, which reads no links, found %d undecidable calls", res.Undecidable)
	}
}

// TestLinksMadeDuringTheRecording replays after the directory is gone:
// the links the program made and removed are known from the trace, and
// the fixture's own paths, no longer on the file system, read as plain
// names.
func TestLinksMadeDuringTheRecording(t *testing.T) {
	dir := fixture(t, t.TempDir())
	probe := prog("replayprobe")
	policy := sandbox(system + "allow read " + probe + "\ndeny " + dir + "/sub/b\nallow " + dir + "/**\nallow " + dir + "\n")
	trace, _ := recordTrace(t, dir, policy, "", probe, dir)
	live := liveChanges(t, trace, true)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	got, _ := replayChanges(t, trace, true, Options{Hooks: policy(t)})
	diffChanges(t, "directory removed", live, got)
	var tmplink bool
	for _, c := range got {
		tmplink = tmplink || strings.HasPrefix(c.call, "openat@") && strings.Contains(c.actions, dir+"/sub/b")
	}
	if !tmplink {
		t.Error("no open through the program's links denied")
	}
}

// TestTruncatedTrace cuts a trace short: the replay says so.
func TestTruncatedTrace(t *testing.T) {
	dir := fixture(t, t.TempDir())
	trace, _ := recordTrace(t, dir, nil, "", prog("replayprobe"), dir)
	cut := trace[:len(trace)*2/3]
	rd, err := format.NewReader(bytes.NewReader(cut))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := Run(rd, rd.Header(), &out, Options{Hooks: deny("socket")(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Incomplete) != 1 || !strings.Contains(res.Incomplete[0], "cut short") {
		t.Errorf("incomplete %q", res.Incomplete)
	}
	if !strings.Contains(out.String(), "incomplete: the trace is cut short") {
		t.Errorf("the text report does not say the trace is cut:\n%s", out.String())
	}
}

// synth writes a trace of events with header h.
func synth(t *testing.T, h *format.Header, events ...format.Event) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := format.NewWriter(&b, h, format.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range events {
		if err := w.Write(&events[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(&format.Trailer{}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// call returns the enter and exit events of a syscall of thread tid of
// process pid, at time at, with a string capture of argument arg.
func call(tab *sysent.Table, at int64, pid, tid int32, name string, args [6]uint64, ret int64, strArg int, str string) []format.Event {
	sc, _ := tab.ByName(name)
	enter := format.Event{Kind: format.KindSyscallEnter, Time: at, Tid: tid, Pid: pid, Nr: int32(sc.Nr), Args: args}
	if strArg >= 0 {
		enter.Captures = []format.Capture{{Arg: uint8(strArg), Kind: format.CaptureString, Data: []byte(str)}}
	}
	exit := format.Event{Kind: format.KindSyscallExit, Time: at + 1, Tid: tid, Pid: pid, Nr: int32(sc.Nr), Ret: ret}
	return []format.Event{enter, exit}
}

// TestAttachedProcessFDs replays a trace of a process attached to: its fds
// from before the attach are unknown, so a path relative to one is
// undecidable, while its cwd and absolute paths are known.
func TestAttachedProcessFDs(t *testing.T) {
	tab := table()
	h := &format.Header{Arch: tab.Arch().String(), Cwd: "/home/u", Hostname: "h", Attached: []int32{50}}
	var ev []format.Event
	ev = append(ev, call(tab, 10, 50, 50, "openat", [6]uint64{5, 0x1000, 0}, 3, 1, "secret")...)
	ev = append(ev, call(tab, 20, 50, 50, "openat", [6]uint64{0xffffff9c, 0x1000, 0}, 4, 1, "secret")...)
	ev = append(ev, call(tab, 30, 50, 50, "openat", [6]uint64{3, 0x1000, 0}, 5, 1, "x")...)
	trace := synth(t, h, ev...)
	policy := sandbox("deny /**\n")
	rep, res := replayTrace(t, trace, Options{Hooks: policy(t), Host: "h"})
	if res.Undecidable != 2 || res.Changed != 1 {
		t.Fatalf("undecidable %d, changed %d; want 2 and 1: %+v", res.Undecidable, res.Changed, rep.Calls)
	}
	if why := rep.reasons(); !strings.Contains(why, "fd 5: what it refers to in process 50 is not in the recording") ||
		!strings.Contains(why, "fd 3: what it refers to in process 50 is not in the recording") {
		t.Errorf("reasons:\n%s", why)
	}
	if c := rep.Calls[1]; c.TimeNs != 20 || len(c.Hooks) != 1 || c.Hooks[0]["path"] != "/home/u/secret" {
		t.Errorf("the relative path was not resolved against the cwd: %+v", c)
	}
}

// TestMemory checks the recorded memory a Call serves.
func TestMemory(t *testing.T) {
	tab := table()
	sc, _ := tab.ByName("openat")
	long := strings.Repeat("x", pathMax)
	enter := &format.Event{Args: [6]uint64{0, 0x1000, 0x2000, 0x3000, 0x4000}, Captures: []format.Capture{
		{Arg: 1, Kind: format.CaptureString, Data: []byte("/etc/passwd")},
		{Arg: 2, Kind: format.CaptureString, Data: []byte("/et"), Size: 12},
		{Arg: 3, Kind: format.CaptureString, Data: []byte(long[:pathMax-1]), Size: pathMax},
		{Arg: 4, Kind: format.CaptureStruct, Data: []byte{1, 2, 3, 4}},
	}}
	r := &replayer{tab: tab}
	c := &recordedCall{r: r}
	c.set(1, 1, int32(sc.Nr), sc, enter, false, 0, nil)
	m := c.Mem()
	if s, err := m.ReadString(0x1000, pathMax); s != "/etc/passwd" || err != nil {
		t.Errorf("whole string: %q, %v", s, err)
	}
	if b, err := m.ReadBytes(0x1000, 12); string(b) != "/etc/passwd\x00" || err != nil {
		t.Errorf("a string's bytes with its NUL: %q, %v", b, err)
	}
	if _, err := m.ReadString(0x2000, pathMax); !errors.Is(err, hook.ErrUnavailable) || !strings.Contains(err.Error(), "3 of 12 bytes") {
		t.Errorf("a string cut short: %v", err)
	}
	if _, err := m.ReadString(0x3000, pathMax); err != syscall.ENAMETOOLONG {
		t.Errorf("a string as long as PATH_MAX: %v, want ENAMETOOLONG as live", err)
	}
	if b, err := m.ReadBytes(0x4000, 4); !bytes.Equal(b, []byte{1, 2, 3, 4}) || err != nil {
		t.Errorf("a struct: %v, %v", b, err)
	}
	if _, err := m.ReadBytes(0x4000, 8); !errors.Is(err, hook.ErrUnavailable) {
		t.Errorf("more than the struct: %v", err)
	}
	if _, err := m.ReadBytes(0x5000, 1); !errors.Is(err, hook.ErrUnavailable) {
		t.Errorf("memory no argument points at: %v", err)
	}
	// A path argument the recorder could not read was a bad pointer.
	enter.Captures = nil
	c.set(1, 1, int32(sc.Nr), sc, enter, false, 0, nil)
	if _, err := c.Mem().ReadString(0x1000, pathMax); err != syscall.EFAULT {
		t.Errorf("an uncaptured path: %v, want EFAULT", err)
	}
}

// TestFilterSelectsWhatTheHooksSee replays with -p and -e trace=: the
// hooks see only the calls kept, and inject's when= counts only them.
func TestFilterSelectsWhatTheHooksSee(t *testing.T) {
	tab := table()
	h := &format.Header{Arch: tab.Arch().String(), Cwd: "/", Hostname: "h", Attached: []int32{50, 60}}
	var ev []format.Event
	for i := range 4 {
		at := int64(10 * (i + 1))
		ev = append(ev, call(tab, at, 50, 50, "getppid", [6]uint64{}, 1, -1, "")...)
		ev = append(ev, call(tab, at+5, 60, 60, "getppid", [6]uint64{}, 1, -1, "")...)
	}
	trace := synth(t, h, ev...)
	f, err := analyze.ParseFilter(tab, analyze.FilterOptions{Pids: []string{"60"}})
	if err != nil {
		t.Fatal(err)
	}
	rep, res := replayTrace(t, trace, Options{Hooks: inject("getppid:retval=5:when=2+")(t), Filter: f})
	if res.Seen != 4 || res.Changed != 3 {
		t.Errorf("seen %d, changed %d; want 4 and 3", res.Seen, res.Changed)
	}
	for _, c := range rep.Calls {
		if c.Pid != 60 {
			t.Errorf("a call of process %d reported", c.Pid)
		}
	}
	// -e status=failed decides at the exit; the hooks still run.
	f, _ = analyze.ParseFilter(tab, analyze.FilterOptions{Exprs: []string{"status=successful"}})
	_, res = replayTrace(t, trace, Options{Hooks: inject("getppid:retval=5:when=2+")(t), Filter: f})
	if res.Seen != 8 || res.Changed != 6 {
		t.Errorf("with a status filter: seen %d, changed %d; want 8 and 6", res.Seen, res.Changed)
	}
}

// TestReusedPidCounts replays a trace where a fork gives pid 7 to a new
// process while the trace holds no exit of the first (a recording that
// lost it): inject's when= counts the new process's calls from 1.
func TestReusedPidCounts(t *testing.T) {
	tab := table()
	h := &format.Header{Arch: tab.Arch().String(), Cwd: "/", Hostname: "h"}
	ev := []format.Event{{Kind: format.KindExec, Time: 1, Tid: 1, Pid: 1, Exec: format.Exec{Path: "/bin/sh", Argv: []string{"sh"}}}}
	for _, at := range []int64{10, 50} {
		ev = append(ev, format.Event{Kind: format.KindClone, Time: at, Tid: 1, Pid: 1, Clone: format.Clone{Child: 7, Kind: format.CloneFork}})
		for i := range int64(3) {
			ev = append(ev, call(tab, at+10*(i+1), 7, 7, "getppid", [6]uint64{}, 1, -1, "")...)
		}
	}
	rep, res := replayTrace(t, synth(t, h, ev...), Options{Hooks: inject("getppid:retval=5:when=2")(t)})
	if res.Seen != 6 || res.Changed != 2 || len(rep.Calls) != 2 || rep.Calls[0].TimeNs != 30 || rep.Calls[1].TimeNs != 70 {
		t.Errorf("seen %d, changed %d: %+v; want the second call of each process changed", res.Seen, res.Changed, rep.Calls)
	}
}

// TestTextReport checks the text output: the call in dump's notation,
// the note in place of the errno's text, the counts, and (the trace is of
// an attached process) what makes the trace incomplete.
func TestTextReport(t *testing.T) {
	tab := table()
	h := &format.Header{Arch: tab.Arch().String(), Cwd: "/", Hostname: "h", Attached: []int32{50}}
	trace := synth(t, h, call(tab, 10, 50, 50, "openat", [6]uint64{0xffffff9c, 0x1000, 0}, 3, 1, "/etc/shadow")...)
	rd, _ := format.NewReader(bytes.NewReader(trace))
	var out bytes.Buffer
	sb, err := hook.ParseSandbox("p", []byte("deny /etc/shadow\nallow /**\n"), hook.PolicyEnv{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(rd, rd.Header(), &out, Options{Hooks: []hook.Hook{sb}, Host: "h"})
	if err != nil || res.Changed != 1 {
		t.Fatalf("%v, %+v", err, res)
	}
	// One thread: no "[pid N]", as trec dump prints it.
	want := `openat(AT_FDCWD, "/etc/shadow", O_RDONLY) = -1 EACCES (Permission denied) (sandbox: deny /etc/shadow)

hooks
     seen   changed undecidable hook         rule
        1         1           0 sandbox
        1         1           0 sandbox      deny /etc/shadow
incomplete: the recording attached to running processes (trec record -p): the calls in progress at the attach began before it, and no hook saw them
trec replay: 1 call changed, 0 undecidable, of 1 call the hooks saw
`
	if out.String() != want {
		t.Errorf("text report:\n%s\nwant:\n%s", out.String(), want)
	}
}

// TestLinksTrack checks the links a program made: made, then
// removed.
func TestLinksTrack(t *testing.T) {
	tab := table()
	dir := t.TempDir()
	h := &format.Header{Arch: tab.Arch().String(), Cwd: dir, Hostname: "h", Attached: []int32{50}}
	sym, _ := tab.ByName("symlink")
	enter := format.Event{Kind: format.KindSyscallEnter, Time: 1, Tid: 50, Pid: 50, Nr: int32(sym.Nr), Args: [6]uint64{0x1000, 0x2000},
		Captures: []format.Capture{{Arg: 0, Kind: format.CaptureString, Data: []byte("/target")}, {Arg: 1, Kind: format.CaptureString, Data: []byte("l")}}}
	exit := format.Event{Kind: format.KindSyscallExit, Time: 2, Tid: 50, Pid: 50, Nr: int32(sym.Nr)}
	ev := []format.Event{enter, exit}
	ev = append(ev, call(tab, 3, 50, 50, "openat", [6]uint64{0xffffff9c, 0x1000, 0}, 3, 1, "l/x")...)
	ev = append(ev, call(tab, 5, 50, 50, "unlink", [6]uint64{0x1000}, 0, 0, "l")...)
	ev = append(ev, call(tab, 7, 50, 50, "openat", [6]uint64{0xffffff9c, 0x1000, 0}, 3, 1, "l/x")...)
	trace := synth(t, h, ev...)
	rep, res := replayTrace(t, trace, Options{Hooks: sandbox("deny /target/**\nallow /**\n")(t), Host: "h"})
	if res.Changed != 1 || rep.Calls[0].TimeNs != 3 || rep.Calls[0].Hooks[0]["path"] != "/target/x" {
		t.Errorf("want the open through the link denied, the one after its removal allowed: %+v", rep.Calls)
	}
	if _, err := os.Lstat(filepath.Join(dir, "l")); err == nil {
		t.Fatal("the link is on the file system")
	}
}
