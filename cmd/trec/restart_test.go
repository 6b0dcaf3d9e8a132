package main

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// restartScript stops a sleep in the middle of its nanosleep and lets it
// go on: the kernel interrupts the call with ERESTART_RESTARTBLOCK and
// resumes it as restart_syscall. It waits until the sleep is asleep (state
// S, not stopped at a trace stop) before it sends SIGSTOP.
const restartScript = `sleep 2 & p=$!
until [ "$(cut -d' ' -f2,3 /proc/$p/stat)" = "(sleep) S" ]; do sleep 0.05; done
kill -STOP $p; sleep 0.2; kill -CONT $p; wait`

// restartLines returns the restart_syscall calls of strace -f or trec dump
// output, their parts joined and normalized.
func restartLines(text string) []string {
	var out []string
	for _, c := range wholeCalls(text) {
		if strings.HasPrefix(c, "restart_syscall(") {
			out = append(out, c)
		}
	}
	return out
}

// A restart_syscall names the call it resumes, as strace's does, or "system
// call" when that call is not in the trace.
func TestDumpRestartSyscallMatchesStrace(t *testing.T) {
	strace, null := straceAndNull(t)
	dir := t.TempDir()
	argv := []string{"sh", "-c", restartScript}
	// The strace runs mostly sleep: run them side by side, but not beside
	// the recording, whose tracer waits for any child.
	var wg sync.WaitGroup
	var want, wantFiltered string
	var errFull, errFiltered error
	wg.Add(2)
	go func() {
		defer wg.Done()
		want, errFull = straceOutput(strace, null, filepath.Join(dir, "strace.txt"), argv)
	}()
	go func() {
		defer wg.Done()
		wantFiltered, errFiltered = straceOutput(strace, null, filepath.Join(dir, "strace-e.txt"), append([]string{"-e", "trace=restart_syscall"}, argv...))
	}()
	wg.Wait()
	for _, err := range []error{errFull, errFiltered} {
		if err != nil {
			t.Fatal(err)
		}
	}
	trc := filepath.Join(dir, "run.trc")
	if code := run(append([]string{"trec", "record", "-q", "-o", trc, "--"}, argv...), null, null, null); code != 0 {
		t.Fatalf("record: exit %d", code)
	}
	got, errs, code := trec(t, nil, "dump", trc)
	if code != 0 {
		t.Fatalf("dump: exit %d: %s", code, errs)
	}
	if !strings.Contains(got, "clock_nanosleep resumed>") || !strings.Contains(got, "= ? ERESTART_RESTARTBLOCK (Interrupted by signal)") {
		t.Fatalf("the trace has no clock_nanosleep interrupted by the stop:\n%s", got)
	}
	ws, gs := restartLines(want), restartLines(got)
	if len(ws) != 1 || ws[0] != "restart_syscall(<... resuming interrupted clock_nanosleep ...>) = 0" {
		t.Fatalf("strace's restart_syscall lines: %q", ws)
	}
	if strings.Join(gs, "\n") != ws[0] {
		t.Errorf("trec dump's restart_syscall lines:\n  %q\nstrace's:\n  %q", gs, ws)
	}

	// A trace without the interrupted call: strace -e trace=restart_syscall
	// does not see it either.
	filtered := filepath.Join(dir, "filtered.trc")
	if _, errs, code := trec(t, nil, "filter", "-e", "trace=restart_syscall", "-o", filtered, trc); code != 0 {
		t.Fatalf("filter: exit %d: %s", code, errs)
	}
	got, errs, code = trec(t, nil, "dump", filtered)
	if code != 0 {
		t.Fatalf("dump of the filtered trace: exit %d: %s", code, errs)
	}
	ws, gs = restartLines(wantFiltered), restartLines(got)
	if len(ws) != 1 || ws[0] != "restart_syscall(<... resuming interrupted system call ...>) = 0" {
		t.Fatalf("strace -e trace=restart_syscall's lines: %q", ws)
	}
	if strings.Join(gs, "\n") != ws[0] {
		t.Errorf("trec dump's restart_syscall lines in a trace without the interrupted call:\n  %q\nstrace's:\n  %q", gs, ws)
	}
}
