//go:build linux

package record

import (
	"bytes"
	"slices"
	"strconv"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// A thread's /proc status file (/proc/PID/status for a thread group's
// leader, /proc/PID/task/TID/status for any thread) shows its CPU mask in
// Cpus_allowed and Cpus_allowed_list, which some runtimes and libraries
// (libnuma, for one) read instead of calling sched_getaffinity. The kernel
// writes the file's text when it is read, from the mask the thread has
// then. So while a traced thread reads the status file of a thread trec
// keeps on its CPU, that thread has the mask it would have had without
// trec: the text is what it would be, whatever the reader's buffer,
// offsets and later reads. The files are recognized by what their fds
// link to, which the recorder reads at every call that returns an fd.

// statusFD is an open status file: fd of process pid shows thread target.
type statusFD struct{ pid, fd, target int }

// fdArg names a syscall that reads from an fd, and the argument that holds
// it.
type fdArg struct{ nr, arg int }

// closeNrs are the syscalls after which a process no longer has an fd it
// had, or after which fds are not what they were.
type closeNrs struct{ close, closeRange, dup2, dup3, execve, execveat int }

// initStatus finds the syscall numbers statusEnter and statusExit look
// for.
func (p *placement) initStatus(table *sysent.Table) {
	nr := func(name string) int {
		if sc, ok := table.ByName(name); ok {
			return sc.Nr
		}
		return -1
	}
	for _, r := range []struct {
		name string
		arg  int
	}{{"read", 0}, {"pread64", 0}, {"readv", 0}, {"preadv", 0}, {"preadv2", 0}, {"sendfile", 1}, {"splice", 0}, {"copy_file_range", 0}} {
		if n := nr(r.name); n >= 0 {
			p.readers = append(p.readers, fdArg{n, r.arg})
		}
	}
	p.closers = closeNrs{nr("close"), nr("close_range"), nr("dup2"), nr("dup3"), nr("execve"), nr("execveat")}
}

// statusOpened notes fd, just returned to th, when it is the status file
// of a traced thread: the last capture is what fd links to.
func (t *tracer) statusOpened(th *thread, fd int64) {
	p := &t.place
	if p.cpu < 0 {
		return
	}
	caps := t.cap.caps
	if len(caps) == 0 || caps[len(caps)-1].Kind != format.CaptureFD || int64(caps[len(caps)-1].Index) != fd {
		return
	}
	s := t.cap.spans[len(caps)-1]
	target, ok := statusTarget(t.cap.arena[s.off : s.off+s.n])
	if !ok || t.threads.get(target) == nil {
		return
	}
	p.dropFD(th.pid, int(fd))
	p.status = append(p.status, statusFD{th.pid, int(fd), target})
}

// statusTarget returns the thread whose status file path is, if it is one:
// /proc/PID/status or /proc/PID/task/TID/status.
func statusTarget(path []byte) (int, bool) {
	rest, ok := bytes.CutPrefix(path, []byte("/proc/"))
	if !ok {
		return 0, false
	}
	id, rest, ok := leadingNumber(rest)
	if !ok || id <= 0 {
		return 0, false
	}
	if task, ok := bytes.CutPrefix(rest, []byte("/task/")); ok {
		if id, rest, ok = leadingNumber(task); !ok || id <= 0 {
			return 0, false
		}
	}
	return int(id), string(rest) == "/status"
}

// leadingNumber parses the decimal number b starts with, and returns the
// rest of b.
func leadingNumber(b []byte) (int64, []byte, bool) {
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(string(b[:i]), 10, 64)
	return n, b[i:], err == nil
}

// statusEnter gives a thread trec keeps on its CPU the mask it would have
// had while th reads its status file.
func (t *tracer) statusEnter(th *thread) {
	p := &t.place
	for _, r := range p.readers {
		if th.nr != r.nr {
			continue
		}
		fd := int(int32(th.args[r.arg]))
		i := slices.IndexFunc(p.status, func(s statusFD) bool { return s.pid == th.pid && s.fd == fd })
		if i < 0 {
			return
		}
		target := t.threads.get(p.status[i].target)
		if target == nil || !p.hidden(target) || target.pl.shown || th.pl.window != 0 {
			return
		}
		if is, _ := p.maskIs(target, p.kept(target)); is && setaffinity(target.tid, p.visible(target)) == nil {
			target.pl.shown, th.pl.window = true, target.tid
			p.windows++
		}
		return
	}
}

// statusExit ends the read statusEnter began, and forgets the status fds
// th's call closed.
func (t *tracer) statusExit(th *thread, failed bool) {
	p := &t.place
	if th.pl.window != 0 {
		t.closeWindow(th)
	}
	if failed || len(p.status) == 0 {
		return
	}
	c := &p.closers
	switch th.nr {
	case c.close:
		p.dropFD(th.pid, int(int32(th.args[0])))
	case c.dup2, c.dup3:
		p.dropFD(th.pid, int(int32(th.args[1])))
	case c.closeRange:
		lo, hi := th.args[0], th.args[1]
		p.status = slices.DeleteFunc(p.status, func(s statusFD) bool {
			return s.pid == th.pid && uint64(s.fd) >= lo && uint64(s.fd) <= hi
		})
	case c.execve, c.execveat:
		p.forgetFDs(th.pid)
	}
}

// closeWindow gives the thread whose status file th read the mask trec
// keeps it at again.
func (t *tracer) closeWindow(th *thread) {
	p := &t.place
	if target := t.threads.get(th.pl.window); target != nil && target.pl.shown {
		target.pl.shown = false
		// Unless the program set the thread's mask meanwhile.
		if is, _ := p.maskIs(target, p.visible(target)); is && p.hidden(target) {
			setaffinity(target.tid, p.kept(target))
		}
	}
	th.pl.window = 0
	p.windows--
}

// dropFD forgets fd of process pid.
func (p *placement) dropFD(pid, fd int) {
	p.status = slices.DeleteFunc(p.status, func(s statusFD) bool { return s.pid == pid && s.fd == fd })
}

// forgetFDs forgets every status fd of process pid.
func (p *placement) forgetFDs(pid int) {
	p.status = slices.DeleteFunc(p.status, func(s statusFD) bool { return s.pid == pid })
}
