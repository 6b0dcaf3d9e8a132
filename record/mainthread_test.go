package record

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trecdev/trec/format"
)

// mainThreadEnv makes this test binary, run by
// TestChildrenOfTheMainThread, record from its main thread
// (recordFromMainThread).
const mainThreadEnv = "TREC_TEST_MAIN_THREAD"

func init() {
	if os.Getenv(mainThreadEnv) == "1" {
		// main runs on the main thread, which it holds, with one P,
		// until Run starts the tracer's goroutine and blocks: that is
		// where Go would run the tracer.
		runtime.LockOSThread()
		runtime.GOMAXPROCS(1)
	}
}

// TestChildrenOfTheMainThread records from a process whose main thread has
// children that are not the program's, as an exec'd trec has a shell's
// background jobs and a subreaper the orphans it adopts: the recording
// ends with the program, neither waiting for them nor recording their
// exits.
func TestChildrenOfTheMainThread(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), mainThreadEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil || string(out) != "1 exits, child running true\n" {
		t.Errorf("%v, %q; want the program's exit alone, and the child running", err, out)
	}
}

// recordFromMainThread starts a child that runs on and one that exits,
// unreaped, then records true, and prints the number of exits the trace
// holds and whether the running child still runs.
func recordFromMainThread() error {
	running := exec.Command("sleep", "20")
	exited := exec.Command("true")
	for _, c := range []*exec.Cmd{running, exited} {
		if err := c.Start(); err != nil {
			return err
		}
	}
	defer func() {
		running.Process.Kill()
		running.Wait()
		exited.Wait()
	}()
	for state(exited.Process.Pid) != 'Z' {
		time.Sleep(time.Millisecond)
	}
	runtime.UnlockOSThread()
	env := slices.DeleteFunc(os.Environ(), func(s string) bool { return strings.HasPrefix(s, mainThreadEnv+"=") })
	var trace bytes.Buffer
	if _, err := Run(context.Background(), Options{Argv: []string{"true"}, Env: env}, &trace); err != nil {
		return err
	}
	rd, err := format.NewReader(&trace)
	if err != nil {
		return err
	}
	exits := 0
	for {
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if e.Kind == format.KindExit {
			exits++
		}
	}
	st := state(running.Process.Pid)
	fmt.Printf("%d exits, child running %v\n", exits, st == 'S' || st == 'R')
	return nil
}
