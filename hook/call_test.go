package hook

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/trecdev/trec/sysent"
)

// testCall is a Call for unit tests: its memory is strings at addresses,
// its fds and cwd are given, and Readlink reads the real file system, so
// that resolution meets real symbolic links.
type testCall struct {
	tid, pid int
	nr       int
	table    *sysent.Table
	args     [6]uint64
	ret      int64
	mem      testMem
	cwd      string
	fds      map[int]string
	// unavailable makes every memory read fail as a replay's would.
	unavailable bool
}

type testMem struct {
	c     *testCall
	bytes map[uint64][]byte
}

func tableForTest(t testing.TB) *sysent.Table {
	a, err := sysent.ParseArch(runtime.GOARCH)
	if err != nil {
		t.Skip(err)
	}
	return sysent.ForArch(a)
}

// newCall returns a call of syscall name with args; a string argument is
// placed in memory and the argument points at it.
func newCall(t testing.TB, name string, args ...any) *testCall {
	t.Helper()
	tab := tableForTest(t)
	sc, ok := tab.ByName(name)
	if !ok {
		t.Skipf("no %s on this architecture", name)
	}
	c := &testCall{tid: 100, pid: 100, nr: sc.Nr, table: tab, cwd: "/", fds: map[int]string{}}
	c.mem = testMem{c: c, bytes: map[uint64][]byte{}}
	for i, a := range args {
		switch v := a.(type) {
		case string:
			addr := uint64(0x10000 * (i + 1))
			c.mem.bytes[addr] = append([]byte(v), 0)
			c.args[i] = addr
		case int:
			c.args[i] = uint64(v)
		case uint64:
			c.args[i] = v
		default:
			t.Fatalf("argument %d: %T", i, a)
		}
	}
	return c
}

func (c *testCall) Tid() int                 { return c.tid }
func (c *testCall) Pid() int                 { return c.pid }
func (c *testCall) Nr() int                  { return c.nr }
func (c *testCall) Syscall() *sysent.Syscall { return c.table.Lookup(c.nr) }
func (c *testCall) Table() *sysent.Table     { return c.table }
func (c *testCall) Arg(i int) uint64         { return c.args[i] }
func (c *testCall) Ret() int64               { return c.ret }
func (c *testCall) Mem() Memory              { return &c.mem }
func (c *testCall) Cwd() (string, error)     { return c.cwd, nil }

func (c *testCall) FDPath(fd int) (string, error) {
	if p, ok := c.fds[fd]; ok {
		return p, nil
	}
	return "", syscall.EBADF
}

func (c *testCall) Readlink(path string) (string, error) {
	s, err := os.Readlink(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, ErrNotLink)
	}
	return s, nil
}

func (m *testMem) ReadString(addr uint64, max int) (string, error) {
	if m.c.unavailable {
		return "", fmt.Errorf("memory at %#x: %w", addr, ErrUnavailable)
	}
	for base, b := range m.bytes {
		if addr >= base && addr < base+uint64(len(b)) {
			s := b[addr-base:]
			if i := strings.IndexByte(string(s), 0); i >= 0 && i < max {
				return string(s[:i]), nil
			}
			return "", syscall.ENAMETOOLONG
		}
	}
	return "", syscall.EFAULT
}

func (m *testMem) ReadBytes(addr uint64, n int) ([]byte, error) {
	if m.c.unavailable {
		return nil, fmt.Errorf("memory at %#x: %w", addr, ErrUnavailable)
	}
	for base, b := range m.bytes {
		if addr >= base && addr+uint64(n) <= base+uint64(len(b)) {
			return b[addr-base : addr-base+uint64(n)], nil
		}
	}
	return nil, syscall.EFAULT
}
