//go:build linux

package record

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// maskMax is the largest CPU mask the recorder reads: 8192 CPUs, the most
// any architecture's kernel configuration allows.
const maskMax = 8192 / 8

// placement is where a recording runs: the CPU the tracer's thread and the
// program are pinned to, and the CPU mask the program would have had
// without trec.
type placement struct {
	// cpu is the CPU pinned to, or -1.
	cpu int
	// shared is set while every tracee shares the tracer's CPU: pinned,
	// and no thread has set its own mask. The tracer then yields to the
	// tracee it resumed rather than block in wait4 (see tracer.next).
	shared bool
	// orig is the tracer thread's CPU mask before pinning, as
	// sched_getaffinity returns it: the mask the program inherits without
	// trec.
	orig []byte
	// buf is scratch for reading a tracee's mask.
	buf [maskMax]byte
}

// errBadCPU is wrapped by the error for a CPU that cannot be pinned to.
var errBadCPU = errors.New("not in the allowed CPU mask")

// pin pins the calling thread, the tracer's locked thread, to one CPU:
// opts.CPU with opts.UseCPU, else the CPU the thread runs on now (one the
// scheduler found free). The shim, forked from this thread, inherits the
// pinning and passes it to the program and its descendants. With
// opts.NoPin it does nothing.
func (p *placement) pin(opts Options) error {
	p.cpu = -1
	if opts.NoPin {
		if opts.UseCPU {
			return errors.New("record: a CPU to pin to and no pinning: choose one")
		}
		return nil
	}
	n, err := getaffinity(0, p.buf[:])
	if err != nil {
		return fmt.Errorf("record: read the CPU mask: %w", err)
	}
	p.orig = append([]byte(nil), p.buf[:n]...)
	cpu := opts.CPU
	if !opts.UseCPU {
		var c uint32
		if _, _, e := unix.RawSyscall(unix.SYS_GETCPU, uintptr(unsafe.Pointer(&c)), 0, 0); e != 0 {
			return fmt.Errorf("record: getcpu: %w", e)
		}
		cpu = int(c)
	}
	if !inMask(p.orig, cpu) {
		return fmt.Errorf("record: CPU %d: %w", cpu, errBadCPU)
	}
	if err := setaffinity(0, oneCPU(cpu, len(p.orig))); err != nil {
		return fmt.Errorf("record: pin to CPU %d: %w", cpu, err)
	}
	p.cpu, p.shared = cpu, true
	return nil
}

// CheckCPU reports whether cpu is one that Options.CPU may name: a CPU in
// the calling thread's allowed mask.
func CheckCPU(cpu int) error {
	var buf [maskMax]byte
	n, err := getaffinity(0, buf[:])
	if err != nil {
		return fmt.Errorf("read the CPU mask: %w", err)
	}
	if !inMask(buf[:n], cpu) {
		return errBadCPU
	}
	return nil
}

// inMask reports whether mask, as sched_getaffinity returns it, holds cpu.
func inMask(mask []byte, cpu int) bool {
	return cpu >= 0 && cpu/8 < len(mask) && mask[cpu/8]&(1<<(cpu%8)) != 0
}

// isPinnedMask reports whether mask, as sched_getaffinity returned it,
// holds the pinned CPU and no other.
func (p *placement) isPinnedMask(mask []byte) bool {
	for i, b := range mask {
		want := byte(0)
		if i == p.cpu/8 {
			want = 1 << (p.cpu % 8)
		}
		if b != want {
			return false
		}
	}
	return p.cpu/8 < len(mask)
}

// oneCPU returns a CPU mask of n bytes that holds cpu alone.
func oneCPU(cpu, n int) []byte {
	one := make([]byte, n)
	one[cpu/8] = 1 << (cpu % 8)
	return one
}

// setaffinity sets the CPU mask of thread tid (0: the calling thread).
func setaffinity(tid int, mask []byte) error {
	if _, _, e := unix.RawSyscall(unix.SYS_SCHED_SETAFFINITY, uintptr(tid), uintptr(len(mask)), uintptr(unsafe.Pointer(&mask[0]))); e != 0 {
		return e
	}
	return nil
}

// getaffinity returns the CPU mask of thread tid (0: the calling thread)
// in buf and its length in bytes.
func getaffinity(tid int, buf []byte) (int, error) {
	n, _, e := unix.RawSyscall(unix.SYS_SCHED_GETAFFINITY, uintptr(tid), uintptr(len(buf)), uintptr(unsafe.Pointer(&buf[0])))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// affinityExit keeps the pinning out of the program's sight at the exit of
// a successful sched_getaffinity or sched_setaffinity made by th; ret is
// the return value.
//
// A sched_getaffinity of a thread that trec pinned, and that has not set
// its own mask since, returns the pinned mask: it is rewritten in the
// program's memory to the mask the program would have had without trec.
// A sched_setaffinity is honoured: the thread it names runs where it asked
// from then on, off the tracer's CPU if so, and its mask is reported as
// the kernel has it.
func (t *tracer) affinityExit(th *thread, ret int64) {
	target := th
	if tid := int(int32(th.args[0])); tid != 0 {
		target = t.threads.get(tid)
	}
	if target == nil || !target.pinned {
		return
	}
	if th.nr == t.nrs.setaffinity {
		target.pinned, t.place.shared = false, false
		return
	}
	n := int(ret)
	if n <= 0 || n > len(t.place.buf) {
		return
	}
	mask := t.place.buf[:n]
	if t.mem.read(th.pid, mask, th.args[2]) < n || !t.place.isPinnedMask(mask) {
		// Moved by someone else (taskset -p): the truth is told.
		return
	}
	orig := t.place.orig
	if target.mask != nil {
		orig = target.mask
	}
	clear(mask[copy(mask, orig):])
	t.mem.write(th.pid, mask, th.args[2])
}
