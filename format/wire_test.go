package format

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/trecdev/trec/format/tracepb"
)

// randomEvent returns an event of a random kind with random field values,
// including negative numbers and empty captures.
func randomEvent(rng *rand.Rand, t int64) Event {
	kinds := []Kind{KindSyscallEnter, KindSyscallExit, KindSignal, KindClone, KindExec, KindExit, KindHook, KindStop, KindAttach, KindDetach}
	e := Event{Kind: kinds[rng.IntN(len(kinds))], Time: t, Tid: int32(rng.IntN(5) + 1)}
	e.Pid = e.Tid
	if rng.IntN(3) == 0 {
		e.Pid = int32(rng.IntN(5) + 1)
	}
	switch e.Kind {
	case KindSyscallEnter:
		e.Nr = int32(rng.IntN(500)) - 1
		for i := range e.Args {
			e.Args[i] = rng.Uint64() >> rng.IntN(64)
		}
	case KindSyscallExit:
		e.Nr = int32(rng.IntN(500))
		e.Ret = rng.Int64N(1<<40) - 1<<39
	case KindSignal, KindStop:
		e.Signal = Signal{Signo: rng.Int32N(64), Code: rng.Int32N(10) - 6, SenderPid: rng.Int32N(1000), Addr: rng.Uint64()}
	case KindClone:
		e.Clone = Clone{Child: rng.Int32N(1 << 22), Kind: CloneKind(rng.IntN(5)), Flags: rng.Uint64()}
	case KindExec:
		e.Exec = Exec{Path: "/bin/x", Argv: []string{"x", ""}, OldTid: rng.Int32N(3)}
		if rng.IntN(2) == 0 {
			e.Exec.Random, e.Exec.VdsoOff = make([]byte, 16), true
			for i := range e.Exec.Random {
				e.Exec.Random[i] = byte(rng.IntN(256))
			}
		}
	case KindExit:
		e.Exit = Exit{Code: rng.Int32N(256), Signal: rng.Int32N(3), CoreDumped: rng.IntN(2) == 0, Thread: rng.IntN(2) == 0}
	case KindHook:
		e.Nr = 2
		e.Hook = Hook{Name: "h", Op: HookOp(rng.IntN(7)), Arg: uint8(rng.IntN(6)), OldValue: rng.Uint64(), NewData: []byte{1},
			Rule: "deny /etc/**", Path: "/etc/x", Exit: rng.IntN(2) == 0}
	case KindAttach, KindDetach:
		e.Attach = Attach{InSyscall: rng.IntN(2) == 0, Stopped: rng.IntN(2) == 0}
		if e.Attach.InSyscall {
			e.Nr = int32(rng.IntN(500))
		}
		if e.Kind == KindAttach && rng.IntN(2) == 0 {
			e.Exec = Exec{Path: "/bin/x", Argv: []string{"x"}}
		}
	}
	for range rng.IntN(3) {
		c := Capture{Arg: uint8(rng.IntN(6)), Kind: CaptureKind(rng.IntN(7)), Index: uint32(rng.IntN(3))}
		c.Data = make([]byte, rng.IntN(20))
		if rng.IntN(2) == 0 {
			c.Size = uint64(len(c.Data) + 1 + rng.IntN(1000))
		}
		e.Captures = append(e.Captures, c)
	}
	return e
}

// TestWireMatchesGenerated checks the hand-written event encoding against
// the generated code: same bytes as a deterministic proto.Marshal, and the
// same fields after proto.Unmarshal.
func TestWireMatchesGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var enc encoder
	for i := range 20000 {
		e := randomEvent(rng, int64(i)*37)
		prevTime, prevTid := enc.lastTime, enc.lastTid
		body, err := enc.appendEventBody(nil, &e)
		if err != nil {
			t.Fatal(err)
		}
		var rec tracepb.Record
		if err := proto.Unmarshal(body, &rec); err != nil {
			t.Fatalf("event %d: generated code cannot read %x: %v", i, body, err)
		}
		again, err := proto.MarshalOptions{Deterministic: true}.Marshal(&rec)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, body) {
			t.Fatalf("event %+v:\n hand %x\n  gen %x", e, body, again)
		}
		if Kind(rec.Kind) != e.Kind || rec.TimeDelta != e.Time-prevTime {
			t.Fatalf("event %d: kind/time %v %d", i, rec.Kind, rec.TimeDelta)
		}
		if wantTid := map[bool]int32{true: 0, false: e.Tid}[e.Tid == prevTid]; rec.Tid != wantTid {
			t.Fatalf("event %d: tid %d, want %d", i, rec.Tid, wantTid)
		}
		if len(rec.Captures) != len(e.Captures) {
			t.Fatalf("event %d: %d captures, want %d", i, len(rec.Captures), len(e.Captures))
		}
	}
}

// TestDecodeMatchesGenerated decodes records made by the generated code.
func TestDecodeMatchesGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var enc encoder
	var dec decoder
	for i := range 20000 {
		want := randomEvent(rng, int64(i)*41)
		body, err := enc.appendEventBody(nil, &want)
		if err != nil {
			t.Fatal(err)
		}
		var rec tracepb.Record
		if err := proto.Unmarshal(body, &rec); err != nil {
			t.Fatal(err)
		}
		gen, err := proto.Marshal(&rec)
		if err != nil {
			t.Fatal(err)
		}
		var got Event
		if _, err := dec.decodeEvent(gen, &got); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if !reflect.DeepEqual(normalize([]Event{got.Copy()}), normalize([]Event{want})) {
			t.Fatalf("event %d:\n got %+v\nwant %+v", i, got, want)
		}
	}
}

// FuzzReader feeds arbitrary bytes to the reader: it must return events and
// then an error or io.EOF, never panic or loop.
func FuzzReader(f *testing.F) {
	f.Add(writeTrace(f, sampleEvents(), WriterOptions{}))
	f.Add(writeTrace(f, sampleEvents(), WriterOptions{FrameSize: 1}))
	f.Add(writeTrace(f, realisticEvents(300, true), WriterOptions{FrameSize: 512}))
	f.Add([]byte{})
	f.Add(frameStream(payloadOf(f, writeTrace(f, realisticEvents(100, true), WriterOptions{})), 70000))
	f.Fuzz(func(t *testing.T, data []byte) { readChecked(t, data) })
}
