// Command mainthread records true from a process whose main thread has
// children of its own, as an exec'd trec has a shell's background jobs
// and a subreaper the orphans it adopts: a child that runs on and one that
// has exited, unreaped. It prints the number of exits the trace holds and
// whether the running child still runs once the recording ended.
//
// The main thread is where Go would run the tracer here: main holds it
// from init, with one P, until Run starts the tracer's goroutine and
// blocks.
package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"time"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/record"
)

func init() {
	runtime.LockOSThread()
	runtime.GOMAXPROCS(1)
}

func main() {
	record.MaybeRunShim()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "mainthread:", err)
		os.Exit(1)
	}
}

func run() error {
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
	var trace bytes.Buffer
	if _, err := record.Run(context.Background(), record.Options{Argv: []string{"true"}}, &trace); err != nil {
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

// state returns the state letter of process pid, 0 when it is gone.
func state(pid int) byte {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if i := bytes.LastIndexByte(b, ')'); i >= 0 && i+2 < len(b) {
		return b[i+2]
	}
	return 0
}
