//go:build linux

package record

// Thread table geometry: tids index pages of threadPage entries. With
// pid_max at its limit of 2^22, the directory has 1024 entries.
const (
	threadPageBits = 12
	threadPage     = 1 << threadPageBits
)

// threadTable finds a tracee's state by tid at every stop, without hashing
// or allocation: a directory of pages indexed by the tid's high bits,
// each page a slice of threadPage entries allocated when its first tid is
// added and dropped when its last one leaves.
type threadTable struct {
	pages [][]*thread
	// used counts the threads in each page.
	used []int
	// n is the number of threads in the table.
	n int
}

// get returns the thread with tid, or nil.
func (tt *threadTable) get(tid int) *thread {
	i := tid >> threadPageBits
	if tid < 0 || i >= len(tt.pages) || tt.pages[i] == nil {
		return nil
	}
	return tt.pages[i][tid&(threadPage-1)]
}

// put adds th under th.tid, replacing any thread there.
func (tt *threadTable) put(th *thread) {
	i := th.tid >> threadPageBits
	for i >= len(tt.pages) {
		tt.pages = append(tt.pages, nil)
		tt.used = append(tt.used, 0)
	}
	if tt.pages[i] == nil {
		tt.pages[i] = make([]*thread, threadPage)
	}
	slot := &tt.pages[i][th.tid&(threadPage-1)]
	if *slot == nil {
		tt.used[i]++
		tt.n++
	}
	*slot = th
}

// remove drops tid from the table.
func (tt *threadTable) remove(tid int) {
	i := tid >> threadPageBits
	if tid < 0 || i >= len(tt.pages) || tt.pages[i] == nil {
		return
	}
	slot := &tt.pages[i][tid&(threadPage-1)]
	if *slot == nil {
		return
	}
	*slot = nil
	tt.n--
	if tt.used[i]--; tt.used[i] == 0 {
		tt.pages[i] = nil
	}
}

// each calls f for every thread in the table, which f must not change.
func (tt *threadTable) each(f func(*thread)) {
	for _, page := range tt.pages {
		for _, th := range page {
			if th != nil {
				f(th)
			}
		}
	}
}
