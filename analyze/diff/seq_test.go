package diff

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// lcsLen is the length of a longest common subsequence, by dynamic
// programming: the reference for small inputs.
func lcsLen(a, b []uint64) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			case prev[j+1] >= cur[j]:
				cur[j+1] = prev[j+1]
			default:
				cur[j+1] = cur[j]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// checkScript verifies that es turns a into b, run by run, and returns the
// number of items it keeps.
func checkScript(t *testing.T, a, b []uint64, es []Edit) int {
	t.Helper()
	x, y, kept := 0, 0, 0
	var got []uint64
	for i, e := range es {
		if e.N <= 0 || e.A != x || e.B != y {
			t.Fatalf("edit %d %+v at a %d b %d", i, e, x, y)
		}
		if i > 0 && es[i-1].Op == e.Op {
			t.Fatalf("edits %d and %d are one run: %+v", i-1, i, es)
		}
		switch e.Op {
		case Equal:
			if !slices.Equal(a[x:x+e.N], b[y:y+e.N]) {
				t.Fatalf("edit %d: equal run differs", i)
			}
			got = append(got, a[x:x+e.N]...)
			x += e.N
			y += e.N
			kept += e.N
		case Delete:
			x += e.N
		case Insert:
			got = append(got, b[y:y+e.N]...)
			y += e.N
		}
	}
	if x != len(a) || y != len(b) || !slices.Equal(got, b) {
		t.Fatalf("script ends at a %d/%d b %d/%d", x, len(a), y, len(b))
	}
	return kept
}

func TestSeqDiffExamples(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want []Op
	}{
		{"", "", nil},
		{"abc", "abc", []Op{Equal}},
		{"abc", "", []Op{Delete}},
		{"", "abc", []Op{Insert}},
		{"abcd", "abxd", []Op{Equal, Delete, Insert, Equal}},
		{"abcd", "abd", []Op{Equal, Delete, Equal}},
		{"abd", "abcd", []Op{Equal, Insert, Equal}},
		{"xabc", "abc", []Op{Delete, Equal}},
		{"abc", "abcx", []Op{Equal, Insert}},
	} {
		a, b := items(tc.a), items(tc.b)
		es := seqDiff(a, b)
		checkScript(t, a, b, es)
		var ops []Op
		for _, e := range es {
			ops = append(ops, e.Op)
		}
		if !slices.Equal(ops, tc.want) {
			t.Errorf("%q -> %q: ops %v, want %v", tc.a, tc.b, ops, tc.want)
		}
	}
}

func items(s string) []uint64 {
	v := make([]uint64, len(s))
	for i := range s {
		v[i] = uint64(s[i])
	}
	return v
}

// TestSeqDiffMinimal compares the script's length with the LCS on random
// inputs small enough that the cost bound never cuts the search short.
func TestSeqDiffMinimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for n := 0; n < 3000; n++ {
		alpha := 2 + rng.IntN(8)
		a := randSeq(rng, rng.IntN(60), alpha)
		b := mutate(rng, a, alpha)
		kept := checkScript(t, a, b, seqDiff(a, b))
		if want := lcsLen(a, b); kept != want {
			t.Fatalf("a %v b %v: kept %d, LCS %d", a, b, kept, want)
		}
	}
}

func randSeq(rng *rand.Rand, n, alpha int) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = uint64(rng.IntN(alpha))
	}
	return s
}

// mutate returns a copy of a with a few insertions, deletions and changes.
func mutate(rng *rand.Rand, a []uint64, alpha int) []uint64 {
	b := slices.Clone(a)
	for range rng.IntN(8) {
		i := rng.IntN(len(b) + 1)
		switch rng.IntN(3) {
		case 0:
			b = slices.Insert(b, i, uint64(rng.IntN(alpha+2)))
		case 1:
			if i < len(b) {
				b = slices.Delete(b, i, i+1)
			}
		default:
			if i < len(b) {
				b[i] = uint64(rng.IntN(alpha + 2))
			}
		}
	}
	return b
}

// TestSeqDiffLarge checks that long, very different inputs still give a
// valid script, and that one change in a million items is found exactly.
func TestSeqDiffLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	a := randSeq(rng, 200_000, 50)
	b := randSeq(rng, 200_000, 50)
	checkScript(t, a, b, seqDiff(a, b))

	a = randSeq(rng, 1_000_000, 1000)
	b = slices.Clone(a)
	b[len(b)-1]++
	es := seqDiff(a, b)
	if kept := checkScript(t, a, b, es); kept != len(a)-1 {
		t.Errorf("one change: kept %d of %d", kept, len(a))
	}
}

func FuzzSeqDiff(f *testing.F) {
	f.Add([]byte("abcabba"), []byte("cbabac"))
	f.Add([]byte(""), []byte("x"))
	f.Add([]byte("aaaaaaaaaa"), []byte("aaaa"))
	f.Fuzz(func(t *testing.T, x, y []byte) {
		a, b := bytesItems(x), bytesItems(y)
		kept := checkScript(t, a, b, seqDiff(a, b))
		if len(a)+len(b) <= 2*maxCost {
			if want := lcsLen(a, b); kept != want {
				t.Fatalf("kept %d, LCS %d", kept, want)
			}
		}
	})
}

func bytesItems(p []byte) []uint64 {
	v := make([]uint64, len(p))
	for i, c := range p {
		v[i] = uint64(c % 16)
	}
	return v
}
