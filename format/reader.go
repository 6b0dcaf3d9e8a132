package format

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"
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
	pend    []byte // decompressed bytes not yet consumed
	carry   []byte // holds a record that spans frames
	header  *Header
	trailer *Trailer
	dec     decoder
	ev      Event
	records int64
	events  uint64
	err     error

	// headerRaw is the header record as stored, for a stable trace id.
	headerRaw []byte
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
	case err != nil && err != io.EOF && err != io.ErrUnexpectedEOF:
		return nil, fmt.Errorf("read trace: %w", err)
	case n == 0:
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
	tr := &Reader{frames: fr}
	body, err := tr.nextRecord()
	if err != nil {
		if err == io.EOF {
			err = ErrTruncated
		}
		return nil, fmt.Errorf("read header: %w", err)
	}
	var rec tracepb.Record
	if err := proto.Unmarshal(body, &rec); err != nil {
		return nil, tr.corrupt(err)
	}
	if rec.Kind != tracepb.Kind_KIND_HEADER || rec.Header == nil {
		return nil, tr.corrupt(fmt.Errorf("first record is %v, not a header", rec.Kind))
	}
	tr.header = rec.Header
	tr.headerRaw = append([]byte(nil), body...)
	if tr.header.FormatVersion > Version {
		return nil, &VersionError{Version: tr.header.FormatVersion}
	}
	return tr, nil
}

// Header returns the trace's header.
func (r *Reader) Header() *Header { return r.header }

// HeaderBytes returns the header record as stored in the trace: the
// protobuf Record message that follows the first length prefix. A hash of
// it identifies the trace.
func (r *Reader) HeaderBytes() []byte { return r.headerRaw }

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
	body, err := r.nextRecord()
	if err != nil {
		if err == io.EOF {
			err = ErrTruncated
		}
		r.err = err
		return nil, err
	}
	kind, err := r.dec.decodeEvent(body, &r.ev)
	switch {
	case err != nil:
		r.err = r.corrupt(err)
		return nil, r.err
	case kind == tracepb.Kind_KIND_TRAILER:
		var rec tracepb.Record
		if err := proto.Unmarshal(body, &rec); err != nil {
			r.err = r.corrupt(err)
			return nil, r.err
		}
		r.trailer = rec.Trailer
		if r.trailer == nil {
			r.trailer = &Trailer{}
		}
		r.err = r.checkEnd()
		return nil, r.err
	case kind == tracepb.Kind_KIND_HEADER:
		r.err = r.corrupt(errors.New("second header"))
		return nil, r.err
	}
	r.events++
	return &r.ev, nil
}

// checkEnd returns io.EOF when nothing follows the trailer, and an error
// naming what does: two traces concatenated into one file would otherwise
// read as the first alone.
func (r *Reader) checkEnd() error {
	if len(r.pend) > 0 {
		return r.corrupt(errors.New("records after the trailer"))
	}
	switch err := r.frames.next(); {
	case err == io.EOF:
		return io.EOF
	case err == nil:
		return r.corrupt(errors.New("data after the trailer (two traces in one file?)"))
	default:
		return err
	}
}

// nextRecord returns the body of the next length-delimited record (the
// encoding/protodelim framing). It returns io.EOF at a clean end of the
// stream, ErrTruncated when the stream ends inside a record.
func (r *Reader) nextRecord() ([]byte, error) {
	for {
		if len(r.pend) > 0 {
			size, n := protowire.ConsumeVarint(r.pend)
			switch {
			case n > 0 && size > MaxRecordSize:
				return nil, r.corrupt(fmt.Errorf("record of %d bytes is over the %d byte limit", size, MaxRecordSize))
			case n > 0 && uint64(len(r.pend)-n) >= size:
				body := r.pend[n : n+int(size)]
				r.pend = r.pend[n+int(size):]
				r.records++
				return body, nil
			case n < 0 && len(r.pend) >= binary.MaxVarintLen64:
				return nil, r.corrupt(protowire.ParseError(n))
			}
		}
		if len(r.pend) > 0 {
			// The next frame reuses the buffer the partial record sits in.
			r.carry = append(r.carry[:0], r.pend...)
			r.pend = r.carry
		}
		err := r.frames.next()
		if err == io.EOF {
			if len(r.pend) > 0 {
				return nil, ErrTruncated
			}
			return nil, io.EOF
		}
		if err != nil {
			var ce *CorruptError
			if errors.As(err, &ce) && ce.Record == 0 {
				ce.Record = r.records + 1
			}
			return nil, err
		}
		if len(r.pend) == 0 {
			r.pend = r.frames.out
			continue
		}
		r.carry = append(r.pend, r.frames.out...)
		r.pend = r.carry
	}
}

func (r *Reader) corrupt(err error) error {
	return &CorruptError{Offset: r.frames.off, Record: r.records, Err: err}
}
