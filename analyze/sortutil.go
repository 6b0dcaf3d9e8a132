package analyze

import (
	"cmp"
	"slices"
)

// sortThreads orders pending threads by the time their call was entered,
// then by tid.
func sortThreads(ts []*thread) {
	slices.SortFunc(ts, func(a, b *thread) int {
		if c := cmp.Compare(a.call.Start(), b.call.Start()); c != 0 {
			return c
		}
		return cmp.Compare(a.call.Tid, b.call.Tid)
	})
}
