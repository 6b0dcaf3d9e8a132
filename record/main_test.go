package record

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// progDir holds the test programs, built once by TestMain.
var progDir string

func TestMain(m *testing.M) {
	MaybeRunShim()
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "trec-record-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	progDir = dir
	// Build every program before any recording starts: Run ignores
	// SIGCHLD, which would break exec.Cmd.Wait in this process.
	if err := buildProgs(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// buildProgs compiles the C programs in the repository's testdata/progs
// and in this package's testdata/progs with gcc, and the Go programs in
// their subdirectories with go build (cached by Go's build cache).
func buildProgs(dir string) error {
	var cs, gos []string
	for _, src := range []string{filepath.Join("..", "testdata", "progs"), filepath.Join("testdata", "progs")} {
		c, _ := filepath.Glob(filepath.Join(src, "*.c"))
		g, _ := filepath.Glob(filepath.Join(src, "*", "main.go"))
		cs, gos = append(cs, c...), append(gos, g...)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(cs)+len(gos))
	sem := make(chan struct{}, 2)
	build := func(name string, args ...string) {
		defer wg.Done()
		sem <- struct{}{}
		defer func() { <-sem }()
		cmd := exec.Command(args[0], args[1:]...)
		if out, err := cmd.CombinedOutput(); err != nil {
			errs <- fmt.Errorf("build %s: %v\n%s", name, err, out)
		}
	}
	if len(cs) > 0 {
		if _, err := exec.LookPath("gcc"); err != nil {
			return errors.New("gcc is needed to build the test programs")
		}
	}
	for _, c := range cs {
		name := strings.TrimSuffix(filepath.Base(c), ".c")
		wg.Add(1)
		go build(name, "gcc", "-O1", "-g", "-pthread", "-o", filepath.Join(dir, name), c)
	}
	for _, g := range gos {
		name := filepath.Base(filepath.Dir(g))
		wg.Add(1)
		go build(name, "go", "build", "-o", filepath.Join(dir, name), "./"+filepath.ToSlash(filepath.Dir(g)))
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// prog returns the path of a built test program.
func prog(name string) string { return filepath.Join(progDir, name) }

// recording is what one recorded run left behind.
type recording struct {
	res     Result
	err     error
	stdout  string
	header  *format.Header
	trailer *format.Trailer
	events  []format.Event
	// names of syscalls, by number
	table *sysent.Table
}

// record runs argv under Run with its stdout to a file and reads the
// trace back. It checks that nothing is left behind afterwards.
func record(t *testing.T, opts Options) *recording {
	t.Helper()
	dir := t.TempDir()
	out, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if opts.Stdout == nil {
		opts.Stdout = out
	}
	if opts.Stdin == nil {
		devnull, err := os.Open(os.DevNull)
		if err != nil {
			t.Fatal(err)
		}
		defer devnull.Close()
		opts.Stdin = devnull
	}
	if opts.CaptureSize == 0 {
		opts.CaptureSize = 4096
	}
	var trace bytes.Buffer
	r := &recording{table: sysent.ForArch(nativeArch)}
	r.res, r.err = Run(context.Background(), opts, &trace)
	checkNothingLeft(t)
	if sigchldIgnored() {
		t.Errorf("SIGCHLD still ignored after Run")
	}
	b, _ := os.ReadFile(out.Name())
	r.stdout = string(b)
	if r.err != nil || trace.Len() == 0 {
		return r
	}
	rt := readTrace(t, &trace)
	r.header, r.events, r.trailer = rt.header, rt.events, rt.trailer
	if got := rt.trailer.ExitStatus; int(got) != r.res.ExitStatus {
		t.Errorf("trailer exit status %d, Run said %d", got, r.res.ExitStatus)
	}
	if uint64(len(r.events)) != r.res.Events {
		t.Errorf("read %d events, Run said %d", len(r.events), r.res.Events)
	}
	return r
}

// readTrace reads a whole trace, which must have a trailer.
func readTrace(t *testing.T, trace io.Reader) *recording {
	t.Helper()
	rd, err := format.NewReader(trace)
	if err != nil {
		t.Fatalf("read trace: %v", err)
	}
	r := &recording{table: sysent.ForArch(nativeArch), header: rd.Header()}
	for {
		ev, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read trace: %v", err)
		}
		r.events = append(r.events, ev.Copy())
	}
	if r.trailer = rd.Trailer(); r.trailer == nil {
		t.Fatal("trace has no trailer")
	}
	return r
}

// mustRecord is record for a run that must succeed with status want.
func mustRecord(t *testing.T, want int, argv ...string) *recording {
	t.Helper()
	return mustRecordWith(t, want, Options{Argv: argv})
}

// mustRecordWith is mustRecord with options.
func mustRecordWith(t *testing.T, want int, opts Options) *recording {
	t.Helper()
	r := record(t, opts)
	if r.err != nil {
		t.Fatalf("Run %q: %v", opts.Argv, r.err)
	}
	if r.res.ExitStatus != want {
		t.Fatalf("Run %q: exit status %d, want %d; stdout:\n%s", opts.Argv, r.res.ExitStatus, want, r.stdout)
	}
	return r
}

func (r *recording) nr(name string) int32 {
	sc, ok := r.table.ByName(name)
	if !ok {
		panic("no syscall " + name)
	}
	return int32(sc.Nr)
}

// dump returns the trace as text, for failure messages.
func (r *recording) dump() string {
	var b strings.Builder
	for i := range r.events {
		e := &r.events[i]
		fmt.Fprintf(&b, "%d %s tid=%d pid=%d", e.Time, e.Kind, e.Tid, e.Pid)
		switch e.Kind {
		case format.KindSyscallEnter:
			fmt.Fprintf(&b, " %s(%#x, %#x, %#x)", r.table.Name(int(e.Nr)), e.Args[0], e.Args[1], e.Args[2])
		case format.KindSyscallExit:
			fmt.Fprintf(&b, " %s = %d", r.table.Name(int(e.Nr)), e.Ret)
		case format.KindSignal, format.KindStop:
			fmt.Fprintf(&b, " %+v", e.Signal)
		case format.KindClone:
			fmt.Fprintf(&b, " %+v", e.Clone)
		case format.KindExec:
			fmt.Fprintf(&b, " %+v", e.Exec)
		case format.KindExit:
			fmt.Fprintf(&b, " %+v", e.Exit)
		}
		for _, c := range e.Captures {
			d := c.Data
			if len(d) > 40 {
				d = d[:40]
			}
			fmt.Fprintf(&b, " [%d:%d#%d %q len=%d]", c.Arg, c.Kind, c.Index, d, c.Len())
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// checkNothingLeft fails the test when a process traced by this process or
// a child of it (a zombie included) still exists, but for the processes
// in except.
func checkNothingLeft(t *testing.T, except ...int) {
	t.Helper()
	self := os.Getpid()
	tids := map[int]bool{}
	if ents, err := os.ReadDir("/proc/self/task"); err == nil {
		for _, e := range ents {
			n, _ := strconv.Atoi(e.Name())
			tids[n] = true
		}
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self || slices.Contains(except, pid) {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/status")
		if err != nil {
			continue
		}
		var ppid, tracer int
		var state, name string
		for line := range strings.SplitSeq(string(b), "\n") {
			k, v, _ := strings.Cut(line, ":")
			v = strings.TrimSpace(v)
			switch k {
			case "PPid":
				ppid, _ = strconv.Atoi(v)
			case "TracerPid":
				tracer, _ = strconv.Atoi(v)
			case "State":
				state = v
			case "Name":
				name = v
			}
		}
		if ppid == self || tids[ppid] || tracer == self || tids[tracer] || (tracer != 0 && !alive(tracer)) {
			t.Errorf("left behind: pid %d (%s) state %s ppid %d tracer %d", pid, name, state, ppid, tracer)
		}
	}
}

func alive(pid int) bool {
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return err == nil
}
