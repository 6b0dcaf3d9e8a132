package analyze

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// FuzzFilter parses filter flags as the user may write them: -e
// qualifiers, -p and --pid-tree values, -P globs and --since/--until
// times. It must never panic, and each error is one line; an error of
// Check is one of ParseFilter's.
func FuzzFilter(f *testing.F) {
	f.Add("trace=%file,!close\nstatus=failed", "42\n7@1.5s", "3@200ms", "/etc/*", "1.5s", "2500ms")
	f.Add("read,write\nt=!%memory", "1", "", "/tmp/[a-z]*", "0", "")
	f.Add("status=!successful,detached", "9@0.25", "", "*.so.?", "", "1e3")
	f.Add("trace=/^open", "", "", "", "", "")
	tab := sysent.ForArch(sysent.X86_64)
	lines := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}
	f.Fuzz(func(t *testing.T, exprs, pids, trees, paths, since, until string) {
		opts := FilterOptions{Exprs: lines(exprs), Pids: lines(pids), PidTrees: lines(trees), Paths: lines(paths), Since: since, Until: until}
		checkErr := opts.Check()
		flt, err := ParseFilter(tab, opts)
		if err != nil {
			if flt != nil {
				t.Fatal("filter and error")
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of more than one line: %q", err)
			}
			return
		}
		if checkErr != nil {
			t.Fatalf("Check: %v, ParseFilter: no error", checkErr)
		}
		if flt.Clone() == nil {
			t.Fatal("Clone of a valid filter failed")
		}
		if s := flt.String(); strings.Contains(s, "\n\n") {
			t.Fatalf("String %q", s)
		}
	})
}

// fuzzSyscalls are the calls FuzzAnalyze draws from most: the ones the
// fd tables, the statistics and the decoders treat specially.
var fuzzSyscalls = []int32{
	0, 1, 2, 3, 4, 5, 8, 9, 16, 17, 19, 20, 22, 32, 33, 41, 42, 43, 44, 45, 46, 47, 51, 53, 56, 57, 58, 59,
	61, 62, 72, 78, 79, 80, 81, 82, 83, 84, 87, 89, 96, 202, 217, 228, 231, 257, 262, 263, 266, 267, 271,
	281, 283, 288, 290, 292, 293, 302, 318, 319, 322, 332, 334, 435, 436, 437,
}

// fuzzEvents decodes bytes into a sequence of events of every kind, with
// arguments, results and captures taken from the bytes: a valid trace
// whose calls make no sense, for the analysis to survive.
func fuzzEvents(b []byte) []format.Event {
	next := func() byte {
		if len(b) == 0 {
			return 0
		}
		c := b[0]
		b = b[1:]
		return c
	}
	value := func() uint64 {
		switch c := next(); c % 8 {
		case 0:
			return 0
		case 1:
			return uint64(c >> 3)
		case 2:
			return 0xffffff9c // AT_FDCWD
		case 3:
			return ^uint64(0)
		case 4:
			return 0x7ffd0000 + uint64(c)*8
		default:
			var v [8]byte
			for i := range v {
				v[i] = next()
			}
			return binary.LittleEndian.Uint64(v[:])
		}
	}
	bytesOf := func() []byte {
		n := int(next() % 80)
		d := make([]byte, n)
		for i := range d {
			d[i] = next()
		}
		return d
	}
	var evs []format.Event
	var t int64
	for len(b) > 0 {
		op := next()
		tid := int32(1 + next()%5)
		pid := tid
		if op&0x80 != 0 {
			pid = 1
		}
		t += int64(next()) * 100
		e := format.Event{Time: t, Tid: tid, Pid: pid}
		switch op % 14 {
		case 0, 1, 2, 3, 4, 5, 6:
			e.Kind = format.KindSyscallEnter
			if op%14 >= 4 {
				e.Kind = format.KindSyscallExit
			}
			if c := next(); c < 220 {
				e.Nr = fuzzSyscalls[int(c)%len(fuzzSyscalls)]
			} else {
				e.Nr = int32(next()) | int32(next())<<8
			}
			for i := range e.Args {
				e.Args[i] = value()
			}
			e.Ret = int64(value())
			if next()%3 == 0 {
				e.Ret = -int64(next() % 140)
			}
			for range next() % 4 {
				c := format.Capture{Arg: next() % 6, Kind: format.CaptureKind(next() % 9), Index: uint32(next() % 4), Data: bytesOf()}
				if next()%4 == 0 {
					c.Size = uint64(len(c.Data)) + uint64(next())
				}
				e.Captures = append(e.Captures, c)
			}
		case 7:
			e.Kind = format.KindClone
			e.Clone = format.Clone{Child: int32(1 + next()%8), Kind: format.CloneKind(next() % 5), Flags: value()}
		case 8:
			e.Kind = format.KindExec
			// Strings of the schema are UTF-8: the writer refuses others.
			str := func() string { return strings.ToValidUTF8(string(bytesOf()), "?") }
			e.Exec = format.Exec{Path: str(), Argv: []string{str(), str()}}
			if next()%4 == 0 {
				e.Exec.OldTid = int32(1 + next()%5)
			}
			if next()%2 == 0 {
				e.Captures = []format.Capture{{Kind: format.CaptureFD, Index: uint32(next() % 5), Data: bytesOf()}}
			}
		case 9:
			e.Kind = format.KindExit
			e.Exit = format.Exit{Code: int32(next()), Thread: next()%2 == 0}
			if next()%3 == 0 {
				e.Exit.Signal, e.Exit.CoreDumped = int32(next()%70), next()%2 == 0
			}
		case 10:
			e.Kind = format.KindSignal
			e.Signal = format.Signal{Signo: int32(next() % 70), Code: int32(int8(next())), SenderPid: int32(next()), Addr: value(), Status: int32(next())}
		case 11:
			e.Kind = format.KindStop
			e.Signal.Signo = int32(next() % 70)
		case 12, 13:
			e.Kind = format.KindAttach
			if op%14 == 13 {
				e.Kind = format.KindDetach
			}
			e.Attach = format.Attach{InSyscall: next()%2 == 0, Stopped: next()%4 == 0}
			e.Nr = fuzzSyscalls[int(next())%len(fuzzSyscalls)]
			if e.Kind == format.KindAttach && next()%2 == 0 {
				e.Exec = format.Exec{Path: "/bin/x", Argv: []string{"x", "y"}}
				e.Captures = []format.Capture{{Kind: format.CaptureFD, Index: uint32(next() % 5), Data: []byte("/dev/null")}}
			}
		}
		evs = append(evs, e)
	}
	return evs
}

// tee passes what a walker finds to several visitors.
type tee []Visitor

func (v tee) SyscallEnter(c *Call) {
	for _, x := range v {
		x.SyscallEnter(c)
	}
}

func (v tee) SyscallExit(c *Call) {
	for _, x := range v {
		x.SyscallExit(c)
	}
}

func (v tee) Event(e *format.Event) {
	for _, x := range v {
		x.Event(e)
	}
}

// fuzzFilters are the filters FuzzAnalyze walks with.
var fuzzFilters = []FilterOptions{
	{}, {Exprs: []string{"status=failed"}}, {Pids: []string{"2"}}, {PidTrees: []string{"1"}},
	{Paths: []string{"/etc/*"}}, {Since: "3us", Until: "20us"}, {Exprs: []string{"%file,%net"}},
	{Pids: []string{"3@10us"}},
}

// FuzzAnalyze writes events made from the input to a trace and reads it
// with every analysis at once: the statistics, dump -y -T -ttt, dump
// --json and the Chrome export, under one of several filters. Nothing may
// panic, and every JSON output must be valid JSON.
func FuzzAnalyze(f *testing.F) {
	f.Add(uint8(0), []byte("\x00\x01\x10\x00\x01\x02\x03\x04\x05\x06\x07\x08\x02\x01\x04\x01\x10\x00\x01\x00"))
	f.Add(uint8(1), []byte("\x07\x01\x05\x03\x02\x01\x08\x03\x05\x04/etc\x02ls\x00\x09\x03\x01\x00\x01"))
	f.Add(uint8(4), []byte("\x00\x01\x01\xd0\x02\x02\x04\x04\x04\x04\x01\x01\x02\x00\x01\x0a/etc/hosts\x04\x01\x02\x05\x00"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		r := traceOf(t, fuzzEvents(data))
		flt := filterFor(t, fuzzFilters[int(which)%len(fuzzFilters)])
		walker, err := NewWalker(r.Header(), flt, WalkerOptions{TrackFDs: true})
		if err != nil {
			t.Fatal(err)
		}
		var text, jsonl, chrome bytes.Buffer
		st := NewStats(walker, StatsOptions{Top: int(which % 3)})
		p := NewPrinter(&text, walker, r.Header(), DumpOptions{FDPaths: true, Durations: true, Time: TimeEpoch, StrLen: int(which % 40)})
		pj := NewPrinter(&jsonl, walker, r.Header(), DumpOptions{FDPaths: true, JSON: true})
		x := NewChromeExporter(&chrome, walker, r.Header())
		if err := walker.Walk(r, tee{st, p, pj, x}); err != io.EOF {
			t.Fatalf("walk: %v", err)
		}
		p.Flush()
		pj.Flush()
		if err := x.Close(); err != nil {
			t.Fatal(err)
		}
		rep := st.Report(walker.Kept(), walker.EndTime())
		if err := rep.WriteText(io.Discard); err != nil {
			t.Fatal(err)
		}
		j, err := json.Marshal(rep)
		if err != nil || !json.Valid(j) {
			t.Fatalf("stats --json: %v", err)
		}
		if !json.Valid(chrome.Bytes()) {
			t.Fatalf("chrome-json is not JSON:\n%s", chrome.Bytes())
		}
		for _, l := range strings.Split(strings.TrimSuffix(jsonl.String(), "\n"), "\n") {
			if l != "" && !json.Valid([]byte(l)) {
				t.Fatalf("dump --json line is not JSON: %s", l)
			}
		}
	})
}
