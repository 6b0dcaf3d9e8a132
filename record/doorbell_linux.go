//go:build linux

package record

import (
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// doorbellArg0 is the doorbell's argv[0]; argv[1] is the recorder's pid,
// its parent. Its environment is shimMarker alone.
const doorbellArg0 = "trec-doorbell"

// doorbell wakes the tracer from a blocking wait4 when no tracee stops: a
// CPU-bound thread on the tracer's CPU makes no stop at which the tracer
// could move it. It is a child process of the tracer's thread that sleeps
// for good, in a process group of its own, untraced; the tracer's
// watched waits (tracer.waitWatched) pass WUNTRACED, so that its stop
// ends them. A goroutine rings it (SIGSTOP) when the tracer has waited
// for freeAfter while two threads or more on its CPU ran their own code;
// the tracer continues it (SIGCONT) and scans. Its signals go through a
// pidfd: once it is gone its pid may be another process's.
type doorbell struct {
	pid, fd int
	// start is the recording's start, from which the tracer's times count.
	start time.Time
	// blocked is when the tracer began a watched wait, 0 outside one.
	blocked atomic.Int64
	// parked is set while the goroutine waits for wake rather than tick.
	parked atomic.Bool
	wake   chan struct{}
	done   chan struct{}
	ended  chan struct{}
}

// startDoorbell starts the doorbell and its goroutine; nil when it cannot,
// which only costs the adaptive placement its wake-ups.
func (t *tracer) startDoorbell() *doorbell {
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return nil
	}
	defer null.Close()
	fd := null.Fd()
	pid, err := syscall.ForkExec("/proc/self/exe", []string{doorbellArg0, strconv.Itoa(os.Getpid())}, &syscall.ProcAttr{
		Env:   []string{shimMarker},
		Files: []uintptr{fd, fd, fd},
		// Out of the terminal's reach: Ctrl-C or Ctrl-Z is for the
		// program.
		Sys: &syscall.SysProcAttr{Setpgid: true},
	})
	if err != nil {
		return nil
	}
	pfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		unix.Kill(pid, unix.SIGKILL)
		return nil
	}
	d := &doorbell{pid: pid, fd: pfd, start: t.start, wake: make(chan struct{}, 1), done: make(chan struct{}), ended: make(chan struct{})}
	go d.watch()
	return d
}

// watch rings the doorbell when the tracer has been in one watched wait
// for freeAfter. It looks every scanEvery, and parks after a few looks
// that found the tracer outside one, until arm wakes it.
func (d *doorbell) watch() {
	defer close(d.ended)
	tick := time.NewTicker(scanEvery)
	defer tick.Stop()
	var rung int64
	idle := 0
	for {
		select {
		case <-d.done:
			return
		case <-tick.C:
		}
		b := d.blocked.Load()
		if b == 0 {
			if idle++; idle < 8 {
				continue
			}
			d.parked.Store(true)
			if d.blocked.Load() == 0 {
				select {
				case <-d.done:
					return
				case <-d.wake:
				}
			}
			d.parked.Store(false)
			idle = 0
			tick.Reset(scanEvery)
			continue
		}
		idle = 0
		if b != rung && time.Since(d.start) >= time.Duration(b)+freeAfter {
			rung = b
			unix.PidfdSendSignal(d.fd, unix.SIGSTOP, nil, 0)
		}
	}
}

// arm says that the tracer begins a watched wait at now.
func (d *doorbell) arm(now int64) {
	d.blocked.Store(now)
	if d.parked.Load() {
		select {
		case d.wake <- struct{}{}:
		default:
		}
	}
}

// disarm says that the watched wait ended.
func (d *doorbell) disarm() { d.blocked.Store(0) }

// stop ends the goroutine and kills the doorbell. With SIGCHLD ignored,
// as it is while the tracer runs, the kernel reaps it; stop waits until
// it has.
func (d *doorbell) stop() {
	close(d.done)
	<-d.ended
	unix.PidfdSendSignal(d.fd, unix.SIGKILL, nil, 0)
	fds := []unix.PollFd{{Fd: int32(d.fd), Events: unix.POLLIN}}
	for {
		if _, err := unix.Poll(fds, 1000); err != unix.EINTR {
			break
		}
	}
	unix.Close(d.fd)
}

// waitWatched is tracer.next's blocking wait while two threads or more on
// the tracer's CPU run their own code: the doorbell may end it.
func (t *tracer) waitWatched(ws *unix.WaitStatus) (int, error) {
	p := &t.place
	if p.db == nil && !p.dbFailed {
		p.db = t.startDoorbell()
		p.dbFailed = p.db == nil
	}
	if p.db == nil {
		return wait4(-1, ws, 0)
	}
	p.db.arm(t.stopTime)
	tid, err := wait4(-1, ws, unix.WUNTRACED)
	p.db.disarm()
	return tid, err
}

// rung handles the doorbell's stop: it continues the doorbell and scans.
// With none of the tracer's threads running their own code, its CPU has
// been idle since the wait began: a reserved one is given back.
func (t *tracer) rung() {
	p := &t.place
	unix.PidfdSendSignal(p.db.fd, unix.SIGCONT, nil, 0)
	if p.reserved && p.userShared == 0 {
		p.weighAt, p.busy, p.stopsAt = t.stopTime, 0, p.stats.stopsTracer
		t.reserve(false)
	}
	t.scan()
}

// isDoorbell reports whether tid is the doorbell's.
func (p *placement) isDoorbell(tid int) bool { return p.db != nil && tid == p.db.pid }

// stopDoorbell stops the doorbell, if there is one.
func (p *placement) stopDoorbell() {
	if p.db != nil {
		p.db.stop()
		p.db = nil
	}
}

// runDoorbell is the doorbell's life when Go runs it (the C shim's
// constructor runs it otherwise): it dies with the tracer's thread, and
// sleeps until then.
func runDoorbell(tracer string) {
	unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0)
	if strconv.Itoa(unix.Getppid()) != tracer {
		os.Exit(127)
	}
	for {
		unix.Ppoll(nil, nil, nil)
	}
}
