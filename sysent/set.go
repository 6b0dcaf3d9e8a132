package sysent

import (
	"errors"
	"fmt"
	"math/bits"
	"regexp"
	"strconv"
	"strings"
)

// Set is a set of syscall numbers of one architecture, as selected by a
// strace -e trace= expression.
//
// Numbers below the table's Max are held in a bitset; numbers at or above
// it (syscalls newer than the table) are in the set when the expression
// selects everything not named: "all", or a negated list.
type Set struct {
	bits []uint64
	max  int
	rest bool // membership of numbers >= max
	expr string
}

// legacyClasses are the class names strace still accepts without the %.
var legacyClasses = map[string]Class{
	"file":    ClassFile,
	"process": ClassProcess,
	"network": ClassNetwork,
	"signal":  ClassSignal,
	"ipc":     ClassIPC,
	"desc":    ClassDesc,
	"memory":  ClassMemory,
}

// ParseSet parses a syscall set in strace's -e trace= syntax, without the
// "trace=" prefix: a comma-separated list of
//
//	name       a syscall: "openat"
//	number     a syscall number below t.Max(): "257"
//	%class     every syscall of a class: "%file", "%%stat", "%net"
//	/regexp    every syscall whose name matches (Go regexp syntax)
//	all, none  every syscall, or none
//
// A token may start with '?' to ignore it if it names nothing. A leading
// '!' negates the whole set: "!open,close" is everything but open and
// close. Empty tokens are skipped, but an expression with no token is an
// error. Errors are one line and name the bad token:
// unknown syscall "foo", unknown class "%bar".
func ParseSet(t *Table, expr string) (Set, error) {
	s := Set{max: t.Max(), bits: make([]uint64, (t.Max()+63)/64), expr: expr}
	body, neg := strings.CutPrefix(expr, "!")
	tokens := 0
	for tok := range strings.SplitSeq(body, ",") {
		if tok == "" {
			continue
		}
		tokens++
		if err := s.add(t, tok); err != nil {
			return Set{}, err
		}
	}
	if tokens == 0 {
		return Set{}, errors.New("empty syscall set")
	}
	if neg {
		for i := range s.bits {
			s.bits[i] = ^s.bits[i]
		}
		s.rest = !s.rest
		s.trim()
	}
	return s, nil
}

func (s *Set) add(t *Table, tok string) error {
	name, optional := strings.CutPrefix(tok, "?")
	switch {
	case name == "all":
		for i := range s.bits {
			s.bits[i] = ^uint64(0)
		}
		s.rest = true
		s.trim()
		return nil
	case name == "none":
		return nil
	case strings.HasPrefix(name, "%"):
		c, ok := ParseClass(name)
		if !ok {
			if optional {
				return nil
			}
			return fmt.Errorf("unknown class %q", name)
		}
		s.addClass(t, c)
		return nil
	case strings.HasPrefix(name, "/"):
		re, err := regexp.Compile(name[1:])
		if err != nil {
			return fmt.Errorf("bad regexp %q: %v", name, err)
		}
		n := 0
		for sc := range t.All() {
			if re.MatchString(sc.Name) {
				s.set(sc.Nr)
				n++
			}
		}
		if n == 0 && !optional {
			return fmt.Errorf("no syscall matches %q", name)
		}
		return nil
	}
	if sc, ok := t.ByName(name); ok {
		s.set(sc.Nr)
		return nil
	}
	if c, ok := legacyClasses[name]; ok {
		s.addClass(t, c)
		return nil
	}
	if nr, err := strconv.Atoi(name); err == nil && nr >= 0 && nr < s.max {
		s.set(nr)
		return nil
	}
	if optional {
		return nil
	}
	return fmt.Errorf("unknown syscall %q", name)
}

func (s *Set) addClass(t *Table, c Class) {
	for sc := range t.All() {
		if sc.Class&c != 0 {
			s.set(sc.Nr)
		}
	}
}

func (s *Set) set(nr int) { s.bits[nr/64] |= 1 << (nr % 64) }

// trim clears the bits at and above max, which belong to rest.
func (s *Set) trim() {
	if r := s.max % 64; r != 0 {
		s.bits[len(s.bits)-1] &= 1<<r - 1
	}
}

// Has reports whether syscall nr is in s.
func (s Set) Has(nr int) bool {
	if nr < 0 {
		return false
	}
	if nr >= s.max {
		return s.rest
	}
	return s.bits[nr/64]&(1<<(nr%64)) != 0
}

// Rest reports whether the numbers at or above the table's Max, unknown to
// it, are in s: true after "all" or a negated list. A seccomp filter built
// from s must apply it to numbers the table does not know.
func (s Set) Rest() bool { return s.rest }

// All reports whether s selects every syscall number, known or not.
func (s Set) All() bool {
	return s.rest && s.Len() == s.max
}

// Len returns the number of syscall numbers below the table's Max in s.
func (s Set) Len() int {
	n := 0
	for _, w := range s.bits {
		n += bits.OnesCount64(w)
	}
	return n
}

// Nrs returns the syscall numbers below the table's Max in s, sorted.
func (s Set) Nrs() []int {
	nrs := make([]int, 0, s.Len())
	for i, w := range s.bits {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			nrs = append(nrs, i*64+b)
			w &^= 1 << b
		}
	}
	return nrs
}

// String returns the expression s was parsed from.
func (s Set) String() string { return s.expr }
