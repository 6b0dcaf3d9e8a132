package format

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"google.golang.org/protobuf/encoding/protodelim"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/trecdev/trec/format/tracepb"
)

var update = flag.Bool("update", false, "rewrite the golden trace under testdata/")

// sampleEvents returns one event of every kind, with the fields each kind
// carries set to values that exercise the encoding (large args, negative
// returns, cut captures, tid and pid changes).
func sampleEvents() []Event {
	return []Event{
		{Kind: KindSyscallEnter, Time: 1000, Tid: 100, Pid: 100, Nr: 257,
			Args:     [6]uint64{0xffffff9c, 0x7ffd1234abcd, 0x80000, 0, 1<<64 - 1, 7},
			Captures: []Capture{{Arg: 1, Kind: CaptureString, Data: []byte("/etc/passwd")}}},
		{Kind: KindSyscallExit, Time: 1500, Tid: 100, Pid: 100, Nr: 257, Ret: 3,
			Captures: []Capture{{Kind: CaptureFD, Index: 3, Data: []byte("/etc/passwd")}}},
		{Kind: KindSyscallEnter, Time: 1600, Tid: 101, Pid: 100, Nr: 0, Args: [6]uint64{3, 0x5000, 4096}},
		{Kind: KindSyscallExit, Time: 2600, Tid: 101, Pid: 100, Nr: 0, Ret: 4096,
			Captures: []Capture{{Arg: 1, Kind: CaptureBuffer, Data: []byte("root:x:0:0"), Size: 4096}}},
		{Kind: KindSyscallEnter, Time: 2700, Tid: 100, Pid: 100, Nr: 20, Args: [6]uint64{1, 0x6000, 2},
			Captures: []Capture{
				{Arg: 1, Kind: CaptureIovec, Index: 0, Data: []byte("a")},
				{Arg: 1, Kind: CaptureIovec, Index: 1, Data: []byte("b")},
			}},
		{Kind: KindSyscallExit, Time: 2800, Tid: 100, Pid: 100, Nr: 20, Ret: -4},
		{Kind: KindSignal, Time: 2900, Tid: 100, Pid: 100,
			Signal: Signal{Signo: 11, Code: 1, SenderPid: 0, Addr: 0xdeadbeef}},
		{Kind: KindSignal, Time: 2950, Tid: 100, Pid: 100,
			Signal: Signal{Signo: 17, Code: 1, SenderPid: 102, SenderUid: 1000, Status: 3}},
		{Kind: KindClone, Time: 3000, Tid: 100, Pid: 100,
			Clone: Clone{Child: 102, Kind: CloneFork, Flags: 0x1200011}},
		{Kind: KindExec, Time: 4000, Tid: 102, Pid: 102,
			Exec: Exec{Path: "/bin/ls", Argv: []string{"ls", "-la", ""}, OldTid: 103},
			Captures: []Capture{
				{Kind: CaptureFD, Index: 0, Data: []byte("/dev/null")},
				{Kind: CaptureFD, Index: 1, Data: []byte("pipe:[4321]")},
			}},
		{Kind: KindStop, Time: 4500, Tid: 102, Pid: 102, Signal: Signal{Signo: 19}},
		{Kind: KindHook, Time: 4600, Tid: 102, Pid: 102, Nr: 257,
			Hook: Hook{Name: "deny:openat", Op: HookSetArg, Arg: 2, OldValue: 1, NewValue: 2,
				OldData: []byte("x"), NewData: []byte("y")}},
		{Kind: KindAttach, Time: 4700, Tid: 104, Pid: 104, Nr: 0, Attach: Attach{InSyscall: true},
			Exec: Exec{Path: "/usr/bin/cat", Argv: []string{"cat", "-u"}},
			Captures: []Capture{
				{Kind: CaptureFD, Index: 0, Data: []byte("pipe:[4322]")},
				{Kind: CaptureFD, Index: CwdIndex, Data: []byte("/tmp")},
			}},
		{Kind: KindAttach, Time: 4700, Tid: 105, Pid: 104, Attach: Attach{Stopped: true}},
		{Kind: KindDetach, Time: 4800, Tid: 104, Pid: 104, Nr: 0, Attach: Attach{InSyscall: true}},
		{Kind: KindDetach, Time: 4800, Tid: 105, Pid: 104},
		{Kind: KindExit, Time: 5000, Tid: 101, Pid: 100, Exit: Exit{Code: 0, Thread: true}},
		{Kind: KindExit, Time: 6000, Tid: 102, Pid: 102, Exit: Exit{Signal: 11, CoreDumped: true}},
		{Kind: KindExit, Time: 6000, Tid: 100, Pid: 100, Exit: Exit{Code: 42}},
	}
}

func sampleHeader() *Header {
	return &Header{
		TrecVersion: "test", Argv: []string{"prog", "arg"}, Cwd: "/tmp",
		StartUnixNano: 1_700_000_000_000_000_000, Clock: "CLOCK_MONOTONIC",
		Arch: "x86_64", KernelRelease: "6.18.0", Hostname: "host", PageSize: 4096,
		Options: &Options{Filter: "%file", CaptureSize: 4096, Cpu: -1},
	}
}

// writeTrace writes events to a trace in memory, with opts.
func writeTrace(t testing.TB, events []Event, opts WriterOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, sampleHeader(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range events {
		if err := w.Write(&events[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(&Trailer{EndTime: 7000, ExitStatus: 42, Processes: 2, Threads: 3}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readAll reads every event of a trace, copying each, and returns them with
// the error that ended the stream.
func readAll(data []byte) (*Reader, []Event, error) {
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	var evs []Event
	for {
		e, err := r.Next()
		if err != nil {
			return r, evs, err
		}
		evs = append(evs, e.Copy())
	}
}

// normalize makes empty and nil slices compare equal.
func normalize(evs []Event) []Event {
	out := make([]Event, len(evs))
	for i, e := range evs {
		if len(e.Captures) == 0 {
			e.Captures = nil
		}
		for j := range e.Captures {
			if len(e.Captures[j].Data) == 0 {
				e.Captures[j].Data = nil
			}
		}
		if len(e.Exec.Argv) == 0 {
			e.Exec.Argv = nil
		}
		if len(e.Hook.OldData) == 0 {
			e.Hook.OldData = nil
		}
		if len(e.Hook.NewData) == 0 {
			e.Hook.NewData = nil
		}
		out[i] = e
	}
	return out
}

func TestRoundTripEveryKind(t *testing.T) {
	want := sampleEvents()
	for _, frame := range []int{0, 1, 40} {
		data := writeTrace(t, want, WriterOptions{FrameSize: frame})
		r, got, err := readAll(data)
		if err != io.EOF {
			t.Fatalf("frame size %d: read ended with %v, want io.EOF", frame, err)
		}
		if !reflect.DeepEqual(normalize(got), normalize(want)) {
			t.Fatalf("frame size %d: events differ\n got %+v\nwant %+v", frame, got, want)
		}
		if !proto.Equal(r.Header(), withVersion(sampleHeader())) {
			t.Errorf("header = %v", r.Header())
		}
		tr := r.Trailer()
		if tr.GetEvents() != uint64(len(want)) || tr.GetExitStatus() != 42 || tr.GetEndTime() != 7000 {
			t.Errorf("trailer = %v", tr)
		}
	}
}

// TestReplayableFields round-trips what --replayable recordings add: the
// environment and the start state in the header, AT_RANDOM and the vDSO
// flag in exec events, output captures.
func TestReplayableFields(t *testing.T) {
	h := sampleHeader()
	h.Options.Replayable = true
	h.Env = []string{"HOME=/root", "A="}
	h.StartState = &tracepb.StartState{IgnoredSignals: 1 << 12, BlockedSignals: 3, ClosedFds: 4, Exact: true}
	random := []byte("0123456789abcdef")
	want := []Event{
		{Kind: KindExec, Time: 10, Tid: 7, Pid: 7, Exec: Exec{Path: "/bin/true", Argv: []string{"true"}, Random: random, VdsoOff: true}},
		{Kind: KindSyscallExit, Time: 20, Tid: 7, Pid: 7, Nr: 16, Ret: 0,
			Captures: []Capture{{Arg: 2, Kind: CaptureOutput, Data: []byte{24, 0, 80, 0, 0, 0, 0, 0}}}},
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, h, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if err := w.Write(&want[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(&Trailer{}); err != nil {
		t.Fatal(err)
	}
	r, got, err := readAll(buf.Bytes())
	if err != io.EOF {
		t.Fatalf("read ended with %v", err)
	}
	if !reflect.DeepEqual(normalize(got), normalize(want)) {
		t.Fatalf("events differ\n got %+v\nwant %+v", got, want)
	}
	if !proto.Equal(r.Header(), withVersion(h)) {
		t.Errorf("header = %v", r.Header())
	}
}

func withVersion(h *Header) *Header {
	h.FormatVersion = Version
	return h
}

func TestEveryKindIsSampled(t *testing.T) {
	seen := map[Kind]bool{}
	for _, e := range sampleEvents() {
		seen[e.Kind] = true
	}
	for k := range tracepb.Kind_name {
		kind := Kind(k)
		if k == int32(tracepb.Kind_KIND_UNSPECIFIED) || k == int32(tracepb.Kind_KIND_HEADER) || k == int32(tracepb.Kind_KIND_TRAILER) {
			continue
		}
		if !seen[kind] {
			t.Errorf("kind %v (%d) has no sample event", kind, k)
		}
	}
}

func TestCutAtEveryOffset(t *testing.T) {
	want := sampleEvents()
	data := writeTrace(t, want, WriterOptions{FrameSize: 1})
	for n := 0; n < len(data); n++ {
		r, got, err := readAll(data[:n])
		if r == nil {
			// The header frame is incomplete: the file is not a trace yet.
			if err == nil {
				t.Fatalf("cut at %d: no error", n)
			}
			continue
		}
		if !errors.Is(err, ErrTruncated) {
			t.Fatalf("cut at %d: got %v, want ErrTruncated", n, err)
		}
		if len(got) > len(want) || !reflect.DeepEqual(normalize(got), normalize(want[:len(got)])) {
			t.Fatalf("cut at %d: events are not a prefix: %+v", n, got)
		}
	}
}

func TestTruncationLosesOnlyTheLastFrame(t *testing.T) {
	want := sampleEvents()
	data := writeTrace(t, want, WriterOptions{FrameSize: 1})
	// Drop the trailer's frame: every event must survive.
	frames := frameOffsets(t, data)
	_, got, err := readAll(data[:frames[len(frames)-1]])
	if !errors.Is(err, ErrTruncated) || len(got) != len(want) {
		t.Fatalf("without the trailer frame: %d events, %v", len(got), err)
	}
}

// frameOffsets returns the start offset of every zstd frame in data.
func frameOffsets(t *testing.T, data []byte) []int {
	t.Helper()
	fr, err := newFrameReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var offs []int
	for {
		off := fr.off
		if _, _, err := fr.readFrame(); err != nil {
			if err != io.EOF {
				t.Fatal(err)
			}
			return offs
		}
		offs = append(offs, int(off))
	}
}

func TestBadInput(t *testing.T) {
	zstdNotTrace, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	rnd := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range rnd {
		rnd[i] = byte(rng.Uint32())
	}
	good := writeTrace(t, sampleEvents(), WriterOptions{})
	future := append([]byte(nil), good...)
	future[12] = Version + 1
	corrupt := append([]byte(nil), good...)
	corrupt[len(corrupt)/2] ^= 0xff
	version0 := append([]byte(nil), good...)
	version0[12] = 0

	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"half the leading frame", good[:10], ErrTruncated},
		{"leading frame alone", good[:16], ErrTruncated},
		{"header cut", good[:20], ErrTruncated},
		{"not a leading frame", good[1:12], ErrNotTrace},
		{"random", rnd, ErrNotTrace},
		{"text", []byte("execve(\"/bin/ls\", [\"ls\"], 0x7ffd /* 20 vars */) = 0\n"), ErrNotTrace},
		{"zstd but not a trace", zstdNotTrace.EncodeAll([]byte("hello"), nil), ErrNotTrace},
		{"future version", future, &VersionError{}},
		{"version 0", version0, &CorruptError{}},
		{"corrupt frame", corrupt, &CorruptError{}},
		{"two traces in one file", append(append([]byte(nil), good...), good...), &CorruptError{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(tc.data)
			if errors.Is(tc.want, ErrTruncated) && (err == nil || !strings.Contains(err.Error(), "the recording ended before it began")) {
				t.Errorf("got %v, want the recording ended before it began", err)
			}
			if err != nil && strings.Contains(err.Error(), "newer") && tc.name != "future version" {
				t.Errorf("got %v", err)
			}
			switch want := tc.want.(type) {
			case *VersionError:
				var ve *VersionError
				if !errors.As(err, &ve) || ve.Version != Version+1 {
					t.Fatalf("got %v, want a VersionError", err)
				}
			case *CorruptError:
				var ce *CorruptError
				if !errors.As(err, &ce) || ce.Offset <= 0 {
					t.Fatalf("got %v, want a CorruptError with an offset", err)
				}
			default:
				if !errors.Is(err, want) {
					t.Fatalf("got %v, want %v", err, want)
				}
			}
		})
	}
}

// TestTruncatedMark checks that a trace whose trailer says it was copied
// from a cut one reads as cut, trailer and all.
func TestTruncatedMark(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, sampleHeader(), WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	evs := sampleEvents()
	for i := range evs {
		if err := w.Write(&evs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(&Trailer{Truncated: true, EndTime: 77}); err != nil {
		t.Fatal(err)
	}
	r, got, err := readAll(buf.Bytes())
	if err != ErrTruncated || len(got) != len(evs) {
		t.Fatalf("got %d events and %v, want %d and ErrTruncated", len(got), err, len(evs))
	}
	if tr := r.Trailer(); tr == nil || !tr.Truncated || tr.EndTime != 77 || tr.Events != uint64(len(evs)) {
		t.Errorf("trailer %v", tr)
	}
}

func TestDirectory(t *testing.T) {
	f, err := os.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := NewReader(f); err == nil || errors.Is(err, ErrNotTrace) {
		t.Fatalf("reading a directory: got %v, want the read error", err)
	}
}

// The writer never writes a record that readers refuse; a reader given one
// anyway reports it as corrupt.
func TestRecordOverCap(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, sampleHeader(), WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	headerOnly := bytes.Clone(buf.Bytes())
	big := Event{Kind: KindSyscallExit, Tid: 1, Pid: 1, Ret: 1,
		Captures: []Capture{{Kind: CaptureBuffer, Data: bytes.Repeat([]byte{'x'}, MaxRecordSize+1)}}}
	w.Write(&big)
	if err := w.Close(nil); err == nil || !strings.Contains(err.Error(), "record limit") {
		t.Errorf("writing a record over MaxRecordSize: Close returned %v, want the record limit", err)
	}
	if _, got, err := readAll(buf.Bytes()); len(got) != 0 || (err != nil && !errors.Is(err, ErrTruncated)) {
		t.Errorf("what the writer wrote reads as %d events and %v, want a trace cut before the record", len(got), err)
	}

	zenc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	payload := protowire.AppendVarint(nil, MaxRecordSize+1)
	data := zenc.EncodeAll(append(payload, "xxxx"...), headerOnly)
	_, got, err := readAll(data)
	var ce *CorruptError
	if len(got) != 0 || !errors.As(err, &ce) || ce.Record != 1 {
		t.Fatalf("got %d events and %v, want a CorruptError for record 1", len(got), err)
	}
}

func TestFramingMatchesProtodelim(t *testing.T) {
	rec := &tracepb.Record{Kind: tracepb.Kind_KIND_SYSCALL_ENTER, Tid: 5, Args: []uint64{1, 2, 3}}
	var want bytes.Buffer
	if _, err := protodelim.MarshalTo(&want, rec); err != nil {
		t.Fatal(err)
	}
	got, err := appendRecord(nil, rec)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("appendRecord = %x, protodelim = %x", got, want.Bytes())
	}
}

// TestDecompressesWithPlainZstd checks that the stream is plain zstd plus
// protodelim, as FORMAT.md promises other readers.
func TestDecompressesWithPlainZstd(t *testing.T) {
	data := writeTrace(t, sampleEvents(), WriterOptions{FrameSize: 30})
	dec, err := zstd.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	raw, err := io.ReadAll(dec)
	if err != nil {
		t.Fatal(err)
	}
	br := bytes.NewReader(raw)
	var kinds []tracepb.Kind
	for {
		var rec tracepb.Record
		if err := protodelim.UnmarshalFrom(br, &rec); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, rec.Kind)
	}
	if len(kinds) != len(sampleEvents())+2 || kinds[0] != tracepb.Kind_KIND_HEADER || kinds[len(kinds)-1] != tracepb.Kind_KIND_TRAILER {
		t.Fatalf("record kinds %v", kinds)
	}
}

func TestGolden(t *testing.T) {
	path := filepath.Join("testdata", "golden-v1.trc")
	data := writeTrace(t, sampleEvents(), WriterOptions{FrameSize: 200})
	if *update {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	golden, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(data, golden) {
		t.Errorf("the writer's output changed: if the format change is intended, bump Version or run go test -update")
	}
	_, got, err := readAll(golden)
	if err != io.EOF || !reflect.DeepEqual(normalize(got), normalize(sampleEvents())) {
		t.Fatalf("golden trace reads as %d events, %v", len(got), err)
	}
}

func TestWriteDoesNotAliasCaller(t *testing.T) {
	buf := []byte("first")
	e := Event{Kind: KindSyscallExit, Tid: 1, Pid: 1, Ret: 5, Captures: []Capture{{Kind: CaptureBuffer, Data: buf}}}
	var out bytes.Buffer
	w, err := NewWriter(&out, sampleHeader(), WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&e); err != nil {
		t.Fatal(err)
	}
	copy(buf, "XXXXX")
	if err := w.Close(nil); err != nil {
		t.Fatal(err)
	}
	_, got, _ := readAll(out.Bytes())
	if len(got) != 1 || string(got[0].Captures[0].Data) != "first" {
		t.Fatalf("got %+v", got)
	}
}

// Close from one goroutine while another writes: every Write that
// succeeded is in the trace and counted in the trailer, the later ones
// fail with ErrClosed.
func TestCloseWhileWriting(t *testing.T) {
	for range 50 {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, sampleHeader(), WriterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		written := make(chan int)
		go func() {
			e := Event{Kind: KindSyscallExit, Tid: 1, Pid: 1, Nr: 1, Ret: 1}
			n := 0
			for w.Write(&e) == nil {
				n++
			}
			if err := w.Write(&e); !errors.Is(err, ErrClosed) {
				t.Errorf("Write after Close: %v, want ErrClosed", err)
			}
			written <- n
		}()
		time.Sleep(100 * time.Microsecond)
		if err := w.Close(nil); err != nil {
			t.Fatal(err)
		}
		n := <-written
		r, got, err := readAll(buf.Bytes())
		if err != io.EOF {
			t.Fatal(err)
		}
		if len(got) != n || r.Trailer().Events != uint64(n) {
			t.Fatalf("%d Writes succeeded; the trace holds %d events, its trailer says %d", n, len(got), r.Trailer().Events)
		}
	}
}
