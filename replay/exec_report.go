package replay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
)

// Divergence is where a re-execution stopped matching its recording.
type Divergence struct {
	// Event is the number of the recorded event at which the program
	// diverged (counted from 1), 0 when there is none (the program went
	// on past the recording's end).
	Event uint64
	// Pid and Tid are the recorded ids of the thread that diverged, 0
	// when unknown.
	Pid, Tid int32
	// Reason says what differs.
	Reason string
	// Recorded is the recorded event, and for a call its exit when it
	// returned; Live what the program did instead, nil when the
	// divergence is not about one of its stops.
	Recorded []format.Event
	Live     *format.Event
	// Before are the thread's last recorded calls before it, oldest
	// first, each its enter and, when it returned, its exit.
	Before [][]format.Event
}

// diverge stops the replay at a divergence of thread l (nil when none)
// at recorded event r (nil at the end of the recording); live is what l
// did instead.
func (e *engine) diverge(l *lthread, r *rec, live *format.Event, reason string) {
	if e.ended {
		return
	}
	e.ended = true
	d := &Divergence{Reason: reason}
	if r != nil {
		d.Event, d.Pid, d.Tid = r.seq, r.ev.Pid, r.ev.Tid
		if r.ev.Kind == format.KindSyscallExit && l != nil && l.call != nil && l.call.enter != nil {
			d.Recorded = append(d.Recorded, l.call.enter.ev.Copy())
		}
		d.Recorded = append(d.Recorded, r.ev.Copy())
		if r.ev.Kind == format.KindSyscallEnter && l != nil {
			if x := e.nth(l.rtid, 1); x != nil && x.ev.Kind == format.KindSyscallExit && x.ev.Nr == r.ev.Nr {
				d.Recorded = append(d.Recorded, x.ev.Copy())
			}
		}
	}
	if l != nil {
		if d.Tid == 0 {
			d.Pid, d.Tid = l.rpid, l.rtid
		}
		for _, c := range l.recent {
			call := []format.Event{c.enter.ev.Copy()}
			if c.exit != nil {
				call = append(call, c.exit.ev.Copy())
			}
			d.Before = append(d.Before, call)
		}
	}
	if live != nil {
		c := live.Copy()
		d.Live = &c
	}
	e.res.Divergence = d
	e.ctl.Kill(errDiverged)
}

// divergeKind stops the replay where a thread made a stop of another kind
// than its next recorded event, or one the recording does not have.
func (e *engine) divergeKind(l *lthread, r *rec, live *format.Event) {
	what := "the program made a different call"
	switch {
	case r == nil && e.cut:
		what = "the recording was cut short here"
	case r == nil:
		what = "the recording has nothing more from this thread"
	case live.Kind != r.ev.Kind:
		what = fmt.Sprintf("the program made a %s event where the recording has a %s event", kindWord(live.Kind), kindWord(r.ev.Kind))
	}
	e.diverge(l, r, live, what)
}

func kindWord(k format.Kind) string {
	switch k {
	case format.KindSyscallEnter:
		return "syscall"
	case format.KindSyscallExit:
		return "syscall exit"
	case format.KindExit:
		return "thread end"
	}
	return k.String()
}

// WriteText prints the divergence for a person: what differs, the
// recorded call and the live one in trec dump's notation, and the calls of
// the thread before it.
func (d *Divergence) WriteText(w io.Writer, h *format.Header) error {
	var b bytes.Buffer
	b.WriteString("trec: replay diverged")
	if d.Event > 0 {
		fmt.Fprintf(&b, " at event %d", d.Event)
	}
	if d.Tid != 0 {
		fmt.Fprintf(&b, ", pid %d", d.Pid)
		if d.Tid != d.Pid {
			fmt.Fprintf(&b, " thread %d", d.Tid)
		}
	}
	fmt.Fprintf(&b, ": %s\n", d.Reason)
	f, err := newFormatter(h, false)
	if err != nil {
		return err
	}
	if len(d.Recorded) > 0 {
		fmt.Fprintf(&b, "  recorded: %s", f.line(d.Recorded))
	}
	if d.Live != nil {
		fmt.Fprintf(&b, "  live:     %s", entered(f.line([]format.Event{*d.Live})))
	}
	if len(d.Before) > 0 {
		b.WriteString("  before it, in this thread:\n")
		for _, c := range d.Before {
			fmt.Fprintf(&b, "            %s", f.line(c))
		}
	}
	_, err = w.Write(b.Bytes())
	return err
}

// WriteJSON prints the result as one JSON object: "diverged", "events",
// "served" and "ran", "exit_status" when the program ran to its end,
// "stopped" (the pids Until left stopped) and, when it diverged,
// "divergence" with "event", "pid",
// "tid", "reason", and "recorded", "live" and "before" as trec dump
// --json's objects.
func (r *ExecResult) WriteJSON(w io.Writer, h *format.Header) error {
	f, err := newFormatter(h, true)
	if err != nil {
		return err
	}
	type divergence struct {
		Event    uint64            `json:"event,omitempty"`
		Pid      int32             `json:"pid,omitempty"`
		Tid      int32             `json:"tid,omitempty"`
		Reason   string            `json:"reason"`
		Recorded json.RawMessage   `json:"recorded,omitempty"`
		Live     json.RawMessage   `json:"live,omitempty"`
		Before   []json.RawMessage `json:"before"`
	}
	obj := struct {
		Diverged   bool        `json:"diverged"`
		ExitStatus *int        `json:"exit_status,omitempty"`
		Events     uint64      `json:"events"`
		Served     uint64      `json:"served"`
		Ran        uint64      `json:"ran"`
		Stopped    []int       `json:"stopped,omitempty"`
		Divergence *divergence `json:"divergence,omitempty"`
	}{Events: r.Events, Served: r.Served, Ran: r.Ran, Stopped: r.Stopped}
	if r.Divergence == nil && r.Stopped == nil {
		obj.ExitStatus = &r.ExitStatus
	}
	if d := r.Divergence; d != nil {
		obj.Diverged = true
		obj.Divergence = &divergence{Event: d.Event, Pid: d.Pid, Tid: d.Tid, Reason: d.Reason, Before: []json.RawMessage{}}
		if len(d.Recorded) > 0 {
			obj.Divergence.Recorded = f.object(d.Recorded)
		}
		if d.Live != nil {
			obj.Divergence.Live = f.object([]format.Event{*d.Live})
		}
		for _, c := range d.Before {
			obj.Divergence.Before = append(obj.Divergence.Before, f.object(c))
		}
	}
	return json.NewEncoder(w).Encode(obj)
}

// entered turns the line of a call that has not returned, which ends in
// " <unfinished ...>) = ?", into the call alone.
func entered(line []byte) []byte {
	const cut = " <unfinished ...>)"
	i := bytes.Index(line, []byte(cut))
	if i < 0 || !bytes.HasSuffix(bytes.TrimRight(line, "\n"), []byte("= ?")) {
		return line
	}
	call := bytes.TrimRight(line[:i:i], ", ")
	return append(append(call, ')'), '\n')
}

// formatter prints recorded events one call at a time, as trec dump does.
type formatter struct {
	h    *format.Header
	json bool
}

func newFormatter(h *format.Header, asJSON bool) (*formatter, error) {
	if _, err := analyze.TableFor(h); err != nil {
		return nil, err
	}
	return &formatter{h: h, json: asJSON}, nil
}

// line returns the events of one call (its enter and maybe its exit) or
// one other event, as dump prints them, ending in a newline.
func (f *formatter) line(evs []format.Event) []byte {
	var out bytes.Buffer
	w, _ := analyze.NewWalker(f.h, nil, analyze.WalkerOptions{})
	p := analyze.NewPrinter(&out, w, f.h, analyze.DumpOptions{JSON: f.json})
	v := &lineVisitor{p: p}
	for i := range evs {
		w.Step(&evs[i], v)
	}
	w.Finish(v)
	p.Flush()
	if len(v.line) == 0 {
		v.line = out.Bytes()
	}
	if len(v.line) == 0 {
		return []byte(strconv.Quote(evs[0].Kind.String()) + "\n")
	}
	return v.line
}

// object returns line's JSON object, without its newline.
func (f *formatter) object(evs []format.Event) json.RawMessage {
	return json.RawMessage(bytes.TrimSpace(f.line(evs)))
}

// lineVisitor keeps the line of the call the walker passes; other events
// go to the printer.
type lineVisitor struct {
	p    *analyze.Printer
	line []byte
}

func (v *lineVisitor) SyscallEnter(*analyze.Call) {}

func (v *lineVisitor) SyscallExit(c *analyze.Call) { v.line = v.p.AppendCall(v.line[:0], c) }

func (v *lineVisitor) Event(e *format.Event) { v.p.Event(e) }
