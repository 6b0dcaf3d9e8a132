package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/trecdev/trec/format"
)

// bigTrace writes a trace whose dump is megabytes long, far more than a
// pipe and trec's buffers hold.
func bigTrace(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big.trc")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := format.NewWriter(f, &format.Header{Arch: "x86_64"}, format.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("a line of output\n")
	for i := range 40000 {
		tm := int64(i) * 1000
		enter := format.Event{Kind: format.KindSyscallEnter, Time: tm, Tid: 9, Pid: 9, Nr: 1, Args: [6]uint64{1, 0x1000, uint64(len(data))},
			Captures: []format.Capture{{Arg: 1, Kind: format.CaptureBuffer, Data: data}}}
		exit := format.Event{Kind: format.KindSyscallExit, Time: tm + 500, Tid: 9, Pid: 9, Nr: 1, Ret: int64(len(data))}
		if err := w.Write(&enter); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(&exit); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(nil); err != nil {
		t.Fatal(err)
	}
	return path
}

// asTrec returns a command that runs this test binary as trec from sh,
// after script has prepared what it inherits ("$0" is trec).
func asTrec(script string, args ...string) *exec.Cmd {
	cmd := exec.Command("sh", append([]string{"-c", script, os.Args[0]}, args...)...)
	cmd.Env = append(os.Environ(), asCLI+"=1")
	return cmd
}

// TestStdoutClosed checks that the commands that write to standard output
// fail as cat does when it is closed, and the others do not mind.
func TestStdoutClosed(t *testing.T) {
	if !haveCgo {
		t.Skip("built without cgo, trec cannot tell a closed stdout from /dev/null")
	}
	trace := filepath.Join(tracesDir, "fileio.trc")
	out := filepath.Join(t.TempDir(), "out")
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"stats", trace}, 1},
		{[]string{"stats", "--json", trace}, 1},
		{[]string{"dump", trace}, 1},
		{[]string{"export", trace}, 1},
		{[]string{"filter", "-o", "-", trace}, 1},
		{[]string{"filter", "-o", out, trace}, 0},
		{[]string{"export", "-o", out, trace}, 0},
	} {
		cmd := asTrec(`"$0" "$@" >&-`, tc.args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		want := ""
		if tc.code == 1 {
			want = "trec: write standard output: bad file descriptor\n"
		}
		if code != tc.code || stderr.String() != want {
			t.Errorf("trec %s with stdout closed: exit %d, stderr %q; want %d, %q", strings.Join(tc.args, " "), code, stderr.String(), tc.code, want)
		}
	}
}

// failAfter accepts n bytes, then fails every write with err.
type failAfter struct {
	n   int
	err error
}

func (w *failAfter) Write(p []byte) (int, error) {
	if len(p) <= w.n {
		w.n -= len(p)
		return len(p), nil
	}
	n := w.n
	w.n = 0
	return n, w.err
}

// TestWriteErrors checks that a write error ends a reading command with
// one line and exit 1, without reading the rest of the trace.
func TestWriteErrors(t *testing.T) {
	trace := bigTrace(t)
	for _, args := range [][]string{
		{"stats", trace}, {"stats", "--json", trace}, {"dump", trace}, {"dump", "--json", trace},
		{"export", trace}, {"export", "-f", "jsonl", trace}, {"filter", "-o", "-", trace},
	} {
		var errb bytes.Buffer
		code := run(append([]string{"trec"}, args...), nil, &failAfter{n: 1000, err: syscall.ENOSPC}, &errb)
		if want := "trec: write standard output: no space left on device\n"; code != 1 || errb.String() != want {
			t.Errorf("trec %s: exit %d, stderr %q; want 1, %q", strings.Join(args, " "), code, errb.String(), want)
		}
	}
}

// TestDumpIntoClosedPipe checks what happens to trec dump | head: trec
// dies of SIGPIPE, as cat does; with SIGPIPE ignored, it says so in one
// line and exits 1, as cat does.
func TestDumpIntoClosedPipe(t *testing.T) {
	trace := bigTrace(t)
	for _, ignored := range []bool{false, true} {
		script := `exec "$0" dump "$1"`
		if ignored {
			script = `trap "" PIPE; ` + script
		}
		cmd := asTrec(script, trace)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil || !strings.Contains(line, "write(1, ") {
			t.Errorf("first line %q, %v", line, err)
		}
		stdout.Close()
		err = cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("ignored=%v: dump into a closed pipe: %v, want a failure", ignored, err)
		}
		ws := ee.Sys().(syscall.WaitStatus)
		switch {
		case !ignored && (!ws.Signaled() || ws.Signal() != syscall.SIGPIPE || stderr.Len() != 0):
			t.Errorf("dump into a closed pipe: %v, stderr %q; want death by SIGPIPE, as cat", ws, stderr.String())
		case ignored && (ws.ExitStatus() != 1 || stderr.String() != "trec: write standard output: broken pipe\n"):
			t.Errorf("dump into a closed pipe, SIGPIPE ignored: %v, stderr %q; want exit 1 and one line", ws, stderr.String())
		}
	}
}
