package format

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protodelim"
	"google.golang.org/protobuf/proto"

	"github.com/trecdev/trec/format/tracepb"
)

// MaxRecordSize caps one decompressed record; larger ones are corrupt.
const MaxRecordSize = 32 << 20

var (
	// ErrTruncated ends a trace that was cut off: every complete event
	// before it was returned. A recorder that was killed leaves such traces.
	ErrTruncated = errors.New("trace truncated")
	// ErrNotTrace is returned for input that does not start like a trace.
	ErrNotTrace = errors.New("not a trec trace")
)

// VersionError reports a trace written by a newer format version.
type VersionError struct{ Version uint32 }

func (e *VersionError) Error() string {
	return fmt.Sprintf("trace format version %d is newer than this trec reads (%d)", e.Version, Version)
}

// CorruptError reports damage in a trace: Offset is the compressed byte
// offset of the frame that holds it, Record the number of the record
// (0 is the header) when known.
type CorruptError struct {
	Offset int64
	Record int64
	Err    error
}

func (e *CorruptError) Error() string {
	if e.Record > 0 {
		return fmt.Sprintf("corrupt record %d near byte %d: %v", e.Record, e.Offset, e.Err)
	}
	return fmt.Sprintf("corrupt trace at byte %d: %v", e.Offset, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// Reader reads a trace as a stream of events in constant memory.
type Reader struct {
	frames  *frameReader
	recs    *bufio.Reader
	header  *Header
	trailer *Trailer
	rec     tracepb.Record
	args    []uint64
	dec     decoder
	ev      Event
	records int64
	events  uint64
	err     error
}

var unmarshalOpts = protodelim.UnmarshalOptions{
	UnmarshalOptions: proto.UnmarshalOptions{Merge: true},
	MaxSize:          MaxRecordSize,
}

// NewReader checks the magic frame, reads the header and returns a Reader
// positioned at the first event.
func NewReader(r io.Reader) (*Reader, error) {
	fr, err := newFrameReader(r)
	if err != nil {
		return nil, err
	}
	var lead [16]byte
	n, err := io.ReadFull(fr.src, lead[:])
	fr.off += int64(n)
	switch {
	case n == 0 && err == io.EOF:
		return nil, fmt.Errorf("%w: empty file", ErrNotTrace)
	case err != nil && n < 8:
		return nil, fmt.Errorf("%w: %d bytes", ErrNotTrace, n)
	}
	if binary.LittleEndian.Uint32(lead[0:]) != skippableMagic || string(lead[8:12]) != Magic {
		return nil, ErrNotTrace
	}
	if err != nil || binary.LittleEndian.Uint32(lead[4:]) != 8 {
		return nil, ErrNotTrace
	}
	if v := binary.LittleEndian.Uint32(lead[12:]); v > Version || v == 0 {
		return nil, &VersionError{Version: v}
	}
	tr := &Reader{frames: fr, recs: bufio.NewReaderSize(fr, 1<<20)}
	if err := tr.readRecord(); err != nil {
		if err == io.EOF {
			err = ErrTruncated
		}
		return nil, fmt.Errorf("read header: %w", err)
	}
	if tr.rec.Kind != tracepb.Kind_KIND_HEADER || tr.rec.Header == nil {
		return nil, &CorruptError{Offset: 16, Err: fmt.Errorf("first record is %v, not a header", tr.rec.Kind)}
	}
	tr.header = tr.rec.Header
	tr.rec.Header = nil
	if tr.header.FormatVersion > Version {
		return nil, &VersionError{Version: tr.header.FormatVersion}
	}
	return tr, nil
}

// Header returns the trace's header.
func (r *Reader) Header() *Header { return r.header }

// Trailer returns the trailer once Next has returned io.EOF, else nil.
func (r *Reader) Trailer() *Trailer { return r.trailer }

// Events returns the number of events read so far.
func (r *Reader) Events() uint64 { return r.events }

// Offset returns how many compressed bytes have been consumed, for progress.
func (r *Reader) Offset() int64 { return r.frames.off }

// Next returns the next event. It returns io.EOF after the trailer of a
// cleanly closed trace and ErrTruncated when the trace ends without one;
// any other error is a *CorruptError or an I/O error. The event and its
// slices are valid until the next call.
func (r *Reader) Next() (*Event, error) {
	if r.err != nil {
		return nil, r.err
	}
	if err := r.readRecord(); err != nil {
		if err == io.EOF {
			err = ErrTruncated
		}
		r.err = err
		return nil, err
	}
	switch r.rec.Kind {
	case tracepb.Kind_KIND_TRAILER:
		r.trailer = r.rec.Trailer
		r.rec.Trailer = nil
		if r.trailer == nil {
			r.trailer = &Trailer{}
		}
		r.err = io.EOF
		return nil, io.EOF
	case tracepb.Kind_KIND_HEADER:
		r.err = r.corrupt(errors.New("second header"))
		return nil, r.err
	}
	if err := r.dec.event(&r.rec, &r.ev); err != nil {
		r.err = r.corrupt(err)
		return nil, r.err
	}
	r.events++
	return &r.ev, nil
}

// readRecord decodes the next record into r.rec, reusing its storage.
func (r *Reader) readRecord() error {
	args := r.rec.Args[:0]
	r.rec.Reset()
	r.rec.Args = args
	err := unmarshalOpts.UnmarshalFrom(r.recs, &r.rec)
	if err == nil {
		r.records++
		return nil
	}
	var ce *CorruptError
	var tooLarge *protodelim.SizeTooLargeError
	switch {
	case err == io.EOF:
		return io.EOF
	case err == io.ErrUnexpectedEOF, errors.Is(err, ErrTruncated):
		return ErrTruncated
	case errors.As(err, &ce):
		if ce.Record == 0 {
			ce.Record = r.records
		}
		return ce
	case errors.As(err, &tooLarge):
		return r.corrupt(fmt.Errorf("record of %d bytes is over the %d byte limit", tooLarge.Size, MaxRecordSize))
	}
	if errors.Is(err, proto.Error) {
		return r.corrupt(err)
	}
	return err
}

func (r *Reader) corrupt(err error) error {
	return &CorruptError{Offset: r.frames.off, Record: r.records, Err: err}
}
