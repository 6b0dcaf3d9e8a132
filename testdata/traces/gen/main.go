// Command gen records the traces under testdata/traces from real programs.
// Run it from the repository root after changing a program or the
// recorder, then regenerate the goldens:
//
//	go run ./testdata/traces/gen && go test ./cmd/trec -run Golden -update
//
// Names as arguments (go run ./testdata/traces/gen decoders) record only
// those traces, leaving the others, and their goldens, as they are.
//
// It needs gcc, and ptrace permission.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"

	"github.com/trecdev/trec/record"
)

// trace is one recording: the program, how to build it, its capture size.
type trace struct {
	name    string
	src     string // C source under testdata/traces/src, built with gcc
	argv    []string
	capture int
}

var traces = []trace{
	{name: "fileio", src: "fileio.c", capture: 64},
	{name: "pipeline", argv: []string{"/bin/sh", "-c", "echo hello | tr a-z A-Z; ls /nonexistent"}, capture: 64},
	{name: "decoders", src: "decoders.c", capture: 4096},
}

func main() {
	record.MaybeRunShim()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	if names := os.Args[1:]; len(names) > 0 {
		var only []trace
		for _, t := range traces {
			if slices.Contains(names, t.name) {
				only = append(only, t)
			}
		}
		if len(only) != len(names) {
			return fmt.Errorf("%v: not all of them are traces this program records", names)
		}
		traces = only
	}
	dir := filepath.Join("testdata", "traces")
	tmp, err := os.MkdirTemp("", "trec-gen")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	// Build every program before recording: record.Run ignores SIGCHLD
	// while it runs.
	for i, t := range traces {
		if t.src == "" {
			continue
		}
		bin := filepath.Join(tmp, t.name)
		out, err := exec.Command("gcc", "-O1", "-pthread", "-o", bin, filepath.Join(dir, "src", t.src)).CombinedOutput()
		if err != nil {
			return fmt.Errorf("build %s: %v\n%s", t.src, err, out)
		}
		traces[i].argv = []string{bin}
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer devnull.Close()
	for _, t := range traces {
		path := filepath.Join(dir, t.name+".trc")
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		res, err := record.Run(context.Background(), record.Options{
			Argv: t.argv, Dir: tmp, CaptureSize: t.capture,
			Stdin: devnull, Stdout: devnull, Stderr: devnull, Version: "testdata",
		}, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("record %s: %w", t.name, err)
		}
		fi, _ := os.Stat(path)
		fmt.Printf("%s: %d events, exit %d, %d bytes\n", path, res.Events, res.ExitStatus, fi.Size())
	}
	// The same programs under strace, for the side-by-side test. This
	// runs after every recording: record.Run is done with SIGCHLD.
	if _, err := exec.LookPath("strace"); err != nil {
		fmt.Println("strace not installed: no .strace files")
		return nil
	}
	for _, t := range traces {
		out, err := filepath.Abs(filepath.Join(dir, t.name+".strace"))
		if err != nil {
			return err
		}
		cmd := exec.Command("strace", append([]string{"-f", "-o", out}, t.argv...)...)
		cmd.Dir = tmp
		cmd.Run() // the exit status is the program's
	}
	return nil
}
