package replay

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/hook"
)

// report writes what a replay found: each call as it is found, then the
// counts. Text is trec dump's notation; JSON one object whose calls are
// written as they come, so that memory stays flat.
type report struct {
	w        *bufio.Writer
	json     bool
	p        *analyze.Printer
	name     string
	hooks    []string
	recorded []string
	line     []byte
	calls    uint64
	err      error
}

func newReport(out io.Writer, w *analyze.Walker, h *format.Header, opts Options, chain *hook.Chain) *report {
	rp := &report{
		w:        bufio.NewWriterSize(out, 64<<10),
		json:     opts.JSON,
		p:        analyze.NewPrinter(io.Discard, w, h, analyze.DumpOptions{FDPaths: opts.FDPaths, StrLen: opts.StrLen, JSON: opts.JSON}),
		name:     opts.Name,
		recorded: h.GetOptions().GetHooks(),
	}
	for _, hk := range chain.Hooks() {
		if s, ok := hk.(fmt.Stringer); ok {
			rp.hooks = append(rp.hooks, s.String())
		} else {
			rp.hooks = append(rp.hooks, hk.Name())
		}
	}
	return rp
}

func (rp *report) write(b []byte) {
	if rp.err == nil {
		_, rp.err = rp.w.Write(b)
	}
}

// start writes what comes before the calls.
func (rp *report) start() error {
	if !rp.json {
		return nil
	}
	b := append(rp.line[:0], `{"trace":`...)
	b = appendJSON(b, rp.name)
	b = append(b, `,"hooks":`...)
	b = appendJSON(b, nonNil(rp.hooks))
	b = append(b, `,"recorded_hooks":`...)
	b = appendJSON(b, nonNil(rp.recorded))
	b = append(b, `,"calls":[`...)
	rp.line = b
	rp.write(b)
	return rp.err
}

// call writes call c, which the hooks changed or could not decide: th
// holds what they did at its entry, exit what they did at its exit (nil
// when they did not run there), and ret is the result the program would
// have seen before the exit's changes.
func (rp *report) call(c *analyze.Call, th *thread, exit *hook.Decision, ret int64) {
	steps, errs := th.steps, th.errs
	final, newRet := ret, th.skip
	if exit != nil {
		steps = append(steps[:len(steps):len(steps)], exit.Steps...)
		errs = append(errs[:len(errs):len(errs)], exit.Errs...)
		if exit.SetRet {
			final, newRet = exit.Ret, true
		}
	}
	// The call as the program would have seen it: its own arguments, the
	// result the hooks leave it; a skipped call wrote nothing.
	pc := *c
	if c.Exit != nil || th.skip {
		var ex format.Event
		if c.Exit != nil {
			ex = *c.Exit
		} else {
			ex = format.Event{Kind: format.KindSyscallExit, Time: c.EndTime, Tid: c.Tid, Pid: c.Pid, Nr: c.Nr}
		}
		if th.skip {
			ex.Captures = nil
		}
		ex.Ret = final
		pc.Exit = &ex
		pc.Status = analyze.StatusSuccessful
		if analyze.IsError(final) {
			pc.Status = analyze.StatusFailed
		}
	}
	b := rp.line[:0]
	if rp.json {
		if rp.calls > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		start := len(b)
		b = rp.p.AppendCall(b, &pc)
		b = bytes.TrimRight(b, "\n")
		if len(b) > start && b[len(b)-1] == '}' {
			b = b[:len(b)-1]
		}
		b = append(b, `,"hooks":[`...)
		for i := range steps {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, stepJSON(&steps[i]))
		}
		b = append(b, `],"undecidable":[`...)
		for i := range errs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, undecidedJSON{Name: errs[i].Hook, Rule: errs[i].Rule, Reason: errs[i].Err.Error()})
		}
		b = append(b, "]}"...)
	} else {
		b = append(b, "[pid "...)
		for x := int64(10000); x > 1 && int64(c.Tid) < x; x /= 10 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, int64(c.Tid), 10)
		b = append(b, "] "...)
		start := len(b)
		b = rp.p.AppendCall(b, &pc)
		b = bytes.TrimRight(b, "\n")
		if newRet && analyze.IsError(final) {
			// The hooks' note takes the place of the error's
			// description: "= -1 EACCES (sandbox: deny /etc/shadow)".
			if i := bytes.LastIndex(b[start:], []byte(" (")); i >= 0 {
				b = b[:start+i]
			}
		}
		b = append(b, " ("...)
		b = appendNotes(b, steps, errs)
		b = append(b, ")\n"...)
	}
	rp.calls++
	rp.line = b
	rp.write(b)
}

// appendNotes appends what the hooks did, a group per hook and rule:
// "sandbox: deny /etc/shadow", "redirect-fd: 1:2: fd 1 => 2",
// "sandbox: undecidable: ...".
func appendNotes(b []byte, steps, errs []hook.Step) []byte {
	first := true
	sep := func() {
		if !first {
			b = append(b, "; "...)
		}
		first = false
	}
	for i := 0; i < len(steps); {
		s := &steps[i]
		sep()
		b = append(b, s.Hook...)
		if s.Rule != "" {
			b = append(b, ": "...)
			b = append(b, s.Rule...)
		}
		if s.Path != "" && !strings.HasSuffix(s.Rule, s.Path) {
			b = append(b, ": "...)
			b = append(b, s.Path...)
		}
		sub := false
		for ; i < len(steps) && steps[i].Hook == s.Hook && steps[i].Rule == s.Rule; i++ {
			if d := stepText(&steps[i]); d != "" {
				if sub {
					b = append(b, ", "...)
				} else {
					b = append(b, ": "...)
				}
				sub = true
				b = append(b, d...)
			}
		}
	}
	for i := range errs {
		sep()
		b = append(b, errs[i].Hook...)
		b = append(b, " undecidable: "...)
		b = append(b, errs[i].Err.Error()...)
	}
	return b
}

// stepText describes a change the call's line does not show.
func stepText(s *hook.Step) string {
	switch s.Op {
	case hook.OpSetArg:
		if s.NewData != nil {
			return fmt.Sprintf("arg %d %s => %s", s.Arg, analyze.Quote(s.OldData, false), analyze.Quote(trimNUL(s.NewData), false))
		}
		return fmt.Sprintf("arg %d %s => %s", s.Arg, rawText(s.Old), rawText(s.New))
	case hook.OpSetRet:
		return "result " + retText(int64(s.Old)) + " => " + retText(int64(s.New))
	case hook.OpDelay:
		return "delay " + time.Duration(s.New).String()
	case hook.OpSignal:
		return "signal " + unix.SignalName(syscall.Signal(s.New))
	}
	return ""
}

// rawText prints a register: signed when it reads as a negative int (an
// fd such as AT_FDCWD), else unsigned, in hex when large.
func rawText(v uint64) string {
	switch n := int64(v); {
	case n < 0 && n >= -1<<31:
		return strconv.FormatInt(n, 10)
	case v < 1<<20:
		return strconv.FormatUint(v, 10)
	}
	return "0x" + strconv.FormatUint(v, 16)
}

func retText(ret int64) string {
	if analyze.IsError(ret) {
		return "-1 " + errnoName(-ret)
	}
	return strconv.FormatInt(ret, 10)
}

func errnoName(e int64) string {
	if n := unix.ErrnoName(syscall.Errno(e)); n != "" {
		return n
	}
	return strconv.FormatInt(e, 10)
}

func trimNUL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == 0 {
		return b[:n-1]
	}
	return b
}

// stepJSONObj is a hook's change as format/JSON.md's convention 11 has it.
type stepJSONObj struct {
	Name    string `json:"name"`
	Rule    string `json:"rule"`
	Action  string `json:"action"`
	Stop    string `json:"stop"`
	Path    string `json:"path,omitempty"`
	Arg     *int   `json:"arg,omitempty"`
	Old     any    `json:"old,omitempty"`
	New     any    `json:"new,omitempty"`
	Errno   string `json:"errno,omitempty"`
	DelayNs int64  `json:"delay_ns,omitempty"`
	Signal  string `json:"signal,omitempty"`
	Signo   int    `json:"signo,omitempty"`
}

func stepJSON(s *hook.Step) stepJSONObj {
	o := stepJSONObj{Name: s.Hook, Rule: s.Rule, Path: s.Path, Stop: "entry"}
	if s.Exit {
		o.Stop = "exit"
	}
	switch s.Op {
	case hook.OpSkip:
		o.Action, o.New = "return", int64(s.New)
		if analyze.IsError(int64(s.New)) {
			o.Action, o.Errno = "fail", errnoName(-int64(s.New))
		}
	case hook.OpSetArg:
		o.Action, o.Arg = "set_arg", &s.Arg
		o.Old, o.New = rawJSON(s.Old), rawJSON(s.New)
		if s.NewData != nil {
			o.Old, o.New = dataJSON(s.OldData), dataJSON(trimNUL(s.NewData))
		}
	case hook.OpSetRet:
		o.Action, o.Old, o.New = "set_ret", int64(s.Old), int64(s.New)
		if analyze.IsError(int64(s.New)) {
			o.Errno = errnoName(-int64(s.New))
		}
	case hook.OpDelay:
		o.Action, o.DelayNs = "delay", int64(s.New)
	case hook.OpSignal:
		o.Action, o.Signal, o.Signo = "signal", unix.SignalName(syscall.Signal(s.New)), int(s.New)
	}
	return o
}

// rawJSON is a register as a JSON number: signed when it reads as a
// negative int, else unsigned.
func rawJSON(v uint64) any {
	if n := int64(v); n < 0 && n >= -1<<31 {
		return n
	}
	return v
}

// dataJSON is memory as format/JSON.md has it: a string when it is valid
// UTF-8, else {"base64": ...}.
func dataJSON(d []byte) any {
	if utf8.Valid(d) {
		return string(d)
	}
	return map[string]string{"base64": base64.StdEncoding.EncodeToString(d)}
}

type undecidedJSON struct {
	Name   string `json:"name"`
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
}

type countJSON struct {
	Hook        string  `json:"hook"`
	Rule        *string `json:"rule"`
	Seen        uint64  `json:"seen"`
	Changed     uint64  `json:"changed"`
	Undecidable uint64  `json:"undecidable"`
}

func appendJSON(b []byte, v any) []byte {
	j, err := json.Marshal(v)
	if err != nil {
		// Every value written is made of strings and numbers.
		panic(err)
	}
	return append(b, j...)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// finish writes the counts and flushes.
func (rp *report) finish(res *Result) error {
	b := rp.line[:0]
	if rp.json {
		b = append(b, "\n],\"changed\":"...)
		b = strconv.AppendUint(b, res.Changed, 10)
		b = append(b, `,"undecidable":`...)
		b = strconv.AppendUint(b, res.Undecidable, 10)
		b = append(b, `,"seen":`...)
		b = strconv.AppendUint(b, res.Seen, 10)
		b = append(b, `,"incomplete":`...)
		b = appendJSON(b, nonNil(res.Incomplete))
		b = append(b, `,"summary":[`...)
		for i, c := range res.Counts {
			if i > 0 {
				b = append(b, ',')
			}
			cj := countJSON{Hook: c.Hook, Seen: c.Seen, Changed: c.Changed, Undecidable: c.Undecided}
			if c.Rule != "" {
				cj.Rule = &c.Rule
			}
			b = appendJSON(b, cj)
		}
		b = append(b, "]}\n"...)
		rp.write(b)
	} else {
		rp.write(rp.summary(b, res))
	}
	if rp.err == nil {
		rp.err = rp.w.Flush()
	}
	return rp.err
}

// summary appends the text report's end: a table of the hooks' counts,
// what the trace lacks, and one line that sums up.
func (rp *report) summary(b []byte, res *Result) []byte {
	if rp.calls > 0 {
		b = append(b, '\n')
	}
	hw, rw := len("hook"), len("rule")
	for _, c := range res.Counts {
		hw, rw = max(hw, len(c.Hook)), max(rw, len(ruleText(c)))
	}
	row := func(b []byte, hk, rule, seen, changed, undec string) []byte {
		return fmt.Appendf(b, "%-*s  %-*s  %8s  %8s  %11s\n", hw, hk, rw, rule, seen, changed, undec)
	}
	b = row(b, "hook", "rule", "seen", "changed", "undecidable")
	for _, c := range res.Counts {
		u := func(n uint64) string { return strconv.FormatUint(n, 10) }
		b = row(b, c.Hook, ruleText(c), u(c.Seen), u(c.Changed), u(c.Undecided))
	}
	for _, s := range res.Incomplete {
		b = append(b, "incomplete: "...)
		b = append(b, s...)
		b = append(b, '\n')
	}
	return fmt.Appendf(b, "trec replay: %s changed, %d undecidable, of %s the hooks saw\n",
		plural(res.Changed, "call"), res.Undecidable, plural(res.Seen, "call"))
}

func ruleText(c hook.Count) string {
	if c.Rule == "" {
		return "(all)"
	}
	return c.Rule
}

func plural(n uint64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.FormatUint(n, 10) + " " + word + "s"
}

// abort flushes what was written before a failure.
func (rp *report) abort() {
	if rp.err == nil {
		rp.err = rp.w.Flush()
	}
}
