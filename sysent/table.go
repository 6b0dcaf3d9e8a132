package sysent

import (
	"fmt"
	"iter"
	"sync"
)

// Syscall describes one system call of one architecture.
type Syscall struct {
	Nr    int     // number on this architecture
	Name  string  // as the kernel spells it: "newfstatat", "pread64"
	Args  []Arg   // nil when the arguments are not described: print six hex arguments
	Ret   RetKind // what the return value is
	Class Class   // strace classes
	Extra Extra   // what the recorder captures beyond the arguments' kinds
}

// Table is one architecture's syscall table.
type Table struct {
	arch   Arch
	calls  []Syscall // indexed by number; Name "" where there is none
	byName map[string]*Syscall
}

var tables = [...]func() *Table{
	X86_64: sync.OnceValue(func() *Table { return newTable(X86_64, x86_64Names[:], &x86_64Sizes) }),
	ARM64:  sync.OnceValue(func() *Table { return newTable(ARM64, aarch64Names[:], &aarch64Sizes) }),
}

// ForArch returns the syscall table of a, or nil if a is not supported.
// Tables are built on first use and shared.
func ForArch(a Arch) *Table {
	if int(a) >= len(tables) || tables[a] == nil {
		return nil
	}
	return tables[a]()
}

func newTable(a Arch, names []string, sz *archSizes) *Table {
	t := &Table{
		arch:   a,
		calls:  make([]Syscall, len(names)),
		byName: make(map[string]*Syscall, len(names)),
	}
	byName := make(map[string]spec)
	for _, s := range specs(sz) {
		byName[s.name] = s
	}
	classes := classByName()
	for nr, name := range names {
		if name == "" {
			continue
		}
		c := &t.calls[nr]
		*c = Syscall{Nr: nr, Name: name, Class: classes[name], Extra: extras[name]}
		if s, ok := byName[name]; ok {
			c.Args, c.Ret = s.args, s.ret
		}
		t.byName[name] = c
	}
	return t
}

// Arch returns the architecture of t.
func (t *Table) Arch() Arch { return t.arch }

// Lookup returns the syscall numbered nr, or nil if there is none.
func (t *Table) Lookup(nr int) *Syscall {
	if nr < 0 || nr >= len(t.calls) || t.calls[nr].Name == "" {
		return nil
	}
	return &t.calls[nr]
}

// ByName returns the syscall called name, as the kernel spells it.
func (t *Table) ByName(name string) (*Syscall, bool) {
	s, ok := t.byName[name]
	return s, ok
}

// Max returns the highest syscall number plus one.
func (t *Table) Max() int { return len(t.calls) }

// Name returns the name of syscall nr or, for an unknown number, strace's
// fallback "syscall_0x1c3".
func (t *Table) Name(nr int) string {
	if s := t.Lookup(nr); s != nil {
		return s.Name
	}
	if nr < 0 {
		return fmt.Sprintf("syscall_%d", nr)
	}
	return fmt.Sprintf("syscall_%#x", nr)
}

// All returns every known syscall of t in number order.
func (t *Table) All() iter.Seq[*Syscall] {
	return func(yield func(*Syscall) bool) {
		for nr := range t.calls {
			if t.calls[nr].Name != "" && !yield(&t.calls[nr]) {
				return
			}
		}
	}
}
