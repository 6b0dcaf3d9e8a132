package table

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
)

// readRow is a row as read back, every optional column a pointer.
type readRow struct {
	TraceID     string   `parquet:"trace_id"`
	Host        *string  `parquet:"host"`
	Kind        string   `parquet:"kind"`
	Ts          int64    `parquet:"ts"`
	TimeNs      int64    `parquet:"time_ns"`
	Pid         int32    `parquet:"pid"`
	Tid         int32    `parquet:"tid"`
	ProcStartNs int64    `parquet:"process_start_ns"`
	Ppid        *int32   `parquet:"ppid"`
	Comm        *string  `parquet:"comm"`
	Syscall     *string  `parquet:"syscall"`
	Nr          *int32   `parquet:"nr"`
	Arg0        *int64   `parquet:"arg0"`
	Arg1        *int64   `parquet:"arg1"`
	Arg2        *int64   `parquet:"arg2"`
	Arg3        *int64   `parquet:"arg3"`
	Arg4        *int64   `parquet:"arg4"`
	Arg5        *int64   `parquet:"arg5"`
	Ret         *int64   `parquet:"ret"`
	Errno       *string  `parquet:"errno"`
	Status      *string  `parquet:"status"`
	DurationNs  *int64   `parquet:"duration_ns"`
	Path        *string  `parquet:"path"`
	Bytes       *int64   `parquet:"bytes"`
	Signal      *string  `parquet:"signal"`
	Signo       *int32   `parquet:"signo"`
	ExitStatus  *int32   `parquet:"exit_status"`
	ChildTid    *int32   `parquet:"child_tid"`
	Argv        []string `parquet:"argv,list"`
}

const start = 1_700_000_000_000_000_000

type ev = format.Event

func call(us int64, tid, pid, nr int32, ret int64, args ...uint64) []ev {
	in := ev{Kind: format.KindSyscallEnter, Time: us * 1000, Tid: tid, Pid: pid, Nr: nr}
	copy(in.Args[:], args)
	out := ev{Kind: format.KindSyscallExit, Time: us*1000 + 500, Tid: tid, Pid: pid, Nr: nr, Ret: ret}
	return []ev{in, out}
}

func withPath(evs []ev, arg uint8, p string) []ev {
	evs[0].Captures = append(evs[0].Captures, format.Capture{Arg: arg, Kind: format.CaptureString, Data: []byte(p)})
	return evs
}

// writeTrace writes evs as a trace with the given host and returns it.
func writeTrace(t *testing.T, host string, evs ...[]ev) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := format.NewWriter(&buf, &format.Header{Arch: "x86_64", Cwd: "/work", Hostname: host, StartUnixNano: start}, format.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, group := range evs {
		for i := range group {
			if err := w.Write(&group[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// export writes the traces to one table and reads its rows back, with the
// number of rows of each row group.
func export(t *testing.T, opts Options, traces ...[]byte) ([]readRow, []int64, []string) {
	t.Helper()
	var out bytes.Buffer
	tw, err := NewWriter(&out, opts)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, data := range traces {
		r, err := format.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		w, err := analyze.NewWalker(r.Header(), nil, analyze.WalkerOptions{TrackFDs: true})
		if err != nil {
			t.Fatal(err)
		}
		tr := tw.BeginTrace(r.Header(), r.HeaderBytes(), w)
		if err := w.Walk(r, tr); err != io.EOF {
			t.Fatal(err)
		}
		if err := tr.End(); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, TraceID(r.HeaderBytes()))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var groups []int64
	for _, rg := range f.RowGroups() {
		groups = append(groups, rg.NumRows())
	}
	rows, err := parquet.Read[readRow](bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(rows)) != tw.Rows() {
		t.Fatalf("read %d rows, writer counted %d", len(rows), tw.Rows())
	}
	return rows, groups, ids
}

func str(p *string) string {
	if p == nil {
		return "<null>"
	}
	return *p
}

func num[T int32 | int64](p *T) any {
	if p == nil {
		return "<null>"
	}
	return int64(*p)
}

func TestRows(t *testing.T) {
	const (
		nrRead, nrOpenat, nrExitGroup = 0, 257, 231
		atFDCWD                       = 0xffffff9c
	)
	trace := writeTrace(t, "build7",
		[]ev{{Kind: format.KindExec, Time: 1000, Tid: 100, Pid: 100, Exec: format.Exec{Path: "/usr/bin/sh", Argv: []string{"sh", "-c", "x"}}}},
		withPath(call(2, 100, 100, nrOpenat, 3, atFDCWD, 0x7ffd0000, 0), 1, "data/in.txt"),
		call(3, 100, 100, nrRead, 10, 3, 0x7ffd1000, 4096),
		withPath(call(4, 100, 100, nrOpenat, -2, atFDCWD, 0x7ffd0000, 0), 1, "/nonexistent"),
		[]ev{{Kind: format.KindClone, Time: 5000, Tid: 100, Pid: 100, Clone: format.Clone{Child: 101, Kind: format.CloneFork}}},
		[]ev{{Kind: format.KindExec, Time: 6000, Tid: 101, Pid: 101, Exec: format.Exec{Path: "/usr/bin/cat", Argv: []string{"cat"}}}},
		[]ev{{Kind: format.KindExit, Time: 7000, Tid: 101, Pid: 101, Exit: format.Exit{Code: 0}}},
		[]ev{{Kind: format.KindSignal, Time: 7100, Tid: 100, Pid: 100, Signal: format.Signal{Signo: 17}}},
		// The pid is reused by the next child: another process.
		[]ev{{Kind: format.KindClone, Time: 8000, Tid: 100, Pid: 100, Clone: format.Clone{Child: 101, Kind: format.CloneFork}}},
		call(9, 101, 101, nrRead, 0, 0, 0x7ffd1000, 4096),
		[]ev{{Kind: format.KindExit, Time: 10000, Tid: 101, Pid: 101, Exit: format.Exit{Signal: 9}}},
		call(11, 100, 100, nrExitGroup, 0, 3)[:1],
		[]ev{{Kind: format.KindExit, Time: 12000, Tid: 100, Pid: 100, Exit: format.Exit{Code: 3}}},
	)
	rows, groups, ids := export(t, Options{}, trace)
	if len(groups) != 1 || groups[0] != int64(len(rows)) {
		t.Errorf("row groups %v, want one of %d rows", groups, len(rows))
	}
	type want struct {
		kind, comm, syscall, status, errno, path, signal string
		pid, procStart                                   int64
		ppid, arg0, ret, bytes, exit, child, duration    any
		argv                                             int
	}
	null := "<null>"
	wants := []want{
		{kind: "exec", comm: "sh", syscall: null, status: null, errno: null, path: "/usr/bin/sh", signal: null, pid: 100, procStart: 1000, ppid: null, arg0: null, ret: null, bytes: null, exit: null, child: null, duration: null, argv: 3},
		{kind: "syscall", comm: "sh", syscall: "openat", status: "successful", errno: null, path: "/work/data/in.txt", signal: null, pid: 100, procStart: 1000, ppid: null, arg0: int64(-100), ret: int64(3), bytes: null, exit: null, child: null, duration: int64(500)},
		{kind: "syscall", comm: "sh", syscall: "read", status: "successful", errno: null, path: "/work/data/in.txt", signal: null, pid: 100, procStart: 1000, ppid: null, arg0: int64(3), ret: int64(10), bytes: int64(10), exit: null, child: null, duration: int64(500)},
		{kind: "syscall", comm: "sh", syscall: "openat", status: "failed", errno: "ENOENT", path: "/nonexistent", signal: null, pid: 100, procStart: 1000, ppid: null, arg0: int64(-100), ret: int64(-2), bytes: null, exit: null, child: null, duration: int64(500)},
		{kind: "clone", comm: "sh", syscall: null, status: null, errno: null, path: null, signal: null, pid: 100, procStart: 1000, ppid: null, arg0: null, ret: null, bytes: null, exit: null, child: int64(101), duration: null},
		{kind: "exec", comm: "cat", syscall: null, status: null, errno: null, path: "/usr/bin/cat", signal: null, pid: 101, procStart: 5000, ppid: int64(100), arg0: null, ret: null, bytes: null, exit: null, child: null, duration: null, argv: 1},
		{kind: "exit", comm: "cat", syscall: null, status: null, errno: null, path: null, signal: null, pid: 101, procStart: 5000, ppid: int64(100), arg0: null, ret: null, bytes: null, exit: int64(0), child: null, duration: null},
		{kind: "signal", comm: "sh", syscall: null, status: null, errno: null, path: null, signal: "SIGCHLD", pid: 100, procStart: 1000, ppid: null, arg0: null, ret: null, bytes: null, exit: null, child: null, duration: null},
		{kind: "clone", comm: "sh", syscall: null, status: null, errno: null, path: null, signal: null, pid: 100, procStart: 1000, ppid: null, arg0: null, ret: null, bytes: null, exit: null, child: int64(101), duration: null},
		{kind: "syscall", comm: "sh", syscall: "read", status: "successful", errno: null, path: null, signal: null, pid: 101, procStart: 8000, ppid: int64(100), arg0: int64(0), ret: int64(0), bytes: int64(0), exit: null, child: null, duration: int64(500)},
		{kind: "exit", comm: "sh", syscall: null, status: null, errno: null, path: null, signal: "SIGKILL", pid: 101, procStart: 8000, ppid: int64(100), arg0: null, ret: null, bytes: null, exit: int64(137), child: null, duration: null},
		{kind: "syscall", comm: "sh", syscall: "exit_group", status: "unfinished", errno: null, path: null, signal: null, pid: 100, procStart: 1000, ppid: null, arg0: int64(3), ret: null, bytes: null, exit: null, child: null, duration: null},
		{kind: "exit", comm: "sh", syscall: null, status: null, errno: null, path: null, signal: null, pid: 100, procStart: 1000, ppid: null, arg0: null, ret: null, bytes: null, exit: int64(3), child: null, duration: null},
	}
	if len(rows) != len(wants) {
		for _, r := range rows {
			t.Logf("%+v", r)
		}
		t.Fatalf("%d rows, want %d", len(rows), len(wants))
	}
	for i, r := range rows {
		w := wants[i]
		got := want{
			kind: r.Kind, comm: str(r.Comm), syscall: str(r.Syscall), status: str(r.Status), errno: str(r.Errno),
			path: str(r.Path), signal: str(r.Signal), pid: int64(r.Pid), procStart: r.ProcStartNs, ppid: num(r.Ppid),
			arg0: num(r.Arg0), ret: num(r.Ret), bytes: num(r.Bytes), exit: num(r.ExitStatus), child: num(r.ChildTid),
			duration: num(r.DurationNs), argv: len(r.Argv),
		}
		if got != w {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, got, w)
		}
		if r.TraceID != ids[0] || str(r.Host) != "build7" || r.Ts != start+r.TimeNs {
			t.Errorf("row %d: trace_id %s host %s ts %d time_ns %d", i, r.TraceID, str(r.Host), r.Ts, r.TimeNs)
		}
	}
	// The columns every syscall has, and the arguments it takes.
	if r := rows[2]; r.Nr == nil || *r.Nr != nrRead || r.Arg2 == nil || *r.Arg2 != 4096 || r.Arg3 != nil {
		t.Errorf("read row: nr %v arg2 %v arg3 %v", num(r.Nr), num(r.Arg2), num(r.Arg3))
	}
	if got := rows[0].Argv; len(got) != 3 || got[2] != "x" {
		t.Errorf("argv %q", got)
	}
}

func TestRowGroups(t *testing.T) {
	var evs [][]ev
	for i := range 10 {
		evs = append(evs, call(int64(i+1), 7, 7, 0, 1, 0, 0x1000, 1))
	}
	a := writeTrace(t, "a", evs...)
	b := writeTrace(t, "b", evs[:4]...)
	rows, groups, ids := export(t, Options{RowGroupRows: 4}, a, b)
	if want := []int64{4, 4, 2, 4}; len(groups) != len(want) || groups[0] != 4 || groups[1] != 4 || groups[2] != 2 || groups[3] != 4 {
		t.Errorf("row groups %v, want %v (one trace never shares a row group)", groups, want)
	}
	if ids[0] == ids[1] {
		t.Errorf("two traces have one id %s", ids[0])
	}
	for i, r := range rows {
		if want := ids[i/10]; r.TraceID != want {
			t.Errorf("row %d: trace_id %s, want %s", i, r.TraceID, want)
		}
	}
}

func TestTraceIDStable(t *testing.T) {
	tr := writeTrace(t, "h", call(1, 7, 7, 0, 1))
	r1, _ := format.NewReader(bytes.NewReader(tr))
	r2, _ := format.NewReader(bytes.NewReader(tr))
	id := TraceID(r1.HeaderBytes())
	if id != TraceID(r2.HeaderBytes()) || len(id) != 16 {
		t.Fatalf("trace id %q not stable", id)
	}
	other := writeTrace(t, "h2", call(1, 7, 7, 0, 1))
	r3, _ := format.NewReader(bytes.NewReader(other))
	if TraceID(r3.HeaderBytes()) == id {
		t.Errorf("traces with different headers share id %s", id)
	}
}

func TestSchemaColumns(t *testing.T) {
	if _, err := newSchema(); err != nil {
		t.Fatal(err)
	}
}

// TestExecNames checks the program each row names around an exec from a
// thread: the leader's call that the exec ended ran the old program, the
// execve that returns runs the new one.
func TestExecNames(t *testing.T) {
	const nrPause, nrExecve = 34, 59
	execve := call(4, 201, 200, nrExecve, 0, 0x1000)
	trace := writeTrace(t, "h",
		[]ev{{Kind: format.KindExec, Time: 1000, Tid: 200, Pid: 200, Exec: format.Exec{Path: "/bin/old"}}},
		[]ev{{Kind: format.KindClone, Time: 2000, Tid: 200, Pid: 200, Clone: format.Clone{Child: 201, Kind: format.CloneThread}}},
		call(3, 200, 200, nrPause, 0)[:1],
		execve[:1],
		[]ev{{Kind: format.KindExec, Time: 4200, Tid: 200, Pid: 200, Exec: format.Exec{Path: "/bin/new", OldTid: 201}}},
		[]ev{{Kind: format.KindSyscallExit, Time: 4500, Tid: 200, Pid: 200, Nr: nrExecve}},
	)
	rows, _, _ := export(t, Options{}, trace)
	var got []string
	for _, r := range rows {
		got = append(got, r.Kind+":"+str(r.Syscall)+":"+str(r.Status)+":"+str(r.Comm))
	}
	want := []string{
		"exec:<null>:<null>:old", "clone:<null>:<null>:old", "syscall:pause:unfinished:old",
		"exec:<null>:<null>:new", "syscall:execve:successful:new",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rows\n got %q\nwant %q", got, want)
	}
}

// TestAttachedNames names the processes of an attached recording by the
// program its attach event names.
func TestAttachedNames(t *testing.T) {
	const nrRead = 0
	trace := writeTrace(t, "h",
		[]ev{{Kind: format.KindAttach, Time: 1000, Tid: 300, Pid: 300, Nr: nrRead, Attach: format.Attach{InSyscall: true},
			Exec: format.Exec{Path: "/usr/bin/cat", Argv: []string{"cat"}}}},
		[]ev{{Kind: format.KindSyscallExit, Time: 2000, Tid: 300, Pid: 300, Nr: nrRead, Ret: 5}},
		call(3, 300, 300, nrRead, 0, 0),
		[]ev{{Kind: format.KindDetach, Time: 5000, Tid: 300, Pid: 300}},
	)
	rows, _, _ := export(t, Options{}, trace)
	var got []string
	for _, r := range rows {
		got = append(got, r.Kind+":"+str(r.Syscall)+":"+str(r.Status)+":"+str(r.Comm))
	}
	want := []string{"syscall:read:resumed:cat", "syscall:read:successful:cat"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rows\n got %q\nwant %q", got, want)
	}
}

// TestReusedPidRows checks the rows of processes that had one pid: pid 50
// is a make's child that runs cc, then, its exit not in the trace (a
// recording that lost it), a child of the shell that runs nothing of its
// own, then a process seen only from its own calls. Each row carries its
// own process's start, parent and program.
func TestReusedPidRows(t *testing.T) {
	const nrRead, nrClose = 0, 3
	clone := func(us int64, parent, child int32) []ev {
		return []ev{{Kind: format.KindClone, Time: us * 1000, Tid: parent, Pid: parent, Clone: format.Clone{Child: child, Kind: format.CloneFork}}}
	}
	exec := func(us int64, pid int32, path string) []ev {
		return []ev{{Kind: format.KindExec, Time: us * 1000, Tid: pid, Pid: pid, Exec: format.Exec{Path: path, Argv: []string{path}}}}
	}
	exit := func(us int64, pid int32) []ev {
		return []ev{{Kind: format.KindExit, Time: us * 1000, Tid: pid, Pid: pid}}
	}
	trace := writeTrace(t, "h",
		exec(1, 10, "/bin/sh"),
		clone(2, 10, 20),
		exec(3, 20, "/usr/bin/make"),
		clone(4, 20, 50),
		exec(5, 50, "/usr/bin/cc"),
		call(6, 50, 50, nrRead, 1, 3, 0x1000, 1),
		exit(7, 20),
		clone(8, 10, 50),
		call(9, 50, 50, nrRead, 1, 3, 0x1000, 1),
		exit(10, 50),
		call(11, 50, 50, nrClose, 0, 3),
		exit(12, 50),
	)
	rows, _, _ := export(t, Options{}, trace)
	var got []string
	for _, r := range rows {
		if r.Pid == 50 {
			got = append(got, fmt.Sprintf("%s:%s@%d<%v:%s", r.Kind, str(r.Syscall), r.ProcStartNs/1000, num(r.Ppid), str(r.Comm)))
		}
	}
	want := []string{
		"exec:<null>@4<20:cc", "syscall:read@4<20:cc",
		"syscall:read@8<10:sh", "exit:<null>@8<10:sh",
		"syscall:close@11<<null>:<null>", "exit:<null>@11<<null>:<null>",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rows of pid 50\n got %q\nwant %q", got, want)
	}
}
