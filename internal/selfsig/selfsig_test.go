//go:build linux

package selfsig

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
)

// TestMain runs this test binary as a child that dies of, or stops on, the
// signal in SELFSIG_DO.
func TestMain(m *testing.M) {
	switch os.Getenv("SELFSIG_DO") {
	case "die":
		// Caught by Go, as trec catches it while it records.
		signal.Notify(make(chan os.Signal, 1), syscall.SIGABRT)
		Die(syscall.SIGABRT)
	case "stop":
		signal.Notify(make(chan os.Signal, 1), syscall.SIGTSTP)
		Stop(syscall.SIGTSTP)
		os.Stdout.WriteString("continued\n")
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func child(t *testing.T, do string) *exec.Cmd {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "SELFSIG_DO="+do)
	// A group of its own: not orphaned (this process is outside it), so a
	// SIGTSTP stops it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// Die kills the process with the signal, without a core dump, though Go
// catches the signal and the core size limit allows one.
func TestDie(t *testing.T) {
	var old syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_CORE, &old)
	// Cores allowed, as far as this process may.
	syscall.Setrlimit(syscall.RLIMIT_CORE, &syscall.Rlimit{Cur: old.Max, Max: old.Max})
	defer syscall.Setrlimit(syscall.RLIMIT_CORE, &old)
	cmd := child(t, "die")
	cmd.Dir = t.TempDir()
	err := cmd.Run()
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if err == nil || !ws.Signaled() || ws.Signal() != syscall.SIGABRT || ws.CoreDump() {
		t.Errorf("child ended with status %#x (%v), want killed by SIGABRT without a core", uint32(ws), err)
	}
	if ents, _ := os.ReadDir(cmd.Dir); len(ents) != 0 {
		t.Errorf("child left %d files in its directory", len(ents))
	}
}

// Stop stops the process with the signal, though Go catches it, and
// returns when it is continued.
func TestStop(t *testing.T) {
	cmd := child(t, "stop")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(cmd.Process.Pid, &ws, syscall.WUNTRACED, nil); err != nil || !ws.Stopped() || ws.StopSignal() != syscall.SIGTSTP {
		t.Fatalf("child: status %#x (%v), want stopped by SIGTSTP", uint32(ws), err)
	}
	syscall.Kill(cmd.Process.Pid, syscall.SIGCONT)
	if _, err := syscall.Wait4(cmd.Process.Pid, &ws, 0, nil); err != nil || ws.ExitStatus() != 0 {
		t.Fatalf("continued child: status %#x (%v)", uint32(ws), err)
	}
	b := make([]byte, 64)
	if n, _ := r.Read(b); string(b[:n]) != "continued\n" {
		t.Errorf("continued child printed %q", b[:n])
	}
}
