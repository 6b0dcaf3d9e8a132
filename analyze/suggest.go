package analyze

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/trecdev/trec/sysent"
)

// What the filter says to a user who mistyped a name, or named something
// the trace cannot have.

// otherArches are the tables a syscall name may come from when the
// trace's architecture lacks it.
var otherArches = [...]sysent.Arch{sysent.X86_64, sysent.ARM64}

// legacyNames are strace's class names without the %.
var legacyNames = []string{"file", "process", "network", "signal", "ipc", "desc", "memory"}

// successors name the call that programs make today in place of an older
// one, for the warning on a -e trace= name that matched no call.
var successors = map[string]string{
	"open": "openat", "creat": "openat", "stat": "newfstatat or statx", "lstat": "newfstatat or statx",
	"fstat": "newfstatat or fstat", "access": "faccessat2", "fork": "clone", "vfork": "clone",
	"dup2": "dup3", "pipe": "pipe2", "select": "pselect6", "poll": "ppoll", "unlink": "unlinkat",
	"rename": "renameat2", "mkdir": "mkdirat", "rmdir": "unlinkat", "readlink": "readlinkat",
	"chmod": "fchmodat", "chown": "fchownat", "link": "linkat", "symlink": "symlinkat",
	"getdents": "getdents64", "epoll_wait": "epoll_pwait", "eventfd": "eventfd2",
	"signalfd": "signalfd4", "inotify_init": "inotify_init1", "utime": "utimensat",
	"time": "clock_gettime (a vDSO call, not a syscall)", "gettimeofday": "clock_gettime (a vDSO call, not a syscall)",
	"wait": "wait4", "waitpid": "wait4", "accept": "accept4", "signal": "rt_sigaction",
}

// checkNames checks the names of a -e trace= list before sysent parses
// it: a name unknown everywhere is an error with the names it may be a
// typo of; a name of another architecture's table matches nothing here,
// with a warning. It returns the list with those names made optional.
func (f *Filter) checkNames(tab *sysent.Table, expr, val string) (string, error) {
	body, neg := strings.CutPrefix(val, "!")
	toks := strings.Split(body, ",")
	for i, tok := range toks {
		name, optional := strings.CutPrefix(tok, "?")
		switch {
		case name == "" || optional || name == "all" || name == "none" || strings.HasPrefix(name, "/"):
			continue
		case strings.HasPrefix(name, "%"):
			if _, ok := sysent.ParseClass(name); !ok {
				return "", fmt.Errorf("-e %s: unknown class %q%s", expr, name, DidYouMean(name, classNames()))
			}
			continue
		case slices.Contains(legacyNames, name):
			continue
		}
		if _, err := strconv.Atoi(name); err == nil {
			continue
		}
		if sc, ok := tab.ByName(name); ok {
			if !neg {
				f.named = append(f.named, namedCall{name: name, nr: int32(sc.Nr)})
			}
			continue
		}
		if arch, ok := archWith(name, tab.Arch()); ok {
			f.warnings = append(f.warnings, fmt.Sprintf("-e %s: %s is a syscall of %s, not of %s: it matches nothing here", expr, name, arch, tab.Arch()))
			toks[i] = "?" + name
			continue
		}
		return "", fmt.Errorf("-e %s: unknown syscall %q%s", expr, name, DidYouMean(name, syscallNames(tab)))
	}
	out := strings.Join(toks, ",")
	if neg {
		out = "!" + out
	}
	return out, nil
}

// archWith returns an architecture other than not whose table has name.
func archWith(name string, not sysent.Arch) (sysent.Arch, bool) {
	for _, a := range otherArches {
		if t := sysent.ForArch(a); a != not && t != nil {
			if _, ok := t.ByName(name); ok {
				return a, true
			}
		}
	}
	return 0, false
}

func syscallNames(tab *sysent.Table) []string {
	var names []string
	for sc := range tab.All() {
		names = append(names, sc.Name)
	}
	return names
}

func classNames() []string {
	names := []string{"%net"}
	for i := range 32 {
		if n := sysent.Class(1 << i).String(); strings.HasPrefix(n, "%") {
			names = append(names, n)
		}
	}
	return names
}

// DidYouMean returns " (did you mean X or Y?)" naming the candidates
// closest to name, or "" when none is close: the end of an error message
// about a mistyped name.
func DidYouMean(name string, candidates []string) string {
	best := suggestions(name, candidates)
	if len(best) == 0 {
		return ""
	}
	return " (did you mean " + strings.Join(best, " or ") + "?)"
}

// suggestions returns at most three candidates within a small edit
// distance of name, or that start with it, closest first.
func suggestions(name string, candidates []string) []string {
	type cand struct {
		s string
		d int
	}
	limit := 1 + len(name)/4
	var found []cand
	for _, c := range candidates {
		if len(strings.TrimLeft(name, "-")) <= 1 {
			// One letter is one typo from every other: only its
			// other case is worth suggesting.
			if strings.EqualFold(name, c) && name != c {
				found = append(found, cand{c, 0})
			}
			continue
		}
		d := editDistance(name, c)
		if d > limit && (len(name) < 3 || !strings.HasPrefix(c, name)) {
			continue
		}
		found = append(found, cand{c, d})
	}
	slices.SortStableFunc(found, func(a, b cand) int {
		if a.d != b.d {
			return a.d - b.d
		}
		return strings.Compare(a.s, b.s)
	})
	var out []string
	for _, c := range found {
		if !slices.Contains(out, c.s) {
			out = append(out, c.s)
		}
		if len(out) == 3 {
			break
		}
	}
	return out
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// parseSignalSet parses strace's -e signal= list: names with or without
// SIG, numbers, all, none, and ! negation. Bit N-1 stands for signal N.
func parseSignalSet(s string) (uint64, error) {
	body, neg := strings.CutPrefix(s, "!")
	var set uint64
	for tok := range strings.SplitSeq(body, ",") {
		switch tok {
		case "":
			continue
		case "all":
			set = ^uint64(0)
			continue
		case "none":
			continue
		}
		n, err := signalNumber(tok)
		if err != nil {
			return 0, err
		}
		set |= 1 << (n - 1)
	}
	if neg {
		set = ^set
	}
	return set, nil
}

// signalNumber returns the number of a signal named as strace accepts it:
// SIGTERM, TERM, term, 15, SIGRTMIN, SIGRT_3.
func signalNumber(tok string) (int, error) {
	if n, err := strconv.Atoi(tok); err == nil {
		if n < 1 || n > 64 {
			return 0, fmt.Errorf("signal %d out of range 1-64", n)
		}
		return n, nil
	}
	name := strings.ToUpper(tok)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	var names []string
	for n := 1; n <= 64; n++ {
		sn := SignalName(int32(n))
		if sn == name {
			return n, nil
		}
		names = append(names, sn)
	}
	return 0, fmt.Errorf("unknown signal %q%s", tok, DidYouMean(name, names))
}

// Warnings returns what parsing found worth saying: names that match
// nothing on the trace's architecture.
func (f *Filter) Warnings() []string { return f.warnings }

// Unmatched returns, after a walk, a warning for each part of the filter
// that matched nothing in the trace: a -p, --pid-tree or --comm process it
// did not have, a -P path no kept call named, the syscalls named in -e
// trace= when none was called.
func (f *Filter) Unmatched() []string {
	if f == nil {
		return nil
	}
	var out []string
	for i, p := range f.opts.Pids {
		if i < len(f.pids) && !f.pids[i].seen {
			out = append(out, fmt.Sprintf("-p %s: no such process or thread in the trace", p))
		}
	}
	for i, p := range f.opts.PidTrees {
		if i < len(f.tree) && !f.tree[i].seen {
			out = append(out, fmt.Sprintf("--pid-tree %s: no such process in the trace", p))
		}
	}
	for _, c := range f.comms {
		if !c.seen {
			out = append(out, fmt.Sprintf("--comm %s: no process in the trace ran such a program", c.pattern))
		}
	}
	for i, p := range f.paths {
		if !f.pathSeen[i] {
			msg := fmt.Sprintf("-P %s: matched no call", p)
			if !strings.Contains(p, "/") {
				msg += " (a pattern matches a whole path: */" + p + " matches it in any directory)"
			}
			out = append(out, msg)
		}
	}
	// A list of calls that may happen (read,pread64,readv) warns only
	// when none did.
	for _, n := range f.named {
		if n.seen {
			return out
		}
	}
	for _, n := range f.named {
		msg := fmt.Sprintf("-e trace=%s: matched no call", n.name)
		if s := successors[n.name]; s != "" {
			msg += " (programs today call " + s + "; %file, %process and the other classes name every variant)"
		}
		out = append(out, msg)
	}
	return out
}
