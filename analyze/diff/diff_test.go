package diff

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/trecdev/trec/format"
)

func TestHunks(t *testing.T) {
	a := items("abcdefghijklmnopqrstuvwxyz")
	b := items("abcdXfghijklmnopqrstuvwxyZ")
	hs, omitted := hunks(seqDiff(a, b), 2, 10, 0)
	if len(hs) != 2 || omitted != 0 {
		t.Fatalf("hunks %+v, omitted %d", hs, omitted)
	}
	h := hs[0]
	if h.AStart != 3 || h.ACount != 5 || h.BStart != 3 || h.BCount != 5 {
		t.Errorf("first hunk %+v", h)
	}
	var ops string
	for _, l := range h.Lines {
		ops += l.Op
	}
	if ops != "  -+  " {
		t.Errorf("first hunk's ops %q", ops)
	}
	if last := hs[1]; last.AStart != 24 || last.ACount != 3 || len(last.Lines) != 4 {
		t.Errorf("last hunk %+v", last)
	}
	// Changes closer than twice the context are one hunk.
	hs, _ = hunks(seqDiff(items("abcdefgh"), items("aXcdefYh")), 2, 10, 0)
	if len(hs) != 1 {
		t.Errorf("close changes: %d hunks", len(hs))
	}
	hs, omitted = hunks(seqDiff(a, b), 2, 1, 3)
	if len(hs) != 1 || omitted != 1 || len(hs[0].Lines) != 3 || hs[0].LinesOmitted != 3 {
		t.Errorf("limits: %+v, omitted %d", hs, omitted)
	}
}

// Syscall numbers of x86_64.
const (
	nrRead      = 0
	nrWrite     = 1
	nrOpenat    = 257
	nrClose     = 3
	nrMmap      = 9
	nrGetpid    = 39
	nrKill      = 62
	nrExitGroup = 231
	nrPipe2     = 293
)

// fakeRun writes the events of a run: pid is its first process, off moves
// every address, fds start at fd0, and body is what the program does.
type fakeRun struct {
	evs  []format.Event
	t    int64
	pid  int32
	off  uint64
	fd0  uint64
	pipe int
}

func (p *fakeRun) call(tid int32, nr int32, ret int64, args []uint64, in, out []format.Capture) {
	p.t += 1000 + int64(p.off%7)*100
	e := format.Event{Kind: format.KindSyscallEnter, Time: p.t, Tid: tid, Pid: p.pid, Nr: nr, Captures: in}
	copy(e.Args[:], args)
	p.t += 500
	x := format.Event{Kind: format.KindSyscallExit, Time: p.t, Tid: tid, Pid: p.pid, Nr: nr, Ret: ret, Captures: out}
	p.evs = append(p.evs, e, x)
}

func str(arg uint8, s string) []format.Capture {
	return []format.Capture{{Arg: arg, Kind: format.CaptureString, Data: []byte(s)}}
}

func buf(arg uint8, s string) []format.Capture {
	return []format.Capture{{Arg: arg, Kind: format.CaptureBuffer, Data: []byte(s)}}
}

func fdLink(fd uint64, target string) []format.Capture {
	return []format.Capture{{Kind: format.CaptureFD, Index: uint32(fd), Data: []byte(target)}}
}

// run writes a small program's run: it execs with argv, opens and reads a
// file at path, writes pipeData to a pipe (line by line in runs with an
// odd pipe, at once in the others), mmaps, asks its pid, forks a child that execs
// childArgv and is killed, and exits.
func (p *fakeRun) run(argv, childArgv []string, pipeData, path string) []byte {
	p.evs = append(p.evs, format.Event{Kind: format.KindExec, Tid: p.pid, Pid: p.pid,
		Exec:     format.Exec{Path: "/bin/prog", Argv: argv},
		Captures: fdLink(1, "pipe:["+string(rune('0'+p.pipe))+"]")})
	fd := p.fd0
	p.call(p.pid, nrOpenat, int64(fd), []uint64{0xffffff9c, 0x7ffd0000 + p.off, 0}, str(1, path), fdLink(fd, path))
	p.call(p.pid, nrRead, 5, []uint64{fd, 0x5500 + p.off, 4096}, nil, buf(1, "hello"))
	p.call(p.pid, nrClose, 0, []uint64{fd}, nil, nil)
	chunks := []string{pipeData}
	if p.pipe%2 == 1 {
		chunks = strings.SplitAfter(pipeData, "\n")
	}
	for _, chunk := range chunks {
		if chunk != "" {
			p.call(p.pid, nrWrite, int64(len(chunk)), []uint64{1, 0x5600 + p.off, uint64(len(chunk))}, buf(1, chunk), nil)
		}
	}
	p.call(p.pid, nrMmap, int64(0x7f0000000000+p.off), []uint64{0, 4096, 3, 0x22, 0xffffffffffffffff, 0}, nil, nil)
	p.call(p.pid, nrGetpid, int64(p.pid), nil, nil, nil)
	child := p.pid + 7
	p.t += 100
	p.evs = append(p.evs, format.Event{Kind: format.KindClone, Time: p.t, Tid: p.pid, Pid: p.pid, Clone: format.Clone{Child: child, Kind: format.CloneFork}})
	p.evs = append(p.evs, format.Event{Kind: format.KindExec, Time: p.t + 10, Tid: child, Pid: child, Exec: format.Exec{Path: "/bin/child", Argv: childArgv}})
	p.call(p.pid, nrKill, 0, []uint64{uint64(child), 9}, nil, nil)
	p.evs = append(p.evs, format.Event{Kind: format.KindExit, Time: p.t + 10, Tid: child, Pid: child, Exit: format.Exit{Signal: 9}})
	p.call(p.pid, nrExitGroup, 0, []uint64{0}, nil, nil)
	p.evs = p.evs[:len(p.evs)-1]
	p.evs = append(p.evs, format.Event{Kind: format.KindExit, Time: p.t + 10, Tid: p.pid, Pid: p.pid})
	var out bytes.Buffer
	w, _ := format.NewWriter(&out, &format.Header{Arch: "x86_64", Argv: argv, Cwd: "/"}, format.WriterOptions{})
	for i := range p.evs {
		w.Write(&p.evs[i])
	}
	w.Close(nil)
	return out.Bytes()
}

func compare(t *testing.T, a, b []byte, opts Options) *Report {
	t.Helper()
	if opts.MaxHunks == 0 {
		opts.MaxHunks, opts.Context, opts.TimeThreshold, opts.MinTimeGrowth = 10, 3, 0.5, 1e6
	}
	in := func(name string, d []byte) Input {
		return Input{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(d)), nil }}
	}
	rep, err := Compare(in("a", a), in("b", b), opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestCompareNormalizes(t *testing.T) {
	argv, child := []string{"prog", "-x"}, []string{"child", "1"}
	a := (&fakeRun{pid: 100, off: 0, fd0: 3, pipe: 1}).run(argv, child, "one\ntwo\n", "/etc/conf")
	// Other pids, addresses, fd numbers, pipe inode, times, and the pipe
	// written in other chunks.
	b := (&fakeRun{pid: 2000, off: 0x123000, fd0: 5, pipe: 2}).run(argv, child, "one\ntwo\n", "/etc/conf")
	rep := compare(t, a, b, Options{})
	if !rep.Equal {
		var text bytes.Buffer
		rep.WriteText(&text)
		t.Fatalf("runs that differ only in what normalization masks differ:\n%s", text.String())
	}
	// A changed child argv, other bytes through the pipe.
	c := (&fakeRun{pid: 300, fd0: 3, pipe: 3}).run(argv, []string{"child", "2"}, "one\nTWO\n", "/etc/conf")
	rep = compare(t, a, c, Options{JSON: true})
	if rep.Equal || len(rep.Processes.Changed) != 1 || rep.Processes.Changed[0].A.Position != "1.1" ||
		!slices.Equal(rep.Processes.Changed[0].Changes, []string{"argv"}) {
		t.Errorf("processes %+v", rep.Processes)
	}
	if len(rep.Streams) != 1 || rep.Streams[0].Direction != "write" || rep.Streams[0].Target != "pipe:" ||
		rep.Streams[0].FirstDifference == nil || *rep.Streams[0].FirstDifference != 4 ||
		rep.Streams[0].ExcerptA != `"one\ntwo\n"` || rep.Streams[0].ExcerptB != `"one\nTWO\n"` {
		t.Errorf("streams %+v", rep.Streams)
	}
	if len(rep.Threads) != 0 {
		t.Errorf("threads %+v: the pipe's writes are a stream, not calls", rep.Threads)
	}
	// A different file read shows as a hunk, printed by dump's printer.
	d := (&fakeRun{pid: 400, fd0: 3, pipe: 4}).run(argv, child, "one\ntwo\n", "/etc/other")
	rep = compare(t, a, d, Options{})
	if len(rep.Threads) != 1 || len(rep.Threads[0].Hunks) != 1 {
		t.Fatalf("threads %+v", rep.Threads)
	}
	var lines []string
	for _, l := range rep.Threads[0].Hunks[0].Lines {
		if l.Op != " " {
			lines = append(lines, l.Op+l.Text)
		}
	}
	want := []string{
		`-openat(AT_FDCWD</>, "/etc/conf", O_RDONLY) = 3</etc/conf>`,
		`-read(3</etc/conf>, "hello", 4096)       = 5`,
		`-close(3</etc/conf>)                     = 0`,
		`+openat(AT_FDCWD</>, "/etc/other", O_RDONLY) = 3</etc/other>`,
		`+read(3</etc/other>, "hello", 4096)      = 5`,
		`+close(3</etc/other>)                    = 0`,
	}
	if !slices.Equal(lines, want) {
		t.Errorf("hunk:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if !compare(t, d, d, Options{}).Equal {
		t.Error("a trace differs from itself")
	}
}
