package seccomp

import (
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"testing"

	"golang.org/x/sys/unix"
)

const auditARM64 = 0xc00000b7

// bpfRun interprets the classic BPF subset that Filter emits against a
// seccomp_data with the given nr and arch. It checks what the kernel's
// checker checks (known opcodes, jumps inside the program, a RET at the
// end) and returns the result and the number of instructions executed.
func bpfRun(prog []unix.SockFilter, nr, arch uint32) (ret uint32, steps int, err error) {
	if len(prog) == 0 || len(prog) > unix.BPF_MAXINSNS {
		return 0, 0, fmt.Errorf("length %d", len(prog))
	}
	if prog[len(prog)-1].Code != unix.BPF_RET|unix.BPF_K {
		return 0, 0, fmt.Errorf("last instruction %#x is not RET K", prog[len(prog)-1].Code)
	}
	var a uint32
	for pc := 0; ; pc++ {
		if pc >= len(prog) {
			return 0, steps, fmt.Errorf("pc %d past the end", pc)
		}
		steps++
		in := prog[pc]
		switch in.Code {
		case unix.BPF_LD | unix.BPF_W | unix.BPF_ABS:
			switch in.K {
			case 0:
				a = nr
			case 4:
				a = arch
			default:
				return 0, steps, fmt.Errorf("pc %d: load of offset %d", pc, in.K)
			}
			continue
		case unix.BPF_ALU | unix.BPF_AND | unix.BPF_K:
			a &= in.K
			continue
		case unix.BPF_RET | unix.BPF_K:
			return in.K, steps, nil
		case unix.BPF_JMP | unix.BPF_JA:
			if int64(pc)+1+int64(in.K) >= int64(len(prog)) {
				return 0, steps, fmt.Errorf("pc %d: JA %d out of the program", pc, in.K)
			}
			pc += int(in.K)
			continue
		}
		var cond bool
		switch in.Code {
		case unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K:
			cond = a == in.K
		case unix.BPF_JMP | unix.BPF_JGT | unix.BPF_K:
			cond = a > in.K
		case unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K:
			cond = a >= in.K
		case unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K:
			cond = a&in.K != 0
		default:
			return 0, steps, fmt.Errorf("pc %d: unknown opcode %#x", pc, in.Code)
		}
		if pc+1+int(in.Jt) >= len(prog) || pc+1+int(in.Jf) >= len(prog) {
			return 0, steps, fmt.Errorf("pc %d: jump out of the program", pc)
		}
		if cond {
			pc += int(in.Jt)
		} else {
			pc += int(in.Jf)
		}
	}
}

var (
	retTrace   = uint32(unix.SECCOMP_RET_TRACE) | uint32(DataSelected)
	retForeign = uint32(unix.SECCOMP_RET_TRACE) | uint32(DataForeign)
	retAllow   = uint32(unix.SECCOMP_RET_ALLOW)
)

// checkFilter builds the filter for nrs and checks every number in
// 0..max+10 and a few foreign ones. It returns the program and the most
// instructions any lookup executed.
func checkFilter(t *testing.T, audit uint32, nrs []int, max int) ([]unix.SockFilter, int) {
	t.Helper()
	prog, err := Filter(audit, nrs)
	if err != nil {
		t.Fatalf("Filter(%d nrs): %v", len(nrs), err)
	}
	member := make(map[int]bool)
	for _, nr := range nrs {
		member[nr] = true
	}
	worst := 0
	for nr := 0; nr <= max+10; nr++ {
		got, steps, err := bpfRun(prog, uint32(nr), audit)
		if err != nil {
			t.Fatalf("nr %d: %v", nr, err)
		}
		worst = max2(worst, steps)
		want := retAllow
		if member[nr] {
			want = retTrace
		}
		if got != want {
			t.Fatalf("nr %d (member %v): got %#x, want %#x", nr, member[nr], got, want)
		}
	}
	for _, nr := range []uint32{0, 1, 39, uint32(max), 0xffffffff} {
		got, _, err := bpfRun(prog, nr, unix.AUDIT_ARCH_I386)
		if err != nil || got != retForeign {
			t.Fatalf("i386 nr %d: got %#x, %v; want %#x", nr, got, err, retForeign)
		}
	}
	for _, nr := range []uint32{x32Bit, x32Bit | 1, x32Bit | 39, 0xffffffff} {
		want := retForeign
		if audit != unix.AUDIT_ARCH_X86_64 {
			want = retAllow // no x32 ABI elsewhere, and nrs cannot hold such a number
		}
		got, _, err := bpfRun(prog, nr, audit)
		if err != nil || got != want {
			t.Fatalf("nr %#x: got %#x, %v; want %#x", nr, got, err, want)
		}
	}
	return prog, worst
}

func max2(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// TestFilterRandomSubsets checks random subsets of 0..max, of every density,
// on both architectures.
func TestFilterRandomSubsets(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const max = 500
	for _, audit := range []uint32{unix.AUDIT_ARCH_X86_64, auditARM64} {
		for i := range 200 {
			density := rng.Float64()
			var nrs []int
			for nr := 0; nr <= max; nr++ {
				if rng.Float64() < density {
					nrs = append(nrs, nr)
				}
			}
			// Unsorted input with duplicates must work too.
			rng.Shuffle(len(nrs), func(i, j int) { nrs[i], nrs[j] = nrs[j], nrs[i] })
			if len(nrs) > 0 && i%2 == 0 {
				nrs = append(nrs, nrs[0])
			}
			checkFilter(t, audit, nrs, max)
		}
	}
}

// TestFilterShapes checks the sets most likely to break a range compiler:
// none, all, the ends, singletons and alternating numbers.
func TestFilterShapes(t *testing.T) {
	const max = 1023
	every := func(step, off int) []int {
		var nrs []int
		for nr := off; nr <= max; nr += step {
			nrs = append(nrs, nr)
		}
		return nrs
	}
	cases := map[string][]int{
		"none":     nil,
		"zero":     {0},
		"max":      {max},
		"one":      {257},
		"all":      every(1, 0),
		"even":     every(2, 0),
		"odd":      every(2, 1),
		"third":    every(3, 1),
		"pairs":    append(every(4, 0), every(4, 1)...),
		"ends":     {0, 1, 2, max - 1, max},
		"x86 file": {2, 4, 6, 21, 59, 76, 77, 80, 82, 83, 84, 85, 86, 87, 88, 89, 90, 92, 94, 132, 133, 137, 161, 257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 316, 322, 332, 437, 439, 452},
	}
	for name, nrs := range cases {
		t.Run(name, func(t *testing.T) {
			prog, worst := checkFilter(t, unix.AUDIT_ARCH_X86_64, nrs, max)
			// O(log n): two instructions per tree level plus the arch and
			// x32 checks and the return (and at most one trampoline per
			// level).
			rs, _ := spans(nrs)
			limit := 3*bits.Len(uint(len(rs))) + 6
			if worst > limit {
				t.Errorf("%d ranges: a lookup took %d instructions, want <= %d", len(rs), worst, limit)
			}
			t.Logf("%d nrs, %d ranges: %d instructions, lookup <= %d", len(nrs), len(rs), len(prog), worst)
		})
	}
}

// TestFilterSize checks that the worst subsets of a syscall table fit the
// kernel's limit with room to spare, and that a far jump is bridged.
func TestFilterSize(t *testing.T) {
	var even []int
	for nr := 0; nr <= 1023; nr += 2 {
		even = append(even, nr)
	}
	prog, err := Filter(unix.AUDIT_ARCH_X86_64, even)
	if err != nil {
		t.Fatal(err)
	}
	if len(prog) > unix.BPF_MAXINSNS/2 {
		t.Errorf("every even number in 0..1023: %d instructions, want <= %d", len(prog), unix.BPF_MAXINSNS/2)
	}
	var ja, rets int
	for _, in := range prog {
		switch in.Code {
		case unix.BPF_JMP | unix.BPF_JA:
			ja++
		case unix.BPF_RET | unix.BPF_K:
			rets++
		}
	}
	if ja == 0 || rets <= 3 {
		t.Errorf("a %d-instruction program has %d JA and %d RET: far jumps not bridged?", len(prog), ja, rets)
	}
}

func TestFilterTooLarge(t *testing.T) {
	var nrs []int
	for nr := 0; nr < 20000; nr += 2 {
		nrs = append(nrs, nr)
	}
	_, err := Filter(unix.AUDIT_ARCH_X86_64, nrs)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("10000 ranges: got %v, want ErrTooLarge", err)
	}
}

func TestFilterBadNumber(t *testing.T) {
	for _, nr := range []int{-1, x32Bit, 1 << 40} {
		if _, err := Filter(unix.AUDIT_ARCH_X86_64, []int{1, nr}); err == nil {
			t.Errorf("nr %d: no error", nr)
		}
	}
}

// TestAssembleLongJumps drives the assembler directly: jumps of every
// distance around the 255 limit, to returns and to other instructions.
func TestAssembleLongJumps(t *testing.T) {
	for _, gap := range []int{0, 1, 254, 255, 256, 257, 600, 3000} {
		var b builder
		mid, end := b.label(), b.label()
		b.stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, offNr)
		b.jump(unix.BPF_JEQ, 7, mid, end)
		for range gap {
			b.stmt(unix.BPF_ALU|unix.BPF_AND|unix.BPF_K, 0xffffffff)
		}
		b.bind(mid) // not a return: bridged by a JA
		b.stmt(unix.BPF_ALU|unix.BPF_AND|unix.BPF_K, 0xffffffff)
		b.ret(1)
		b.bind(end)
		b.ret(2)
		prog, err := b.assemble()
		if err != nil {
			t.Fatalf("gap %d: %v", gap, err)
		}
		for nr, want := range map[uint32]uint32{7: 1, 8: 2} {
			got, _, err := bpfRun(prog, nr, 0)
			if err != nil || got != want {
				t.Errorf("gap %d, nr %d: got %d, %v; want %d", gap, nr, got, err, want)
			}
		}
	}
}

// TestFilterFrom checks the numbers above a table's end: traced from from
// on, up to the x32 bit, whatever nrs holds around them.
func TestFilterFrom(t *testing.T) {
	const from = 470
	for name, nrs := range map[string][]int{
		"below":    {1, 2, 3, 100},
		"adjacent": {1, 468, 469},
		"overlap":  {1, 469, 470, 471, 600},
		"above":    {1, 500, 501},
		"none":     nil,
	} {
		prog, err := FilterFrom(unix.AUDIT_ARCH_X86_64, nrs, from)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		member := map[uint32]bool{}
		for _, nr := range nrs {
			member[uint32(nr)] = true
		}
		for _, nr := range []uint32{0, 1, 2, 100, 467, 468, 469, 470, 471, 500, 600, 1 << 20, x32Bit - 1, x32Bit, x32Bit | 1, 0xffffffff} {
			want := retAllow
			switch {
			case nr >= x32Bit:
				want = retForeign
			case nr >= from || member[nr]:
				want = retTrace
			}
			got, _, err := bpfRun(prog, nr, unix.AUDIT_ARCH_X86_64)
			if err != nil || got != want {
				t.Errorf("%s: nr %d: got %#x, %v; want %#x", name, nr, got, err, want)
			}
		}
	}
	if _, err := FilterFrom(unix.AUDIT_ARCH_X86_64, nil, x32Bit); err == nil {
		t.Errorf("from the x32 bit: no error")
	}
}
