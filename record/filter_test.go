package record

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// summary is what a filtered trace must share with the full trace of the
// same run: per syscall of the set, the calls and errors; and the
// lifecycle events whatever the set.
type summary struct {
	calls, errs map[string]int
	execs       []string // path and argv of each exec
	clones      map[format.CloneKind]int
	exits       []string      // sorted "thread/code/signal"
	signals     map[int32]int // but SIGCHLD, which may coalesce
	stops       int
}

func summarize(r *recording, set sysent.Set) summary {
	s := summary{calls: map[string]int{}, errs: map[string]int{}, clones: map[format.CloneKind]int{}, signals: map[int32]int{}}
	for i := range r.events {
		e := &r.events[i]
		name := r.table.Name(int(e.Nr))
		switch e.Kind {
		case format.KindSyscallEnter, format.KindSyscallExit:
			if !set.Has(int(e.Nr)) {
				continue
			}
			if e.Kind == format.KindSyscallEnter {
				s.calls[name]++
			} else if e.Ret < 0 && e.Ret >= -4095 {
				s.errs[name]++
			}
		case format.KindExec:
			s.execs = append(s.execs, e.Exec.Path+" "+strings.Join(e.Exec.Argv, " "))
		case format.KindClone:
			s.clones[e.Clone.Kind]++
		case format.KindExit:
			s.exits = append(s.exits, fmt.Sprintf("%v/%d/%d", e.Exit.Thread, e.Exit.Code, e.Exit.Signal))
		case format.KindSignal:
			if e.Signal.Signo != int32(unix.SIGCHLD) {
				s.signals[e.Signal.Signo]++
			}
		case format.KindStop:
			s.stops++
		}
	}
	slices.Sort(s.exits)
	return s
}

// onlySet fails the test when r holds a syscall event outside set.
func onlySet(t *testing.T, r *recording, set sysent.Set) {
	t.Helper()
	for i := range r.events {
		e := &r.events[i]
		if (e.Kind == format.KindSyscallEnter || e.Kind == format.KindSyscallExit) && !set.Has(int(e.Nr)) {
			t.Errorf("event %d: %s, not in the set", i, r.table.Name(int(e.Nr)))
			return
		}
	}
}

func parseSet(t *testing.T, expr string) sysent.Set {
	t.Helper()
	set, err := sysent.ParseSet(sysent.ForArch(nativeArch), expr)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestSeccompFilterMatchesFullTrace records the same programs with every
// syscall and with a filter that seccomp applies. The filtered trace must
// be the full trace filtered: the same calls and errors per selected
// syscall, and the same execs, clones, exits and signals, for a class, a
// list of names and a negation; with signals interrupting and restarting
// a selected read, and a child that stops itself. The first event is the program's execve
// when the set has it: nothing of the shim (its prctl, seccomp and kill).
func TestSeccompFilterMatchesFullTrace(t *testing.T) {
	for _, argv := range [][]string{
		{"ls", "-la", "/usr/bin"},
		// Forks and execs; wait4 is left out of the sets, it may be
		// restarted or not depending on timing.
		{"sh", "-c", "cat /etc/hostname; ls / > /dev/null; true"},
		{prog("signals"), "restart"},
		{prog("signals"), "eintr"},
		{prog("stopcont")},
	} {
		name := filepath.Base(argv[0])
		if strings.HasPrefix(argv[0], progDir) && len(argv) > 1 {
			name += "-" + argv[1]
		}
		full := record(t, Options{Argv: argv})
		if full.err != nil || full.res.ExitStatus != 0 {
			t.Fatalf("%q: %v, status %d", argv, full.err, full.res.ExitStatus)
		}
		for _, expr := range []string{"%file", "openat,close,read,fstat", "!write,wait4,rt_sigreturn,rt_sigaction"} {
			t.Run(name+"/"+expr, func(t *testing.T) {
				set := parseSet(t, expr)
				r := record(t, Options{Argv: argv, Filter: expr})
				if r.err != nil || r.res.ExitStatus != 0 {
					t.Fatalf("Run: %v, status %d", r.err, r.res.ExitStatus)
				}
				if r.stdout != full.stdout {
					t.Errorf("stdout differs from the full recording's:\n%s\nwant:\n%s", r.stdout, full.stdout)
				}
				if !r.header.Options.GetSeccomp() {
					t.Errorf("header says no seccomp")
				}
				onlySet(t, r, set)
				want, got := summarize(full, set), summarize(r, set)
				for name := range merge(want.calls, got.calls) {
					if got.calls[name] != want.calls[name] || got.errs[name] != want.errs[name] {
						t.Errorf("%s: %d calls %d errors, the full trace has %d and %d", name, got.calls[name], got.errs[name], want.calls[name], want.errs[name])
					}
				}
				if !slices.Equal(got.execs, want.execs) || !slices.Equal(got.exits, want.exits) {
					t.Errorf("execs %q exits %q, the full trace has %q and %q", got.execs, got.exits, want.execs, want.exits)
				}
				if fmt.Sprint(got.clones, got.signals, got.stops) != fmt.Sprint(want.clones, want.signals, want.stops) {
					t.Errorf("clones, signals and stops %v %v %d, the full trace has %v %v %d", got.clones, got.signals, got.stops, want.clones, want.signals, want.stops)
				}
				if set.Has(int(r.nr("execve"))) {
					if e := r.events[0]; e.Kind != format.KindSyscallEnter || e.Nr != r.nr("execve") {
						t.Errorf("first event is not the program's execve:\n%s", r.dump())
					}
				}
			})
		}
	}
}

// TestSeccompCloneFlagsAndExecWithoutThem: the clone flags and the exec's
// path and argv come from syscalls the filter selects for the tracer even
// when the user did not; those syscalls are not recorded.
func TestSeccompCloneFlagsAndExecWithoutThem(t *testing.T) {
	r := record(t, Options{Argv: []string{prog("forktree")}, Filter: "getpid"})
	full := record(t, Options{Argv: []string{prog("forktree")}})
	if r.err != nil || full.err != nil || r.res.ExitStatus != full.res.ExitStatus {
		t.Fatalf("Run: %v, %v; status %d and %d", r.err, full.err, r.res.ExitStatus, full.res.ExitStatus)
	}
	flags := func(r *recording) []string {
		var out []string
		for _, e := range r.kind(format.KindClone) {
			out = append(out, fmt.Sprintf("%v %#x", e.Clone.Kind, e.Clone.Flags))
		}
		slices.Sort(out)
		return out
	}
	if got, want := flags(r), flags(full); len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("clones %q, the full trace has %q", got, want)
	}
	for _, e := range r.kind(format.KindSyscallEnter) {
		if e.Nr != r.nr("getpid") {
			t.Errorf("recorded %s", r.table.Name(int(e.Nr)))
		}
	}
	ex := r.kind(format.KindExec)
	if len(ex) != 1 || ex[0].Exec.Path != prog("forktree") || !slices.Equal(ex[0].Exec.Argv, []string{prog("forktree")}) {
		t.Errorf("exec events: %+v", ex)
	}
}

// TestSeccompStopOrder checks that the tracer learnt, from the shim's
// execve, that this kernel makes the syscall-entry stop before the seccomp
// stop (as every kernel since 4.8 does).
func TestSeccompStopOrder(t *testing.T) {
	var uts unix.Utsname
	unix.Uname(&uts)
	var major, minor int
	fmt.Sscanf(unix.ByteSliceToString(uts.Release[:]), "%d.%d", &major, &minor)
	if major < 4 || major == 4 && minor < 8 {
		t.Skipf("kernel %d.%d: seccomp stops come first", major, minor)
	}
	tr := newTestTracer(t, Options{Argv: []string{"true"}, Filter: "%file"})
	if _, err := tr.record(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkNothingLeft(t)
	if !tr.seccomp || tr.order != orderEntryFirst {
		t.Errorf("seccomp %v, order %d; want true and %d (entry first)", tr.seccomp, tr.order, orderEntryFirst)
	}
}

// newTestTracer is Run up to the recording, for tests that look at the
// tracer's state. Its trace goes to a buffer.
func newTestTracer(t *testing.T, opts Options) *tracer {
	t.Helper()
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { devnull.Close() })
	opts.Stdin, opts.Stdout, opts.Stderr, opts.Env = devnull, devnull, devnull, os.Environ()
	path, err := lookPath(opts.Argv[0], "", opts.Env)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := newTracer(opts, path, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if !tr.all {
		if err := tr.buildFilter(); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

// TestSeccompFallback gives the shim a filter the kernel rejects: the
// program runs without it, the tracer notices at the exec, says so once on
// Log and in the trailer, stops at every syscall and filters in the
// recorder, so the trace is the same.
func TestSeccompFallback(t *testing.T) {
	var log bytes.Buffer
	argv := []string{"ls", "-la", "/usr/bin"}
	opts := Options{Argv: argv, Filter: "%file", Log: &log, CaptureSize: 4096}
	tr := newTestTracer(t, opts)
	var trace bytes.Buffer
	tr.out = &trace
	tr.prog = []unix.SockFilter{{Code: 0xffff}} // no such instruction: EINVAL
	res, err := tr.record(context.Background())
	checkNothingLeft(t)
	if err != nil || res.ExitStatus != 0 {
		t.Fatalf("Run: %v, status %d", err, res.ExitStatus)
	}
	if tr.seccomp || strings.Count(log.String(), "\n") != 1 || !strings.Contains(log.String(), "no seccomp filter (invalid argument)") {
		t.Errorf("seccomp %v, log %q", tr.seccomp, log.String())
	}
	r := readTrace(t, &trace)
	if !r.header.Options.GetSeccomp() || r.trailer.GetSeccompFallback() != "invalid argument" {
		t.Errorf("header's seccomp %v, trailer's fallback %q: want the filter announced and why it failed",
			r.header.Options.GetSeccomp(), r.trailer.GetSeccompFallback())
	}
	full := record(t, Options{Argv: argv})
	set := parseSet(t, "%file")
	onlySet(t, r, set)
	want, got := summarize(full, set), summarize(r, set)
	if fmt.Sprint(got.calls, got.errs, got.execs) != fmt.Sprint(want.calls, want.errs, want.execs) {
		t.Errorf("got %v %v %q\nwant %v %v %q", got.calls, got.errs, got.execs, want.calls, want.errs, want.execs)
	}
}

// TestSeccompExecFromThread checks that the execve of a thread other than
// the leader returns in the trace, with a seccomp filter as without one:
// its state moves to the leader's tid at the exec event, and the leader's
// tid must then be resumed into the syscall's exit.
func TestSeccompExecFromThread(t *testing.T) {
	for _, filter := range []string{"", "execve", "%process"} {
		r := record(t, Options{Argv: []string{prog("threadexec")}, Filter: filter})
		if r.err != nil || r.res.ExitStatus != 0 {
			t.Fatalf("filter %q: %v, status %d", filter, r.err, r.res.ExitStatus)
		}
		if r.stdout != "exec from a thread\n" {
			t.Errorf("filter %q: stdout %q", filter, r.stdout)
		}
		returned := 0
		for _, e := range r.events {
			if e.Kind == format.KindSyscallExit && e.Nr == r.nr("execve") && e.Ret == 0 {
				returned++
			}
		}
		if returned != 2 {
			t.Errorf("filter %q: %d execve calls returned 0, want 2 (the program's and its thread's)", filter, returned)
		}
	}
}

// TestForeignABINotRecorded checks that i386 syscalls made with int 0x80
// are left out of the trace, said once on Log, rather than recorded under
// the native syscall with the same number (write would read as stat).
func TestForeignABINotRecorded(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("int 0x80 is x86")
	}
	for _, filter := range []string{"", "stat,writev,write"} {
		var log bytes.Buffer
		r := record(t, Options{Argv: []string{prog("int80")}, Filter: filter, Log: &log})
		if r.err != nil || r.res.ExitStatus != 0 || r.stdout != "hello from int 0x80\n" {
			t.Fatalf("filter %q: %v, status %d, stdout %q", filter, r.err, r.res.ExitStatus, r.stdout)
		}
		for _, e := range r.events {
			if (e.Kind == format.KindSyscallEnter || e.Kind == format.KindSyscallExit) && (e.Nr == r.nr("stat") || e.Nr == r.nr("writev")) {
				t.Errorf("filter %q: an i386 call recorded as %s", filter, r.table.Name(int(e.Nr)))
			}
		}
		if strings.Count(log.String(), "another ABI") != 1 {
			t.Errorf("filter %q: log %q, want one notice of the other ABI", filter, log.String())
		}
	}
}
