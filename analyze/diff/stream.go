package diff

import (
	"hash/maphash"
	"strings"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
)

// blockSize is the granularity at which streams are compared: the first
// differing block is what the report points at.
const blockSize = 4096

// streamKey names one direction of one fd of a process, as the runs can
// share it: what the fd refers to with run-specific numbers masked, and
// its place among the process's fds that mask alike.
type streamKey struct {
	target string
	ord    uint32
	dir    analyze.IO
}

// stream is the bytes a process read or wrote through one fd that is a
// pipe, socket or terminal, kept as hashes of fixed-size blocks.
type stream struct {
	key    streamKey
	proc   *process
	fd     int64
	bytes  uint64
	calls  uint64
	cut    bool
	blocks []uint64
	fill   int
	h      maphash.Hash
}

// stream returns p's stream for the fd described by info in direction dir.
func (c *collector) stream(p *process, info analyze.FDInfo, dir analyze.IO) *stream {
	target, ord := c.fdIdentity(p, info)
	k := streamKey{target, ord, dir}
	if s := p.streams[k]; s != nil {
		return s
	}
	if p.streams == nil {
		p.streams = map[streamKey]*stream{}
	}
	s := &stream{key: k, proc: p}
	s.h.SetSeed(c.seed)
	p.streams[k] = s
	p.sorder = append(p.sorder, k)
	return s
}

// fdIdentity returns what an fd refers to with the numbers that differ
// between runs masked ("pipe:[4321]" is "pipe:"), and its ordinal among
// the targets of p that mask alike, in the order p first used them.
func (c *collector) fdIdentity(p *process, info analyze.FDInfo) (string, uint32) {
	masked := maskTarget(info.Target)
	if p.fdOrd == nil {
		p.fdOrd, p.fdCount = map[string]uint32{}, map[string]uint32{}
	}
	ord, ok := p.fdOrd[info.Target]
	if !ok {
		p.fdCount[masked]++
		ord = p.fdCount[masked]
		p.fdOrd[info.Target] = ord
	}
	return masked, ord
}

// maskTarget masks the parts of an fd's target that differ from run to
// run: the inode of pipes and sockets, the number of a terminal.
func maskTarget(t string) string {
	switch {
	case strings.HasPrefix(t, "pipe:["):
		return "pipe:"
	case strings.HasPrefix(t, "socket:["):
		return "socket:"
	case strings.HasPrefix(t, "/dev/pts/"):
		return "/dev/pts/"
	}
	return t
}

// add appends the bytes a successful call moved.
func (s *stream) add(call *analyze.Call) {
	if s.calls == 0 {
		s.fd, _ = fdArg(call)
	}
	s.calls++
	if n := call.Ret(); n > 0 {
		s.bytes += uint64(n)
	}
	if !moved(call, s.key.dir, s.write) {
		// Bytes the recorder did not capture (-s, sendfile): only the
		// lengths can be compared.
		s.cut = true
	}
}

// moved passes the bytes a successful read or write call moved to fn,
// piece by piece, and reports whether the trace holds all of them.
func moved(call *analyze.Call, dir analyze.IO, fn func([]byte)) bool {
	left := call.Ret()
	if left <= 0 {
		return true
	}
	e := call.Enter
	if dir == analyze.IORead {
		e = call.Exit
	}
	whole := true
	for i := range e.Captures {
		cp := &e.Captures[i]
		if cp.Kind != format.CaptureBuffer && cp.Kind != format.CaptureIovec {
			continue
		}
		d := cp.Data
		if int64(len(d)) > left {
			d = d[:left]
		} else if cp.Truncated() {
			whole = false
		}
		fn(d)
		left -= int64(len(d))
		if left == 0 {
			break
		}
	}
	return whole && left == 0
}

// windowKey names a stream of a run.
type windowKey struct {
	proc int
	key  streamKey
}

// window is the bytes of a stream from start to end, collected during a
// second pass to show where two runs' streams differ.
type window struct {
	start, end, pos uint64
	data            []byte
}

// add takes the part of d that falls in the window; it reports whether
// the window is full.
func (w *window) add(d []byte) bool {
	lo, hi := w.pos, w.pos+uint64(len(d))
	w.pos = hi
	if hi > w.start && lo < w.end {
		from := max(w.start, lo) - lo
		to := min(w.end, hi) - lo
		w.data = append(w.data, d[from:to]...)
	}
	return w.pos >= w.end
}

// write hashes d into the block hashes.
func (s *stream) write(d []byte) {
	for len(d) > 0 {
		n := min(len(d), blockSize-s.fill)
		s.h.Write(d[:n])
		s.fill += n
		d = d[n:]
		if s.fill == blockSize {
			s.blocks = append(s.blocks, s.h.Sum64())
			s.h.Reset()
			s.fill = 0
		}
	}
}

// sum returns the block hashes, the last partial block included.
func (s *stream) sum() []uint64 {
	if s.fill == 0 {
		return s.blocks
	}
	return append(s.blocks[:len(s.blocks):len(s.blocks)], s.h.Sum64())
}

// excerptContext is the bytes shown before the first difference.
const excerptContext = 16

// excerpts sets the exact offset of the first differing byte and what
// each run has there.
func (sc *StreamChange) excerpts(wa, wb *window) {
	i := 0
	for i < len(wa.data) && i < len(wb.data) && wa.data[i] == wb.data[i] {
		i++
	}
	off := *sc.FirstDifference + uint64(i)
	sc.FirstDifference = &off
	from := max(i-excerptContext, 0)
	quote := func(d []byte) string {
		to := min(len(d), i+2*excerptContext)
		return analyze.Quote(d[from:to], to < len(d))
	}
	sc.ExcerptOffset = *sc.FirstDifference - uint64(i-from)
	sc.ExcerptA, sc.ExcerptB = quote(wa.data), quote(wb.data)
}
