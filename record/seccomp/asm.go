package seccomp

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// label names a position in a program under construction.
type label int

// insn is an instruction whose jump targets are labels.
type insn struct {
	code   uint16
	k      uint32
	jt, jf label // BPF_JMP: targets; BPF_JA uses jt only
}

// builder assembles classic BPF with symbolic, forward-only jump targets.
// Conditional jumps in classic BPF reach at most 255 instructions ahead;
// assemble places a trampoline after any jump whose target is farther.
type builder struct {
	insns []insn
	at    []int // label -> index in insns, -1 until bound
}

// label returns a new, unbound label.
func (b *builder) label() label {
	b.at = append(b.at, -1)
	return label(len(b.at) - 1)
}

// bind binds l to the next instruction emitted.
func (b *builder) bind(l label) { b.at[l] = len(b.insns) }

func (b *builder) stmt(code uint16, k uint32) {
	b.insns = append(b.insns, insn{code: code, k: k})
}

func (b *builder) ret(k uint32) { b.stmt(unix.BPF_RET|unix.BPF_K, k) }

// jump emits a conditional jump (op is BPF_JEQ, BPF_JGT, BPF_JGE or
// BPF_JSET) against the constant k.
func (b *builder) jump(op uint16, k uint32, jt, jf label) {
	b.insns = append(b.insns, insn{code: unix.BPF_JMP | op | unix.BPF_K, k: k, jt: jt, jf: jf})
}

// ja emits an unconditional jump.
func (b *builder) ja(to label) {
	b.insns = append(b.insns, insn{code: unix.BPF_JMP | unix.BPF_JA, jt: to})
}

func isCond(code uint16) bool {
	return code&0x07 == unix.BPF_JMP && code&0xf0 != unix.BPF_JA
}

func isJA(code uint16) bool {
	return code&0x07 == unix.BPF_JMP && code&0xf0 == unix.BPF_JA
}

// assemble resolves the labels. A conditional jump whose target lies more
// than 255 instructions ahead gets a trampoline right after it: a copy of
// the target when that is a return, else a BPF_JA (whose offset is 32 bits).
// Trampolines move later code, which can push other jumps out of reach, so
// it repeats until nothing changes; a jump never loses its trampoline, so
// that ends.
func (b *builder) assemble() ([]unix.SockFilter, error) {
	n := len(b.insns)
	for i, in := range b.insns {
		if in.code&0x07 != unix.BPF_JMP {
			continue
		}
		targets := []label{in.jt}
		if isCond(in.code) {
			targets = append(targets, in.jf)
		}
		for _, l := range targets {
			if t := b.at[l]; t <= i || t >= n {
				return nil, fmt.Errorf("instruction %d: jump to unbound or backward label %d", i, l)
			}
		}
	}
	farT := make([]bool, n)
	farF := make([]bool, n)
	pos := make([]int, n+1)
	for {
		for i := range n {
			size := 1
			if farT[i] {
				size++
			}
			if farF[i] {
				size++
			}
			pos[i+1] = pos[i] + size
		}
		changed := false
		for i, in := range b.insns {
			if !isCond(in.code) {
				continue
			}
			if !farT[i] && pos[b.at[in.jt]]-(pos[i]+1) > 255 {
				farT[i], changed = true, true
			}
			if !farF[i] && pos[b.at[in.jf]]-(pos[i]+1) > 255 {
				farF[i], changed = true, true
			}
		}
		if !changed {
			break
		}
	}
	if pos[n] > unix.BPF_MAXINSNS {
		return nil, fmt.Errorf("%d instructions, the limit is %d: %w", pos[n], unix.BPF_MAXINSNS, ErrTooLarge)
	}

	prog := make([]unix.SockFilter, 0, pos[n])
	// trampoline appends the instruction that stands in for a jump to l.
	trampoline := func(l label) {
		t := b.insns[b.at[l]]
		if t.code == unix.BPF_RET|unix.BPF_K {
			prog = append(prog, unix.SockFilter{Code: t.code, K: t.k})
			return
		}
		prog = append(prog, unix.SockFilter{Code: unix.BPF_JMP | unix.BPF_JA, K: uint32(pos[b.at[l]] - (len(prog) + 1))})
	}
	for i, in := range b.insns {
		f := unix.SockFilter{Code: in.code, K: in.k}
		switch {
		case isJA(in.code):
			f.K = uint32(pos[b.at[in.jt]] - (pos[i] + 1))
		case isCond(in.code):
			jt := pos[b.at[in.jt]] - (pos[i] + 1)
			jf := pos[b.at[in.jf]] - (pos[i] + 1)
			if farT[i] {
				jt = 0
			}
			if farF[i] {
				jf = 0
				if farT[i] {
					jf = 1
				}
			}
			f.Jt, f.Jf = uint8(jt), uint8(jf)
		}
		prog = append(prog, f)
		if farT[i] {
			trampoline(in.jt)
		}
		if farF[i] {
			trampoline(in.jf)
		}
	}
	return prog, nil
}
