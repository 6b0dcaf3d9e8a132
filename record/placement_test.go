package record

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/trecdev/trec/format"
)

// runDirect runs argv without trec and returns its stdout.
func runDirect(t *testing.T, argv ...string) string {
	t.Helper()
	out, err := exec.Command(argv[0], argv[1:]...).Output()
	if err != nil {
		t.Fatalf("%q: %v", argv, err)
	}
	return string(out)
}

// placements are the ways to place a recording that the tests try.
func placements() map[string]Options {
	last := runtime.NumCPU() - 1
	return map[string]Options{
		"pinned":          {},
		"pinned/seccomp":  {Filter: "%file"},
		"cpu0":            {UseCPU: true, CPU: 0},
		"cpulast/seccomp": {UseCPU: true, CPU: last, Filter: "openat"},
		"nopin":           {NoPin: true},
	}
}

// TestPlacementInvisible: nproc, a C program that reads and then sets its
// own CPU mask, and the Go runtime's CPU count print under trec what they
// print without it, however trec placed them. The C program's threads
// then run on the CPU it chose.
func TestPlacementInvisible(t *testing.T) {
	for _, argv := range [][]string{{"nproc"}, {prog("affinity")}, {prog("gomaxprocs")}} {
		want := runDirect(t, argv...)
		for name, opts := range placements() {
			t.Run(strings.TrimPrefix(argv[0], progDir+"/")+"/"+name, func(t *testing.T) {
				opts.Argv = argv
				r := record(t, opts)
				if r.err != nil || r.res.ExitStatus != 0 {
					t.Fatalf("Run: %v, status %d", r.err, r.res.ExitStatus)
				}
				if r.stdout != want {
					t.Errorf("stdout:\n%s\nwithout trec:\n%s", r.stdout, want)
				}
			})
		}
	}
}

// TestPlacementHeaderAndLeak: the header names the CPU, and the one place
// the pinning shows is the accepted leak of /proc/self/status's
// Cpus_allowed_list (and getcpu), which the package documentation
// describes.
func TestPlacementHeaderAndLeak(t *testing.T) {
	all := runDirect(t, "sh", "-c", "grep Cpus_allowed_list /proc/self/status")
	for name, opts := range placements() {
		t.Run(name, func(t *testing.T) {
			opts.Argv = []string{"sh", "-c", "grep Cpus_allowed_list /proc/self/status"}
			r := record(t, opts)
			if r.err != nil || r.res.ExitStatus != 0 {
				t.Fatalf("Run: %v, status %d", r.err, r.res.ExitStatus)
			}
			cpu := int(r.header.Options.GetCpu())
			want := all
			switch {
			case opts.NoPin:
				if cpu != -1 {
					t.Errorf("header CPU %d, want -1", cpu)
				}
			case opts.UseCPU && cpu != opts.CPU, cpu < 0 || cpu >= runtime.NumCPU():
				t.Errorf("header CPU %d", cpu)
			default:
				want = "Cpus_allowed_list:\t" + strconv.Itoa(cpu) + "\n"
			}
			if r.stdout != want {
				t.Errorf("stdout %q, want %q", r.stdout, want)
			}
		})
	}
}

// TestAffinityRewriteRecorded: the trace holds what the program saw, the
// original mask, at the exit of its first sched_getaffinity; and nothing
// when the filter does not select it.
func TestAffinityRewriteRecorded(t *testing.T) {
	var orig [maskMax]byte
	n, err := getaffinity(0, orig[:])
	if err != nil {
		t.Fatal(err)
	}
	r := record(t, Options{Argv: []string{prog("affinity")}})
	if r.err != nil || r.res.ExitStatus != 0 {
		t.Fatalf("Run: %v, status %d", r.err, r.res.ExitStatus)
	}
	calls := r.calls("sched_getaffinity")
	if len(calls) < 2 || calls[0].exit == nil {
		t.Fatalf("%d sched_getaffinity calls\n%s", len(calls), r.dump())
	}
	if got, _ := capture(calls[0].exit, 2); !bytes.Equal(got, orig[:n]) {
		t.Errorf("first sched_getaffinity recorded %x, want the original mask %x", got, orig[:n])
	}
	r = record(t, Options{Argv: []string{prog("affinity")}, Filter: "write"})
	for _, e := range r.kind(format.KindSyscallEnter) {
		if e.Nr != r.nr("write") {
			t.Errorf("recorded %s", r.table.Name(int(e.Nr)))
		}
	}
}

func TestPlacementErrors(t *testing.T) {
	for name, opts := range map[string]Options{
		"no such cpu":    {UseCPU: true, CPU: 1 << 20},
		"negative cpu":   {UseCPU: true, CPU: -1},
		"cpu and no pin": {UseCPU: true, NoPin: true},
	} {
		t.Run(name, func(t *testing.T) {
			opts.Argv = []string{"true"}
			var trace bytes.Buffer
			_, err := Run(context.Background(), opts, &trace)
			checkNothingLeft(t)
			if err == nil || trace.Len() != 0 {
				t.Fatalf("Run: %v, %d bytes of trace", err, trace.Len())
			}
			if opts.NoPin == errors.Is(err, errBadCPU) {
				t.Errorf("Run: %v", err)
			}
			t.Log(err)
		})
	}
}

// TestPollBackoff: slow polls in a row double the stops waited in wait4,
// up to the maximum; a fast poll resets the backoff.
func TestPollBackoff(t *testing.T) {
	tr := &tracer{pollBackoff: pollBackoffMin}
	want := []int{64, 128, 256, 512, 1024, 2048, 4096, 4096}
	for i, w := range want {
		tr.pollCheck(2 * pollSlow)
		if tr.pollOff != w {
			t.Fatalf("slow poll %d: waits %d stops, want %d", i+1, tr.pollOff, w)
		}
	}
	tr.pollOff = 0
	tr.pollCheck(pollSlow / 2)
	if tr.pollOff != 0 || tr.pollBackoff != pollBackoffMin {
		t.Errorf("after a fast poll: waits %d, backoff %d", tr.pollOff, tr.pollBackoff)
	}
}
