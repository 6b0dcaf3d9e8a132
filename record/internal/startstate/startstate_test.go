package startstate

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// TestAtSeesTheParentsState starts this test binary again with SIGTERM
// and SIGUSR1 ignored, SIGUSR2 blocked and fd 0 closed, and checks that At
// reports them although the Go runtime has changed all three by then.
func TestAtSeesTheParentsState(t *testing.T) {
	if os.Getenv("STARTSTATE_CHILD") == "1" {
		s, ok := At()
		if !ok {
			os.Exit(3)
		}
		os.Stdout.WriteString(s.String())
		os.Exit(0)
	}
	if _, ok := At(); !ok {
		t.Skip("built without cgo: the start state is not known")
	}
	cmd := exec.Command("sh", "-c", `trap "" TERM USR1; exec "$0" -test.run=TestAtSeesTheParentsState <&-`, os.Args[0])
	cmd.Env = append(os.Environ(), "STARTSTATE_CHILD=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	s, err := Parse(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatal(err)
	}
	const term, usr1 = 1 << (15 - 1), 1 << (10 - 1)
	if s.Ignored&term == 0 || s.Ignored&usr1 == 0 {
		t.Errorf("ignored %#x: want SIGTERM and SIGUSR1 (%#x)", s.Ignored, term|usr1)
	}
	if s.Closed != 1 {
		t.Errorf("closed %#x: want fd 0 alone", s.Closed)
	}
	if got, err := Parse(s.String()); err != nil || got != s {
		t.Errorf("Parse(String()) = %+v, %v; want %+v", got, err, s)
	}
}

// Apply gives SIGHUP and SIGINT their default disposition unless the state
// ignores them: the Go runtime leaves them ignored when the process started
// so, and an exec would keep that.
func TestApplyResetsIgnoredHupInt(t *testing.T) {
	if os.Getenv("STARTSTATE_APPLY") == "1" {
		signal.Ignore(syscall.SIGHUP, syscall.SIGINT)
		grep, err := exec.LookPath("grep")
		if err != nil {
			os.Exit(3)
		}
		runtime.LockOSThread()
		if err := (State{Ignored: 1 << (syscall.SIGINT - 1)}).Apply(); err != nil {
			os.Exit(4)
		}
		syscall.Exec(grep, []string{"grep", "SigIgn", "/proc/self/status"}, os.Environ())
		os.Exit(5)
	}
	cmd := exec.Command(os.Args[0], "-test.run=TestApplyResetsIgnoredHupInt")
	cmd.Env = append(os.Environ(), "STARTSTATE_APPLY=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	var mask uint64
	if _, err := fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(string(out), "SigIgn:")), "%x", &mask); err != nil {
		t.Fatalf("child printed %q: %v", out, err)
	}
	const hup, intr = 1 << (syscall.SIGHUP - 1), 1 << (syscall.SIGINT - 1)
	if mask&hup != 0 || mask&intr == 0 {
		t.Errorf("SigIgn %#x after Apply: want SIGINT ignored (%#x), SIGHUP not (%#x)", mask, intr, hup)
	}
}
