package format

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/klauspost/compress/zstd"
)

var fuzzEncoder = sync.OnceValue(func() *zstd.Encoder {
	e, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(maxWindow))
	if err != nil {
		panic(err)
	}
	return e
})

// frameStream returns a trace file whose decompressed stream is payload,
// cut into frames of frameSize bytes: records then span frames as another
// writer's could.
func frameStream(payload []byte, frameSize int) []byte {
	out := binary.LittleEndian.AppendUint32(nil, skippableMagic)
	out = binary.LittleEndian.AppendUint32(out, 8)
	out = append(out, Magic...)
	out = binary.LittleEndian.AppendUint32(out, Version)
	for len(payload) > 0 {
		n := min(frameSize, len(payload))
		out = fuzzEncoder().EncodeAll(payload[:n], out)
		payload = payload[n:]
	}
	return out
}

// payloadOf returns the decompressed stream of a trace.
func payloadOf(t testing.TB, data []byte) []byte {
	t.Helper()
	d, err := zstd.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	p, err := io.ReadAll(d)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// readChecked reads a trace to its end as every reader must: events, then
// one error, never a panic or an event of no kind.
func readChecked(t *testing.T, data []byte) {
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		if r != nil {
			t.Fatal("reader and error")
		}
		return
	}
	for n := 0; ; n++ {
		e, err := r.Next()
		if err != nil {
			if e != nil {
				t.Fatal("event and error")
			}
			if errors.Is(err, io.EOF) && r.Trailer() == nil {
				t.Fatal("EOF without trailer")
			}
			if _, again := r.Next(); again != err {
				t.Fatalf("error %v, then %v", err, again)
			}
			return
		}
		if !e.Kind.Valid() {
			t.Fatalf("event %d has kind %d", n, e.Kind)
		}
	}
}

// FuzzRecords feeds arbitrary decompressed streams to the reader, framed
// at a size the input picks: lengths, fields and events of any shape must
// read as events and then an error, never panic. (FuzzReader mutates the
// compressed bytes, which zstd's checksums mostly refuse.)
func FuzzRecords(f *testing.F) {
	f.Add(uint16(0), payloadOf(f, writeTrace(f, sampleEvents(), WriterOptions{})))
	f.Add(uint16(7), payloadOf(f, writeTrace(f, realisticEvents(50, true), WriterOptions{})))
	f.Add(uint16(100), payloadOf(f, writeTrace(f, []Event{{Kind: KindSyscallExit, Tid: 1, Captures: []Capture{{Data: make([]byte, 20000)}}}}, WriterOptions{})))
	f.Fuzz(func(t *testing.T, frameSize uint16, payload []byte) {
		// At most 64 frames: compressing is most of an input's cost.
		readChecked(t, frameStream(payload, max(1+int(frameSize), len(payload)/64)))
	})
}
