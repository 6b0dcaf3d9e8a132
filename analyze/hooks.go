package analyze

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// Hook records (format.KindHook) lie between the enter and the exit of the
// call they changed. The Walker attaches them to that call (Call.Hooks);
// one whose call is not in progress on its thread (a trace cut at the
// start) reaches the Visitor as an event of its own.

// hook attaches hook record e to its thread's call in progress, or passes
// it on as an event.
func (w *Walker) hook(e *format.Event, v Visitor) {
	th := w.threads[e.Tid]
	if th == nil || !th.pending {
		w.event(e, w.procOf(eventPid(e), e.Time, e.Tid), v)
		return
	}
	th.hooks = append(th.hooks, *e)
	th.call.Hooks = th.hooks
}

// argChange returns the last change of argument i of c, nil for none.
func argChange(c *Call, i int) *format.Hook {
	for j := len(c.Hooks) - 1; j >= 0; j-- {
		if h := &c.Hooks[j].Hook; h.Op == format.HookSetArg && int(h.Arg) == i {
			return h
		}
	}
	return nil
}

// appendArgChange appends " => NEW" when a hook changed argument i of c:
// the new string, or the new value as the argument's kind reads.
func (d *decoder) appendArgChange(b []byte, c *Call, i int) []byte {
	h := argChange(c, i)
	if h == nil {
		return b
	}
	b = append(b, " => "...)
	if h.NewData != nil {
		return appendQuoted(b, h.NewData, -1, false)
	}
	kind := sysent.ArgHex
	if c.Sys != nil && i < len(c.Sys.Args) {
		kind = c.Sys.Args[i].Kind
	}
	switch kind {
	case sysent.ArgInt, sysent.ArgFD, sysent.ArgDirFD, sysent.ArgPid:
		return strconv.AppendInt(b, int64(int32(h.NewValue)), 10)
	case sysent.ArgUint:
		return strconv.AppendUint(b, h.NewValue, 10)
	}
	return appendHex(b, h.NewValue)
}

// appendHookNote appends what the hooks did to c after its result, as
// strace marks its injections: " (INJECTED)" and " (DELAYED)" for
// --inject, " (DELAYED)" for another hook's delay alone, and " (NAME:
// RULE)" for another hook's change ("(sandbox: deny /etc/shadow)").
func appendHookNote(b []byte, c *Call) []byte {
	for i := range c.Hooks {
		h := &c.Hooks[i].Hook
		if seenBefore(c.Hooks[:i], h.Name) {
			continue
		}
		changed, delayed := false, false
		for j := i; j < len(c.Hooks); j++ {
			if o := &c.Hooks[j].Hook; o.Name == h.Name {
				if o.Op == format.HookDelay {
					delayed = true
				} else {
					changed = true
				}
			}
		}
		switch {
		case h.Name == "inject" || !changed:
			if changed {
				b = append(b, " (INJECTED)"...)
			}
			if delayed {
				b = append(b, " (DELAYED)"...)
			}
		default:
			b = append(b, " ("...)
			b = append(b, h.Name...)
			if rule := firstRule(c.Hooks[i:], h.Name); rule != "" {
				b = append(b, ": "...)
				b = append(b, rule...)
			}
			if h.Path != "" && !pathShown(c, h.Path) {
				// Symbolic links made the path another one.
				b = append(b, ", resolved "...)
				b = appendEscaped(b, []byte(h.Path), false)
			}
			b = append(b, ')')
		}
	}
	return b
}

// pathShown reports whether path is one of the strings c's line shows.
func pathShown(c *Call, path string) bool {
	if c.Enter == nil {
		return false
	}
	for _, cp := range c.Enter.Captures {
		if cp.Kind == format.CaptureString && string(cp.Data) == path {
			return true
		}
	}
	return false
}

func seenBefore(hooks []format.Event, name string) bool {
	return slices.ContainsFunc(hooks, func(e format.Event) bool { return e.Hook.Name == name })
}

// firstRule returns the rule of the first change of hook name that is not
// a delay, else of its first record.
func firstRule(hooks []format.Event, name string) string {
	rule := ""
	for i := range hooks {
		if h := &hooks[i].Hook; h.Name == name {
			if h.Op != format.HookDelay {
				return h.Rule
			}
			if rule == "" {
				rule = h.Rule
			}
		}
	}
	return rule
}

// appendHooksJSON appends `,"hooks":[...]`, one object per change, when
// hooks changed c.
func (p *Printer) appendHooksJSON(b []byte, c *Call) []byte {
	if len(c.Hooks) == 0 {
		return b
	}
	b = append(b, `,"hooks":[`...)
	for i := range c.Hooks {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendHookJSON(b, c.Sys, &c.Hooks[i].Hook)
	}
	return append(b, ']')
}

// appendHookJSON appends one hook action as format/JSON.md's convention 11
// has it: {"name", "rule", "action": fail|return|set_arg|set_ret|delay|
// signal, "old" and "new" where something changed ("errno" beside a new
// result that is an error), "delay_ns", "signal" and "signo", "path" when a
// path was judged, "at": enter|exit}.
func appendHookJSON(b []byte, sys *sysent.Syscall, h *format.Hook) []byte {
	b = append(b, `{"name":`...)
	b = appendJSONString(b, h.Name)
	if h.Rule != "" {
		b = append(b, `,"rule":`...)
		b = appendJSONString(b, h.Rule)
	}
	b = append(b, `,"action":"`...)
	ret := int64(h.NewValue)
	switch h.Op {
	case format.HookSkip:
		if IsError(ret) {
			b = append(b, `fail"`...)
		} else {
			b = append(b, `return"`...)
		}
		b = appendRetJSON(b, ret)
	case format.HookSetArg:
		b = append(b, `set_arg","arg":`...)
		b = strconv.AppendInt(b, int64(h.Arg), 10)
		if sys != nil && int(h.Arg) < len(sys.Args) {
			b = append(b, `,"arg_name":`...)
			b = appendJSONString(b, sys.Args[h.Arg].Name)
		}
		if h.NewData != nil {
			b = append(b, `,"old":`...)
			b = appendBytesJSON(b, h.OldData)
			b = append(b, `,"new":`...)
			b = appendBytesJSON(b, h.NewData)
		} else {
			signed := sys != nil && int(h.Arg) < len(sys.Args) && signedArg(sys.Args[h.Arg].Kind)
			b = appendArgValueJSON(b, `,"old":`, h.OldValue, signed)
			b = appendArgValueJSON(b, `,"new":`, h.NewValue, signed)
		}
	case format.HookSetRet:
		b = append(b, `set_ret","old":`...)
		b = strconv.AppendInt(b, int64(h.OldValue), 10)
		b = appendRetJSON(b, ret)
	case format.HookDelay:
		b = append(b, `delay","delay_ns":`...)
		b = strconv.AppendUint(b, h.NewValue, 10)
	case format.HookSignal:
		b = append(b, `signal","signal":`...)
		b = appendJSONString(b, SignalName(int32(h.NewValue)))
		b = append(b, `,"signo":`...)
		b = strconv.AppendUint(b, h.NewValue, 10)
	default:
		b = append(b, `unknown","op":`...)
		b = strconv.AppendInt(b, int64(h.Op), 10)
		b = append(b, `"`...)
	}
	if h.Path != "" {
		b = append(b, `,"path":`...)
		b = appendBytesJSON(b, []byte(h.Path))
	}
	if h.Exit {
		b = append(b, `,"at":"exit"}`...)
	} else {
		b = append(b, `,"at":"enter"}`...)
	}
	return b
}

func signedArg(k sysent.ArgKind) bool {
	switch k {
	case sysent.ArgInt, sysent.ArgFD, sysent.ArgDirFD, sysent.ArgPid:
		return true
	}
	return false
}

func appendArgValueJSON(b []byte, key string, v uint64, signed bool) []byte {
	b = append(b, key...)
	if signed {
		return strconv.AppendInt(b, int64(int32(v)), 10)
	}
	return strconv.AppendUint(b, v, 10)
}

// appendRetJSON appends the result a hook gave a call, `,"new":N`, and
// `,"errno":NAME` when it is an error.
func appendRetJSON(b []byte, ret int64) []byte {
	b = append(b, `,"new":`...)
	b = strconv.AppendInt(b, ret, 10)
	if IsError(ret) {
		b = append(b, `,"errno":`...)
		b = appendJSONString(b, errnoText(int(-ret)))
	}
	return b
}

// hookStats accumulates, per hook and rule, the calls hooks changed, and
// the paths the sandbox denied.
type hookStats struct {
	rules      map[hookRule]*HookRow
	order      []hookRule
	violations map[string]*ViolationRow
}

type hookRule struct{ hook, rule string }

func (hs *hookStats) row(hook, rule string) *HookRow {
	if hs.rules == nil {
		hs.rules, hs.violations = map[hookRule]*HookRow{}, map[string]*ViolationRow{}
	}
	k := hookRule{hook, rule}
	r := hs.rules[k]
	if r == nil {
		r = &HookRow{Hook: hook, Rule: rule}
		hs.rules[k] = r
		hs.order = append(hs.order, k)
	}
	return r
}

// call counts a call hooks changed once per hook and once per rule, and
// the sandbox's denials by path.
func (hs *hookStats) call(name string, hooks []format.Event) {
	for i := range hooks {
		h := &hooks[i].Hook
		first := true
		for j := range i {
			if o := &hooks[j].Hook; o.Name == h.Name && o.Rule == h.Rule {
				first = false
			}
		}
		if !first {
			continue
		}
		if !seenBefore(hooks[:i], h.Name) {
			hs.row(h.Name, "").Changed++
		}
		if h.Rule != "" {
			hs.row(h.Name, h.Rule).Changed++
		}
		if h.Name == "sandbox" && h.Op == format.HookSkip && h.Path != "" {
			v := hs.violations[h.Path]
			if v == nil {
				v = &ViolationRow{Path: h.Path}
				hs.violations[h.Path] = v
			}
			v.Count++
			if !slices.Contains(v.Syscalls, name) {
				v.Syscalls = append(v.Syscalls, name)
			}
		}
	}
}

// HookCounts gives the stats the hook counts of the trace's trailer: the
// calls each hook saw while recording.
func (s *Stats) HookCounts(counts []*format.HookCount) {
	for _, c := range counts {
		r := s.hooks.row(c.Hook, c.Rule)
		seen := c.Seen
		r.Seen = &seen
	}
}

// HookRow is one hook, or one of its rules, in trec stats.
type HookRow struct {
	Hook string `json:"hook"`
	// Rule is "" for the hook's total.
	Rule string `json:"rule,omitempty"`
	// Seen is how many calls the hook (or rule) saw while recording, from
	// the trailer: nil for a trace without one.
	Seen *uint64 `json:"seen"`
	// Changed is how many of the calls read it changed.
	Changed uint64 `json:"changed"`
}

// ViolationRow is one path the sandbox denied.
type ViolationRow struct {
	Path     string   `json:"path"`
	Count    uint64   `json:"count"`
	Syscalls []string `json:"syscalls"`
}

// hookRows returns the rows in the order the hooks and rules came, each
// hook's total first.
func (hs *hookStats) hookRows() []HookRow {
	rows := []HookRow{}
	var hooks []string
	for _, k := range hs.order {
		if !slices.Contains(hooks, k.hook) {
			hooks = append(hooks, k.hook)
		}
	}
	for _, h := range hooks {
		rows = append(rows, *hs.row(h, ""))
		for _, k := range hs.order {
			if k.hook == h && k.rule != "" {
				rows = append(rows, *hs.rules[k])
			}
		}
	}
	return rows
}

func (hs *hookStats) violationRows() []ViolationRow {
	rows := make([]ViolationRow, 0, len(hs.violations))
	for _, v := range hs.violations {
		rows = append(rows, *v)
	}
	slices.SortFunc(rows, func(a, b ViolationRow) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Path, b.Path)
	})
	return rows
}

// appendHookSections appends the text sections "hooks" and "sandbox
// violations" when the trace has hooks.
func (r *Report) appendHookSections(b []byte) []byte {
	if len(r.Hooks) > 0 {
		b = append(b, "\nhooks\n"...)
		b = append(b, "     seen   changed hook         rule\n"...)
		for _, h := range r.Hooks {
			seen := "?"
			if h.Seen != nil {
				seen = strconv.FormatUint(*h.Seen, 10)
			}
			b = padLeft(b, seen, 9)
			b = append(b, ' ')
			b = padLeft(b, strconv.FormatUint(h.Changed, 10), 9)
			b = append(b, ' ')
			if h.Rule == "" {
				b = append(b, h.Hook...)
			} else {
				b = padRight(b, h.Hook, 12)
				b = append(b, ' ')
				b = append(b, h.Rule...)
			}
			b = append(b, '\n')
		}
	}
	if len(r.Violations) > 0 {
		b = append(b, "\nsandbox violations\n"...)
		b = append(b, "    count path (syscalls)\n"...)
		for _, v := range r.Violations {
			b = padLeft(b, strconv.FormatUint(v.Count, 10), 9)
			b = append(b, ' ')
			b = append(b, v.Path...)
			b = append(b, " ("...)
			for i, s := range v.Syscalls {
				if i > 0 {
					b = append(b, ", "...)
				}
				b = append(b, s...)
			}
			b = append(b, ")\n"...)
		}
	}
	return b
}
