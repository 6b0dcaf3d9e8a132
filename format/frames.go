package format

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/klauspost/compress/zstd"
)

const (
	zstdMagic = 0xFD2FB528
	// maxBlock is the most a zstd block decompresses to.
	maxBlock = 128 << 10
	// FrameRecordsLimit bounds where the records of a frame start: within
	// its first FrameRecordsLimit bytes of decompressed payload. The
	// writer ends a frame once DefaultFrameSize bytes are pending, so a
	// frame holds at most that, plus the one record that crossed it;
	// twice as much is a margin. A frame that holds more is refused,
	// which keeps the memory and the time a reader spends on a
	// decompression bomb bounded.
	FrameRecordsLimit = 2 * DefaultFrameSize
	// maxFrameContent is the most a frame may decompress to: its records
	// and the last of them whole.
	maxFrameContent = FrameRecordsLimit + MaxRecordSize
	// maxWindow is the largest zstd window a reader accepts; the writer's
	// frames use at most this much.
	maxWindow = 4 << 20
)

// frameReader yields the decompressed bytes of a zstd stream one frame at a
// time. It splits frames itself so that a frame cut short by the end of the
// file reads as truncation and a damaged complete frame as corruption, each
// with the offset of its frame. A frame that decompresses to no more than
// FrameRecordsLimit bytes, as the writer's do, is decompressed whole; a
// larger one is decompressed in chunks as the Reader asks for them, so
// that a frame that is not what a writer writes is refused early.
type frameReader struct {
	src    *bufio.Reader
	dec    *zstd.Decoder
	off    int64 // compressed offset of the next frame
	frame  []byte
	out    []byte
	frames int
	// start is the compressed offset of the current frame; bound the
	// most it decompresses to.
	start int64
	bound uint64
	// stream decodes a large frame, which streaming says is being read;
	// produced counts its bytes handed out so far.
	stream    *zstd.Decoder
	streamSrc bytes.Reader
	streaming bool
	produced  int
	chunk     []byte
}

func newFrameReader(r io.Reader) (*frameReader, error) {
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxMemory(maxFrameContent), zstd.WithDecoderMaxWindow(maxWindow))
	if err != nil {
		return nil, err
	}
	return &frameReader{src: bufio.NewReaderSize(r, 256<<10), dec: dec}, nil
}

// next reads and decompresses the next data frame, skipping skippable ones.
// It returns io.EOF at a clean end of the stream. A large frame is started
// only: f.out holds its first chunk, and more gives the rest.
func (f *frameReader) next() error {
	f.streaming = false
	for {
		f.start = f.off
		n, skippable, err := f.readFrame()
		if err != nil {
			return err
		}
		if skippable {
			continue
		}
		f.frames++
		if f.bound > FrameRecordsLimit {
			return f.startStream(n)
		}
		f.out, err = f.dec.DecodeAll(f.frame[:n], f.out[:0])
		if err != nil {
			return f.corrupt(err)
		}
		if len(f.out) > 0 {
			return nil
		}
	}
}

func (f *frameReader) corrupt(err error) error {
	return &CorruptError{Offset: f.start, Err: fmt.Errorf("zstd frame: %w", err)}
}

// startStream starts decompressing the n byte frame in f.frame in chunks.
func (f *frameReader) startStream(n int) error {
	if f.stream == nil {
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxMemory(maxFrameContent), zstd.WithDecoderMaxWindow(maxWindow))
		if err != nil {
			return err
		}
		f.stream = d
	}
	f.streamSrc.Reset(f.frame[:n])
	if err := f.stream.Reset(&f.streamSrc); err != nil {
		return f.corrupt(err)
	}
	f.streaming, f.produced = true, 0
	return f.more()
}

// more puts the next chunk of the large frame being read in f.out, or,
// at its end, goes on to the next frame.
func (f *frameReader) more() error {
	if f.chunk == nil {
		f.chunk = make([]byte, DefaultFrameSize)
	}
	n, err := io.ReadFull(f.stream, f.chunk)
	f.produced += n
	f.out = f.chunk[:n]
	switch {
	case n > 0 && (err == nil || err == io.ErrUnexpectedEOF):
		if err != nil {
			f.streaming = false
		}
		return nil
	case err == io.EOF:
		return f.next()
	}
	f.streaming = false
	return f.corrupt(err)
}

// readFrame reads one whole frame into f.frame and returns its length;
// for a data frame f.bound is then the most it decompresses to, which is
// at most maxFrameContent.
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
		// Skipped without being held in memory.
		size := int64(binary.LittleEndian.Uint32(sz))
		got, err := io.CopyN(io.Discard, f.src, size)
		f.off += got
		if got < size {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
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
	dictLen := [4]int{0, 1, 2, 4}[desc&3]
	fcsLen := [4]int{0, 2, 4, 8}[desc>>6]
	if fcsLen == 0 && single {
		fcsLen = 1
	}
	windowLen := 1
	if single {
		windowLen = 0
	}
	fh, err := f.take(windowLen + dictLen + fcsLen)
	if err != nil {
		return 0, false, f.cut(err)
	}
	var window, fcs uint64
	if !single {
		exp, mantissa := uint64(fh[0]>>3), uint64(fh[0]&7)
		base := uint64(1) << (10 + exp)
		window = base + base/8*mantissa
	}
	var fcsBytes [8]byte
	copy(fcsBytes[:], fh[windowLen+dictLen:])
	fcs = binary.LittleEndian.Uint64(fcsBytes[:])
	if fcsLen == 2 {
		fcs += 256
	}
	if single {
		window = fcs
	}
	if window > maxWindow {
		return 0, false, &CorruptError{Offset: start, Err: fmt.Errorf("zstd window of %d bytes, over the %d a trace writer uses", window, maxWindow)}
	}
	f.bound = 0
	for {
		bh, err := f.take(3)
		if err != nil {
			return 0, false, f.cut(err)
		}
		h := uint32(bh[0]) | uint32(bh[1])<<8 | uint32(bh[2])<<16
		last := h&1 != 0
		size := int(h >> 3)
		switch (h >> 1) & 3 {
		case 0: // raw
			f.bound += uint64(size)
		case 1: // RLE: one byte stands for size bytes
			f.bound += uint64(size)
			size = 1
		case 2: // compressed: up to a block
			f.bound += min(maxBlock, window)
		case 3:
			return 0, false, &CorruptError{Offset: start, Err: errors.New("reserved zstd block type")}
		}
		if f.bound > maxFrameContent || (fcsLen > 0 && fcs > maxFrameContent) {
			return 0, false, &CorruptError{Offset: start, Err: fmt.Errorf("zstd frame decompresses to over %d bytes, more than a trace writer writes", maxFrameContent)}
		}
		if _, err := f.take(size); err != nil {
			return 0, false, f.cut(err)
		}
		if last {
			break
		}
	}
	if fcsLen > 0 {
		if fcs > f.bound {
			return 0, false, &CorruptError{Offset: start, Err: fmt.Errorf("zstd frame declares %d bytes, its blocks hold at most %d", fcs, f.bound)}
		}
		f.bound = fcs
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
