package analyze

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/trecdev/trec/format"
)

func forkEv(us int64, parent, child int32) ev {
	return ev{Kind: format.KindClone, Time: us * 1000, Tid: parent, Pid: parent, Clone: format.Clone{Child: child, Kind: format.CloneFork}}
}

func execEv(us int64, pid int32, argv ...string) ev {
	return ev{Kind: format.KindExec, Time: us * 1000, Tid: pid, Pid: pid, Exec: format.Exec{Path: "/usr/bin/" + argv[0], Argv: argv}}
}

func exitEv(us int64, pid int32, code int32) ev {
	return ev{Kind: format.KindExit, Time: us * 1000, Tid: pid, Pid: pid, Exit: format.Exit{Code: code}}
}

// reusedPids is a trace where pid 7 names three processes: a seq that
// opens a file, a cat whose clone the trace holds but not the seq's exit
// (as when a filter dropped it), and, after the cat's exit, a process
// seen only from its own calls. The cat's child, pid 8, is later reused
// by a process outside the cat's tree.
func reusedPids() []ev {
	return []ev{
		execEv(1, 1, "sh"),
		forkEv(10, 1, 7),
		execEv(11, 7, "seq", "3"),
		openat(12, 7, 7, "/seq/data", 0), exit(13, 7, 7, nrOpenat, 3),
		forkEv(20, 1, 7),
		execEv(21, 7, "cat", "/etc/hostname"),
		enter(22, 7, 7, nrRead, 3, 0x1000, 10), exit(23, 7, 7, nrRead, 0),
		forkEv(24, 7, 8),
		exitEv(25, 8, 0),
		exitEv(26, 7, 1),
		forkEv(30, 1, 8),
		exitEv(31, 8, 0),
		enter(40, 7, 7, nrClose, 3), exit(41, 7, 7, nrClose, 0),
		exitEv(42, 7, 2),
		exitEv(50, 1, 0),
	}
}

func TestReusedPidsAreSeparateProcesses(t *testing.T) {
	r := traceOf(t, reusedPids())
	w, err := NewWalker(r.Header(), nil, WalkerOptions{TrackFDs: true})
	if err != nil {
		t.Fatal(err)
	}
	s := NewStats(w, StatsOptions{})
	if err := w.Walk(r, s); err != io.EOF {
		t.Fatal(err)
	}
	rep := s.Report(w.Kept(), w.EndTime())
	type row struct {
		pid, parent   int32
		start, pstart int64
		prog          string
		exit          int
	}
	var got []row
	for _, p := range rep.Processes {
		prog := ""
		for _, x := range p.Execs {
			prog += strings.Join(x.Argv, " ") + ";"
		}
		x := -1
		if p.ExitStatus != nil {
			x = *p.ExitStatus
		}
		r := row{pid: p.Pid, start: p.StartNs, prog: prog, exit: x}
		if p.Parent != nil {
			r.parent, r.pstart = p.Parent.Pid, p.Parent.StartNs
		}
		got = append(got, r)
	}
	want := []row{
		{1, 0, 1000, 0, "sh;", 0},
		{7, 1, 10000, 1000, "seq 3;", -1},
		{7, 1, 20000, 1000, "cat /etc/hostname;", 1},
		{8, 7, 24000, 20000, "cat /etc/hostname;", 0},
		{8, 1, 30000, 1000, "sh;", 0},
		{7, 0, 40000, 0, "", 2},
	}
	if len(got) != len(want) {
		t.Fatalf("processes:\n%+v\nwant:\n%+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("process %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestReusedPidsFDTables(t *testing.T) {
	// The cat's fd 3 is not the seq's file, nor is the last process's.
	got := dump(t, reusedPids(), FilterOptions{Exprs: []string{"read,close"}}, DumpOptions{FDPaths: true})
	checkLines(t, "-y", got, `
read(3, "", 10)                         = 0
[pid     8] +++ exited with 0 +++
+++ exited with 1 +++
+++ exited with 0 +++
close(3)                                = 0
+++ exited with 2 +++
+++ exited with 0 +++
`)
}

func TestReusedPidsFilters(t *testing.T) {
	// ends lists the processes whose exit the filter keeps: "pid]status".
	ends := func(fo FilterOptions) string {
		out := dump(t, reusedPids(), fo, DumpOptions{JSON: true})
		var b strings.Builder
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var o struct {
				Type       string `json:"type"`
				Pid        int32  `json:"pid"`
				ExitStatus int    `json:"exit_status"`
			}
			if json.Unmarshal([]byte(l), &o); o.Type == "exit" {
				fmt.Fprintf(&b, "%d]%d ", o.Pid, o.ExitStatus)
			}
		}
		return b.String()
	}
	for _, tc := range []struct {
		name string
		fo   FilterOptions
		want string
	}{
		{"-p 7 keeps every process 7", FilterOptions{Pids: []string{"7"}}, "7]1 7]2 "},
		{"-p 7@20us keeps the cat alone", FilterOptions{Pids: []string{"7@20us"}}, "7]1 "},
		{"-p 7@0.00002 names the same", FilterOptions{Pids: []string{"7@0.00002"}}, "7]1 "},
		{"-p 7@21us keeps the next 7", FilterOptions{Pids: []string{"7@21us"}}, "7]2 "},
		{"-p 7@1s keeps none", FilterOptions{Pids: []string{"7@1s"}}, ""},
		{"--pid-tree 7@20us keeps the cat and its child", FilterOptions{PidTrees: []string{"7@20us"}}, "8]0 7]1 "},
		{"--pid-tree 7 keeps no later 8", FilterOptions{PidTrees: []string{"7"}}, "8]0 7]1 7]2 "},
		{"-p 8 keeps both 8s", FilterOptions{Pids: []string{"8"}}, "8]0 8]0 "},
	} {
		if got := ends(tc.fo); got != tc.want {
			t.Errorf("%s: exits %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestReusedPidsExports(t *testing.T) {
	r := traceOf(t, reusedPids())
	w, _ := NewWalker(r.Header(), nil, WalkerOptions{TrackFDs: true})
	var out bytes.Buffer
	x := NewChromeExporter(&out, w, r.Header())
	if err := w.Walk(r, x); err != io.EOF {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		TraceEvents []struct {
			Name string
			Ph   string
			Pid  int64
			Args struct{ Name string }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	names := map[int64]string{}
	for _, e := range doc.TraceEvents {
		if e.Ph == "M" && e.Name == "process_name" {
			names[e.Pid] = e.Args.Name
		}
	}
	// Six processes, six tracks: the first of each pid keeps it, the
	// others get ids above the pid range, named after their pid.
	want := map[int64]string{
		1: "sh", 7: "seq 3", ProcessTrackBase + 3: "cat /etc/hostname", 8: "pid 8",
		ProcessTrackBase + 5: "pid 8", ProcessTrackBase + 6: "pid 7",
	}
	if len(names) != len(want) {
		t.Errorf("process tracks %v, want %v", names, want)
	}
	for id, n := range want {
		if names[id] != n {
			t.Errorf("track %d named %q, want %q", id, names[id], n)
		}
	}

	r = traceOf(t, reusedPids())
	w, _ = NewWalker(r.Header(), nil, WalkerOptions{})
	out.Reset()
	p := NewPrinter(&out, w, r.Header(), DumpOptions{JSON: true})
	if err := w.Walk(r, p); err != io.EOF {
		t.Fatal(err)
	}
	p.Flush()
	starts := map[[2]int64]bool{}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var o struct {
			Pid            int64 `json:"pid"`
			ProcessStartNs int64 `json:"process_start_ns"`
		}
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatal(err)
		}
		starts[[2]int64{o.Pid, o.ProcessStartNs}] = true
	}
	if len(starts) != 6 || !starts[[2]int64{7, 40000}] || !starts[[2]int64{8, 24000}] {
		t.Errorf("jsonl processes %v, want 6 with the starts of the stats", starts)
	}
}

func TestProcessOfEvents(t *testing.T) {
	r := traceOf(t, reusedPids())
	w, _ := NewWalker(r.Header(), nil, WalkerOptions{})
	var seen []Process
	v := &visitFunc{event: func(e *format.Event) {
		if e.Kind == format.KindClone {
			seen = append(seen, w.Process(e.Pid), w.Process(e.Clone.Child))
		}
	}}
	if err := w.Walk(r, v); err != io.EOF {
		t.Fatal(err)
	}
	p := func(pid int32, start int64, serial uint32) Process {
		return Process{Pid: pid, Start: start, Serial: serial}
	}
	want := []Process{
		p(1, 1000, 1), p(7, 10000, 2), p(1, 1000, 1), p(7, 20000, 3),
		p(7, 20000, 3), p(8, 24000, 4), p(1, 1000, 1), p(8, 30000, 5),
	}
	if len(seen) != len(want) {
		t.Fatalf("clones: %v", seen)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Errorf("clone %d: %+v, want %+v", i/2, seen[i], want[i])
		}
	}
}

// visitFunc is a Visitor made of functions.
type visitFunc struct {
	event func(*format.Event)
}

func (v *visitFunc) SyscallEnter(*Call)    {}
func (v *visitFunc) SyscallExit(*Call)     {}
func (v *visitFunc) Event(e *format.Event) { v.event(e) }

// infoVisitor notes, for each call and event, its process with the
// parent and program ProcessInfo gives: "pid@start<ppid@pstart argv".
type infoVisitor struct {
	w    *Walker
	seen []string
}

func (v *infoVisitor) note(what string, p Process) {
	info := v.w.ProcessInfo(p)
	prog := "-"
	if info.Program != nil {
		prog = strings.Join(info.Program.Argv, " ")
		if prog == "" {
			prog = info.Program.Path
		}
	}
	v.seen = append(v.seen, fmt.Sprintf("%s %d@%d<%d@%d %s", what, p.Pid, p.Start/1000, info.Parent.Pid, info.Parent.Start/1000, prog))
}

func (v *infoVisitor) SyscallEnter(*Call) {}
func (v *infoVisitor) SyscallExit(c *Call) {
	v.note(c.Name+"/"+c.Status.String(), c.Proc)
}
func (v *infoVisitor) Event(e *format.Event) {
	v.note(e.Kind.String(), v.w.Process(eventPid(e)))
	if e.Kind == format.KindClone {
		v.note("child", v.w.Process(e.Clone.Child))
	}
}

// TestProcessInfo checks the parent and program of each process at each
// of its calls and events, pid 7 and 8 naming several processes.
func TestProcessInfo(t *testing.T) {
	evs := append(reusedPids()[:len(reusedPids())-1],
		// A thread of the shell's last child execs while the leader
		// blocks: the leader's call, cut short, ran the old program.
		forkEv(60, 1, 9),
		enter(61, 9, 9, nrRead, 0, 0x1000, 1),
		withCap(enter(62, 10, 9, nrExecve, 0x1000, 0x2000, 0x3000), 0, format.CaptureString, "/bin/ls"),
		ev{Kind: format.KindExec, Time: 63000, Tid: 9, Pid: 9, Exec: format.Exec{Path: "/bin/ls", Argv: []string{"ls", "-l"}, OldTid: 10}},
		exit(64, 9, 9, nrExecve, 0),
		exitEv(65, 9, 0),
		// A process an attached recording began with.
		ev{Kind: format.KindAttach, Time: 66000, Tid: 30, Pid: 30, Exec: format.Exec{Path: "/usr/sbin/sshd", Argv: []string{"sshd"}}},
		enter(67, 30, 30, nrClose, 3), exit(68, 30, 30, nrClose, 0),
		exitEv(70, 1, 0),
	)
	r := traceOf(t, evs)
	w, _ := NewWalker(r.Header(), nil, WalkerOptions{})
	v := &infoVisitor{w: w}
	if err := w.Walk(r, v); err != io.EOF {
		t.Fatal(err)
	}
	want := `exec 1@1<0@0 sh
clone 1@1<0@0 sh
child 7@10<1@1 sh
exec 7@10<1@1 seq 3
openat/successful 7@10<1@1 seq 3
clone 1@1<0@0 sh
child 7@20<1@1 sh
exec 7@20<1@1 cat /etc/hostname
read/successful 7@20<1@1 cat /etc/hostname
clone 7@20<1@1 cat /etc/hostname
child 8@24<7@20 cat /etc/hostname
exit-process 8@24<7@20 cat /etc/hostname
exit-process 7@20<1@1 cat /etc/hostname
clone 1@1<0@0 sh
child 8@30<1@1 sh
exit-process 8@30<1@1 sh
close/successful 7@40<0@0 -
exit-process 7@40<0@0 -
clone 1@1<0@0 sh
child 9@60<1@1 sh
read/unfinished 9@60<1@1 sh
exec 9@60<1@1 ls -l
execve/successful 9@60<1@1 ls -l
exit-process 9@60<1@1 ls -l
attach 30@66<0@0 sshd
close/successful 30@66<0@0 sshd
exit-process 1@1<0@0 sh`
	if got := strings.Join(v.seen, "\n"); got != want {
		t.Errorf("processes:\n%s\nwant:\n%s", got, want)
	}
	// A process that ended is no longer described.
	if info := w.ProcessInfo(Process{Pid: 7, Start: 20000, Serial: 3}); info != (ProcessInfo{}) {
		t.Errorf("ended process: %+v", info)
	}
}
