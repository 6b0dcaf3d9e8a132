package table

import (
	"path"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
)

// process is what the table says of one process: a pid and a lifetime.
type process struct {
	// start is the time of its first event: the clone that created it,
	// or its first event in the trace.
	start int64
	// ppid is the process that created it, 0 when the trace does not say.
	ppid int32
	// comm is the base name of the program it runs, "" when unknown.
	comm string
}

// processes follows the processes of one trace. An event changes them
// once the walker has passed it on, at the next event: a process that
// exited is forgotten then (its last rows still find it, and a later
// process with the same pid is a new one), and an exec renames its process
// then (the calls its exec ended keep the old program's name).
type processes struct {
	m       map[int32]*process
	lastPid int32
	last    *process
	// ended is the process whose exit was the previous event.
	ended    *process
	endedPid int32
	// execed is the process whose exec was the previous event, and comm
	// the name of the program it runs now.
	execed  *process
	comm    string
	signals map[int32]string
}

func newProcesses() processes {
	return processes{m: map[int32]*process{}, lastPid: -1, signals: map[int32]string{}}
}

// get returns process pid, first seen at time t.
func (ps *processes) get(pid int32, t int64) *process {
	if pid == ps.lastPid {
		return ps.last
	}
	p := ps.m[pid]
	if p == nil {
		p = &process{start: t}
		ps.m[pid] = p
	}
	ps.lastPid, ps.last = pid, p
	return p
}

// observe applies event e to the processes.
func (ps *processes) observe(e *format.Event) {
	if ps.ended != nil {
		if ps.m[ps.endedPid] == ps.ended {
			delete(ps.m, ps.endedPid)
			ps.lastPid = -1
		}
		ps.ended = nil
	}
	if ps.execed != nil {
		ps.execed.comm = ps.comm
		ps.execed = nil
	}
	pid := e.Pid
	if pid == 0 {
		pid = e.Tid
	}
	p := ps.get(pid, e.Time)
	switch e.Kind {
	case format.KindClone:
		if e.Clone.Kind != format.CloneThread && e.Clone.Child != pid {
			ps.m[e.Clone.Child] = &process{start: e.Time, ppid: pid, comm: p.comm}
			ps.lastPid = -1
		}
	case format.KindExec:
		ps.execed, ps.comm = p, comm(e)
	case format.KindAttach:
		// The program of a process an attached recording began with.
		if e.Exec.Path != "" {
			ps.execed, ps.comm = p, comm(e)
		}
	case format.KindExit:
		if !e.Exit.Thread {
			ps.ended, ps.endedPid = p, pid
		}
	}
}

// comm is the name exec event e gives its process.
func comm(e *format.Event) string { return path.Base(e.Exec.Path) }

// signalName names signal signo, once per signal.
func (ps *processes) signalName(signo int32) string {
	s, ok := ps.signals[signo]
	if !ok {
		s = analyze.SignalName(signo)
		ps.signals[signo] = s
	}
	return s
}

// watchedSource shows every event of a source to a process table.
type watchedSource struct {
	src   analyze.EventSource
	procs *processes
}

// Next implements analyze.EventSource.
func (s *watchedSource) Next() (*format.Event, error) {
	e, err := s.src.Next()
	if err == nil {
		s.procs.observe(e)
	}
	return e, err
}
