//go:build linux

package record

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// maskMax is the largest CPU mask the recorder reads: 8192 CPUs, the most
// any architecture's kernel configuration allows.
const maskMax = 8192 / 8

// placeMode is how a recording places the program's threads on CPUs.
type placeMode uint8

const (
	// placeAdaptive keeps each thread on the tracer's CPU or gives it the
	// CPUs it would have had, as its stops make it pay.
	placeAdaptive placeMode = iota
	// placePin keeps every thread on the tracer's CPU.
	placePin
	// placeNone leaves placement to the kernel.
	placeNone
)

// String is the mode as the trace header's Options.placement names it.
func (m placeMode) String() string {
	switch m {
	case placePin:
		return "pin"
	case placeNone:
		return "none"
	}
	return "adaptive"
}

// where is where trec keeps a thread.
type where uint8

const (
	// whereOwn: trec does not place the thread. The recording is not
	// pinned, or the thread's mask was set by the program (or from
	// outside it), and it runs where that mask says.
	whereOwn where = iota
	// whereTracer: on the tracer's CPU alone.
	whereTracer
	// whereFree: on the CPUs it would have had without trec, the mask it
	// sees.
	whereFree
)

// The adaptive model (PERFORMANCE.md, "Adaptive placement"). A stop
// between two CPUs costs about crossStop more than a stop on the tracer's
// CPU. A thread on the tracer's CPU that has computed for freeAfter of CPU
// time without a stop while other traced work wants that CPU (another
// thread on it running its own code, or any other thread's stop, which
// the tracer serves there) gets its own CPUs back: its stops then cost it
// at most crossStop/freeAfter more, 2.5%. (CPU time, not the time since
// its last stop: a thread that makes syscalls often but waits for the CPU
// behind a computing one is the victim, not the cause.) A thread on its
// own CPUs comes back after backVotes runs in a row that each were
// shorter than a crossing (it then spends more time crossing than
// running) or that nothing else ran beside (the tracer's CPU had room).
// Between the two a thread stays where it is, so that nothing flaps.
const (
	crossStop = 60 * time.Microsecond
	freeAfter = 40 * crossStop
	backUnder = crossStop
	backVotes = 4
	// scanEvery is how often the tracer looks for threads that run long
	// on its CPU without stopping.
	scanEvery = freeAfter / 2
)

// Reserving the tracer's CPU (PERFORMANCE.md, "Reserving the tracer's
// CPU"). The threads trec keeps on its CPU, and the tracer serving their
// stops, keep that CPU busy for a share of each weighEvery: their runs
// between stops, plus shareStop for each stop. From three quarters of it,
// the threads trec gives their own CPUs get them without the tracer's
// CPU (when that leaves any), so that no computing thread delays the
// tracer and its threads there, at the price of at most a quarter of
// that CPU left idle; under half, they get it back.
const (
	weighEvery = 10 * time.Millisecond
	shareStop  = 7 * time.Microsecond
)

// ran bits record where a thread has run, for the trailer's counts.
const (
	ranTracer uint8 = 1 << iota
	ranOwn
)

// threadPlace is the placement state of one thread.
type threadPlace struct {
	where where
	// set is set when the thread's mask was set by the program or from
	// outside it: trec leaves it where it is from then on.
	set bool
	// ran records where the thread has run (ranTracer, ranOwn).
	ran uint8
	// inUser is set while the thread, resumed outside a syscall, runs its
	// own code (or waits for a CPU to run it), as far as the tracer can
	// tell: until its next stop.
	inUser bool
	// shown is set while the thread has the mask it sees, for the read of
	// a /proc status file (statusEnter), though trec keeps it on the
	// tracer's CPU.
	shown bool
	// votes counts the runs in a row that call a free thread back.
	votes uint8
	// narrow is set while a free thread runs on its own CPUs without the
	// tracer's, the tracer's CPU being reserved.
	narrow bool
	// prev is where the target of the sched_setaffinity the thread is in
	// was, and prevTid that target: restored if the call fails.
	prev    where
	prevTid int
	// window is the thread whose status file the thread is reading, 0
	// for none.
	window int
	// since is when the thread was resumed into its own code, and mark
	// the recording's stop count then.
	since int64
	mark  uint64
	// cpu is the thread's CPU time when a scan first saw its current run
	// last long, at cpuAt (0: not yet).
	cpu, cpuAt int64
	// idx is the thread's index in placement.list, -1 when not listed.
	idx int
	// mask is the CPU mask the thread sees, and runs on when trec gives it
	// its own CPUs: the one it had when trec attached to it, or its
	// creator's; nil for the mask of the recorder (placement.orig), which
	// a started program inherits.
	mask []byte
}

// placement is where a recording runs: the CPU of the tracer's thread, the
// CPU mask the program would have had without trec, and, adaptive, where
// each thread is and what its stops cost.
type placement struct {
	mode placeMode
	// adaptive is mode == placeAdaptive: the per-stop hooks run.
	adaptive bool
	// cpu is the tracer's CPU, or -1.
	cpu int
	// shared is set when the tracer should poll for the next stop: pinned,
	// while every tracee shares the tracer's CPU; adaptive, when the
	// thread resumed last is on the tracer's CPU (see tracer.next).
	shared bool
	// orig is the tracer thread's CPU mask before pinning, as
	// sched_getaffinity returns it: the mask the program inherits without
	// trec. one is the tracer's CPU alone, as long.
	orig, one []byte
	// buf is scratch for reading a tracee's mask.
	buf [maskMax]byte

	// list holds every traced thread, for scans and the trailer's counts.
	list []*thread
	// stops counts the stops taken (adaptive).
	stops uint64
	// userShared counts the threads on the tracer's CPU that run their own
	// code (inUser).
	userShared int
	// scanAt is when the next scan is due (adaptive).
	scanAt int64
	// reserved is set while free threads run without the tracer's CPU;
	// narrowed counts those that do. busy is the time the tracer's CPU
	// was taken since weighAt, not counting its stops; stopsAt is
	// stats.stopsTracer then.
	reserved bool
	narrowed int
	busy     int64
	weighAt  int64
	stopsAt  uint64
	// nbuf is scratch for a mask without the tracer's CPU.
	nbuf [maskMax]byte
	// db wakes the tracer when it waits while threads on its CPU run long;
	// nil until first needed. dbFailed is set when it could not start.
	db       *doorbell
	dbFailed bool
	// path is scratch for /proc paths.
	path []byte
	// status holds the open /proc status files of traced threads, and
	// windows counts the reads of them in progress (see statusEnter).
	status  []statusFD
	windows int
	readers []fdArg
	closers closeNrs
	// stats are the trailer's counts.
	stats placeStats
}

// placeStats are the counts of the trailer's Placement.
type placeStats struct {
	tracerCPU, ownCPUs, moved, ownMask uint32
	movesOff, movesBack                uint64
	stopsTracer, stopsOwn              uint64
	reservations                       uint64
	// reservedAt is when the current reservation began; reservedNs
	// sums the ended ones.
	reservedAt, reservedNs int64
}

// errBadCPU is wrapped by the error for a CPU that cannot be pinned to.
var errBadCPU = errors.New("not in the allowed CPU mask")

// pin places the calling thread, the tracer's locked thread, as opts ask:
// with opts.NoPin nowhere in particular; else on one CPU, opts.CPU with
// opts.UseCPU or the CPU the thread runs on now (one the scheduler found
// free). The shim, forked from this thread, inherits the mask and passes
// it to the program and its descendants, which start on the tracer's CPU.
func (p *placement) pin(opts Options, table *sysent.Table) error {
	p.cpu, p.scanAt = -1, 1<<63-1
	switch {
	case opts.NoPin && (opts.UseCPU || opts.Pin):
		return errors.New("record: pinning and no pinning: choose one")
	case opts.NoPin:
		p.mode = placeNone
		return nil
	case opts.Pin || opts.UseCPU:
		p.mode = placePin
	default:
		p.mode = placeAdaptive
	}
	n, err := getaffinity(0, p.buf[:])
	if err != nil {
		return fmt.Errorf("record: read the CPU mask: %w", err)
	}
	p.orig = append([]byte(nil), p.buf[:n]...)
	cpu := opts.CPU
	if !opts.UseCPU {
		var c uint32
		if _, _, e := unix.RawSyscall(unix.SYS_GETCPU, uintptr(unsafe.Pointer(&c)), 0, 0); e != 0 {
			return fmt.Errorf("record: getcpu: %w", e)
		}
		cpu = int(c)
	}
	if !inMask(p.orig, cpu) {
		return fmt.Errorf("record: CPU %d: %w", cpu, errBadCPU)
	}
	p.one = oneCPU(cpu, len(p.orig))
	if err := setaffinity(0, p.one); err != nil {
		return fmt.Errorf("record: pin to CPU %d: %w", cpu, err)
	}
	p.cpu, p.shared = cpu, true
	if p.mode == placeAdaptive {
		p.adaptive = true
		p.scanAt = 0
	}
	p.initStatus(table)
	return nil
}

// CheckCPU reports whether cpu is one that Options.CPU may name: a CPU in
// the calling thread's allowed mask.
func CheckCPU(cpu int) error {
	var buf [maskMax]byte
	n, err := getaffinity(0, buf[:])
	if err != nil {
		return fmt.Errorf("read the CPU mask: %w", err)
	}
	if !inMask(buf[:n], cpu) {
		return errBadCPU
	}
	return nil
}

// inMask reports whether mask, as sched_getaffinity returns it, holds cpu.
func inMask(mask []byte, cpu int) bool {
	return cpu >= 0 && cpu/8 < len(mask) && mask[cpu/8]&(1<<(cpu%8)) != 0
}

// oneCPU returns a CPU mask of n bytes that holds cpu alone.
func oneCPU(cpu, n int) []byte {
	one := make([]byte, n)
	one[cpu/8] = 1 << (cpu % 8)
	return one
}

// setaffinity sets the CPU mask of thread tid (0: the calling thread).
func setaffinity(tid int, mask []byte) error {
	if _, _, e := unix.RawSyscall(unix.SYS_SCHED_SETAFFINITY, uintptr(tid), uintptr(len(mask)), uintptr(unsafe.Pointer(&mask[0]))); e != 0 {
		return e
	}
	return nil
}

// getaffinity returns the CPU mask of thread tid (0: the calling thread)
// in buf and its length in bytes.
func getaffinity(tid int, buf []byte) (int, error) {
	n, _, e := unix.RawSyscall(unix.SYS_SCHED_GETAFFINITY, uintptr(tid), uintptr(len(buf)), uintptr(unsafe.Pointer(&buf[0])))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// add lists a new thread, placed where a thread starts: on the tracer's
// CPU unless nothing is pinned.
func (p *placement) add(th *thread) {
	th.pl.idx = len(p.list)
	p.list = append(p.list, th)
	if p.cpu < 0 {
		th.pl.ran = ranOwn
		return
	}
	th.pl.where, th.pl.ran = whereTracer, ranTracer
}

// inherit places a new thread where its creator is: the kernel copies the
// creator's mask.
func (p *placement) inherit(c, parent *thread) {
	pl := &c.pl
	if pl.inUser && pl.where == whereTracer {
		p.userShared--
	}
	pl.where, pl.set, pl.ran, pl.mask = parent.pl.where, parent.pl.set, ranOwn, parent.pl.mask
	if parent.pl.shown {
		// Created while its creator had the mask it sees.
		pl.where = whereFree
	}
	p.setNarrow(c, parent.pl.narrow && !parent.pl.shown)
	if pl.where == whereTracer {
		pl.ran = ranTracer
		if pl.inUser {
			p.userShared++
		}
	}
}

// placeExit takes a thread that ended off the list and counts it. The
// doorbell goes with the last thread: the loop ends when wait4 finds no
// child left.
func (t *tracer) placeExit(th *thread) {
	p := &t.place
	if th.pl.inUser && th.pl.where == whereTracer {
		p.userShared--
	}
	th.pl.inUser = false
	p.setNarrow(th, false)
	if th.pl.window != 0 {
		t.closeWindow(th)
	}
	if i := th.pl.idx; i >= 0 && i < len(p.list) && p.list[i] == th {
		last := p.list[len(p.list)-1]
		p.list[i], last.pl.idx = last, i
		p.list = p.list[:len(p.list)-1]
		th.pl.idx = -1
		p.count(th)
	}
	if len(p.status) > 0 && th.tid == th.pid {
		p.forgetFDs(th.pid)
	}
	if t.threads.n == 0 {
		p.stopDoorbell()
	}
}

// count adds a thread to the trailer's counts.
func (p *placement) count(th *thread) {
	s := &p.stats
	switch {
	case th.pl.set:
		s.ownMask++
	case th.pl.ran == ranTracer:
		s.tracerCPU++
	case th.pl.ran == ranOwn:
		s.ownCPUs++
	default:
		s.moved++
	}
}

// trailer returns the trailer's counts at now, those of the threads still
// listed included.
func (p *placement) trailer(now int64) *format.Placement {
	for _, th := range p.list {
		p.count(th)
	}
	p.list = nil
	s := &p.stats
	if p.reserved {
		s.reservedNs += now - s.reservedAt
	}
	return &format.Placement{
		ThreadsTracerCpu: s.tracerCPU, ThreadsOwnCpus: s.ownCPUs, ThreadsMoved: s.moved, ThreadsOwnMask: s.ownMask,
		MovesOff: s.movesOff, MovesBack: s.movesBack, StopsTracerCpu: s.stopsTracer, StopsOwnCpus: s.stopsOwn,
		Reservations: s.reservations, ReservedNs: uint64(s.reservedNs),
	}
}

// maskOf returns the mask trec gives th where it keeps it at w, without
// the tracer's CPU if narrow. The result may be scratch, valid until the
// next call.
func (p *placement) maskOf(th *thread, w where, narrow bool) []byte {
	switch {
	case w == whereTracer:
		return p.one
	case narrow:
		return p.withoutTracer(th)
	}
	return p.visible(th)
}

// kept returns the mask trec keeps th at now (scratch, as maskOf's).
func (p *placement) kept(th *thread) []byte {
	return p.maskOf(th, th.pl.where, th.pl.narrow)
}

// hidden reports whether trec keeps th at a mask other than the one it
// sees.
func (p *placement) hidden(th *thread) bool {
	return th.pl.where == whereTracer || th.pl.narrow
}

// withoutTracer returns the mask th sees without the tracer's CPU, in
// scratch; nil if it does not hold that CPU, or holds no other.
func (p *placement) withoutTracer(th *thread) []byte {
	if !inMask(p.visible(th), p.cpu) {
		return nil
	}
	m := p.nbuf[:copy(p.nbuf[:], p.visible(th))]
	m[p.cpu/8] &^= 1 << (p.cpu % 8)
	for _, b := range m {
		if b != 0 {
			return m
		}
	}
	return nil
}

// setNarrow sets th's narrow flag and the count of narrowed threads.
func (p *placement) setNarrow(th *thread, narrow bool) {
	if th.pl.narrow == narrow {
		return
	}
	th.pl.narrow = narrow
	if narrow {
		p.narrowed++
	} else {
		p.narrowed--
	}
}

// visible returns the CPU mask th sees: the one it would have had without
// trec.
func (p *placement) visible(th *thread) []byte {
	if th.pl.mask != nil {
		return th.pl.mask
	}
	return p.orig
}

// placeStop is the adaptive placement's part of every stop of th: it
// measures the run that ended and moves th when the run says so. It also
// scans for threads that run long on the tracer's CPU, every scanEvery.
func (t *tracer) placeStop(th *thread) {
	p := &t.place
	p.stops++
	if t.stopTime >= p.scanAt {
		t.scan()
	}
	pl := &th.pl
	if pl.where == whereTracer {
		p.stats.stopsTracer++
	} else {
		p.stats.stopsOwn++
	}
	if !pl.inUser {
		return
	}
	pl.inUser = false
	switch pl.where {
	case whereTracer:
		p.userShared--
		p.busy += t.stopTime - pl.since
		return
	case whereOwn:
		return
	}
	if p.callBack(pl, time.Duration(t.stopTime-pl.since), p.stops-1-pl.mark) {
		t.move(th, whereTracer)
	}
}

// callBack is the adaptive model's decision after a run of a free
// thread's own code that took run and beside which the tracer took others
// stops of other threads: whether it comes back to the tracer's CPU.
func (p *placement) callBack(pl *threadPlace, run time.Duration, others uint64) bool {
	alone := others == 0 && p.userShared == 0
	if run >= backUnder && (!alone || run >= freeAfter) {
		pl.votes = 0
		return false
	}
	pl.votes++
	return pl.votes >= backVotes
}

// placeStart gives the program's first thread, at its exec, the CPUs it
// would have had: it comes to the tracer's CPU once its stops are
// frequent. (The shim's stops do not count: the thread is the program's from here.)
func (t *tracer) placeStart(th *thread) {
	p := &t.place
	pl := &th.pl
	if !p.adaptive || pl.where != whereTracer || pl.inUser || setaffinity(th.tid, p.orig) != nil {
		return
	}
	pl.where, pl.ran, pl.votes = whereFree, ranOwn, 0
}

// placeResume is the adaptive placement's part of resuming th: it starts
// measuring th's run, and tells tracer.next whether to poll.
func (t *tracer) placeResume(th *thread) {
	p := &t.place
	pl := &th.pl
	p.shared = pl.where == whereTracer
	if th.inSyscall {
		if th.nr == t.nrs.setaffinity && !th.foreign {
			t.setaffinityEntry(th)
		}
		return
	}
	pl.inUser, pl.since, pl.mark, pl.cpuAt = true, t.stopTime, p.stops, 0
	if pl.where == whereTracer {
		p.userShared++
	}
}

// scan moves off the tracer's CPU the threads that have computed there for
// freeAfter of CPU time without a stop while other traced work wanted the
// CPU: another thread running its own code there, or any other thread's
// stop since. A thread's CPU time is read when its run has lasted
// scanEvery, and again at each scan after.
func (t *tracer) scan() {
	p := &t.place
	p.scanAt = t.stopTime + int64(scanEvery)
	if t.stopTime-p.weighAt >= int64(weighEvery) {
		t.weigh()
	}
	if p.userShared == 0 || len(p.list) < 2 {
		return
	}
	for i := 0; i < len(p.list); i++ {
		th := p.list[i]
		pl := &th.pl
		if pl.where != whereTracer || !pl.inUser || time.Duration(t.stopTime-pl.since) < scanEvery {
			continue
		}
		// The CPU time of the run, or, without schedstat, the time since
		// its last stop.
		used := time.Duration(t.stopTime - pl.since)
		if cpu, ok := p.schedCPU(th.tid); ok {
			if pl.cpuAt == 0 {
				pl.cpu, pl.cpuAt = cpu, t.stopTime
				continue
			}
			used = time.Duration(cpu - pl.cpu)
		}
		if used >= freeAfter && (p.userShared >= 2 || p.stops != pl.mark) {
			t.move(th, whereFree)
		}
	}
}

// weigh ends a window of the tracer's CPU's use (see weighEvery): it
// reserves the CPU or gives it back.
func (t *tracer) weigh() {
	p := &t.place
	span := t.stopTime - p.weighAt
	busy := p.busy + int64(p.stats.stopsTracer-p.stopsAt)*int64(shareStop)
	p.weighAt, p.busy, p.stopsAt = t.stopTime, 0, p.stats.stopsTracer
	switch {
	case !p.reserved && busy >= span/4*3:
		t.reserve(true)
	case p.reserved && busy < span/2:
		t.reserve(false)
	}
}

// reserve takes the tracer's CPU out of the masks of the threads trec
// gives their own CPUs, or gives it back.
func (t *tracer) reserve(on bool) {
	p := &t.place
	p.reserved = on
	if s := &p.stats; on {
		s.reservations++
		s.reservedAt = t.stopTime
	} else {
		s.reservedNs += t.stopTime - s.reservedAt
	}
	for _, th := range p.list {
		pl := &th.pl
		if pl.where != whereFree || pl.shown || pl.narrow == on {
			continue
		}
		if on && p.withoutTracer(th) == nil {
			continue
		}
		if is, alive := p.maskIs(th, p.kept(th)); !is {
			if alive {
				t.setOwn(th)
			}
			continue
		}
		if setaffinity(th.tid, p.maskOf(th, whereFree, on)) == nil {
			p.setNarrow(th, on)
		}
	}
}

// schedCPU returns the CPU time thread tid has run, in nanoseconds, from
// /proc/TID/schedstat.
func (p *placement) schedCPU(tid int) (int64, bool) {
	p.path = strconv.AppendInt(append(p.path[:0], "/proc/"...), int64(tid), 10)
	p.path = append(p.path, "/schedstat\x00"...)
	cwd := unix.AT_FDCWD
	fd, _, e := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(cwd), uintptr(unsafe.Pointer(&p.path[0])), unix.O_RDONLY|unix.O_CLOEXEC, 0, 0, 0)
	if e != 0 {
		return 0, false
	}
	n, _, e := unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&p.buf[0])), 64)
	unix.RawSyscall(unix.SYS_CLOSE, fd, 0, 0)
	if e != 0 {
		return 0, false
	}
	v, _, ok := leadingNumber(p.buf[:n])
	return v, ok
}

// move puts th at to: it sets th's CPU mask, unless th's mask is no longer
// the one trec gave it (the program or someone else set it, or a status
// read shows it): then th is left where it is, and, set by someone else,
// no longer placed.
func (t *tracer) move(th *thread, to where) {
	p := &t.place
	pl := &th.pl
	if pl.shown || pl.where == whereOwn || to == whereTracer && !inMask(p.visible(th), p.cpu) {
		// (A thread whose own CPUs do not include the tracer's stays on
		// them.)
		return
	}
	if is, alive := p.maskIs(th, p.kept(th)); !is {
		if alive {
			t.setOwn(th)
		}
		return
	}
	narrow := to == whereFree && p.reserved && p.withoutTracer(th) != nil
	if err := setaffinity(th.tid, p.maskOf(th, to, narrow)); err != nil {
		return
	}
	p.setNarrow(th, narrow)
	if pl.inUser {
		if to == whereTracer {
			p.userShared++
		} else if pl.where == whereTracer {
			p.userShared--
		}
	}
	if to == whereTracer {
		p.stats.movesBack++
		pl.ran |= ranTracer
	} else {
		p.stats.movesOff++
		pl.ran |= ranOwn
	}
	pl.where, pl.votes = to, 0
}

// maskIs reports whether th's CPU mask is mask, and whether th is still
// there to tell.
func (p *placement) maskIs(th *thread, mask []byte) (is, alive bool) {
	n, err := getaffinity(th.tid, p.buf[:])
	return err == nil && bytes.Equal(p.buf[:n], mask), err == nil
}

// setOwn leaves th where its mask says from now on: the program set it.
func (t *tracer) setOwn(th *thread) {
	pl := &th.pl
	if pl.inUser && pl.where == whereTracer {
		t.place.userShared--
	}
	t.place.setNarrow(th, false)
	pl.where, pl.set = whereOwn, true
}

// setaffinityEntry takes the target of the sched_setaffinity th is
// entering out of trec's hands before the call runs, so that no move can
// undo what the program asks; affinityExit puts it back if the call fails.
func (t *tracer) setaffinityEntry(th *thread) {
	target := th
	if tid := int(int32(th.args[0])); tid != 0 {
		target = t.threads.get(tid)
	}
	if target == nil || target.pl.where == whereOwn {
		return
	}
	th.pl.prev, th.pl.prevTid = target.pl.where, target.tid
	t.setOwn(target)
}

// affinityExit keeps trec's placement out of the program's sight at the
// exit of a sched_getaffinity or sched_setaffinity made by th; ret is the
// return value and failed says whether the call failed.
//
// A sched_getaffinity of a thread that trec keeps on its CPU returns that
// CPU alone: it is rewritten in the program's memory to the mask the
// program would have had without trec. (A thread trec gave its own CPUs
// has that mask already.) A sched_setaffinity is honoured: the thread it
// names runs where it asked from then on, off the tracer's CPU if so, and
// its mask is reported as the kernel has it.
func (t *tracer) affinityExit(th *thread, ret int64, failed bool) {
	target := th
	if tid := int(int32(th.args[0])); tid != 0 {
		target = t.threads.get(tid)
	}
	if th.nr == t.nrs.setaffinity {
		prev, prevTid := th.pl.prev, th.pl.prevTid
		th.pl.prevTid = 0
		switch {
		case target == nil:
		case !failed:
			if target.pl.where != whereOwn {
				t.setOwn(target)
			}
			t.place.shared = t.place.adaptive && t.place.shared
		case prevTid == target.tid && target.pl.where == whereOwn:
			// The call failed: the mask trec gave stays.
			target.pl.where, target.pl.set = prev, false
			if target.pl.inUser && prev == whereTracer {
				t.place.userShared++
			}
		}
		return
	}
	if failed || target == nil || !t.place.hidden(target) && !target.pl.shown {
		return
	}
	n := int(ret)
	if n <= 0 || n > len(t.place.buf) {
		return
	}
	mask := t.place.buf[:n]
	if t.mem.read(th.pid, mask, th.args[2]) < n || !bytes.Equal(mask, t.place.kept(target)) {
		// Moved by someone else (taskset -p): the truth is told.
		return
	}
	clear(mask[copy(mask, t.place.visible(target)):])
	t.mem.write(th.pid, mask, th.args[2])
}
