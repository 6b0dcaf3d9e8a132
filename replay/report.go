package replay

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/hook"
	"github.com/trecdev/trec/record"
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
	recs     []format.Event
	calls    uint64
	err      error
}

func newReport(out io.Writer, w *analyze.Walker, h *format.Header, opts Options, chain *hook.Chain) *report {
	rp := &report{
		w:        bufio.NewWriterSize(out, 64<<10),
		json:     opts.Print.JSON,
		p:        analyze.NewPrinter(io.Discard, w, h, opts.Print),
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
	final := ret
	if exit != nil {
		steps = append(steps[:len(steps):len(steps)], exit.Steps...)
		errs = append(errs[:len(errs):len(errs)], exit.Errs...)
		if exit.SetRet {
			final = exit.Ret
		}
	}
	// The call as the program would have seen it, with what the hooks
	// did as the hook records trec dump prints: its own arguments and
	// the new ones beside them, the result the hooks leave it; a skipped
	// call wrote nothing.
	pc := *c
	pc.Hooks = rp.recs[:0]
	for i := range steps {
		pc.Hooks = append(pc.Hooks, hookRecord(c, &steps[i]))
	}
	rp.recs = pc.Hooks
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
		if len(pc.Hooks) == 0 {
			b = append(b, `,"hooks":[]`...)
		}
		b = append(b, `,"undecidable":[`...)
		for i := range errs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, undecidedJSON{Name: errs[i].Hook, Rule: errs[i].Rule, Reason: errs[i].Err.Error()})
		}
		b = append(b, "]}"...)
	} else {
		b = rp.p.AppendLine(b, &pc)
		b = bytes.TrimRight(b, "\n")
		for i := range errs {
			b = append(b, " ("...)
			b = append(b, errs[i].Hook...)
			b = append(b, " undecidable: "...)
			b = append(b, errs[i].Err.Error()...)
			b = append(b, ')')
		}
		b = append(b, '\n')
	}
	rp.calls++
	rp.line = b
	rp.write(b)
}

// hookRecord is a change a hook of the replay made to call c, as the hook
// record trec record would have written for it.
func hookRecord(c *analyze.Call, s *hook.Step) format.Event {
	return format.Event{Kind: format.KindHook, Time: c.Start(), Tid: c.Tid, Pid: c.Pid, Nr: c.Nr, Hook: record.HookRecord(s)}
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

// summary appends the text report's end: the hooks' counts, laid out as
// trec stats lays out a recording's, what the trace lacks, and one line
// that sums up.
func (rp *report) summary(b []byte, res *Result) []byte {
	if rp.calls > 0 {
		b = append(b, '\n')
	}
	b = append(b, "hooks\n     seen   changed undecidable hook         rule\n"...)
	for _, c := range res.Counts {
		b = fmt.Appendf(b, "%9d %9d %11d ", c.Seen, c.Changed, c.Undecided)
		if c.Rule == "" {
			b = append(b, c.Hook...)
		} else {
			b = fmt.Appendf(b, "%-12s %s", c.Hook, c.Rule)
		}
		b = append(b, '\n')
	}
	for _, s := range res.Incomplete {
		b = append(b, "incomplete: "...)
		b = append(b, s...)
		b = append(b, '\n')
	}
	return fmt.Appendf(b, "trec replay: %s changed, %d undecidable, of %s the hooks saw\n",
		plural(res.Changed, "call"), res.Undecidable, plural(res.Seen, "call"))
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
