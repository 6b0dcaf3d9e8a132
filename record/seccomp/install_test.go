package seccomp

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// childEnv makes the test binary act as a child process: the value names
// what the child does (see child).
const childEnv = "TREC_SECCOMP_TEST_CHILD"

func init() {
	if os.Getenv(childEnv) != "" {
		// Keep main on the main thread: a traced child must execve from
		// the thread its tracer follows.
		runtime.LockOSThread()
	}
}

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		if err := child(mode); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// audit is the AUDIT_ARCH_* value of the running architecture.
func audit() uint32 {
	switch runtime.GOARCH {
	case "amd64":
		return unix.AUDIT_ARCH_X86_64
	case "arm64":
		return auditARM64
	}
	return 0
}

// rawErrno makes syscall nr with no arguments and returns its errno.
func rawErrno(nr uintptr) syscall.Errno {
	_, _, e := unix.RawSyscall(nr, 0, 0, 0)
	return e
}

// child runs in a child process; it selects getppid only.
//
//	tsync: install from the main thread and report, from it and from
//	       another thread, the errno of getppid (selected) and getuid (not).
//	thread: install on the main thread only (InstallThread) and report the
//	       same from it and from another thread.
//	exec:  install, then execve the program in $TREC_SECCOMP_TEST_EXEC.
func child(mode string) error {
	prog, err := Filter(audit(), []int{unix.SYS_GETPPID})
	if err != nil {
		return err
	}
	switch mode {
	case "tsync":
		type report struct {
			tid  int
			errs string
		}
		start, done := make(chan struct{}), make(chan report)
		go func() {
			runtime.LockOSThread() // main holds the main thread: this is another
			tid := unix.Gettid()
			<-start
			done <- report{tid, fmt.Sprintf("getppid=%d getuid=%d", rawErrno(unix.SYS_GETPPID), rawErrno(unix.SYS_GETUID))}
		}()
		if err := Install(prog); err != nil {
			return err
		}
		fmt.Printf("main tid=%d getppid=%d getuid=%d\n", unix.Gettid(), rawErrno(unix.SYS_GETPPID), rawErrno(unix.SYS_GETUID))
		close(start)
		r := <-done
		fmt.Printf("other tid=%d %s\n", r.tid, r.errs)
		return nil
	case "thread":
		// main is locked to the main thread (init): install there only.
		res := make(chan string)
		go func() {
			runtime.LockOSThread() // another thread than main's
			res <- fmt.Sprintf("getppid=%d", rawErrno(unix.SYS_GETPPID))
		}()
		other := <-res
		if err := InstallThread(prog); err != nil {
			return err
		}
		nnp, err := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
		if err != nil {
			return err
		}
		go func() {
			runtime.LockOSThread()
			res <- fmt.Sprintf("getppid=%d", rawErrno(unix.SYS_GETPPID))
		}()
		fmt.Printf("main getppid=%d getuid=%d nnp=%d\nother before %s after %s\n",
			rawErrno(unix.SYS_GETPPID), rawErrno(unix.SYS_GETUID), nnp, other, <-res)
		return nil
	case "exec":
		path := os.Getenv("TREC_SECCOMP_TEST_EXEC")
		if err := Install(prog); err != nil {
			return err
		}
		return unix.Exec(path, []string{path}, os.Environ())
	}
	return fmt.Errorf("unknown mode %q", mode)
}

// childCmd returns a command that runs this test binary as a child.
func childCmd(mode string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append(env, childEnv+"="+mode)...)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestInstallTSync installs the real filter in a process with no tracer:
// a SECCOMP_RET_TRACE without a tracer fails the syscall with ENOSYS, so
// the selected getppid must fail on every thread and getuid must not.
func TestInstallTSync(t *testing.T) {
	out, err := childCmd("tsync").Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var mainTid, otherTid int
	var mainPpid, mainUid, otherPpid, otherUid int
	_, err = fmt.Sscanf(string(out), "main tid=%d getppid=%d getuid=%d\nother tid=%d getppid=%d getuid=%d\n",
		&mainTid, &mainPpid, &mainUid, &otherTid, &otherPpid, &otherUid)
	if err != nil {
		t.Fatalf("parse %q: %v", out, err)
	}
	if mainTid == otherTid {
		t.Fatalf("both reports come from thread %d", mainTid)
	}
	enosys := int(unix.ENOSYS)
	if mainPpid != enosys || otherPpid != enosys {
		t.Errorf("getppid errno: main thread %d, other thread %d; want ENOSYS (%d) on both", mainPpid, otherPpid, enosys)
	}
	if mainUid != 0 || otherUid != 0 {
		t.Errorf("getuid errno: main thread %d, other thread %d; want 0", mainUid, otherUid)
	}
}

func TestInstallRejects(t *testing.T) {
	if err := Install(nil); err == nil || !strings.Contains(err.Error(), "0 instructions") {
		t.Errorf("empty program: got %v", err)
	}
}

// TestInstallThread installs the filter on the main thread only: getppid
// fails there with ENOSYS (no tracer) and works on another thread, which
// the Go runtime may have started before or after the filter. As root
// (CAP_SYS_ADMIN) no_new_privs stays unset.
func TestInstallThread(t *testing.T) {
	out, err := childCmd("thread").Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var ppid, uid, nnp, before, after int
	_, err = fmt.Sscanf(string(out), "main getppid=%d getuid=%d nnp=%d\nother before getppid=%d after getppid=%d\n", &ppid, &uid, &nnp, &before, &after)
	if err != nil {
		t.Fatalf("parse %q: %v", out, err)
	}
	if ppid != int(unix.ENOSYS) || uid != 0 {
		t.Errorf("main thread: getppid errno %d, getuid errno %d; want ENOSYS (%d) and 0", ppid, uid, unix.ENOSYS)
	}
	if before != 0 || after != 0 {
		t.Errorf("other threads: getppid errno %d and %d, want 0: the filter reached them", before, after)
	}
	if os.Geteuid() == 0 && nnp != 0 {
		t.Errorf("no_new_privs set for root")
	}
}

func TestInstallThreadRejects(t *testing.T) {
	if err := InstallThread(nil); err == nil || !strings.Contains(err.Error(), "0 instructions") {
		t.Errorf("empty program: got %v", err)
	}
}

func TestTraceAvailable(t *testing.T) {
	if err := TraceAvailable(); err != nil {
		t.Fatalf("this kernel runs the filter (TestInstallTSync), but: %v", err)
	}
}
