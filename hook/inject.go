package hook

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/trecdev/trec/sysent"
)

// Inject is strace's --inject (trec record --inject): for the calls of a
// set, fail with an errno or return a value without running the call,
// send a signal, delay the entry or the exit, on the calls when= selects.
//
// A spec is SET:ACTION[:ACTION]..., the actions error=ERRNO (a name or a
// number), retval=N, signal=SIG, delay_enter=DELAY and delay_exit=DELAY
// (a number with s, ms, us or ns; microseconds without), and
// when=FIRST[..LAST][+[STEP]]: the FIRST-th call and, with a +, every
// STEP-th after it (STEP 1 when omitted), up to the LAST-th; the default
// is every call. error= and retval= exclude each other; at least one
// action besides when= is needed.
//
// As strace does, calls are counted per syscall and per thread (strace's
// tcb): each thread, and each forked child, counts its calls from one, and
// the count goes on across an exec. A spec given later replaces an earlier
// one for the syscalls both select.
type Inject struct {
	rules []*injectRule
	// byNr is the rule of each syscall number, nil for none; rest is
	// the rule of numbers the table does not know.
	byNr []*injectRule
	rest *injectRule
	// counts holds each thread's counters, per syscall.
	counts map[int]map[int]*injectCount
	// exitDelay holds the delay_exit due at a thread's next exit.
	exitDelay map[int]*injectRule
}

type injectRule struct {
	text string
	set  sysent.Set
	// first, last and step are when='s; last is lastInf for no bound.
	first, last, step int
	skip              bool
	ret               int64
	signal            syscall.Signal
	delayEnter        time.Duration
	delayExit         time.Duration
}

// injectCount is strace's per-thread copy of first and last.
type injectCount struct{ first, last int }

const (
	lastInf  = -1
	whenMax  = 0xffff
	flagName = "inject"
)

// ParseInject parses inject specs for the syscalls of t. Errors are
// *SpecError.
func ParseInject(t *sysent.Table, specs []string) (*Inject, error) {
	in := &Inject{byNr: make([]*injectRule, t.Max()), counts: map[int]map[int]*injectCount{},
		exitDelay: map[int]*injectRule{}}
	for _, spec := range specs {
		r, col, msg := parseInjectSpec(t, spec)
		if msg != "" {
			return nil, &SpecError{Flag: flagName, Spec: spec, Col: col + 1, Msg: msg}
		}
		in.rules = append(in.rules, r)
		for _, nr := range r.set.Nrs() {
			in.byNr[nr] = r
		}
		if r.set.Rest() {
			in.rest = r
		}
	}
	return in, nil
}

// parseInjectSpec parses one spec; on error it returns the offset of the
// fault and a message.
func parseInjectSpec(t *sysent.Table, spec string) (*injectRule, int, string) {
	r := &injectRule{text: spec, first: 1, last: lastInf, step: 1}
	setText, rest, hasRest := strings.Cut(spec, ":")
	if setText == "" {
		return nil, 0, "missing syscall set"
	}
	set, err := sysent.ParseSet(t, setText)
	if err != nil {
		return nil, 0, err.Error()
	}
	r.set = set
	off := len(setText) + 1
	var hasErr, hasRet, hasSig, hasDelayIn, hasDelayOut, hasWhen bool
	for tok := range strings.SplitSeq(rest, ":") {
		if !hasRest {
			break
		}
		col := off
		off += len(tok) + 1
		key, val, ok := strings.Cut(tok, "=")
		vcol := col + len(key) + 1
		if !ok {
			return nil, col, fmt.Sprintf("%q: want KEY=VALUE (error=, retval=, signal=, delay_enter=, delay_exit=, when=)", tok)
		}
		dup := func(seen *bool) bool { d := *seen; *seen = true; return d }
		switch key {
		case "error":
			if hasRet || dup(&hasErr) {
				return nil, col, "only one of error= and retval="
			}
			e, ok := parseErrno(val)
			if !ok {
				return nil, vcol, fmt.Sprintf("unknown errno %q", val)
			}
			r.skip, r.ret = true, -int64(e)
		case "retval":
			if hasErr || dup(&hasRet) {
				return nil, col, "only one of error= and retval="
			}
			v, err := strconv.ParseUint(val, 0, 64)
			if err != nil {
				return nil, vcol, fmt.Sprintf("retval %q: not an unsigned number", val)
			}
			r.skip, r.ret = true, int64(v)
		case "signal":
			if dup(&hasSig) {
				return nil, col, "signal= given twice"
			}
			s, ok := parseSignal(val)
			if !ok {
				return nil, vcol, fmt.Sprintf("unknown signal %q", val)
			}
			r.signal = s
		case "delay_enter", "delay_exit":
			seen := &hasDelayIn
			if key == "delay_exit" {
				seen = &hasDelayOut
			}
			if dup(seen) {
				return nil, col, fmt.Sprintf("%q given twice", key)
			}
			d, ok := parseDelay(val)
			if !ok {
				return nil, vcol, fmt.Sprintf("delay %q: want a number with s, ms, us or ns", val)
			}
			if key == "delay_enter" {
				r.delayEnter = d
			} else {
				r.delayExit = d
			}
		case "when":
			if dup(&hasWhen) {
				return nil, col, "when= given twice"
			}
			if c, msg := r.parseWhen(val); msg != "" {
				return nil, vcol + c, msg
			}
		case "syscall", "poke_enter", "poke_exit":
			return nil, col, fmt.Sprintf("%q is not supported", key)
		default:
			return nil, col, fmt.Sprintf("unknown key %q (want error, retval, signal, delay_enter, delay_exit or when)", key)
		}
	}
	if !hasErr && !hasRet && !hasSig && !hasDelayIn && !hasDelayOut {
		return nil, len(spec), "no action: want error=, retval=, signal=, delay_enter= or delay_exit="
	}
	return r, 0, ""
}

// parseWhen parses FIRST[..LAST][+[STEP]] as strace does: F is the F-th
// call only, F+ every call from the F-th, F+S every S-th from the F-th,
// F..L every call from the F-th to the L-th, F..L+S every S-th of those.
func (r *injectRule) parseWhen(s string) (int, string) {
	num := func(at int) (int, int, string) {
		end := at
		for end < len(s) && s[end] >= '0' && s[end] <= '9' {
			end++
		}
		n, err := strconv.Atoi(s[at:end])
		if err != nil || n < 1 || n > whenMax {
			return 0, end, fmt.Sprintf("when=%q: want a number from 1 to %d", s, whenMax)
		}
		return n, end, ""
	}
	first, i, msg := num(0)
	if msg != "" {
		return 0, msg
	}
	r.first, r.last, r.step = first, lastInf, 0
	if strings.HasPrefix(s[i:], "..") {
		last, j, msg := num(i + 2)
		if msg != "" {
			return i + 2, msg
		}
		if last < first {
			return i + 2, fmt.Sprintf("when=%q: the last call comes before the first", s)
		}
		r.last, r.step, i = last, 1, j
	}
	if i == len(s) {
		return 0, ""
	}
	if s[i] != '+' {
		return i, fmt.Sprintf("when=%q: want FIRST[..LAST][+[STEP]]", s)
	}
	if i+1 == len(s) {
		r.step = 1
		return 0, ""
	}
	step, j, msg := num(i + 1)
	if msg != "" || j != len(s) {
		if msg == "" {
			msg = fmt.Sprintf("when=%q: want FIRST[..LAST][+[STEP]]", s)
		}
		return i + 1, msg
	}
	r.step = step
	return 0, ""
}

// Name returns "inject".
func (in *Inject) Name() string { return "inject" }

// String returns the specs, as given.
func (in *Inject) String() string {
	specs := make([]string, len(in.rules))
	for i, r := range in.rules {
		specs[i] = r.text
	}
	return specList("inject", specs)
}

// Syscalls returns the syscalls the specs select.
func (in *Inject) Syscalls(t *sysent.Table) (sysent.Set, error) {
	sets := make([]sysent.Set, len(in.rules))
	for i, r := range in.rules {
		sets[i] = r.set
	}
	return union(t, sets...), nil
}

func (in *Inject) rule(nr int) *injectRule {
	if nr >= 0 && nr < len(in.byNr) {
		return in.byNr[nr]
	}
	if nr >= 0 {
		return in.rest
	}
	return nil
}

// Enter counts the call and acts on the calls when= selects.
func (in *Inject) Enter(c Call) Action {
	nr := c.Nr()
	r := in.rule(nr)
	if r == nil {
		return Action{}
	}
	tid := c.Tid()
	th := in.counts[tid]
	if th == nil {
		th = map[int]*injectCount{}
		in.counts[tid] = th
	}
	n := th[nr]
	if n == nil {
		n = &injectCount{first: r.first, last: r.last}
		th[nr] = n
	}
	a := Action{Rule: r.text}
	if n.first == 0 || n.last == 0 {
		return a
	}
	if n.last != lastInf {
		n.last--
	}
	if n.first--; n.first != 0 {
		return a
	}
	n.first = r.step
	a.Skip, a.Ret = r.skip, r.ret
	a.Signal, a.Delay = r.signal, r.delayEnter
	if r.delayExit > 0 {
		in.exitDelay[tid] = r
	}
	return a
}

// Exit delays the exit of a call whose entry was injected with
// delay_exit.
func (in *Inject) Exit(c Call) Action {
	r := in.exitDelay[c.Tid()]
	if r == nil {
		return Action{}
	}
	delete(in.exitDelay, c.Tid())
	return Action{Rule: r.text, Delay: r.delayExit}
}

// ThreadExited forgets the thread's counters.
func (in *Inject) ThreadExited(tid int) {
	delete(in.counts, tid)
	delete(in.exitDelay, tid)
}
