package record

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/record/internal/startstate"
)

// straceCounts runs argv under strace -f -c and returns its calls and
// errors per syscall.
func straceCounts(t *testing.T, argv []string) (calls, errs map[string]int) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "strace")
	cmd := exec.Command("strace", append([]string{"-f", "-c", "-o", out, "--"}, argv...)...)
	// The signals this process started with ignored (a background job's
	// SIGINT and SIGQUIT) are ignored in a recorded program, which a
	// shell's startup shows: ignored in strace's too.
	start, _ := startstate.At()
	var ignored []string
	for sig := 1; sig <= 64; sig++ {
		if start.Ignored&(1<<(sig-1)) != 0 {
			ignored = append(ignored, strconv.Itoa(sig))
		}
	}
	if len(ignored) > 0 {
		cmd = exec.Command("sh", append([]string{"-c", `trap "" ` + strings.Join(ignored, " ") + `; exec "$@"`, "sh"}, cmd.Args...)...)
	}
	// Like record's: stdout to a regular file, stdin from /dev/null.
	stdout, err := os.Create(out + ".stdout")
	if err != nil {
		t.Fatal(err)
	}
	defer stdout.Close()
	cmd.Stdout = stdout
	if err := cmd.Run(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("strace: %v", err)
		}
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	calls, errs = map[string]int{}, map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// % time     seconds  usecs/call     calls    errors syscall
		fs := strings.Fields(sc.Text())
		if len(fs) < 5 || strings.HasPrefix(fs[0], "%") || strings.HasPrefix(fs[0], "-") || fs[len(fs)-1] == "total" {
			continue
		}
		name := fs[len(fs)-1]
		n, err := strconv.Atoi(fs[3])
		if err != nil {
			continue
		}
		calls[name] = n
		if len(fs) == 6 {
			errs[name], _ = strconv.Atoi(fs[4])
		}
	}
	return calls, errs
}

// TestCountsMatchStrace compares the per-syscall call and error counts of
// a recording with strace -f -c's for deterministic commands. A call counts
// when it is entered; an error is an exit with -4095 <= ret < 0. strace -c
// counts at the exit, so it leaves out exit_group, which never returns.
//
// Commands that fork are not deterministic here: under any tracer a
// parent's wait4 may be interrupted by SIGCHLD (-ERESTARTSYS, then
// restarted) or not, depending on timing.
func TestCountsMatchStrace(t *testing.T) {
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace is not installed")
	}
	for _, argv := range [][]string{
		{"ls", "-la", "/usr/bin"},
		{"sh", "-c", "echo a; echo b > /dev/null; cd /; pwd"},
		// The interpreter itself: a PATH shim (pyenv) reads from pipes in
		// timing-dependent chunks.
		{"/usr/bin/python3", "-c", "pass"},
	} {
		if _, err := exec.LookPath(argv[0]); err != nil {
			continue
		}
		t.Run(filepath.Base(argv[0]), func(t *testing.T) {
			wantCalls, wantErrs := straceCounts(t, argv)
			devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer devnull.Close()
			// stderr to /dev/null, as strace's run has it.
			r := record(t, Options{Argv: argv, Stderr: devnull})
			if r.err != nil || r.res.ExitStatus != 0 {
				t.Fatalf("Run: %v, status %d", r.err, r.res.ExitStatus)
			}
			calls, errs := map[string]int{}, map[string]int{}
			for _, e := range r.events {
				name := r.table.Name(int(e.Nr))
				switch {
				case e.Kind == format.KindSyscallEnter:
					calls[name]++
				case e.Kind == format.KindSyscallExit && e.Ret < 0 && e.Ret >= -4095:
					errs[name]++
				}
			}
			delete(calls, "exit_group")
			for name := range merge(calls, wantCalls) {
				if calls[name] != wantCalls[name] || errs[name] != wantErrs[name] {
					t.Errorf("%s: %d calls %d errors, strace counted %d and %d", name, calls[name], errs[name], wantCalls[name], wantErrs[name])
				}
			}
		})
	}
}

func merge(a, b map[string]int) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}
