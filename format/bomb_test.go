package format

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/klauspost/compress/zstd"
	"google.golang.org/protobuf/encoding/protowire"
)

// leadAndHeader returns the start of a valid trace: the leading frame and
// the header's frame.
func leadAndHeader(t *testing.T) []byte {
	t.Helper()
	data := writeTrace(t, nil, WriterOptions{})
	offs := frameOffsets(t, data)
	return data[:offs[2]]
}

// streamed compresses payload as one frame that does not declare its size,
// as a streaming compressor writes it.
func streamed(t *testing.T, payload []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := zstd.NewWriter(&buf, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithWindowSize(maxWindow))
	if err != nil {
		t.Fatal(err)
	}
	w.Write(payload)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rleFrame is a frame of n blocks, each 128 KiB of zeros in four bytes.
func rleFrame(n int) []byte {
	out := binary.LittleEndian.AppendUint32(nil, zstdMagic)
	out = append(out, 0x00, 0x50) // no content size, not single segment; 4 MiB window
	for i := range n {
		h := uint32(maxBlock)<<3 | 1<<1
		if i == n-1 {
			h |= 1
		}
		out = append(out, byte(h), byte(h>>8), byte(h>>16), 0)
	}
	return out
}

// bigRecord returns a valid exit record whose capture holds size zeros.
func bigRecord(size int) []byte {
	var capture, rec []byte
	capture = protowire.AppendTag(capture, fCapKind, protowire.VarintType)
	capture = protowire.AppendVarint(capture, uint64(CaptureBuffer))
	capture = protowire.AppendTag(capture, fCapData, protowire.BytesType)
	capture = protowire.AppendBytes(capture, make([]byte, size))
	rec = protowire.AppendTag(rec, fKind, protowire.VarintType)
	rec = protowire.AppendVarint(rec, uint64(KindSyscallExit))
	rec = protowire.AppendTag(rec, fTid, protowire.VarintType)
	rec = protowire.AppendVarint(rec, 5)
	rec = protowire.AppendTag(rec, fCaptures, protowire.BytesType)
	rec = protowire.AppendBytes(rec, capture)
	return protowire.AppendBytes(nil, rec)
}

// allocated returns the bytes allocated while f ran.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestDecompressionBombs feeds frames that decompress to far more than
// they weigh. Those a trace writer cannot have written are refused within
// a few MB; a record as large as a writer can write is read whole, for
// about its size.
func TestDecompressionBombs(t *testing.T) {
	start := leadAndHeader(t)
	stops := bytes.Repeat([]byte{2, fKind << 3, byte(KindStop)}, 10<<20)
	const few = 8 << 20
	for _, tc := range []struct {
		name   string
		frame  []byte
		events int
		want   error
		alloc  uint64
	}{
		// 8 KB that decompress to 256 MiB, declared in the block headers.
		{"RLE blocks", rleFrame(2048), 0, &CorruptError{}, few},
		// 30 MiB of valid two-byte events: a frame holds 64 KiB of them.
		{"tiny records", streamed(t, stops), -1, &CorruptError{}, few},
		{"zeros", streamed(t, make([]byte, 30<<20)), 0, &CorruptError{}, few},
		{"garbage", streamed(t, bytes.Repeat([]byte("\x00\x01\x02\x03garbage!"), 2<<20)), 0, &CorruptError{}, few},
		{"a whole frame of events", streamed(t, stops[:FrameRecordsLimit-FrameRecordsLimit%3]), FrameRecordsLimit / 3, ErrTruncated, few},
		{"the largest record", streamed(t, bigRecord(MaxRecordSize-64)), 1, ErrTruncated, 3 * MaxRecordSize / 2},
		{"a record too large", streamed(t, bigRecord(MaxRecordSize+1)), 0, &CorruptError{}, few},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := append(bytes.Clone(start), tc.frame...)
			if len(tc.frame) > 64<<10 {
				t.Fatalf("the frame weighs %d bytes", len(tc.frame))
			}
			got := 0
			var err error
			alloc := allocated(func() {
				var r *Reader
				r, err = NewReader(bytes.NewReader(data))
				if err != nil {
					return
				}
				for {
					if _, err = r.Next(); err != nil {
						break
					}
					got++
				}
			})
			var ce *CorruptError
			switch {
			case errors.As(tc.want, &ce) && !errors.As(err, &ce):
				t.Errorf("got %v, want a CorruptError", err)
			case errors.Is(tc.want, ErrTruncated) && err != ErrTruncated:
				t.Errorf("got %v, want ErrTruncated", err)
			}
			if tc.events >= 0 && got != tc.events {
				t.Errorf("%d events, want %d", got, tc.events)
			}
			if tc.events < 0 && got > FrameRecordsLimit {
				t.Errorf("%d events from one frame", got)
			}
			if alloc > tc.alloc {
				t.Errorf("reading %d bytes allocated %d MB, want at most %d", len(data), alloc>>20, tc.alloc>>20)
			}
			t.Logf("%d bytes: %d events, %v; %.1f MB allocated", len(data), got, err, float64(alloc)/(1<<20))
		})
	}
}

// TestWriterFramesDecodeWhole checks that every frame the writer writes,
// a large record's included, is one a reader accepts.
func TestWriterFramesDecodeWhole(t *testing.T) {
	big := make([]byte, 5<<20)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	evs := realisticEvents(3000, true)
	evs = append(evs, Event{Kind: KindSyscallExit, Time: 1 << 40, Tid: 7, Pid: 7, Nr: 0, Ret: int64(len(big)),
		Captures: []Capture{{Arg: 1, Kind: CaptureBuffer, Data: big}}})
	evs = append(evs, realisticEvents(3000, false)...)
	for _, opts := range []WriterOptions{{}, {Level: zstd.SpeedBetterCompression}, {FrameSize: 1 << 30}} {
		_, got, err := readAll(writeTrace(t, evs, opts))
		if err != io.EOF || len(got) != len(evs) {
			t.Errorf("%+v: %d of %d events, %v", opts, len(got), len(evs), err)
		}
	}
}
