package format

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/klauspost/compress/zstd"
)

const (
	zstdMagic = 0xFD2FB528
	// maxFrame caps one compressed or decompressed frame. The writer ends
	// frames near 64 KiB; only a single huge record makes one larger.
	maxFrame = 64 << 20
)

// frameReader yields the decompressed bytes of a zstd stream one frame at a
// time. It splits frames itself so that a frame cut short by the end of the
// file reads as truncation and a damaged complete frame as corruption, each
// with the offset of its frame.
type frameReader struct {
	src    *bufio.Reader
	dec    *zstd.Decoder
	off    int64 // compressed offset of the next frame
	frame  []byte
	out    []byte
	frames int
}

func newFrameReader(r io.Reader) (*frameReader, error) {
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxMemory(maxFrame), zstd.WithDecoderMaxWindow(maxFrame))
	if err != nil {
		return nil, err
	}
	return &frameReader{src: bufio.NewReaderSize(r, 256<<10), dec: dec}, nil
}

// next reads and decompresses the next data frame, skipping skippable ones.
// It returns io.EOF at a clean end of the stream.
func (f *frameReader) next() error {
	for {
		start := f.off
		n, skippable, err := f.readFrame()
		if err != nil {
			return err
		}
		if skippable {
			continue
		}
		f.out, err = f.dec.DecodeAll(f.frame[:n], f.out[:0])
		f.frames++
		if err != nil {
			return &CorruptError{Offset: start, Err: fmt.Errorf("zstd frame: %w", err)}
		}
		if len(f.out) > 0 {
			return nil
		}
	}
}

// readFrame reads one whole frame into f.frame and returns its length.
func (f *frameReader) readFrame() (n int, skippable bool, err error) {
	start := f.off
	f.frame = f.frame[:0]
	hdr, err := f.take(4)
	if err == io.EOF {
		return 0, false, io.EOF
	}
	if err != nil {
		return 0, false, f.cut(err)
	}
	magic := binary.LittleEndian.Uint32(hdr)
	switch {
	case magic&0xFFFFFFF0 == skippableMagic:
		sz, err := f.take(4)
		if err != nil {
			return 0, false, f.cut(err)
		}
		size := binary.LittleEndian.Uint32(sz)
		if size > maxFrame {
			return 0, false, &CorruptError{Offset: start, Err: fmt.Errorf("skippable frame of %d bytes", size)}
		}
		if _, err := f.take(int(size)); err != nil {
			return 0, false, f.cut(err)
		}
		return len(f.frame), true, nil
	case magic != zstdMagic:
		return 0, false, &CorruptError{Offset: start, Err: fmt.Errorf("bad zstd frame magic %#08x", magic)}
	}
	d, err := f.take(1)
	if err != nil {
		return 0, false, f.cut(err)
	}
	desc := d[0]
	single := desc&0x20 != 0
	checksum := desc&0x04 != 0
	if desc&0x08 != 0 {
		return 0, false, &CorruptError{Offset: start, Err: errors.New("reserved bit set in zstd frame header")}
	}
	hlen := [4]int{0, 1, 2, 4}[desc&3]
	fcs := [4]int{0, 2, 4, 8}[desc>>6]
	if fcs == 0 && single {
		fcs = 1
	}
	if !single {
		hlen++
	}
	if _, err := f.take(hlen + fcs); err != nil {
		return 0, false, f.cut(err)
	}
	for {
		bh, err := f.take(3)
		if err != nil {
			return 0, false, f.cut(err)
		}
		h := uint32(bh[0]) | uint32(bh[1])<<8 | uint32(bh[2])<<16
		last := h&1 != 0
		size := int(h >> 3)
		switch (h >> 1) & 3 {
		case 1: // RLE: one byte stands for size bytes
			size = 1
		case 3:
			return 0, false, &CorruptError{Offset: start, Err: errors.New("reserved zstd block type")}
		}
		if len(f.frame)+size > maxFrame {
			return 0, false, &CorruptError{Offset: start, Err: fmt.Errorf("zstd frame over %d bytes", maxFrame)}
		}
		if _, err := f.take(size); err != nil {
			return 0, false, f.cut(err)
		}
		if last {
			break
		}
	}
	if checksum {
		if _, err := f.take(4); err != nil {
			return 0, false, f.cut(err)
		}
	}
	return len(f.frame), false, nil
}

// take appends the next n bytes of the source to f.frame and returns them.
func (f *frameReader) take(n int) ([]byte, error) {
	start := len(f.frame)
	f.frame = slices.Grow(f.frame, n)[:start+n]
	got, err := io.ReadFull(f.src, f.frame[start:])
	f.off += int64(got)
	if err != nil {
		f.frame = f.frame[:start+got]
		if err == io.EOF && start > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return f.frame[start:], nil
}

// cut turns the end of the source inside a frame into ErrTruncated.
func (f *frameReader) cut(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return ErrTruncated
	}
	return fmt.Errorf("read trace: %w", err)
}
