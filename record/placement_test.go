package record

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// runDirect runs argv without trec and returns its stdout.
func runDirect(t *testing.T, argv ...string) string {
	t.Helper()
	out, err := exec.Command(argv[0], argv[1:]...).Output()
	if err != nil {
		t.Fatalf("%q: %v", argv, err)
	}
	return string(out)
}

// placements are the ways to place a recording that the tests try.
func placements() map[string]Options {
	last := runtime.NumCPU() - 1
	return map[string]Options{
		"adaptive":         {},
		"adaptive/seccomp": {Filter: "%file"},
		"pin":              {Pin: true},
		"pin/seccomp-read": {Pin: true, Filter: "openat,read"},
		"cpu0":             {UseCPU: true, CPU: 0},
		"cpulast/seccomp":  {UseCPU: true, CPU: last, Filter: "openat"},
		"nopin":            {NoPin: true},
	}
}

// TestPlacementInvisible: nproc, a C program that reads and then sets its
// own CPU mask, one that sets the mask of one of its threads, and the Go
// runtime's CPU count print under trec what they print without it,
// however trec placed them. The C programs' threads then run on the CPU
// they chose.
func TestPlacementInvisible(t *testing.T) {
	for _, argv := range [][]string{{"nproc"}, {prog("affinity")}, {prog("threadmask")}, {prog("gomaxprocs")}} {
		want := runDirect(t, argv...)
		for name, opts := range placements() {
			t.Run(strings.TrimPrefix(argv[0], progDir+"/")+"/"+name, func(t *testing.T) {
				opts.Argv = argv
				r := record(t, opts)
				if r.err != nil || r.res.ExitStatus != 0 {
					t.Fatalf("Run: %v, status %d", r.err, r.res.ExitStatus)
				}
				got, want := r.stdout, want
				if opts.Filter != "" && !strings.Contains(opts.Filter, "read") {
					// The documented leak: a filtered recording that does
					// not select the read of a status file cannot show it
					// as it would be.
					got, want = dropStatus(got), dropStatus(want)
				}
				if got != want {
					t.Errorf("stdout:\n%s\nwithout trec:\n%s", r.stdout, want)
				}
			})
		}
	}
}

// dropStatus removes what the test programs print of their status files.
func dropStatus(s string) string {
	return regexp.MustCompile(`; status [^\n]*`).ReplaceAllString(s, "")
}

// TestPlacementHeaderAndStatus: the header names the placement and the
// CPU, and the program's /proc status file shows the CPU mask it has
// without trec, however trec placed it, wherever the recorder sees the
// file read. The one place the pinning shows is the documented leak of a
// filtered recording that does not select the read: there the file shows
// the CPU trec keeps the thread on.
func TestPlacementHeaderAndStatus(t *testing.T) {
	const script = "grep Cpus_allowed_list /proc/self/status; head -c 20000 /proc/$$/task/$$/status | grep Cpus_allowed_list"
	all := runDirect(t, "sh", "-c", script)
	for name, opts := range placements() {
		t.Run(name, func(t *testing.T) {
			opts.Argv = []string{"sh", "-c", script}
			r := record(t, opts)
			if r.err != nil || r.res.ExitStatus != 0 {
				t.Fatalf("Run: %v, status %d", r.err, r.res.ExitStatus)
			}
			o := r.header.GetOptions()
			cpu := int(o.GetCpu())
			mode := "adaptive"
			switch {
			case opts.NoPin:
				mode = "none"
				if cpu != -1 {
					t.Errorf("header CPU %d, want -1", cpu)
				}
			case opts.UseCPU && cpu != opts.CPU, cpu < 0 || cpu >= runtime.NumCPU():
				t.Errorf("header CPU %d", cpu)
			}
			if opts.Pin || opts.UseCPU {
				mode = "pin"
			}
			if got := o.GetPlacement(); got != mode {
				t.Errorf("header placement %q, want %q", got, mode)
			}
			want := all
			switch {
			case name == "cpulast/seccomp":
				want = strings.Repeat("Cpus_allowed_list:\t"+strconv.Itoa(cpu)+"\n", 2)
			case opts.Filter != "" && !opts.Pin:
				// The thread is on the tracer's CPU or not, as its stops
				// went: either may show.
				return
			}
			if r.stdout != want {
				t.Errorf("stdout %q, want %q", r.stdout, want)
			}
		})
	}
}

// TestAffinityRewriteRecorded: the trace holds what the program saw, the
// original mask, at the exit of its first sched_getaffinity; and nothing
// when the filter does not select it.
func TestAffinityRewriteRecorded(t *testing.T) {
	var orig [maskMax]byte
	n, err := getaffinity(0, orig[:])
	if err != nil {
		t.Fatal(err)
	}
	r := record(t, Options{Argv: []string{prog("affinity")}})
	if r.err != nil || r.res.ExitStatus != 0 {
		t.Fatalf("Run: %v, status %d", r.err, r.res.ExitStatus)
	}
	calls := r.calls("sched_getaffinity")
	if len(calls) < 2 || calls[0].exit == nil {
		t.Fatalf("%d sched_getaffinity calls\n%s", len(calls), r.dump())
	}
	if got, _ := capture(calls[0].exit, 2); !bytes.Equal(got, orig[:n]) {
		t.Errorf("first sched_getaffinity recorded %x, want the original mask %x", got, orig[:n])
	}
	r = record(t, Options{Argv: []string{prog("affinity")}, Filter: "write"})
	for _, e := range r.kind(format.KindSyscallEnter) {
		if e.Nr != r.nr("write") {
			t.Errorf("recorded %s", r.table.Name(int(e.Nr)))
		}
	}
}

func TestPlacementErrors(t *testing.T) {
	for name, opts := range map[string]Options{
		"no such cpu":    {UseCPU: true, CPU: 1 << 20},
		"negative cpu":   {UseCPU: true, CPU: -1},
		"cpu and no pin": {UseCPU: true, NoPin: true},
	} {
		t.Run(name, func(t *testing.T) {
			opts.Argv = []string{"true"}
			var trace bytes.Buffer
			_, err := Run(context.Background(), opts, &trace)
			checkNothingLeft(t)
			if err == nil || trace.Len() != 0 {
				t.Fatalf("Run: %v, %d bytes of trace", err, trace.Len())
			}
			if opts.NoPin == errors.Is(err, errBadCPU) {
				t.Errorf("Run: %v", err)
			}
			t.Log(err)
		})
	}
}

// TestPollBackoff: slow polls in a row double the stops waited in wait4,
// up to the maximum; a fast poll resets the backoff.
func TestPollBackoff(t *testing.T) {
	tr := &tracer{pollBackoff: pollBackoffMin}
	want := []int{64, 128, 256, 512, 1024, 2048, 4096, 4096}
	for i, w := range want {
		tr.pollCheck(2 * pollSlow)
		if tr.pollOff != w {
			t.Fatalf("slow poll %d: waits %d stops, want %d", i+1, tr.pollOff, w)
		}
	}
	tr.pollOff = 0
	tr.pollCheck(pollSlow / 2)
	if tr.pollOff != 0 || tr.pollBackoff != pollBackoffMin {
		t.Errorf("after a fast poll: waits %d, backoff %d", tr.pollOff, tr.pollBackoff)
	}
}

// cpusAllowed returns the Cpus_allowed_list of thread tid, as its /proc
// status file shows it.
func cpusAllowed(tid int) (string, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		return "", err
	}
	_, rest, ok := strings.Cut(string(b), "\nCpus_allowed_list:")
	if !ok {
		return "", errors.New("no Cpus_allowed_list")
	}
	list, _, _ := strings.Cut(rest, "\n")
	return strings.TrimSpace(list), nil
}

// TestPlacementAdaptive: by default, a thread that computes without a stop
// beside one that makes syscalls is given its own CPUs, seen from outside
// in its CPU mask, and the syscall-heavy one stays on the tracer's CPU;
// a third that makes syscalls as often but set its own mask keeps that
// mask. Each, and the main thread, sees the mask it would see without
// trec, through sched_getaffinity and its /proc status file; the trailer
// counts the move and the thread that set its mask.
func TestPlacementAdaptive(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("one CPU: there is nowhere to move a thread to")
	}
	// The mask of this goroutine's thread: the process's main thread may
	// be the locked thread of an earlier recording, pinned for good.
	b, err := os.ReadFile("/proc/thread-self/status")
	if err != nil {
		t.Fatal(err)
	}
	_, orig, _ := strings.Cut(string(b), "\nCpus_allowed_list:")
	orig, _, _ = strings.Cut(orig, "\n")
	orig = strings.TrimSpace(orig)
	if !strings.ContainsAny(orig, ",-") {
		t.Skipf("the test's CPU mask is %s: there is nowhere to move a thread to", orig)
	}
	dir := t.TempDir()
	tidsFile, stopFile := filepath.Join(dir, "tids"), filepath.Join(dir, "stop")
	out, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	type result struct {
		res Result
		err error
	}
	done := make(chan result, 1)
	var trace bytes.Buffer
	go func() {
		res, err := Run(context.Background(), Options{Argv: []string{prog("placement"), tidsFile, stopFile}, Stdout: out}, &trace)
		done <- result{res, err}
	}()
	stopped := false
	stop := func() {
		if !stopped {
			os.WriteFile(stopFile, nil, 0o644)
			stopped = true
		}
	}
	defer stop()

	// The program's threads, once both run.
	deadline := time.Now().Add(30 * time.Second)
	var compute, syscalls, setter int
	for {
		b, err := os.ReadFile(tidsFile)
		if err == nil {
			if _, err := fmt.Sscan(string(b), &compute, &syscalls, &setter); err != nil {
				t.Fatalf("%s: %q: %v", tidsFile, b, err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the program did not start its threads within 30 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The syscall thread is kept on the tracer's CPU, and, its stops
	// keeping that CPU busy, the computing thread gets the CPUs it would
	// have had but that one.
	var tracerCPU, got string
	for {
		s, err := cpusAllowed(syscalls)
		if err != nil {
			t.Fatalf("syscall thread %d: %v", syscalls, err)
		}
		if got, err = cpusAllowed(compute); err != nil {
			t.Fatalf("computing thread %d: %v", compute, err)
		}
		if !strings.ContainsAny(s, ",-") && listCPUs(got) == withoutCPU(orig, s) {
			tracerCPU = s
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s, the computing thread's CPUs are %s and the syscall thread's %s; want %s without the latter", got, s, orig)
		}
		time.Sleep(5 * time.Millisecond)
	}
	var kept, own []string
	for range 20 {
		got, err := cpusAllowed(syscalls)
		if err != nil {
			t.Fatalf("syscall thread %d: %v", syscalls, err)
		}
		kept = append(kept, got)
		if got, err = cpusAllowed(setter); err != nil {
			t.Fatalf("thread %d that set its mask: %v", setter, err)
		}
		own = append(own, got)
		time.Sleep(5 * time.Millisecond)
	}
	// Once the syscall thread sleeps, the tracer's CPU is free: the
	// computing thread gets it back.
	if err := os.WriteFile(stopFile+".show", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(stopFile + ".shown"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the computing thread did not read its mask within 30 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	for {
		if got, err = cpusAllowed(compute); err != nil {
			t.Fatalf("computing thread %d: %v", compute, err)
		}
		if got == orig {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the computing thread's CPUs are still %s 30 s after the syscall thread began to sleep, want %s", got, orig)
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	r := <-done
	checkNothingLeft(t)
	if r.err != nil || r.res.ExitStatus != 0 {
		t.Fatalf("Run: %v, status %d", r.err, r.res.ExitStatus)
	}
	rt := readTrace(t, &trace)
	opts := rt.header.GetOptions()
	cpu := strconv.Itoa(int(opts.GetCpu()))
	if opts.GetPlacement() != "adaptive" || cpu != tracerCPU {
		t.Errorf("header: placement %q, CPU %d; want adaptive, %s", opts.GetPlacement(), opts.GetCpu(), tracerCPU)
	}
	// The syscall thread is on the tracer's CPU, but for a moment now and
	// then where a busy machine makes its runs long.
	if n := strings.Count(strings.Join(kept, " ")+" ", cpu+" "); n < len(kept)/2 {
		t.Errorf("syscall-heavy thread's CPUs: %q, want mostly %s, the tracer's", kept, cpu)
	}
	// The thread that set its own mask has it, always.
	for _, m := range own {
		if m != orig {
			t.Errorf("CPUs of the thread that set its own mask: %q, want %s", own, orig)
			break
		}
	}
	stdout, _ := os.ReadFile(out.Name())
	for _, who := range []string{"main", "compute", "syscalls", "setter", "shown"} {
		want := fmt.Sprintf("%s: sched_getaffinity %s; status %s\n", who, listCPUs(orig), orig)
		if !strings.Contains(string(stdout), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	pl := rt.trailer.GetPlacement()
	if pl.GetMovesOff() < 1 || pl.GetThreadsMoved() < 1 || pl.GetThreadsTracerCpu() < 1 || pl.GetThreadsOwnMask() != 1 || pl.GetStopsTracerCpu() == 0 ||
		pl.GetReservations() < 1 || pl.GetReservedNs() == 0 {
		t.Errorf("trailer placement: %v", pl)
	}
}

// TestPlacementDoorbell: threads that compute on the tracer's CPU while
// the program makes no stop at all (its main thread waits in a read, the
// threads make no syscall) are given their own CPUs until at most one is
// left there, alone: the doorbell wakes the tracer to look at them.
func TestPlacementDoorbell(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("one CPU: there is nowhere to move a thread to")
	}
	dir := t.TempDir()
	tidsFile := filepath.Join(dir, "tids")
	stdin, feed, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	done := make(chan error, 1)
	var trace bytes.Buffer
	go func() {
		res, err := Run(context.Background(), Options{Argv: []string{prog("spinners"), tidsFile}, Stdin: stdin}, &trace)
		if err == nil && res.ExitStatus != 0 {
			err = fmt.Errorf("exit status %d", res.ExitStatus)
		}
		done <- err
	}()
	defer feed.Close()
	deadline := time.Now().Add(30 * time.Second)
	var tids []int
	for {
		b, err := os.ReadFile(tidsFile)
		if err == nil {
			for _, f := range strings.Fields(string(b)) {
				n, _ := strconv.Atoi(f)
				tids = append(tids, n)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the program did not start its threads within 30 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The main thread's tid is its pid: wait until it is in its read,
	// from when on nothing stops.
	pid, _ := procIDs(tids[0])
	read, _ := sysent.ForArch(nativeArch).ByName("read")
	for {
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/syscall")
		if nr, _, _ := strings.Cut(string(b), " "); nr == strconv.Itoa(read.Nr) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the program's main thread is not in its read after 30 s (%q)", b)
		}
		time.Sleep(time.Millisecond)
	}
	onTracers := func() (n int, masks []string) {
		for _, tid := range tids {
			m, err := cpusAllowed(tid)
			if err != nil {
				t.Fatal(err)
			}
			masks = append(masks, m)
			if !strings.ContainsAny(m, ",-") {
				n++
			}
		}
		return n, masks
	}
	n, masks := onTracers()
	t.Logf("%d of the threads on one CPU when the main thread began its read: %q", n, masks)
	for n > 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the computing threads' CPUs are %q after 30 s with no stop: not moved", masks)
		}
		time.Sleep(5 * time.Millisecond)
		n, masks = onTracers()
	}
	feed.Close()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	checkNothingLeft(t)
	if pl := readTrace(t, &trace).trailer.GetPlacement(); pl.GetMovesOff() < uint64(len(tids)-1) {
		t.Errorf("trailer placement: %v", pl)
	}
}

// withoutCPU spells a Cpus_allowed_list without cpu as listCPUs does.
func withoutCPU(list, cpu string) string {
	return strings.Join(slices.DeleteFunc(strings.Fields(listCPUs(list)), func(c string) bool { return c == cpu }), " ")
}

// listCPUs spells a Cpus_allowed_list ("0-1,4") as the CPUs one by one
// ("0 1 4").
func listCPUs(list string) string {
	var cpus []string
	for part := range strings.SplitSeq(list, ",") {
		lo, hi, ok := strings.Cut(part, "-")
		if !ok {
			hi = lo
		}
		a, _ := strconv.Atoi(lo)
		b, _ := strconv.Atoi(hi)
		for c := a; c <= b; c++ {
			cpus = append(cpus, strconv.Itoa(c))
		}
	}
	return strings.Join(cpus, " ")
}

// TestCallBack: a thread on its own CPUs comes back to the tracer's after
// backVotes runs in a row that were shorter than a crossing, or that ran
// alone and not long enough to make crossings cheap; any other run starts
// the count again.
func TestCallBack(t *testing.T) {
	short, medium, long := backUnder/2, (backUnder+freeAfter)/2, 2*freeAfter
	for _, c := range []struct {
		name   string
		runs   []time.Duration
		others uint64
		back   bool
	}{
		{"short runs beside others", []time.Duration{short, short, short, short}, 5, true},
		{"three short runs", []time.Duration{short, short, short}, 5, false},
		{"medium runs beside others", []time.Duration{medium, medium, medium, medium}, 5, false},
		{"medium runs alone", []time.Duration{medium, medium, medium, medium}, 0, true},
		{"long runs alone", []time.Duration{long, long, long, long}, 0, false},
		{"a medium run beside others starts again", []time.Duration{short, short, short, medium, short, short, short}, 5, false},
		{"and counts again", []time.Duration{short, short, medium, short, short, short, short}, 5, true},
	} {
		p := &placement{}
		pl := &threadPlace{where: whereFree}
		back := false
		for _, run := range c.runs {
			back = p.callBack(pl, run, c.others)
		}
		if back != c.back {
			t.Errorf("%s: back %v, want %v", c.name, back, c.back)
		}
	}
}
