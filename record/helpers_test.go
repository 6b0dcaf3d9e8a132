package record

import (
	"strings"
	"testing"

	"github.com/trecdev/trec/format"
)

// call is a syscall's enter event and its exit event, when there was one.
type call struct {
	enter, exit *format.Event
	// enterIdx and exitIdx are the events' positions in the trace; exitIdx
	// is -1 without an exit.
	enterIdx, exitIdx int
}

// calls pairs the enter and exit events of the syscall named name.
func (r *recording) calls(name string) []call {
	nr := r.nr(name)
	var out []call
	open := map[int32]int{} // tid -> index in out
	for i := range r.events {
		e := &r.events[i]
		switch {
		case e.Kind == format.KindSyscallEnter && e.Nr == nr:
			open[e.Tid] = len(out)
			out = append(out, call{enter: e, enterIdx: i, exitIdx: -1})
		case e.Kind == format.KindSyscallExit && e.Nr == nr:
			if j, ok := open[e.Tid]; ok {
				out[j].exit, out[j].exitIdx = e, i
				delete(open, e.Tid)
			}
		case e.Kind == format.KindSyscallEnter || e.Kind == format.KindExit:
			delete(open, e.Tid)
		}
	}
	return out
}

// kind returns the events of one kind.
func (r *recording) kind(k format.Kind) []*format.Event {
	var out []*format.Event
	for i := range r.events {
		if r.events[i].Kind == k {
			out = append(out, &r.events[i])
		}
	}
	return out
}

// index returns the position of e in the trace.
func (r *recording) index(e *format.Event) int {
	for i := range r.events {
		if &r.events[i] == e {
			return i
		}
	}
	return -1
}

// exitOf returns the exit event of tid, or nil.
func (r *recording) exitOf(tid int32) *format.Event {
	for _, e := range r.kind(format.KindExit) {
		if e.Tid == tid {
			return e
		}
	}
	return nil
}

// capture returns the data of e's capture of argument arg, and whether
// there was one.
func capture(e *format.Event, arg int) ([]byte, bool) {
	for _, c := range e.Captures {
		if int(c.Arg) == arg && c.Index == 0 {
			return c.Data, true
		}
	}
	return nil, false
}

// initialPid is the pid of the traced program: the tid of the first exec.
func (r *recording) initialPid(t *testing.T) int32 {
	t.Helper()
	ex := r.kind(format.KindExec)
	if len(ex) == 0 {
		t.Fatalf("no exec event\n%s", r.dump())
	}
	return ex[0].Pid
}

// writes returns the bytes written to fd by tids accepted by keep, in
// trace order, as captured.
func (r *recording) writes(fd uint64, keep func(tid int32) bool) string {
	var b strings.Builder
	for _, c := range r.calls("write") {
		if c.enter.Args[0] == fd && (keep == nil || keep(c.enter.Tid)) {
			d, _ := capture(c.enter, 1)
			b.Write(d)
		}
	}
	return b.String()
}

func wantStdout(t *testing.T, r *recording, want string) {
	t.Helper()
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
}
