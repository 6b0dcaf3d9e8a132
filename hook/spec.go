package hook

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/sysent"
)

// SpecError is a bad hook specification or policy: which flag or file,
// where in it (columns count bytes from 1), and what is wrong.
type SpecError struct {
	// Flag is the option the spec came from ("--inject"); the parsers set
	// the hook's name and a command line may replace it with its flag.
	Flag string
	// Spec is the specification as given, for a flag.
	Spec string
	// File and Line locate a policy line; File is empty for a flag.
	File string
	Line int
	// Col is the column of the fault within Spec or the line.
	Col int
	Msg string
}

// Error returns one line: "FILE:LINE:COL: msg" or `FLAG "SPEC": column
// COL: msg`.
func (e *SpecError) Error() string {
	// A message quoting what it was given stays on one line.
	msg := strings.ReplaceAll(e.Msg, "\n", `\n`)
	if e.File != "" {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, msg)
	}
	return fmt.Sprintf("%s %q: column %d: %s", e.Flag, e.Spec, e.Col, msg)
}

// errnos maps errno names (EACCES) to numbers.
var errnos = sync.OnceValue(func() map[string]syscall.Errno {
	m := map[string]syscall.Errno{}
	for e := syscall.Errno(1); e < 4096; e++ {
		if n := unix.ErrnoName(e); n != "" {
			m[n] = e
		}
	}
	return m
})

// parseErrno reads an errno as strace's error= does: a name, any case
// (ENOENT), or a number from 1 to 4095.
func parseErrno(s string) (syscall.Errno, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return syscall.Errno(n), n >= 1 && n <= 4095
	}
	e, ok := errnos()[strings.ToUpper(s)]
	return e, ok
}

// parseSignal reads a signal as strace's signal= does: SIGUSR1, USR1 (any
// case) or a number from 1 to 64.
func parseSignal(s string) (syscall.Signal, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return syscall.Signal(n), n >= 1 && n <= 64
	}
	up := strings.ToUpper(s)
	if !strings.HasPrefix(up, "SIG") {
		up = "SIG" + up
	}
	sig := unix.SignalNum(up)
	return sig, sig != 0
}

// parseDelay reads a delay as strace does: a number, integer or decimal,
// with the unit s, ms, us or ns, microseconds without one.
func parseDelay(s string) (time.Duration, bool) {
	num := strings.TrimRight(s, "smun")
	unit := s[len(num):]
	scale := map[string]float64{"": 1e3, "s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1}
	mul, ok := scale[unit]
	if !ok || num == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(num, 10, 64); err == nil {
		if n < 0 || float64(n)*mul > float64(1<<62) {
			return 0, false
		}
		return time.Duration(n * int64(mul)), true
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || f*mul > float64(1<<62) {
		return 0, false
	}
	return time.Duration(f * mul), true
}

// setOf returns the set of the syscalls of t among names.
func setOf(t *sysent.Table, names ...string) sysent.Set {
	var have []string
	for _, n := range names {
		if _, ok := t.ByName(n); ok {
			have = append(have, n)
		}
	}
	if len(have) == 0 {
		have = []string{"none"}
	}
	s, err := sysent.ParseSet(t, strings.Join(have, ","))
	if err != nil {
		// Every name was looked up in t.
		panic(err)
	}
	return s
}

// union returns the set of the syscalls in any of sets.
func union(t *sysent.Table, sets ...sysent.Set) sysent.Set {
	var names []string
	rest := false
	for _, s := range sets {
		for _, nr := range s.Nrs() {
			names = append(names, t.Name(nr))
		}
		rest = rest || s.Rest()
	}
	if rest {
		// A negated set: "!" of what no set has.
		var not []string
		for sc := range t.All() {
			in := false
			for _, s := range sets {
				in = in || s.Has(sc.Nr)
			}
			if !in {
				not = append(not, sc.Name)
			}
		}
		if len(not) == 0 {
			s, _ := sysent.ParseSet(t, "all")
			return s
		}
		s, _ := sysent.ParseSet(t, "!"+strings.Join(not, ","))
		return s
	}
	return setOf(t, names...)
}

// specList returns how the header lists a hook's specs: "NAME SPEC",
// space-separated.
func specList(name string, specs []string) string {
	var b strings.Builder
	for i, sp := range specs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(name + " " + sp)
	}
	return b.String()
}
