package analyze

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

// jsonRecords prints evs as dump --json does, with the printer's window
// set to window bytes, and decodes the records.
func jsonRecords(t *testing.T, evs []ev, fo FilterOptions, window int) []map[string]any {
	t.Helper()
	r := traceOf(t, evs)
	w, err := NewWalker(r.Header(), filterFor(t, fo), WalkerOptions{TrackFDs: true})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	p := NewPrinter(&out, w, r.Header(), DumpOptions{JSON: true, Location: time.UTC})
	p.window = window
	if err := w.Walk(r, p); err != io.EOF {
		t.Fatalf("walk: %v", err)
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		recs = append(recs, m)
	}
	return recs
}

// summary lists records as "time:syscall:status" or "time:type".
func summary(recs []map[string]any) string {
	var parts []string
	for _, m := range recs {
		s := jsonNum(m["time_ns"])
		if m["type"] == "syscall" {
			s += ":" + m["syscall"].(string) + ":" + m["status"].(string)
		} else {
			s += ":" + m["type"].(string)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// A call in progress holds back what happened after its entry; past the
// window it is split into its entry and its exit, as strace splits lines.
func TestDumpJSONOrder(t *testing.T) {
	evs := []ev{
		enter(10, 101, 101, nrRead, 3, 0x1000, 4096), // blocks
		withCap(enter(11, 102, 101, nrWrite, 1, 0x2000, 2), 1, 2, "hi"),
		exit(12, 102, 101, nrWrite, 2),
		withCap(exit(13, 101, 101, nrRead, 5), 1, 2, "hello"),
		{Kind: 6, Time: 14000, Tid: 101, Pid: 101},
	}
	evs[4].Kind = 8 // exit of thread 101's process
	got := summary(jsonRecords(t, evs, FilterOptions{}, jsonWindow))
	if want := "10000:read:successful 11000:write:successful 14000:exit"; got != want {
		t.Errorf("whole calls:\n got %s\nwant %s", got, want)
	}
	// A one-byte window splits the read as soon as the write waits
	// behind it.
	recs := jsonRecords(t, evs, FilterOptions{}, 1)
	got = summary(recs)
	if want := "10000:read:unfinished 11000:write:successful 13000:read:resumed 14000:exit"; got != want {
		t.Errorf("split calls:\n got %s\nwant %s", got, want)
	}
	entry, resumed := recs[0], recs[2]
	if args := entry["args"].([]any); len(args) != 1 || entry["ret"] != nil {
		t.Errorf("entry of a split read: %v", entry)
	}
	if args := resumed["args"].([]any); len(args) != 2 || resumed["ret"] != 5.0 || resumed["duration_ns"] != 3000.0 {
		t.Errorf("exit of a split read: %v", resumed)
	}
	if v := resumed["args"].([]any)[0].(map[string]any)["value"]; v != "hello" {
		t.Errorf("read buffer %v", v)
	}
}

// Raw values are signed where the kernel's type is, and values are data.
func TestDumpJSONValues(t *testing.T) {
	evs := []ev{
		openat(1, 10, 10, "/etc/passwd", 0o2000000),
		exit(2, 10, 10, nrOpenat, 3),
		withCap(exit(4, 10, 10, nrRead, 4), 1, 2, "\xff\x00ab"),
		enter(5, 10, 10, nrClose, 0xffffffff),
		exit(6, 10, 10, nrClose, -9),
	}
	evs = append(evs[:2], append([]ev{enter(3, 10, 10, nrRead, 3, 0x1000, 4)}, evs[2:]...)...)
	recs := jsonRecords(t, evs, FilterOptions{}, jsonWindow)
	if len(recs) != 3 {
		t.Fatalf("%d records", len(recs))
	}
	open, read, cls := recs[0], recs[1], recs[2]
	arg := func(m map[string]any, i int) map[string]any { return m["args"].([]any)[i].(map[string]any) }
	if a := arg(open, 0); a["raw"] != -100.0 || jsonNum(a["value"]) != `{"fd":-100,"path":"/work"}` || a["text"] != "AT_FDCWD" {
		t.Errorf("dirfd %v", a)
	}
	if a := arg(open, 1); a["value"] != "/etc/passwd" {
		t.Errorf("path %v", a)
	}
	if a := arg(open, 2); jsonNum(a["value"]) != `["O_RDONLY","O_CLOEXEC"]` {
		t.Errorf("flags %v", a)
	}
	if a := arg(read, 0); jsonNum(a["value"]) != `{"fd":3,"path":"/etc/passwd"}` {
		t.Errorf("fd %v", a)
	}
	if a := arg(read, 1); jsonNum(a["value"]) != `{"base64":"/wBhYg=="}` {
		t.Errorf("binary buffer %v", a)
	}
	if a := arg(cls, 0); a["raw"] != -1.0 || cls["errno"] != "EBADF" || cls["ret"] != -9.0 || cls["status"] != "failed" {
		t.Errorf("close(-1): %v", cls)
	}
}

// A cut process tree keeps the processes first by the sort key, in the
// tree's order.
func TestTopProcesses(t *testing.T) {
	d := func(ns int64) *int64 { return &ns }
	rows := []ProcessRow{
		{Pid: 1, Calls: 5, DurationNs: d(100)},
		{Pid: 2, Calls: 50, Errors: 3, DurationNs: d(10), depth: 1},
		{Pid: 3, Calls: 1, Errors: 9, sofar: 500, depth: 1},
		{Pid: 4, Calls: 20, DurationNs: d(1), depth: 2},
	}
	pids := func(rs []ProcessRow) (out []int32) {
		for _, r := range rs {
			out = append(out, r.Pid)
		}
		return out
	}
	for _, tc := range []struct {
		key  string
		want []int32
	}{
		{"time", []int32{1, 3}}, {"calls", []int32{2, 4}}, {"errors", []int32{2, 3}}, {"none", []int32{1, 2}},
	} {
		got, dropped := topProcesses(rows, 2, tc.key)
		if !slices.Equal(pids(got), tc.want) || dropped != 2 {
			t.Errorf("-S %s: %v (%d dropped), want %v", tc.key, pids(got), dropped, tc.want)
		}
	}
}
