package format

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/trecdev/trec/format/tracepb"
)

// Defaults for WriterOptions.
const (
	DefaultFrameSize     = 64 << 10
	DefaultFlushInterval = 200 * time.Millisecond
	batchEvents          = 512
	batchesInFlight      = 4
)

// skippableMagic starts the zstd skippable frame that leads every trace.
const skippableMagic = 0x184D2A50

// ErrClosed is returned by a Writer used after Close.
var ErrClosed = errors.New("trace writer closed")

// WriterOptions tune a Writer. The zero value gives the defaults.
type WriterOptions struct {
	// FrameSize ends a zstd frame once this much payload is pending; at
	// most FrameRecordsLimit, since readers refuse frames whose records
	// go on past that.
	FrameSize int
	// FlushInterval ends a frame when events have waited this long.
	FlushInterval time.Duration
	// Level is the zstd level; zero means zstd.SpeedFastest.
	Level zstd.EncoderLevel
}

// Writer writes a trace. Write copies each event into a batch; a goroutine
// encodes and compresses full batches, so the caller's cost per event is a
// copy. When that goroutine falls behind, Write waits: events are never
// dropped.
//
// A Writer is safe for use by one writing goroutine; Flush and Close may be
// called from any goroutine.
type Writer struct {
	mu     sync.Mutex
	cur    *batch
	free   chan *batch
	full   chan *batch
	done   chan struct{}
	stop   chan struct{}
	closed bool
	events uint64
	// err is the first error of the encoding goroutine.
	err atomic.Pointer[error]
	// pending is set while the encoder holds payload not yet framed.
	pending atomic.Bool

	out       io.Writer
	opts      WriterOptions
	enc       encoder
	zenc      *zstd.Encoder
	payload   []byte
	frame     []byte
	lastFrame time.Time
	written   atomic.Int64
}

// batch is a run of events copied out of the caller's memory. The capture
// data of all its events lives in one arena so that reusing a batch
// allocates nothing.
type batch struct {
	slots []slot
	// rare holds whole copies of the events that are not syscall enters
	// or exits.
	rare []Event
	caps []Capture
	data []byte
	// sync, when set, asks the encoder to end the frame and report on it.
	sync chan error
}

// slot is one event of a batch. A syscall event, nearly every event of a
// trace, lives in its slot alone, a third of an Event's size; Write copies
// it into memory that the encoder reads on another CPU, and every byte less
// is less to move between the CPUs' caches on the recorder's hot path.
type slot struct {
	time         int64
	args         [6]uint64
	ret          int64
	tid, pid, nr int32
	// caps and ncaps locate the event's captures in batch.caps.
	caps, ncaps uint32
	// rare is the event's index in batch.rare, or -1.
	rare int32
	kind Kind
}

// NewWriter writes the leading magic frame and h to w, in one write, and
// returns a Writer for the events. h.FormatVersion is set to Version. The
// caller closes w after Close.
func NewWriter(w io.Writer, h *Header, opts WriterOptions) (*Writer, error) {
	if opts.FrameSize <= 0 {
		opts.FrameSize = DefaultFrameSize
	}
	opts.FrameSize = min(opts.FrameSize, FrameRecordsLimit)
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = DefaultFlushInterval
	}
	if opts.Level == 0 {
		opts.Level = zstd.SpeedFastest
	}
	// Readers refuse windows over maxWindow (the fastest level's).
	zenc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(opts.Level), zstd.WithWindowSize(maxWindow),
		zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(true))
	if err != nil {
		return nil, fmt.Errorf("trace writer: %w", err)
	}
	tw := &Writer{
		free:      make(chan *batch, batchesInFlight),
		full:      make(chan *batch, batchesInFlight),
		done:      make(chan struct{}),
		stop:      make(chan struct{}),
		out:       w,
		opts:      opts,
		zenc:      zenc,
		payload:   make([]byte, 0, opts.FrameSize+opts.FrameSize/4),
		lastFrame: time.Now(),
	}
	for range batchesInFlight - 1 {
		tw.free <- newBatch()
	}
	tw.cur = newBatch()

	// The magic frame and the header's frame go out in one write: a
	// recorder killed at any time leaves a file that is either empty or a
	// trace.
	h.FormatVersion = Version
	rec := &tracepb.Record{Kind: tracepb.Kind_KIND_HEADER, Header: h}
	if tw.payload, err = appendRecord(tw.payload, rec); err != nil {
		return nil, fmt.Errorf("encode header: %w", err)
	}
	lead := binary.LittleEndian.AppendUint32(tw.frame, skippableMagic)
	lead = binary.LittleEndian.AppendUint32(lead, 8)
	lead = append(lead, Magic...)
	lead = binary.LittleEndian.AppendUint32(lead, Version)
	tw.frame = tw.zenc.EncodeAll(tw.payload, lead)
	tw.payload = tw.payload[:0]
	if err := tw.writeRaw(tw.frame); err != nil {
		return nil, err
	}
	go tw.encodeLoop()
	go tw.tickLoop()
	return tw, nil
}

func newBatch() *batch {
	return &batch{slots: make([]slot, 0, batchEvents)}
}

// Write appends a copy of e to the trace.
func (w *Writer) Write(e *Event) error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return ErrClosed
	}
	if err := w.failure(); err != nil {
		w.mu.Unlock()
		return err
	}
	b := w.cur
	b.slots = append(b.slots, slot{
		time: e.Time, args: e.Args, ret: e.Ret,
		tid: e.Tid, pid: e.Pid, nr: e.Nr,
		caps: uint32(len(b.caps)), ncaps: uint32(len(e.Captures)),
		rare: -1, kind: e.Kind,
	})
	for _, c := range e.Captures {
		off := len(b.data)
		b.data = append(b.data, c.Data...)
		c.Data = b.data[off:len(b.data):len(b.data)]
		b.caps = append(b.caps, c)
	}
	if e.Kind != KindSyscallEnter && e.Kind != KindSyscallExit {
		b.slots[len(b.slots)-1].rare = int32(len(b.rare))
		r := *e
		r.Captures = nil // its slot locates them
		r.Exec.Argv = append([]string(nil), e.Exec.Argv...)
		r.Hook.OldData = append([]byte(nil), e.Hook.OldData...)
		r.Hook.NewData = append([]byte(nil), e.Hook.NewData...)
		b.rare = append(b.rare, r)
	}
	w.events++
	if len(b.slots) == cap(b.slots) || len(b.data) >= w.opts.FrameSize {
		w.sendLocked(nil)
	}
	w.mu.Unlock()
	return nil
}

// sendLocked hands the current batch to the encoder and takes a free one,
// waiting for the encoder when none is free.
func (w *Writer) sendLocked(sync chan error) {
	w.cur.sync = sync
	w.full <- w.cur
	w.cur = <-w.free
}

// Flush ends the current zstd frame and waits until it has been written.
func (w *Writer) Flush() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return ErrClosed
	}
	ch := make(chan error, 1)
	w.sendLocked(ch)
	w.mu.Unlock()
	return <-ch
}

// Events returns how many events have been written so far.
func (w *Writer) Events() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.events
}

// Close writes the trailer (its Events field is set to the number of events
// written), ends the last frame and stops the Writer. It does not close the
// underlying io.Writer.
func (w *Writer) Close(t *Trailer) error {
	// One critical section hands over the last batch and closes: a Write
	// from another goroutine lands either in that batch or in ErrClosed.
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return ErrClosed
	}
	flushed := make(chan error, 1)
	w.sendLocked(flushed)
	w.closed = true
	events := w.events
	w.mu.Unlock()
	err := <-flushed
	close(w.stop)
	close(w.full)
	<-w.done
	if err != nil {
		return err
	}
	if err := w.failure(); err != nil {
		return err
	}
	if t == nil {
		t = &Trailer{}
	}
	t.Events = events
	rec := &tracepb.Record{Kind: tracepb.Kind_KIND_TRAILER, Trailer: t}
	if w.payload, err = appendRecord(w.payload, rec); err != nil {
		return fmt.Errorf("encode trailer: %w", err)
	}
	if err := w.endFrame(); err != nil {
		return err
	}
	return w.zenc.Close()
}

// Size returns the compressed bytes written so far. It is exact after Flush
// or Close.
func (w *Writer) Size() int64 {
	return w.written.Load()
}

// failure returns the encoder's first error, if any.
func (w *Writer) failure() error {
	if p := w.err.Load(); p != nil {
		return *p
	}
	return nil
}

// tickLoop ends a frame every FlushInterval so that events never wait in a
// batch for long, even when the traced program is idle.
func (w *Writer) tickLoop() {
	t := time.NewTicker(w.opts.FlushInterval)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
		w.mu.Lock()
		if !w.closed && (len(w.cur.slots) > 0 || w.pending.Load()) {
			w.sendLocked(nil)
		}
		w.mu.Unlock()
	}
}

// encodeLoop encodes batches into the payload and compresses frames.
func (w *Writer) encodeLoop() {
	defer close(w.done)
	var err error
	var e Event
	for b := range w.full {
		for i := range b.slots {
			if err != nil {
				break
			}
			start := len(w.payload)
			w.payload, err = w.enc.appendEvent(w.payload, b.event(i, &e))
			if err == nil && len(w.payload)-start > MaxRecordSize {
				// Every reader would refuse the trace from here on.
				err = fmt.Errorf("an event of %d bytes is over the %d byte record limit", len(w.payload)-start, MaxRecordSize)
			}
			if err == nil && len(w.payload) >= w.opts.FrameSize {
				err = w.endFrame()
			}
		}
		if err == nil && len(w.payload) > 0 &&
			(b.sync != nil || len(b.slots) < cap(b.slots) || time.Since(w.lastFrame) >= w.opts.FlushInterval) {
			err = w.endFrame()
		}
		w.pending.Store(len(w.payload) > 0)
		if err != nil {
			w.err.CompareAndSwap(nil, &err)
		}
		if b.sync != nil {
			b.sync <- err
		}
		clear(b.rare)
		b.slots, b.rare, b.caps, b.data, b.sync = b.slots[:0], b.rare[:0], b.caps[:0], b.data[:0], nil
		w.free <- b
	}
}

// event returns the batch's event i: its whole copy for a rare event, else
// e filled from its slot.
func (b *batch) event(i int, e *Event) *Event {
	s := &b.slots[i]
	caps := b.caps[s.caps : s.caps+s.ncaps : s.caps+s.ncaps]
	if s.rare >= 0 {
		r := &b.rare[s.rare]
		r.Captures = caps
		return r
	}
	*e = Event{
		Kind: s.kind, Time: s.time, Tid: s.tid, Pid: s.pid, Nr: s.nr,
		Args: s.args, Ret: s.ret, Captures: caps,
	}
	return e
}

// endFrame compresses the pending payload into one zstd frame and writes it.
func (w *Writer) endFrame() error {
	w.lastFrame = time.Now()
	if len(w.payload) == 0 {
		return nil
	}
	w.frame = w.zenc.EncodeAll(w.payload, w.frame[:0])
	w.payload = w.payload[:0]
	return w.writeRaw(w.frame)
}

func (w *Writer) writeRaw(p []byte) error {
	n, err := w.out.Write(p)
	w.written.Add(int64(n))
	if err != nil {
		return fmt.Errorf("write trace: %w", err)
	}
	return nil
}
