package seccomp

import (
	"errors"
	"fmt"
	"slices"

	"golang.org/x/sys/unix"
)

// ErrTooLarge is returned (wrapped) by [Filter] when the program would be
// longer than the kernel accepts (BPF_MAXINSNS instructions).
var ErrTooLarge = errors.New("seccomp: program too large")

// The SECCOMP_RET_DATA values of the filter's SECCOMP_RET_TRACE results: a
// tracer reads them with PTRACE_GETEVENTMSG at a PTRACE_EVENT_SECCOMP stop (or
// as ret_data from PTRACE_GET_SYSCALL_INFO).
const (
	// DataSelected marks a stop for a syscall in the selected set.
	DataSelected uint16 = 0
	// DataForeign marks a stop for a syscall of a foreign ABI: an
	// architecture word other than the filter's (i386 through int 0x80 on
	// x86_64), or an x32 syscall (the x32 bit set in the number).
	DataForeign uint16 = 1
)

// x32Bit is __X32_SYSCALL_BIT: x32 syscalls arrive on x86_64 with the
// x86_64 architecture word and this bit set in the number.
const x32Bit = 0x40000000

// Offsets in struct seccomp_data.
const (
	offNr   = 0
	offArch = 4
)

// Filter returns a classic BPF program for seccomp that returns
// SECCOMP_RET_TRACE for the syscall numbers in nrs and SECCOMP_RET_ALLOW for
// all others. audit is the AUDIT_ARCH_* value of the ABI that nrs number
// (sysent.Arch.Audit). nrs may be unsorted and hold duplicates; an empty nrs
// gives a program that traces only foreign syscalls.
//
// A syscall whose architecture word is not audit (on x86_64: an i386
// syscall made with int 0x80), or that carries the x32 bit when audit is
// AUDIT_ARCH_X86_64, is traced too (with [DataForeign]), whatever nrs holds:
// its number means another syscall than the one nrs names, so the filter
// cannot tell whether it was selected, and allowing it would let it run
// unseen. Programs rarely make such syscalls, so the cost is small; the
// tracer decides what to record of them.
//
// The numbers are compiled to ranges of consecutive numbers searched as a
// balanced binary tree: an unselected syscall costs about 2*log2(ranges)+4
// instructions, and any subset of a syscall table (up to 1024 numbers) fits
// well within the kernel's limit. Numbers must be in 0..0x3fffffff.
func Filter(audit uint32, nrs []int) ([]unix.SockFilter, error) {
	return FilterFrom(audit, nrs, -1)
}

// FilterFrom is [Filter] that also traces every number from from on (up to
// the x32 bit): the numbers above a syscall table's end, which a set such
// as strace's "!open" selects without naming them. A negative from adds
// nothing.
func FilterFrom(audit uint32, nrs []int, from int) ([]unix.SockFilter, error) {
	rs, err := spans(nrs)
	if err != nil {
		return nil, err
	}
	if from >= x32Bit {
		return nil, fmt.Errorf("seccomp: syscall number %d out of range", from)
	}
	if from >= 0 {
		rs = addRest(rs, uint32(from))
	}
	var b builder
	allow, trace, foreign := b.label(), b.label(), b.label()

	b.stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, offArch)
	next := b.label()
	b.jump(unix.BPF_JEQ, audit, next, foreign)
	b.bind(next)
	b.stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, offNr)
	if audit == unix.AUDIT_ARCH_X86_64 {
		next := b.label()
		b.jump(unix.BPF_JSET, x32Bit, foreign, next)
		b.bind(next)
	}
	b.tree(rs, allow, trace)

	b.bind(allow)
	b.ret(unix.SECCOMP_RET_ALLOW)
	b.bind(trace)
	b.ret(unix.SECCOMP_RET_TRACE | uint32(DataSelected))
	b.bind(foreign)
	b.ret(unix.SECCOMP_RET_TRACE | uint32(DataForeign))

	prog, err := b.assemble()
	if err != nil {
		return nil, fmt.Errorf("seccomp: filter for %d syscalls in %d ranges: %w", len(nrs), len(rs), err)
	}
	return prog, nil
}

// span is a range lo..hi (inclusive) of selected syscall numbers.
type span struct{ lo, hi uint32 }

// spans sorts nrs and merges consecutive numbers into ranges.
func spans(nrs []int) ([]span, error) {
	s := slices.Clone(nrs)
	slices.Sort(s)
	var rs []span
	for _, nr := range s {
		if nr < 0 || nr >= x32Bit {
			return nil, fmt.Errorf("seccomp: syscall number %d out of range", nr)
		}
		n := uint32(nr)
		if len(rs) > 0 && n <= rs[len(rs)-1].hi+1 {
			rs[len(rs)-1].hi = n
			continue
		}
		rs = append(rs, span{n, n})
	}
	return rs, nil
}

// addRest adds the range from..x32Bit-1 to the sorted ranges rs.
func addRest(rs []span, from uint32) []span {
	for i, r := range rs {
		if r.hi+1 >= from {
			return append(rs[:i], span{min(r.lo, from), x32Bit - 1})
		}
	}
	return append(rs, span{from, x32Bit - 1})
}

// tree emits a binary search over the sorted, disjoint ranges rs, with the
// syscall number in the accumulator: it jumps to trace when the number lies
// in a range and to allow otherwise. Each node costs two instructions.
func (b *builder) tree(rs []span, allow, trace label) {
	if len(rs) == 0 {
		b.ja(allow)
		return
	}
	m := len(rs) / 2
	left, right := allow, allow
	if m > 0 {
		left = b.label()
	}
	if m+1 < len(rs) {
		right = b.label()
	}
	if rs[m].lo > 0 {
		next := b.label()
		b.jump(unix.BPF_JGE, rs[m].lo, next, left)
		b.bind(next)
	}
	b.jump(unix.BPF_JGT, rs[m].hi, right, trace)
	if m+1 < len(rs) {
		b.bind(right)
		b.tree(rs[m+1:], allow, trace)
	}
	if m > 0 {
		b.bind(left)
		b.tree(rs[:m], allow, trace)
	}
}
