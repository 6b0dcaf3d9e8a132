package analyze

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// Syscall numbers of x86_64 used by the synthetic traces.
const (
	nrRead      = 0
	nrWrite     = 1
	nrClose     = 3
	nrOpenat    = 257
	nrExitGroup = 231
	nrExecve    = 59
	nrDup2      = 33
	nrClone     = 56
)

// ev is shorthand for building events: times in microseconds.
type ev = format.Event

func enter(us int64, tid, pid int32, nr int32, args ...uint64) ev {
	e := ev{Kind: format.KindSyscallEnter, Time: us * 1000, Tid: tid, Pid: pid, Nr: nr}
	copy(e.Args[:], args)
	return e
}

func exit(us int64, tid, pid int32, nr int32, ret int64) ev {
	return ev{Kind: format.KindSyscallExit, Time: us * 1000, Tid: tid, Pid: pid, Nr: nr, Ret: ret}
}

func withCap(e ev, arg uint8, kind format.CaptureKind, data string) ev {
	e.Captures = append(e.Captures, format.Capture{Arg: arg, Kind: kind, Data: []byte(data)})
	return e
}

func openat(us int64, tid, pid int32, path string, flags uint64) ev {
	return withCap(enter(us, tid, pid, nrOpenat, 0xffffff9c, 0x7ffd0000, flags), 1, format.CaptureString, path)
}

// traceOf writes events to an in-memory trace and opens a reader on it.
func traceOf(t *testing.T, evs []ev) *format.Reader {
	t.Helper()
	var buf bytes.Buffer
	w, err := format.NewWriter(&buf, &format.Header{Arch: "x86_64", Cwd: "/work", StartUnixNano: 1_700_000_000_000_000_000}, format.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range evs {
		if err := w.Write(&evs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(nil); err != nil {
		t.Fatal(err)
	}
	r, err := format.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func filterFor(t *testing.T, opts FilterOptions) *Filter {
	t.Helper()
	f, err := ParseFilter(sysent.ForArch(sysent.X86_64), opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// dump prints evs as trec dump does.
func dump(t *testing.T, evs []ev, fo FilterOptions, do DumpOptions) string {
	t.Helper()
	r := traceOf(t, evs)
	w, err := NewWalker(r.Header(), filterFor(t, fo), WalkerOptions{TrackFDs: do.FDPaths})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	do.Location = time.UTC
	p := NewPrinter(&out, w, r.Header(), do)
	if err := w.Walk(r, p); err != io.EOF {
		t.Fatalf("walk: %v", err)
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func checkLines(t *testing.T, name, got, want string) {
	t.Helper()
	want = strings.TrimLeft(want, "\n")
	if got != want {
		t.Errorf("%s:\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestDumpInterleaved(t *testing.T) {
	evs := []ev{
		enter(10, 101, 101, nrRead, 3, 0x1000, 4096),
		withCap(enter(11, 102, 101, nrWrite, 1, 0x2000, 2), 1, format.CaptureBuffer, "hi"),
		exit(12, 102, 101, nrWrite, 2),
		withCap(exit(20, 101, 101, nrRead, 5), 1, format.CaptureBuffer, "hello"),
		enter(30, 102, 101, nrRead, 4, 0x1000, 10),
		enter(31, 101, 101, nrExitGroup, 0),
		{Kind: format.KindExit, Time: 32000, Tid: 102, Pid: 101, Exit: format.Exit{Thread: true}},
		{Kind: format.KindExit, Time: 33000, Tid: 101, Pid: 101},
	}
	checkLines(t, "interleaved", dump(t, evs, FilterOptions{}, DumpOptions{}), `
[pid   101] read(3,  <unfinished ...>
[pid   102] write(1, "hi", 2)           = 2
[pid   101] <... read resumed>"hello", 4096) = 5
[pid   102] read(4,  <unfinished ...>
[pid   101] exit_group(0 <unfinished ...>
[pid   102] <... read resumed> <unfinished ...>) = ?
[pid   102] +++ exited with 0 +++
<... exit_group resumed>)               = ?
+++ exited with 0 +++
`)
	checkLines(t, "-T -r", dump(t, evs[:4], FilterOptions{}, DumpOptions{Durations: true, Time: TimeRelative}), `
[pid   101]      0.000000 read(3,  <unfinished ...>
[pid   102]      0.000001 write(1, "hi", 2) = 2 <0.000001>
[pid   101]      0.000009 <... read resumed>"hello", 4096) = 5 <0.000010>
`)
	checkLines(t, "-ttt", dump(t, evs[1:3], FilterOptions{}, DumpOptions{Time: TimeEpoch}), `
1700000000.000011 write(1, "hi", 2)     = 2
`)
	checkLines(t, "-tt", dump(t, evs[1:3], FilterOptions{}, DumpOptions{Time: TimeClockUs}), `
22:13:20.000011 write(1, "hi", 2)       = 2
`)
}

func TestDumpUnfinished(t *testing.T) {
	evs := []ev{
		exit(5, 101, 101, nrRead, 7), // entered before the trace began
		enter(10, 101, 101, nrExitGroup, 3),
		{Kind: format.KindExit, Time: 11000, Tid: 101, Pid: 101, Exit: format.Exit{Code: 3}},
		enter(20, 200, 200, nrRead, 0, 0x1000, 1), // still blocked at the end
	}
	checkLines(t, "unfinished", dump(t, evs, FilterOptions{}, DumpOptions{}), `
<... read resumed>)                     = 7
exit_group(3)                           = ?
+++ exited with 3 +++
read(0,  <unfinished ...>)              = ?
`)
	checkLines(t, "status=unfinished", dump(t, evs, FilterOptions{Exprs: []string{"status=unfinished"}}, DumpOptions{}), `
exit_group(3)                           = ?
+++ exited with 3 +++
`)
	checkLines(t, "status=detached", dump(t, evs, FilterOptions{Exprs: []string{"status=detached"}}, DumpOptions{}), `
+++ exited with 3 +++
read(0,  <unfinished ...>)              = ?
`)
}

func TestDumpFDPaths(t *testing.T) {
	evs := []ev{
		openat(1, 10, 10, "/etc/passwd", 0),
		exit(2, 10, 10, nrOpenat, 3),
		openat(3, 10, 10, "rel/file", 0o2000000), // O_CLOEXEC
		exit(4, 10, 10, nrOpenat, 4),
		enter(5, 10, 10, nrDup2, 3, 7),
		exit(6, 10, 10, nrDup2, 7),
		{Kind: format.KindClone, Time: 7000, Tid: 10, Pid: 10, Clone: format.Clone{Child: 11, Kind: format.CloneFork}},
		enter(8, 10, 10, nrClose, 3),
		exit(9, 10, 10, nrClose, 0),
		// The child still has fd 3; its exec closes fd 4 (O_CLOEXEC).
		{Kind: format.KindExec, Time: 10000, Tid: 11, Pid: 11, Exec: format.Exec{Path: "/bin/true"}},
		enter(11, 11, 11, nrRead, 3, 0x1000, 1),
		exit(12, 11, 11, nrRead, 0),
		enter(13, 11, 11, nrRead, 4, 0x1000, 1),
		exit(14, 11, 11, nrRead, -9),
		enter(15, 10, 10, nrRead, 7, 0x1000, 1),
		exit(16, 10, 10, nrRead, -4),
	}
	checkLines(t, "-y", dump(t, evs, FilterOptions{}, DumpOptions{FDPaths: true}), `
openat(AT_FDCWD</work>, "/etc/passwd", O_RDONLY) = 3</etc/passwd>
openat(AT_FDCWD</work>, "rel/file", O_RDONLY|O_CLOEXEC) = 4</work/rel/file>
dup2(3</etc/passwd>, 7)                 = 7</etc/passwd>
[pid    10] close(3</etc/passwd>)       = 0
[pid    11] read(3</etc/passwd>, "", 1) = 0
[pid    11] read(4, 0x1000, 1)          = -1 EBADF (Bad file descriptor)
[pid    10] read(7</etc/passwd>, 0x1000, 1) = -1 EINTR (Interrupted system call)
`)
	checkLines(t, "-P via fd", dump(t, evs, FilterOptions{Paths: []string{"/etc/pass*"}}, DumpOptions{}), `
openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3
dup2(3, 7)                              = 7
[pid    10] close(3)                    = 0
[pid    11] read(3, "", 1)              = 0
[pid    10] read(7, 0x1000, 1)          = -1 EINTR (Interrupted system call)
`)
	checkLines(t, "status=failed,-p 11", dump(t, evs, FilterOptions{Exprs: []string{"status=failed"}, Pids: []string{"11"}}, DumpOptions{}), `
[pid    11] read(4, 0x1000, 1)          = -1 EBADF (Bad file descriptor)
`)
	checkLines(t, "trace=!read,openat --since --until", dump(t, evs, FilterOptions{Exprs: []string{"trace=!read,openat"}, Since: "4us", Until: "0.000009"}, DumpOptions{}), `
dup2(3, 7)                              = 7
[pid    10] close(3)                    = 0
`)
}

func TestExecFromThread(t *testing.T) {
	evs := []ev{
		enter(1, 21, 20, nrRead, 0, 0x1000, 1), // the leader blocks
		withCap(enter(2, 22, 20, nrExecve, 0x1000, 0x2000, 0x3000), 0, format.CaptureString, "/bin/ls"),
		{Kind: format.KindExit, Time: 2500, Tid: 21, Pid: 20, Exit: format.Exit{Thread: true}},
		{Kind: format.KindExec, Time: 3000, Tid: 20, Pid: 20, Exec: format.Exec{Path: "/bin/ls", OldTid: 22}},
		exit(4, 20, 20, nrExecve, 0),
	}
	checkLines(t, "exec from a thread", dump(t, evs, FilterOptions{}, DumpOptions{}), `
[pid    21] read(0,  <unfinished ...>
[pid    22] execve("/bin/ls", 0x2000, 0x3000 <unfinished ...>
[pid    21] <... read resumed> <unfinished ...>) = ?
[pid    21] +++ exited with 0 +++
+++ superseded by execve in pid 22 +++
<... execve resumed>)                   = 0
`)
}

func TestPidTree(t *testing.T) {
	clone := func(us int64, parent, child int32, kind format.CloneKind) ev {
		return ev{Kind: format.KindClone, Time: us * 1000, Tid: parent, Pid: parent, Clone: format.Clone{Child: child, Kind: kind}}
	}
	evs := []ev{
		clone(1, 1, 2, format.CloneFork),
		clone(2, 1, 3, format.CloneFork),
		clone(3, 2, 4, format.CloneFork),
		enter(4, 4, 4, nrClose, 9), exit(5, 4, 4, nrClose, 0),
		enter(6, 3, 3, nrClose, 8), exit(7, 3, 3, nrClose, 0),
		enter(8, 2, 2, nrClose, 7), exit(9, 2, 2, nrClose, 0),
	}
	checkLines(t, "--pid-tree 2", dump(t, evs, FilterOptions{PidTrees: []string{"2"}}, DumpOptions{}), `
[pid     4] close(9)                    = 0
[pid     2] close(7)                    = 0
`)
	checkLines(t, "-p 3", dump(t, evs, FilterOptions{Pids: []string{"3"}}, DumpOptions{}), `
[pid     3] close(8)                    = 0
`)
}

func TestFilterErrorsAndString(t *testing.T) {
	tab := sysent.ForArch(sysent.X86_64)
	for _, bad := range []FilterOptions{
		{Exprs: []string{"trace=nosuch"}},
		{Exprs: []string{"status=maybe"}},
		{Exprs: []string{"verbose=all"}},
		{Pids: []string{"0"}},
		{Paths: []string{"["}},
		{Since: "x"},
		{Since: "2s", Until: "1s"},
	} {
		if _, err := ParseFilter(tab, bad); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%+v: error %v", bad, err)
		}
	}
	f := filterFor(t, FilterOptions{Exprs: []string{"%file", "status=!failed"}, Pids: []string{"4"}, Paths: []string{"/etc/*"}, Since: "1.5s"})
	if got, want := f.String(), "-e trace=%file -e status=!failed -p 4 -P /etc/* --since 1.5s"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if f.statusOK(StatusFailed) || !f.statusOK(StatusSuccessful) || !f.statusOK(StatusUnfinished) {
		t.Error("status=!failed")
	}
	if !filterFor(t, FilterOptions{}).IsZero() || f.IsZero() {
		t.Error("IsZero")
	}
	merged := filterFor(t, FilterOptions{Exprs: []string{"trace=read", "trace=write"}})
	if !merged.set.Has(nrRead) || !merged.set.Has(nrWrite) || merged.set.Has(nrClose) {
		t.Error("trace=read -e trace=write should select both")
	}
}

func TestStatsTable(t *testing.T) {
	evs := []ev{
		enter(0, 1, 1, nrRead, 3, 0x1000, 10), exit(1500, 1, 1, nrRead, 10),
		enter(2000, 1, 1, nrRead, 3, 0x1000, 10), exit(2500, 1, 1, nrRead, -11),
		openat(3000, 1, 1, "/nonexistent", 0), exit(3001, 1, 1, nrOpenat, -2),
		enter(4000, 1, 1, nrExitGroup, 0),
		{Kind: format.KindExit, Time: 4_001_000, Tid: 1, Pid: 1},
	}
	r := traceOf(t, evs)
	w, _ := NewWalker(r.Header(), nil, WalkerOptions{TrackFDs: true})
	s := NewStats(w, StatsOptions{})
	if err := w.Walk(r, s); err != io.EOF {
		t.Fatal(err)
	}
	rep := s.Report(w.Kept(), w.EndTime())
	var out bytes.Buffer
	if err := rep.WriteSyscallTable(&out); err != nil {
		t.Fatal(err)
	}
	checkLines(t, "table", out.String(), `
% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 99.95    0.002000        1000         2         1 read
  0.05    0.000001           1         1         1 openat
  0.00    0.000000           0         1           exit_group
------ ----------- ----------- --------- --------- ----------------
100.00    0.002001         500         4         2 total
`)
	if rep.Summary.Events != uint64(len(evs)) || len(rep.Processes) != 1 || rep.Processes[0].ExitStatus == nil {
		t.Errorf("report %+v", rep)
	}
	if len(rep.FailedPaths) != 1 || rep.FailedPaths[0] != (FailedPath{"/nonexistent", "openat", "ENOENT", 1}) {
		t.Errorf("failed paths %+v", rep.FailedPaths)
	}
	if len(rep.Files) != 1 || rep.Files[0].Path != "/nonexistent" || rep.Files[0].Errors != 1 {
		t.Errorf("files %+v", rep.Files)
	}
	if len(rep.Slowest) != 4 || rep.Slowest[0].Syscall != "read" || rep.Slowest[0].RetText != "10" {
		t.Errorf("slowest %+v", rep.Slowest)
	}
	s.opts.SortBy = "name"
	if got := s.Report(0, 0).Syscalls; got[0].Syscall != "exit_group" || got[2].Syscall != "read" {
		t.Errorf("sort by name: %+v", got)
	}
}

func TestDumpAsStrace(t *testing.T) {
	const nrGetcwd, nrStatx, nrAccept4, nrFcntl = 79, 332, 288, 72
	getcwd := withCap(exit(2, 10, 10, nrGetcwd, 5), 0, format.CaptureBuffer, "/tmp\x00")
	evs := []ev{
		enter(1, 10, 10, nrGetcwd, 0x1000, 4096),
		getcwd,
		withCap(enter(3, 10, 10, nrStatx, 0xffffff9c, 0x2000, 0x100, 0x7ff, 0x3000), 1, format.CaptureString, "/x"),
		exit(4, 10, 10, nrStatx, -2),
		withCap(enter(5, 10, 10, nrWrite, 1, 0x4000, 6), 1, format.CaptureBuffer, "hello\n"),
		exit(6, 10, 10, nrWrite, 6),
		enter(7, 10, 10, nrAccept4, 3, 0, 0, 0o2000000),
		exit(8, 10, 10, nrAccept4, 4),
		enter(9, 10, 10, nrFcntl, 4, 1, 0x7f00), // F_GETFD: no third argument
		exit(10, 10, 10, nrFcntl, 1),
		enter(11, 10, 10, nrFcntl, 4, 3, 0),
		exit(12, 10, 10, nrFcntl, 0o4002),
		enter(13, 10, 10, nrFcntl, 4, 2, 1),
		exit(14, 10, 10, nrFcntl, 0),
	}
	checkLines(t, "getcwd, statx, write, accept4", dump(t, evs, FilterOptions{}, DumpOptions{}), `
getcwd("/tmp", 4096)                    = 5
statx(AT_FDCWD, "/x", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, 0x3000) = -1 ENOENT (No such file or directory)
write(1, "hello\n", 6)                  = 6
accept4(3, NULL, NULL, SOCK_CLOEXEC)    = 4
fcntl(4, F_GETFD)                       = 0x1 (flags FD_CLOEXEC)
fcntl(4, F_GETFL)                       = 0x802 (flags O_RDWR|O_NONBLOCK)
fcntl(4, F_SETFD, FD_CLOEXEC)           = 0
`)
	checkLines(t, "-s 0", dump(t, evs[4:6], FilterOptions{}, DumpOptions{StrLen: StrLenNone}), `
write(1, ""..., 6)                      = 6
`)
}

func TestExecFromThreadWhileLeaderBlocks(t *testing.T) {
	evs := []ev{
		enter(1, 20, 20, nrRead, 0, 0x1000, 1), // the leader blocks
		withCap(enter(2, 22, 20, nrExecve, 0x1000, 0x2000, 0x3000), 0, format.CaptureString, "/bin/ls"),
		{Kind: format.KindExec, Time: 3000, Tid: 20, Pid: 20, Exec: format.Exec{Path: "/bin/ls", OldTid: 22}},
		exit(4, 20, 20, nrExecve, 0),
	}
	// As strace -f prints it: the thread's own pid on its entry, the
	// leader's afterwards, and the leader's call ended without
	// "<unfinished ...>".
	checkLines(t, "exec from a thread, leader blocked", dump(t, evs, FilterOptions{}, DumpOptions{}), `
[pid    20] read(0,  <unfinished ...>
[pid    22] execve("/bin/ls", 0x2000, 0x3000 <unfinished ...>
[pid    20] <... read resumed>)         = ?
+++ superseded by execve in pid 22 +++
<... execve resumed>)                   = 0
`)
}

// closeRacingOpen returns a race of process 100: thread 101 opens /a as
// fd 4 and enters its close; thread 102's openat of /b gets 4 and ends
// before the close does.
func closeRacingOpen() []ev {
	return []ev{
		openat(10, 101, 100, "/a", 1), exit(11, 101, 100, nrOpenat, 4),
		enter(20, 101, 100, nrClose, 4),
		openat(21, 102, 100, "/b", 1), exit(22, 102, 100, nrOpenat, 4),
		exit(23, 101, 100, nrClose, 0),
	}
}

// A thread's close frees the fd number when it runs: another thread's
// openat that gets the number and ends before the close does keeps its
// entry, and its writes name its file.
func TestCloseRacingOpenKeepsTheNewEntry(t *testing.T) {
	evs := append(closeRacingOpen(),
		withCap(enter(30, 102, 100, nrWrite, 4, 0x1000, 2), 1, format.CaptureBuffer, "hi"), exit(31, 102, 100, nrWrite, 2),
		enter(40, 102, 100, nrClose, 4), exit(41, 102, 100, nrClose, 0),
		withCap(enter(50, 102, 100, nrWrite, 4, 0x1000, 2), 1, format.CaptureBuffer, "hi"), exit(51, 102, 100, nrWrite, -9),
	)
	got := dump(t, evs, FilterOptions{}, DumpOptions{FDPaths: true})
	for _, want := range []string{
		`[pid   102] write(4</b>, "hi", 2)`,
		`[pid   102] close(4</b>)`,
		`[pid   102] write(4, "hi", 2)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}
}

// The calls in flight across such a race name what their fd referred to
// when they entered: the racing close its own file, another thread's read
// that began before it the same, a write that began before a dup2 over
// its fd the file dup2 replaced. Calls entered after name the new file.
func TestCallsInFlightNameTheFileTheyEnteredWith(t *testing.T) {
	evs := []ev{
		openat(10, 101, 100, "/a", 1), exit(11, 101, 100, nrOpenat, 4),
		enter(12, 103, 100, nrRead, 4, 0x1000, 2),
		enter(20, 101, 100, nrClose, 4),
		openat(21, 102, 100, "/b", 1), exit(22, 102, 100, nrOpenat, 4),
		exit(23, 101, 100, nrClose, 0),
		withCap(exit(24, 103, 100, nrRead, 2), 1, format.CaptureBuffer, "hi"),
		withCap(enter(30, 101, 100, nrWrite, 4, 0x1000, 2), 1, format.CaptureBuffer, "hi"), exit(31, 101, 100, nrWrite, 2),
		openat(40, 101, 100, "/c", 1), exit(41, 101, 100, nrOpenat, 5),
		withCap(enter(42, 103, 100, nrWrite, 4, 0x1000, 2), 1, format.CaptureBuffer, "hi"),
		enter(43, 102, 100, nrDup2, 5, 4), exit(44, 102, 100, nrDup2, 4),
		exit(45, 103, 100, nrWrite, 2),
		withCap(enter(46, 103, 100, nrWrite, 4, 0x1000, 2), 1, format.CaptureBuffer, "hi"), exit(47, 103, 100, nrWrite, 2),
		enter(50, 101, 100, nrRead, 4, 0x1000, 2),
		enter(51, 102, 100, nrClose, 4), exit(52, 102, 100, nrClose, 0),
		withCap(exit(53, 101, 100, nrRead, 2), 1, format.CaptureBuffer, "hi"),
		enter(54, 101, 100, nrClose, 4), exit(55, 101, 100, nrClose, -9),
	}
	// Without the opens, A's close is one line, printed at its exit.
	got := dump(t, evs, FilterOptions{Exprs: []string{"trace=close,read,write,dup2"}}, DumpOptions{FDPaths: true})
	checkLines(t, "dump -y", got, `
[pid   103] read(4</a>,  <unfinished ...>
[pid   101] close(4</a>)                = 0
[pid   103] <... read resumed>"hi", 2)  = 2
[pid   101] write(4</b>, "hi", 2)       = 2
[pid   103] write(4</b>, "hi", 2 <unfinished ...>
[pid   102] dup2(5</c>, 4</b>)          = 4</c>
[pid   103] <... write resumed>)        = 2
[pid   103] write(4</c>, "hi", 2)       = 2
[pid   101] read(4</c>,  <unfinished ...>
[pid   102] close(4</c>)                = 0
[pid   101] <... read resumed>"hi", 2)  = 2
[pid   101] close(4)                    = -1 EBADF (Bad file descriptor)
`)
	// JSON prints every call whole, at its exit.
	got = dump(t, evs, FilterOptions{}, DumpOptions{FDPaths: true, JSON: true})
	for _, want := range []string{
		`"time_ns":20000,"pid":100,"process_start_ns":10000,"tid":101,"syscall":"close","nr":3,"args":[{"name":"fd","raw":4,"value":{"fd":4,"path":"/a"}`,
		`"time_ns":12000,"pid":100,"process_start_ns":10000,"tid":103,"syscall":"read","nr":0,"args":[{"name":"fd","raw":4,"value":{"fd":4,"path":"/a"}`,
		`"time_ns":42000,"pid":100,"process_start_ns":10000,"tid":103,"syscall":"write","nr":1,"args":[{"name":"fd","raw":4,"value":{"fd":4,"path":"/b"}`,
		`"time_ns":50000,"pid":100,"process_start_ns":10000,"tid":101,"syscall":"read","nr":0,"args":[{"name":"fd","raw":4,"value":{"fd":4,"path":"/c"}`,
		`"tid":102,"syscall":"openat","nr":257,"args":[{"name":"dfd","raw":-100,"value":{"fd":-100,"path":"/work"},"text":"AT_FDCWD</work>"},{"name":"filename","raw":2147287040,"value":"/b","text":"\"/b\""},{"name":"flags","raw":1,"value":["O_WRONLY"],"text":"O_WRONLY"}],"ret":4,"ret_text":"4</b>"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %s in:\n%s", want, got)
		}
	}
}

// A close in flight while another thread opens the fd number it freed,
// and closes it again, still names its own file: the number changed hands
// twice before the close ended.
func TestCloseOutlivesTwoOwnersOfItsFD(t *testing.T) {
	evs := []ev{
		openat(10, 101, 100, "/a", 1), exit(11, 101, 100, nrOpenat, 4),
		enter(20, 101, 100, nrClose, 4),
		openat(21, 102, 100, "/b", 1), exit(22, 102, 100, nrOpenat, 4),
		withCap(enter(23, 102, 100, nrWrite, 4, 0x1000, 2), 1, format.CaptureBuffer, "hi"), exit(24, 102, 100, nrWrite, 2),
		enter(25, 102, 100, nrClose, 4), exit(26, 102, 100, nrClose, 0),
		exit(27, 101, 100, nrClose, 0),
	}
	got := dump(t, evs, FilterOptions{}, DumpOptions{FDPaths: true, JSON: true})
	for _, want := range []string{
		`"time_ns":20000,"pid":100,"process_start_ns":10000,"tid":101,"syscall":"close","nr":3,"args":[{"name":"fd","raw":4,"value":{"fd":4,"path":"/a"}`,
		`"time_ns":23000,"pid":100,"process_start_ns":10000,"tid":102,"syscall":"write","nr":1,"args":[{"name":"fd","raw":4,"value":{"fd":4,"path":"/b"}`,
		`"time_ns":25000,"pid":100,"process_start_ns":10000,"tid":102,"syscall":"close","nr":3,"args":[{"name":"fd","raw":4,"value":{"fd":4,"path":"/b"}`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %s in:\n%s", want, got)
		}
	}
	v := walkFDAtExit(t, evs)
	want := []string{"101 openat  ", "102 openat /a /a", "102 write /b /b", "102 close /b /b", "101 close /a /a"}
	if !slices.Equal(v.got, want) {
		t.Errorf("Walker.FD at each exit: got %q, want %q", v.got, want)
	}
}

// fdAtExit records what Walker.FD says of fd 4 at each call's exit.
type fdAtExit struct {
	w   *Walker
	got []string
}

func (v *fdAtExit) SyscallEnter(*Call)    {}
func (v *fdAtExit) Event(e *format.Event) {}
func (v *fdAtExit) SyscallExit(c *Call) {
	info, _ := v.w.FD(c.Pid, 4)
	path, _ := v.w.FDPath(c.Pid, 4)
	v.got = append(v.got, fmt.Sprintf("%d %s %s %s", c.Tid, c.Name, info.Target, path))
}

// walkFDAtExit walks the trace of evs with the fd tables and records what
// Walker.FD says of fd 4 at each call's exit.
func walkFDAtExit(t *testing.T, evs []ev) *fdAtExit {
	t.Helper()
	r := traceOf(t, evs)
	w, err := NewWalker(r.Header(), nil, WalkerOptions{TrackFDs: true})
	if err != nil {
		t.Fatal(err)
	}
	v := &fdAtExit{w: w}
	if err := w.Walk(r, v); err != io.EOF {
		t.Fatal(err)
	}
	return v
}

// Walker.FD, which diff and replay use, answers for the call a Visitor is
// handed as the call found the table when it entered.
func TestFDAnswersAsTheCallEntered(t *testing.T) {
	evs := append(closeRacingOpen(),
		withCap(enter(30, 101, 100, nrWrite, 4, 0x1000, 2), 1, format.CaptureBuffer, "hi"), exit(31, 101, 100, nrWrite, 2))
	v := walkFDAtExit(t, evs)
	want := []string{"101 openat  ", "102 openat /a /a", "101 close /a /a", "101 write /b /b"}
	if !slices.Equal(v.got, want) {
		t.Errorf("got %q, want %q", v.got, want)
	}
	if p, _ := v.w.FDPath(100, 4); p != "/b" {
		t.Errorf("FDPath after the walk = %q, want /b", p)
	}
}
