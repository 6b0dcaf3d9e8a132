package analyze

import (
	"strconv"
	"unicode/utf8"

	"github.com/trecdev/trec/format"
)

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes
// U+FFFD, as encoding/json does.
func appendJSONString[T string | []byte](b []byte, s T) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(string(s[i:min(len(s), i+utf8.UTFMax)]))
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// statusName returns the -e status= name of st.
func statusName(st Status) string {
	for _, n := range statusNames {
		if n.st == st {
			return n.name
		}
	}
	return "unknown"
}

// appendCallJSON appends one JSON Lines object for call c: its time, ids,
// name, each argument raw and decoded, the result and duration.
func (p *Printer) appendCallJSON(b []byte, c *Call) []byte {
	b = append(b, `{"type":"syscall","time_ns":`...)
	b = strconv.AppendInt(b, c.Start(), 10)
	b = append(b, `,"pid":`...)
	b = strconv.AppendInt(b, int64(c.Pid), 10)
	b = append(b, `,"process_start_ns":`...)
	b = strconv.AppendInt(b, c.Proc.Start, 10)
	b = append(b, `,"tid":`...)
	b = strconv.AppendInt(b, int64(c.Tid), 10)
	b = append(b, `,"nr":`...)
	b = strconv.AppendInt(b, int64(c.Nr), 10)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, c.Name)
	b = append(b, `,"args":[`...)
	if c.Enter != nil {
		n, _ := p.dec.layout(c)
		for i := 0; i < n; i++ {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			if c.Sys != nil && i < len(c.Sys.Args) {
				b = appendJSONString(b, c.Sys.Args[i].Name)
			} else {
				b = append(b, `"arg`...)
				b = strconv.AppendInt(b, int64(i), 10)
				b = append(b, '"')
			}
			b = append(b, `,"raw":`...)
			b = strconv.AppendUint(b, c.Enter.Args[i], 10)
			b = append(b, `,"value":`...)
			p.scratch = p.dec.appendArg(p.scratch[:0], c, i)
			b = appendJSONString(b, p.scratch)
			b = append(b, '}')
		}
		if c.Name == "clone" || c.Name == "clone3" {
			// The decoded form folds several raw arguments into one.
			b = append(b, `],"raw_args":[`...)
			for i, a := range c.Enter.Args {
				if i > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendUint(b, a, 10)
			}
		}
	}
	b = append(b, ']')
	if c.Exit != nil {
		b = append(b, `,"ret":`...)
		b = strconv.AppendInt(b, c.Exit.Ret, 10)
		if IsError(c.Exit.Ret) {
			b = append(b, `,"errno":`...)
			b = appendJSONString(b, ErrnoName(int(-c.Exit.Ret)))
		}
		b = append(b, `,"duration_ns":`...)
		b = strconv.AppendInt(b, c.Duration(), 10)
	}
	b = append(b, `,"result":`...)
	p.scratch = p.dec.appendRet(p.scratch[:0], c)
	b = appendJSONString(b, p.scratch)
	b = append(b, `,"status":"`...)
	b = append(b, statusName(c.Status)...)
	return append(b, "\"}\n"...)
}

var cloneKindNames = [...]string{"unknown", "fork", "vfork", "process", "thread"}

// appendEventJSON appends one JSON Lines object for an event that is not a
// syscall; ok is false for events that have none.
func (p *Printer) appendEventJSON(b []byte, e *format.Event) ([]byte, bool) {
	proc := p.dec.w.Process(eventPid(e))
	b = append(b, `{"type":`...)
	b = appendJSONString(b, e.Kind.String())
	b = append(b, `,"time_ns":`...)
	b = strconv.AppendInt(b, e.Time, 10)
	b = append(b, `,"pid":`...)
	b = strconv.AppendInt(b, int64(proc.Pid), 10)
	b = append(b, `,"process_start_ns":`...)
	b = strconv.AppendInt(b, proc.Start, 10)
	b = append(b, `,"tid":`...)
	b = strconv.AppendInt(b, int64(e.Tid), 10)
	switch e.Kind {
	case format.KindSignal, format.KindStop:
		b = append(b, `,"signal":`...)
		b = appendJSONString(b, SignalName(e.Signal.Signo))
		b = append(b, `,"signo":`...)
		b = strconv.AppendInt(b, int64(e.Signal.Signo), 10)
		if e.Kind == format.KindSignal {
			b = append(b, `,"code":`...)
			b = strconv.AppendInt(b, int64(e.Signal.Code), 10)
			b = append(b, `,"sender_pid":`...)
			b = strconv.AppendInt(b, int64(e.Signal.SenderPid), 10)
			b = append(b, `,"siginfo":`...)
			b = appendJSONString(b, appendSiginfo(nil, &e.Signal))
		}
	case format.KindClone:
		b = append(b, `,"child":`...)
		b = strconv.AppendInt(b, int64(e.Clone.Child), 10)
		b = append(b, `,"kind":`...)
		k := "unknown"
		if int(e.Clone.Kind) < len(cloneKindNames) {
			k = cloneKindNames[e.Clone.Kind]
		}
		b = appendJSONString(b, k)
		b = append(b, `,"flags":`...)
		b = appendJSONString(b, appendCloneFlags(nil, e.Clone.Flags))
	case format.KindExec:
		b = append(b, `,"path":`...)
		b = appendJSONString(b, e.Exec.Path)
		b = append(b, `,"argv":[`...)
		for i, a := range e.Exec.Argv {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, a)
		}
		b = append(b, ']')
		if e.Exec.OldTid != 0 {
			b = append(b, `,"old_tid":`...)
			b = strconv.AppendInt(b, int64(e.Exec.OldTid), 10)
		}
	case format.KindExit:
		b = append(b, `,"code":`...)
		b = strconv.AppendInt(b, int64(e.Exit.Code), 10)
		if e.Exit.Signal != 0 {
			b = append(b, `,"signal":`...)
			b = appendJSONString(b, SignalName(e.Exit.Signal))
		}
		b = append(b, `,"core_dumped":`...)
		b = strconv.AppendBool(b, e.Exit.CoreDumped)
		b = append(b, `,"thread":`...)
		b = strconv.AppendBool(b, e.Exit.Thread)
		b = append(b, `,"status":`...)
		b = strconv.AppendInt(b, int64(e.Exit.Status()), 10)
	case format.KindHook:
		b = append(b, `,"name":`...)
		b = appendJSONString(b, e.Hook.Name)
		b = append(b, `,"nr":`...)
		b = strconv.AppendInt(b, int64(e.Nr), 10)
		b = append(b, `,"op":`...)
		b = strconv.AppendInt(b, int64(e.Hook.Op), 10)
		b = append(b, `,"arg":`...)
		b = strconv.AppendInt(b, int64(e.Hook.Arg), 10)
		b = append(b, `,"old_value":`...)
		b = strconv.AppendUint(b, e.Hook.OldValue, 10)
		b = append(b, `,"new_value":`...)
		b = strconv.AppendUint(b, e.Hook.NewValue, 10)
	default:
		return b, false
	}
	return append(b, "}\n"...), true
}
