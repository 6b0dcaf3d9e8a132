//go:build linux

package record

import (
	"bytes"
	"encoding/binary"
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"
)

// memReader copies tracee memory, and writes it where the recorder rewrites
// a syscall's result. It reuses its iovec arrays, so reading allocates
// nothing once they have grown.
type memReader struct {
	pageSize uint64
	local    []unix.Iovec
	remote   []unix.RemoteIovec
	// word is scratch for one word of PTRACE_PEEKDATA, poke for one of
	// PTRACE_POKEDATA.
	word, poke [8]byte
}

func newMemReader(pageSize int) *memReader {
	return &memReader{
		pageSize: uint64(pageSize),
		local:    make([]unix.Iovec, 0, 16),
		remote:   make([]unix.RemoteIovec, 0, 16),
	}
}

// read copies memory at addr into dst and returns how many bytes it could
// read: fewer than len(dst) when the range runs into memory that cannot be
// read.
func (m *memReader) read(pid int, dst []byte, addr uint64) int {
	if len(dst) == 0 {
		return 0
	}
	m.local = append(m.local[:0], unix.Iovec{Base: &dst[0]})
	m.local[0].SetLen(len(dst))
	m.remote = append(m.remote[:0], unix.RemoteIovec{Base: uintptr(addr), Len: len(dst)})
	n, err := m.vm(unix.SYS_PROCESS_VM_READV, pid)
	if err != nil {
		n = 0
		if !fallbackErr(err) {
			return 0
		}
	}
	if n < len(dst) {
		n += m.peek(pid, dst[n:], addr+uint64(n))
	}
	return n
}

// write copies src to addr in the tracee's memory and reports whether all
// of it was written. Word-wise PTRACE_POKEDATA is the fallback; a tail
// shorter than a word is merged with the memory it covers.
func (m *memReader) write(pid int, src []byte, addr uint64) bool {
	if len(src) == 0 {
		return true
	}
	m.local = append(m.local[:0], unix.Iovec{Base: &src[0]})
	m.local[0].SetLen(len(src))
	m.remote = append(m.remote[:0], unix.RemoteIovec{Base: uintptr(addr), Len: len(src)})
	if n, err := m.vm(unix.SYS_PROCESS_VM_WRITEV, pid); err == nil && n == len(src) {
		return true
	}
	for off := 0; off < len(src); off += 8 {
		w := m.poke[:]
		if len(src)-off < 8 && m.read(pid, w, addr+uint64(off)) < 8 {
			return false
		}
		copy(w, src[off:])
		v := binary.NativeEndian.Uint64(w)
		if ptrace(unix.PTRACE_POKEDATA, pid, uintptr(addr+uint64(off)), uintptr(v)) != nil {
			return false
		}
	}
	return true
}

// vm makes process_vm_readv or process_vm_writev (nr) with the iovecs in
// m.local and m.remote, which must not be empty. It is a raw syscall,
// which saves the Go scheduler's bookkeeping at every capture: it blocks
// only to fault in a page of the tracee, and the tracer's locked thread has
// nothing else to run meanwhile.
func (m *memReader) vm(nr uintptr, pid int) (int, error) {
	n, _, e := unix.RawSyscall6(nr, uintptr(pid),
		uintptr(unsafe.Pointer(&m.local[0])), uintptr(len(m.local)),
		uintptr(unsafe.Pointer(&m.remote[0])), uintptr(len(m.remote)), 0)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// fallbackErr reports whether PTRACE_PEEKDATA may succeed where
// process_vm_readv failed: it reads pages process_vm_readv cannot (a
// mapping without read permission), and works without the syscall.
func fallbackErr(err error) bool {
	return errors.Is(err, unix.EFAULT) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM)
}

// peek reads dst word by word with PTRACE_PEEKDATA and stops at the first
// word it cannot read.
func (m *memReader) peek(pid int, dst []byte, addr uint64) int {
	got := 0
	for got < len(dst) {
		a := addr + uint64(got)
		aligned := a &^ 7
		_, _, e := unix.RawSyscall6(unix.SYS_PTRACE, unix.PTRACE_PEEKDATA, uintptr(pid),
			uintptr(aligned), uintptr(unsafe.Pointer(&m.word[0])), 0, 0)
		if e != 0 {
			break
		}
		got += copy(dst[got:], m.word[a-aligned:])
	}
	return got
}

// gather reads several ranges in one process_vm_readv call, falling back
// to one read per range when the call comes up short. It returns the bytes
// read into each destination in ns.
func (m *memReader) gather(pid int, dsts [][]byte, addrs []uint64, ns []int) {
	m.local, m.remote = m.local[:0], m.remote[:0]
	total := 0
	for i, d := range dsts {
		ns[i] = 0
		if len(d) == 0 {
			continue
		}
		iov := unix.Iovec{Base: &d[0]}
		iov.SetLen(len(d))
		m.local = append(m.local, iov)
		m.remote = append(m.remote, unix.RemoteIovec{Base: uintptr(addrs[i]), Len: len(d)})
		total += len(d)
	}
	if total == 0 {
		return
	}
	n, err := m.vm(unix.SYS_PROCESS_VM_READV, pid)
	if err == nil && n == total {
		for i, d := range dsts {
			ns[i] = len(d)
		}
		return
	}
	for i, d := range dsts {
		ns[i] = m.read(pid, d, addrs[i])
	}
}

// firstChunk is what readString reads first: most paths are shorter, and
// a copy of the rest of the page would cost more than it saves.
const firstChunk = 256

// readString appends the NUL-terminated string at addr to buf, reading
// firstChunk bytes first and then a page at a time, never past the page
// that holds the NUL. It reads at most max bytes and reports whether it
// found the NUL.
func (m *memReader) readString(pid int, buf []byte, addr uint64, max int) ([]byte, bool) {
	got := 0
	for got < max {
		a := addr + uint64(got)
		chunk := int(m.pageSize - a%m.pageSize)
		if got == 0 && chunk > firstChunk {
			chunk = firstChunk
		}
		if chunk > max-got {
			chunk = max - got
		}
		off := len(buf)
		buf = grow(buf, chunk)
		n := m.read(pid, buf[off:off+chunk], a)
		if i := bytes.IndexByte(buf[off:off+n], 0); i >= 0 {
			return buf[:off+i], true
		}
		buf = buf[:off+n]
		got += n
		if n < chunk {
			return buf, false
		}
	}
	return buf, false
}

// grow extends b by n bytes, reallocating only when its capacity is short.
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), 2*cap(b)+n)
		copy(nb, b)
		b = nb
	}
	return b[:len(b)+n]
}
