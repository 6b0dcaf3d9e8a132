package hook

import (
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/trecdev/trec/sysent"
)

// errSynth is returned for a read outside the data an earlier hook of a
// chain placed.
var errSynth = errors.New("read past placed data")

// Chain runs hooks in order over each call. At the entry the first hook
// that skips the call decides its result, and later hooks can no longer
// skip it or change its arguments; argument changes, delays and signals
// accumulate otherwise, and each hook sees the arguments as the hooks
// before it left them. At the exit, result changes accumulate the same
// way. Every hook that selects a call sees it, so that each one's counts
// (Counts) and its own state (such as inject's when=) are those it would
// have alone.
//
// A Chain is not safe for concurrent use; the recorder and a replay each
// drive one from a single goroutine.
type Chain struct {
	table *sysent.Table
	hooks []Hook
	sets  []sysent.Set
	// any has every syscall some hook selects.
	any    []bool
	rest   bool
	counts []hookCounts
	view   view
	d      Decision
}

// hookCounts are one hook's counts: in total, and per rule.
type hookCounts struct {
	total  Count
	rules  map[string]*Count
	order  []string
	hasErr bool
}

// Count says how many calls a hook, or one of its rules, saw and changed.
type Count struct {
	// Hook is the hook's name; Rule the rule, "" for the hook's total.
	Hook string
	Rule string
	// Seen counts the calls the hook saw (for a rule: the calls it
	// decided, changed or not); Changed those it changed; Undecided
	// those it could not decide (Action.Err).
	Seen      uint64
	Changed   uint64
	Undecided uint64
}

// Decision is what the hooks of a chain decided for one stop of a call:
// the combined effect, and what each hook did, in order, for the trace.
type Decision struct {
	// Skip, Ret, SetRet, Delay and Signals combine the hooks' Actions as
	// the Chain's documentation says.
	Skip   bool
	SetRet bool
	Ret    int64
	// Args holds the final value of each changed argument (ArgMask has
	// its bit set); an argument whose last change carries Data holds a
	// placeholder (IsPlaceholder) until the caller places the data and
	// points the argument at it.
	ArgMask uint8
	Args    [6]uint64
	Data    [6][]byte
	Delay   time.Duration
	Signals []syscall.Signal
	// Steps are the effective changes, one per change, in the order
	// they were decided.
	Steps []Step
	// Errs are the hooks that could not decide, with why.
	Errs []Step
	// Hooks has bit i set when the chain's hook i changed the call.
	Hooks uint64
}

// Changes reports whether the decision changes anything.
func (d *Decision) Changes() bool { return len(d.Steps) > 0 }

// Op says what a Step changed.
type Op uint8

// The changes a hook can make.
const (
	// OpSkip: the call did not run; New is the result the program saw.
	OpSkip Op = iota + 1
	// OpSetArg: argument Arg changed from Old to New; NewData, when not
	// nil, is what New points at (OldData what Old pointed at, if read).
	OpSetArg
	// OpSetRet: the result changed from Old to New.
	OpSetRet
	// OpDelay: the thread was held back New nanoseconds.
	OpDelay
	// OpSignal: signal New was sent to the thread.
	OpSignal
)

// Step is one change a hook made, or, in Decision.Errs, a hook that could
// not decide.
type Step struct {
	Hook string
	Rule string
	Path string
	Op   Op
	// Exit is set for a change made at the call's exit.
	Exit    bool
	Arg     int
	Old     uint64
	New     uint64
	OldData []byte
	NewData []byte
	Err     error
}

// NewChain returns a chain of hooks for the syscalls of table t.
func NewChain(t *sysent.Table, hooks ...Hook) (*Chain, error) {
	c := &Chain{table: t, hooks: hooks, any: make([]bool, t.Max()), counts: make([]hookCounts, len(hooks))}
	for i, h := range hooks {
		s, err := h.Syscalls(t)
		if err != nil {
			return nil, fmt.Errorf("hook %s: %w", h.Name(), err)
		}
		c.sets = append(c.sets, s)
		for _, nr := range s.Nrs() {
			c.any[nr] = true
		}
		c.rest = c.rest || s.Rest()
		c.counts[i] = hookCounts{total: Count{Hook: h.Name()}, rules: map[string]*Count{}}
	}
	c.view.chain = c
	return c, nil
}

// Hooks returns the chain's hooks, in order.
func (c *Chain) Hooks() []Hook { return c.hooks }

// Selects reports whether some hook of the chain selects syscall nr.
func (c *Chain) Selects(nr int) bool {
	if nr >= 0 && nr < len(c.any) {
		return c.any[nr]
	}
	return nr >= 0 && c.rest
}

// Syscalls returns the syscall numbers some hook selects, and whether
// numbers unknown to the table (at or above its Max) are selected too.
func (c *Chain) Syscalls() (nrs []int, rest bool) {
	for nr, ok := range c.any {
		if ok {
			nrs = append(nrs, nr)
		}
	}
	return nrs, c.rest
}

// Enter runs the hooks that select call's syscall at its entry and returns
// what they decided. The Decision is valid until the next Enter or Exit.
func (c *Chain) Enter(call Call) *Decision { return c.run(call, false, 0) }

// Exit runs the hooks that select call's syscall at its exit. Call.Ret is
// the result the program would see: the kernel's, or the one a skip at the
// entry gave it. entered is the Decision.Hooks of the call's entry: a
// hook that changed the call there is not counted twice.
func (c *Chain) Exit(call Call, entered uint64) *Decision { return c.run(call, true, entered) }

func (c *Chain) run(call Call, exit bool, entered uint64) *Decision {
	d := &c.d
	*d = Decision{Signals: d.Signals[:0], Steps: d.Steps[:0], Errs: d.Errs[:0]}
	nr := call.Nr()
	v := &c.view
	v.reset(call)
	if exit {
		d.Ret = call.Ret()
	}
	for i, h := range c.hooks {
		if !c.sets[i].Has(nr) {
			continue
		}
		var a Action
		if exit {
			a = h.Exit(v)
		} else {
			a = h.Enter(v)
		}
		c.apply(i, h.Name(), &a, v, exit, entered&(1<<i) != 0)
	}
	return d
}

// apply folds hook i's action a into the decision and counts it; counted
// is set when the hook already counted the call as changed at its entry.
func (c *Chain) apply(i int, name string, a *Action, v *view, exit, counted bool) {
	d := &c.d
	hc := &c.counts[i]
	var rc *Count
	if a.Rule != "" {
		rc = hc.rules[a.Rule]
		if rc == nil {
			rc = &Count{Hook: name, Rule: a.Rule}
			hc.rules[a.Rule] = rc
			hc.order = append(hc.order, a.Rule)
		}
	}
	if !exit {
		hc.total.Seen++
		if rc != nil {
			rc.Seen++
		}
	}
	if a.Err != nil {
		hc.total.Undecided++
		if rc != nil {
			rc.Undecided++
		}
		d.Errs = append(d.Errs, Step{Hook: name, Rule: a.Rule, Path: a.Path, Exit: exit, Err: a.Err})
		return
	}
	n := len(d.Steps)
	step := func(s Step) {
		s.Hook, s.Rule, s.Path, s.Exit = name, a.Rule, a.Path, exit
		d.Steps = append(d.Steps, s)
	}
	switch {
	case exit && (a.SetRet || a.Skip):
		// At the exit a skip can only mean a new result.
		step(Step{Op: OpSetRet, Old: uint64(d.Ret), New: uint64(a.Ret)})
		d.SetRet, d.Ret = true, a.Ret
		v.ret, v.retSet = a.Ret, true
	case !exit && a.Skip && !d.Skip:
		step(Step{Op: OpSkip, New: uint64(a.Ret)})
		d.Skip, d.Ret = true, a.Ret
	}
	if !exit && !d.Skip {
		for _, ch := range a.Args {
			if ch.Index < 0 || ch.Index > 5 {
				continue
			}
			s := Step{Op: OpSetArg, Arg: ch.Index, Old: v.Arg(ch.Index), New: ch.Value, NewData: ch.Data}
			if ch.Data != nil {
				s.New = synthAddr(ch.Index)
				if str, err := v.Mem().ReadString(s.Old, pathMax); err == nil && len(ch.Data) > 0 && ch.Data[len(ch.Data)-1] == 0 {
					s.OldData = []byte(str)
				}
			}
			step(s)
			d.ArgMask |= 1 << ch.Index
			d.Args[ch.Index], d.Data[ch.Index] = s.New, ch.Data
			v.set(ch.Index, s.New, ch.Data)
		}
	}
	if a.Delay > 0 {
		step(Step{Op: OpDelay, New: uint64(a.Delay)})
		d.Delay += a.Delay
	}
	if a.Signal != 0 {
		step(Step{Op: OpSignal, New: uint64(a.Signal)})
		d.Signals = append(d.Signals, a.Signal)
	}
	if len(d.Steps) > n {
		if i < 64 {
			d.Hooks |= 1 << i
		}
		if !counted {
			hc.total.Changed++
			if rc != nil {
				rc.Changed++
			}
		}
	}
}

// ThreadExited tells the hooks that keep per-thread state that thread tid
// ended.
func (c *Chain) ThreadExited(tid int) {
	for _, h := range c.hooks {
		if w, ok := h.(ThreadWatcher); ok {
			w.ThreadExited(tid)
		}
	}
}

// Counts returns, for each hook in order, its total (Rule "") followed by
// one Count per rule in the order the rules were first met.
func (c *Chain) Counts() []Count {
	var out []Count
	for i := range c.counts {
		hc := &c.counts[i]
		out = append(out, hc.total)
		for _, r := range hc.order {
			out = append(out, *hc.rules[r])
		}
	}
	return out
}

// pathMax bounds the strings hooks read: PATH_MAX.
const pathMax = 4096

// Synthetic addresses stand for data an earlier hook of the chain placed,
// until the caller places it in the program's memory: far above any user
// address on x86_64 and aarch64, one 4 GiB block per argument.
const (
	synthBase  = 0xfff0_0000_0000_0000
	synthShift = 32
)

func synthAddr(i int) uint64 { return synthBase + uint64(i)<<synthShift }

// IsPlaceholder reports whether a Decision's argument value is the
// stand-in for data the caller must place (Decision.Data).
func IsPlaceholder(v uint64) bool { return v >= synthBase }

// view is the Call the chain's hooks see: the caller's, with the changes
// of the hooks before.
type view struct {
	Call
	chain  *Chain
	setArg uint8
	args   [6]uint64
	data   [6][]byte
	ret    int64
	retSet bool
}

func (v *view) reset(c Call) {
	*v = view{Call: c, chain: v.chain}
}

func (v *view) set(i int, val uint64, data []byte) {
	v.setArg |= 1 << i
	v.args[i], v.data[i] = val, data
}

func (v *view) Arg(i int) uint64 {
	if i >= 0 && i < 6 && v.setArg&(1<<i) != 0 {
		return v.args[i]
	}
	return v.Call.Arg(i)
}

func (v *view) Ret() int64 {
	if v.retSet {
		return v.ret
	}
	return v.Call.Ret()
}

func (v *view) Mem() Memory {
	for _, d := range v.data {
		if d != nil {
			return overlay{v}
		}
	}
	return v.Call.Mem()
}

// overlay serves the data of changed arguments at their synthetic
// addresses and the program's memory elsewhere.
type overlay struct{ v *view }

func (o overlay) find(addr uint64) ([]byte, bool, error) {
	if addr < synthBase {
		return nil, false, nil
	}
	i := int((addr - synthBase) >> synthShift)
	off := (addr - synthBase) & (1<<synthShift - 1)
	if i >= 6 || o.v.data[i] == nil || off > uint64(len(o.v.data[i])) {
		return nil, true, errSynth
	}
	return o.v.data[i][off:], true, nil
}

func (o overlay) ReadString(addr uint64, max int) (string, error) {
	b, ok, err := o.find(addr)
	if !ok {
		return o.v.Call.Mem().ReadString(addr, max)
	}
	if err != nil {
		return "", err
	}
	for i, c := range b {
		if i >= max {
			break
		}
		if c == 0 {
			return string(b[:i]), nil
		}
	}
	return "", errSynth
}

func (o overlay) ReadBytes(addr uint64, n int) ([]byte, error) {
	b, ok, err := o.find(addr)
	if !ok {
		return o.v.Call.Mem().ReadBytes(addr, n)
	}
	if err != nil {
		return nil, err
	}
	if n > len(b) {
		return nil, errSynth
	}
	return append([]byte(nil), b[:n]...), nil
}
