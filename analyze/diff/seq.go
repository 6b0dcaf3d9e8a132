package diff

// The sequence diff: Myers' O(ND) algorithm in linear space (the middle
// snake, divide and conquer), as GNU diff runs it, over hashed calls.
//
// Three things keep it fast on long traces. The common prefix and suffix
// are skipped before anything else, so two runs that differ in their last
// call cost one pass of comparisons. Items found in only one sequence
// cannot be matched and are set aside before the search, so runs that
// differ everywhere cost a hash set rather than the square of their length.
// And a search that runs past maxCost edits settles for the furthest point
// it reached instead of the optimal split, as GNU diff and git do: the
// script stays valid, and close to minimal where differences are sparse.

// maxCost bounds the edits one split explores before it settles.
const maxCost = 256

// Op is what an edit does.
type Op uint8

// The edit operations.
const (
	// Equal: a[A:A+N] and b[B:B+N] are the same.
	Equal Op = iota
	// Delete: a[A:A+N] is only in a.
	Delete
	// Insert: b[B:B+N] is only in b.
	Insert
)

// Edit is a run of one operation: N items from a at A, b at B.
type Edit struct {
	Op   Op
	A, B int
	N    int
}

// seqDiff returns the edit script that turns a into b, in order: runs of
// equal, deleted and inserted items. Deletions come before insertions
// where both happen at one point.
func seqDiff(a, b []uint64) []Edit {
	d := &differ{a: a, b: b, delA: make([]bool, len(a)), insB: make([]bool, len(b))}
	lo, hiA, hiB := 0, len(a), len(b)
	for lo < hiA && lo < hiB && a[lo] == b[lo] {
		lo++
	}
	for hiA > lo && hiB > lo && a[hiA-1] == b[hiB-1] {
		hiA--
		hiB--
	}
	if lo < hiA || lo < hiB {
		d.middle(lo, hiA, lo, hiB)
	}
	return d.script()
}

type differ struct {
	a, b       []uint64
	delA, insB []bool
	// fd and bd are the forward and backward furthest x per diagonal
	// x-y, offset by off.
	fd, bd []int
	off    int
}

// middle diffs a[x0:x1] and b[y0:y1] after setting aside the items the
// other side lacks.
func (d *differ) middle(x0, x1, y0, y1 int) {
	if x0 == x1 || y0 == y1 {
		d.compare(x0, x1, y0, y1, d.a, d.b, nil, nil)
		return
	}
	inB := newSet(d.b[y0:y1])
	inA := newSet(d.a[x0:x1])
	var ka []int
	for i, v := range d.a[x0:x1] {
		if inB.has(v) {
			ka = append(ka, x0+i)
		} else {
			d.delA[x0+i] = true
		}
	}
	var kb []int
	for j, v := range d.b[y0:y1] {
		if inA.has(v) {
			kb = append(kb, y0+j)
		} else {
			d.insB[y0+j] = true
		}
	}
	sa := make([]uint64, len(ka))
	for i, x := range ka {
		sa[i] = d.a[x]
	}
	sb := make([]uint64, len(kb))
	for j, y := range kb {
		sb[j] = d.b[y]
	}
	n := len(sa) + len(sb) + 3
	d.fd, d.bd, d.off = make([]int, n), make([]int, n), len(sb)+1
	d.compare(0, len(sa), 0, len(sb), sa, sb, ka, kb)
}

// compare marks the edits between a[x0:x1] and b[y0:y1]; ka and kb map
// indices of a and b back to the full sequences (nil: identity).
func (d *differ) compare(x0, x1, y0, y1 int, a, b []uint64, ka, kb []int) {
	for {
		for x0 < x1 && y0 < y1 && a[x0] == b[y0] {
			x0++
			y0++
		}
		for x1 > x0 && y1 > y0 && a[x1-1] == b[y1-1] {
			x1--
			y1--
		}
		switch {
		case x0 == x1:
			for y := y0; y < y1; y++ {
				d.insB[at(kb, y)] = true
			}
			return
		case y0 == y1:
			for x := x0; x < x1; x++ {
				d.delA[at(ka, x)] = true
			}
			return
		}
		xm, ym := d.split(x0, x1, y0, y1, a, b)
		if (xm == x0 && ym == y0) || (xm == x1 && ym == y1) {
			// No progress: give up on this stretch.
			for x := x0; x < x1; x++ {
				d.delA[at(ka, x)] = true
			}
			for y := y0; y < y1; y++ {
				d.insB[at(kb, y)] = true
			}
			return
		}
		// Recurse on the smaller half, loop on the other.
		if xm-x0+ym-y0 < x1-xm+y1-ym {
			d.compare(x0, xm, y0, ym, a, b, ka, kb)
			x0, y0 = xm, ym
		} else {
			d.compare(xm, x1, ym, y1, a, b, ka, kb)
			x1, y1 = xm, ym
		}
	}
}

func at(k []int, i int) int {
	if k == nil {
		return i
	}
	return k[i]
}

// split finds a point (x, y) on an optimal path from (x0, y0) to (x1, y1)
// by searching from both ends until the searches meet (Myers' middle
// snake); past maxCost edits it returns the furthest point reached.
func (d *differ) split(x0, x1, y0, y1 int, a, b []uint64) (int, int) {
	fd, bd, off := d.fd, d.bd, d.off
	dmin, dmax := x0-y1, x1-y0
	fmid, bmid := x0-y0, x1-y1
	fmin, fmax, bmin, bmax := fmid, fmid, bmid, bmid
	odd := (fmid-bmid)&1 != 0
	fd[off+fmid] = x0
	bd[off+bmid] = x1
	for c := 1; ; c++ {
		if fmin > dmin {
			fmin--
			fd[off+fmin-1] = -1
		} else {
			fmin++
		}
		if fmax < dmax {
			fmax++
			fd[off+fmax+1] = -1
		} else {
			fmax--
		}
		for k := fmax; k >= fmin; k -= 2 {
			lo, hi := fd[off+k-1], fd[off+k+1]
			x := hi
			if lo >= hi {
				x = lo + 1
			}
			y := x - k
			for x < x1 && y < y1 && a[x] == b[y] {
				x++
				y++
			}
			fd[off+k] = x
			if odd && bmin <= k && k <= bmax && bd[off+k] <= x {
				return x, y
			}
		}
		if bmin > dmin {
			bmin--
			bd[off+bmin-1] = 1 << 62
		} else {
			bmin++
		}
		if bmax < dmax {
			bmax++
			bd[off+bmax+1] = 1 << 62
		} else {
			bmax--
		}
		for k := bmax; k >= bmin; k -= 2 {
			lo, hi := bd[off+k-1], bd[off+k+1]
			x := hi - 1
			if lo < hi {
				x = lo
			}
			y := x - k
			for x > x0 && y > y0 && a[x-1] == b[y-1] {
				x--
				y--
			}
			bd[off+k] = x
			if !odd && fmin <= k && k <= fmax && x <= fd[off+k] {
				return x, y
			}
		}
		if c < maxCost {
			continue
		}
		// Too expensive: the point furthest from either end.
		fbest, fx := -1, 0
		for k := fmax; k >= fmin; k -= 2 {
			x := min(fd[off+k], x1)
			y := x - k
			if y > y1 {
				x, y = y1+k, y1
			}
			if x+y > fbest {
				fbest, fx = x+y, x
			}
		}
		bbest, bx := 1<<62, 0
		for k := bmax; k >= bmin; k -= 2 {
			x := max(x0, bd[off+k])
			y := x - k
			if y < y0 {
				x, y = y0+k, y0
			}
			if x+y < bbest {
				bbest, bx = x+y, x
			}
		}
		if x1+y1-bbest < fbest-(x0+y0) {
			return fx, fbest - fx
		}
		return bx, bbest - bx
	}
}

// script turns the marks into runs.
func (d *differ) script() []Edit {
	var es []Edit
	add := func(op Op, x, y, n int) {
		if n == 0 {
			return
		}
		if l := len(es); l > 0 && es[l-1].Op == op {
			es[l-1].N += n
			return
		}
		es = append(es, Edit{Op: op, A: x, B: y, N: n})
	}
	x, y := 0, 0
	for x < len(d.a) || y < len(d.b) {
		switch {
		case x < len(d.a) && d.delA[x]:
			n := 0
			for x+n < len(d.a) && d.delA[x+n] {
				n++
			}
			add(Delete, x, y, n)
			x += n
		case y < len(d.b) && d.insB[y]:
			n := 0
			for y+n < len(d.b) && d.insB[y+n] {
				n++
			}
			add(Insert, x, y, n)
			y += n
		default:
			n := 0
			for x+n < len(d.a) && y+n < len(d.b) && !d.delA[x+n] && !d.insB[y+n] {
				n++
			}
			if n == 0 {
				// Unreachable while the marks leave as many items
				// unmarked on each side; never loop on it.
				add(Delete, x, y, len(d.a)-x)
				add(Insert, len(d.a), y, len(d.b)-y)
				return es
			}
			add(Equal, x, y, n)
			x += n
			y += n
		}
	}
	return es
}

// set is a set of hashes: open addressing with linear probing, indexed by
// the hashes' own low bits (they are uniform already). Zero is kept
// apart, as it marks empty slots.
type set struct {
	slots []uint64
	zero  bool
}

func newSet(vs []uint64) *set {
	n := 16
	for n < 2*len(vs) {
		n *= 2
	}
	s := &set{slots: make([]uint64, n)}
	mask := uint64(n - 1)
	for _, v := range vs {
		if v == 0 {
			s.zero = true
			continue
		}
		for i := v & mask; ; i = (i + 1) & mask {
			if s.slots[i] == v {
				break
			}
			if s.slots[i] == 0 {
				s.slots[i] = v
				break
			}
		}
	}
	return s
}

func (s *set) has(v uint64) bool {
	if v == 0 {
		return s.zero
	}
	mask := uint64(len(s.slots) - 1)
	for i := v & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case v:
			return true
		case 0:
			return false
		}
	}
}
