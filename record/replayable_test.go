package record

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trecdev/trec/format"
)

// TestReplayable checks what a replayable recording adds: the environment
// and the start state in the header, every thread pinned with the
// recorder (a re-execution follows one thread at a time), the vDSO off
// (clock reads are syscalls, and the program sees no AT_SYSINFO_EHDR), the
// AT_RANDOM bytes the program saw in its exec event, and an ioctl's
// result.
func TestReplayable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, []byte("contents\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"TREC_TEST=replayable", "PATH=/usr/bin:/bin"}
	r := mustRecordWith(t, 0, Options{Argv: []string{prog("replaywitness"), file}, Env: env, Replayable: true})
	h := r.header
	if !h.GetOptions().GetReplayable() || strings.Join(h.GetEnv(), "\n") != strings.Join(env, "\n") || h.GetStartState() == nil {
		t.Errorf("header: replayable %v, env %q, start state %v", h.GetOptions().GetReplayable(), h.GetEnv(), h.GetStartState())
	}
	if o := h.GetOptions(); o.GetPlacement() != "pin" || o.GetCpu() < 0 {
		t.Errorf("header: placement %q, CPU %d; want pinned", o.GetPlacement(), o.GetCpu())
	}
	if !strings.Contains(r.stdout, "vdso 0\n") {
		t.Errorf("the program saw a vDSO:\n%s", r.stdout)
	}
	if len(r.calls("clock_gettime")) != 2 || len(r.calls("gettimeofday")) != 1 {
		t.Errorf("clock reads are not all syscalls:\n%s", r.dump())
	}
	ex := r.kind(format.KindExec)
	if len(ex) != 1 || !ex[0].Exec.VdsoOff || len(ex[0].Exec.Random) != 16 {
		t.Fatalf("exec events %+v", ex)
	}
	if want := "at_random " + hex.EncodeToString(ex[0].Exec.Random); !strings.Contains(r.stdout, want) {
		t.Errorf("stdout has no %q:\n%s", want, r.stdout)
	}
	var fionread []byte
	for _, c := range r.calls("ioctl") {
		if c.exit != nil && c.exit.Ret == 0 {
			for _, cp := range c.exit.Captures {
				if cp.Kind == format.CaptureOutput && cp.Arg == 2 {
					fionread = cp.Data
				}
			}
		}
	}
	if !bytes.Equal(fionread, []byte{3, 0, 0, 0}) {
		t.Errorf("FIONREAD's result captured as %v, want 3", fionread)
	}
}

// TestReplayableOutputsWhole checks that a replayable recording keeps the
// buffers the kernel writes whole, past the capture size, and the ones the
// program writes cut at it.
func TestReplayableOutputsWhole(t *testing.T) {
	file := filepath.Join(t.TempDir(), "big")
	data := bytes.Repeat([]byte("0123456789abcdef"), 4096)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r := mustRecordWith(t, 0, Options{Argv: []string{"dd", "if=" + file, "bs=65536", "status=none"}, CaptureSize: 32, Replayable: true})
	var read, written []byte
	for _, c := range r.calls("read") {
		if c.exit != nil && c.exit.Ret == int64(len(data)) {
			read, _ = capture(c.exit, 1)
		}
	}
	if !bytes.Equal(read, data) {
		t.Errorf("the read of the file captured %d bytes, want its %d:\n%s", len(read), len(data), r.dump())
	}
	for _, c := range r.calls("write") {
		d, _ := capture(c.enter, 1)
		if len(d) > 32 {
			t.Fatalf("a write captured %d bytes with a capture size of 32", len(d))
		}
		written = append(written, d...)
	}
	if len(written) == 0 {
		t.Errorf("no writes captured:\n%s", r.dump())
	}
}

func TestReplayableTakesNoFilter(t *testing.T) {
	r := record(t, Options{Argv: []string{"true"}, Filter: "read", Replayable: true})
	if r.err == nil || !strings.Contains(r.err.Error(), "replayable") {
		t.Errorf("Run with a filter and Replayable: %v", r.err)
	}
}

// TestReplayableSaysWhenCut checks that a replayable recording says, once,
// that a call returned more than the captures of a call hold.
func TestReplayableSaysWhenCut(t *testing.T) {
	var log bytes.Buffer
	r := mustRecordWith(t, 0, Options{Argv: []string{"dd", "if=/dev/zero", "of=/dev/null", "bs=20M", "count=2", "status=none"},
		Replayable: true, Log: &log})
	if n := strings.Count(log.String(), "trec: --replayable: "); n != 1 || !strings.Contains(log.String(), "read returned more than the 16 MiB") {
		t.Errorf("%d notices:\n%s", n, log.String())
	}
	for _, c := range r.calls("read") {
		if c.exit != nil && c.exit.Ret == 20<<20 {
			if d, _ := capture(c.exit, 1); len(d) != MaxCaptureSize {
				t.Errorf("a 20 MiB read captured %d bytes", len(d))
			}
		}
	}
}
