package format

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/trecdev/trec/format/tracepb"
)

// MaxRecordSize caps one decompressed record; larger ones are corrupt.
const MaxRecordSize = 32 << 20

var (
	// ErrTruncated ends a trace that was cut off: every complete event
	// before it was returned. A recorder that was killed leaves such
	// traces, and filtering one keeps the mark (Trailer.Truncated).
	// NewReader wraps it for a trace that ends before its header.
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
	records int64 // records read whole: the next one's number, 0 the header's
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
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("read trace: %w", err)
	}
	if n < len(lead) {
		if !leadPrefix(lead[:n]) {
			return nil, fmt.Errorf("%w: %d bytes", ErrNotTrace, n)
		}
		// What a recorder killed before its first write leaves (an
		// empty file), or during it.
		return nil, errBeforeStart(n)
	}
	if !leadPrefix(lead[:]) {
		return nil, ErrNotTrace
	}
	switch v := binary.LittleEndian.Uint32(lead[12:]); {
	case v == 0:
		return nil, &CorruptError{Offset: 12, Err: errors.New("format version 0 in the leading frame")}
	case v > Version:
		return nil, &VersionError{Version: v}
	}
	tr := &Reader{frames: fr}
	body, err := tr.nextRecord()
	switch {
	case err == io.EOF || err == ErrTruncated:
		return nil, errBeforeStart(tr.frames.off)
	case err != nil:
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
	tr.records++
	tr.headerRaw = append([]byte(nil), body...)
	if tr.header.FormatVersion > Version {
		return nil, &VersionError{Version: tr.header.FormatVersion}
	}
	return tr, nil
}

// leadPrefix reports whether b is a prefix of the leading frame: the
// skippable frame's magic and size, and Magic.
func leadPrefix(b []byte) bool {
	var want [12]byte
	binary.LittleEndian.PutUint32(want[0:], skippableMagic)
	binary.LittleEndian.PutUint32(want[4:], 8)
	copy(want[8:], Magic)
	n := min(len(b), len(want))
	return string(b[:n]) == string(want[:n])
}

// errBeforeStart is the error of a trace that ends before its header, n
// bytes long: its recorder was killed as it started.
func errBeforeStart[N int | int64](n N) error {
	if n == 0 {
		return fmt.Errorf("%w: the recording ended before it began (empty file)", ErrTruncated)
	}
	return fmt.Errorf("%w: the recording ended before it began (%d bytes, no header)", ErrTruncated, n)
}

// Header returns the trace's header.
func (r *Reader) Header() *Header { return r.header }

// HeaderBytes returns the header record as stored in the trace: the
// protobuf Record message that follows the first length prefix. A hash of
// it identifies the trace.
func (r *Reader) HeaderBytes() []byte { return r.headerRaw }

// Trailer returns the trailer once Next has returned io.EOF, or
// ErrTruncated for a trace whose trailer says it was copied from a cut one
// (Trailer.Truncated); else nil.
func (r *Reader) Trailer() *Trailer { return r.trailer }

// Events returns the number of events read so far.
func (r *Reader) Events() uint64 { return r.events }

// Offset returns how many compressed bytes have been consumed, for progress.
func (r *Reader) Offset() int64 { return r.frames.off }

// Next returns the next event. It returns io.EOF after the trailer of a
// cleanly closed trace and ErrTruncated when the trace ends without one,
// or with one that marks it a copy of a truncated trace;
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
		if r.err == io.EOF && r.trailer.Truncated {
			r.err = ErrTruncated
		}
		return nil, r.err
	case kind == tracepb.Kind_KIND_HEADER:
		r.err = r.corrupt(errors.New("second header"))
		return nil, r.err
	}
	r.records++
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
	switch err := r.refill(); {
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
		// whole is the length of the record begun in pend, when known.
		whole := 0
		if len(r.pend) > 0 {
			size, n := protowire.ConsumeVarint(r.pend)
			switch {
			case n > 0 && size > MaxRecordSize:
				return nil, r.corrupt(fmt.Errorf("record of %d bytes is over the %d byte limit", size, MaxRecordSize))
			case n > 0 && uint64(len(r.pend)-n) >= size:
				body := r.pend[n : n+int(size)]
				r.pend = r.pend[n+int(size):]
				return body, nil
			case n > 0:
				whole = n + int(size)
			case n < 0 && len(r.pend) >= binary.MaxVarintLen64:
				return nil, r.corrupt(protowire.ParseError(n))
			}
		}
		if len(r.pend) > 0 {
			r.keepPending(whole)
		}
		err := r.refill()
		if err == io.EOF {
			if len(r.pend) > 0 {
				return nil, ErrTruncated
			}
			return nil, io.EOF
		}
		if err != nil {
			var ce *CorruptError
			if errors.As(err, &ce) && ce.Record == 0 {
				ce.Record = r.records
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

// keepPending moves the partial record in pend to the start of carry,
// since the next frame reuses the buffer it sits in, with room for the
// whole record when its length is known: a large record then grows in
// place, chunk by chunk. A large carry a small record does not need is
// let go.
func (r *Reader) keepPending(whole int) {
	if cap(r.carry) > 1<<20 && max(whole, len(r.pend)) < cap(r.carry)/4 {
		r.carry = append(make([]byte, 0, max(whole, len(r.pend))), r.pend...)
	} else if len(r.carry) == 0 || &r.pend[0] != &r.carry[0] {
		r.carry = append(slices.Grow(r.carry[:0], whole), r.pend...)
	} else if whole > cap(r.carry) {
		r.carry = slices.Grow(r.carry, whole-len(r.carry))
	}
	r.pend = r.carry
}

// refill puts the next decompressed bytes in r.frames.out: the next
// chunk of a large frame, or the next frame. A large frame may go on only
// to complete a record that began within its first FrameRecordsLimit
// bytes, as the writer's frames do.
func (r *Reader) refill() error {
	f := r.frames
	if !f.streaming {
		return f.next()
	}
	if f.produced-len(r.pend) >= FrameRecordsLimit {
		return &CorruptError{Offset: f.start, Err: fmt.Errorf("zstd frame holds records past its first %d bytes, more than a trace writer writes", FrameRecordsLimit)}
	}
	return f.more()
}

func (r *Reader) corrupt(err error) error {
	return &CorruptError{Offset: r.frames.off, Record: r.records, Err: err}
}
