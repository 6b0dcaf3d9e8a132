package record

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/hook"
	"github.com/trecdev/trec/sysent"
	"golang.org/x/sys/unix"
)

// hookMode is one way of running hooks: with or without a seccomp filter
// that leaves the hooked calls out of the recording, and with
// PTRACE_SET_SYSCALL_INFO or the registers.
type hookMode struct {
	name   string
	filter string
	regs   bool
}

var hookModes = []hookMode{
	{"all", "", false},
	{"filtered", "exit_group", false},
	{"all-regs", "", true},
	{"filtered-regs", "exit_group", true},
}

// eachHookMode runs f in every hook mode, with opts set for it.
func eachHookMode(t *testing.T, f func(t *testing.T, m hookMode, opts Options)) {
	for _, m := range hookModes {
		t.Run(m.name, func(t *testing.T) {
			f(t, m, Options{Filter: m.filter, noSetSyscallInfo: m.regs})
		})
	}
}

func table() *sysent.Table { return sysent.ForArch(nativeArch) }

// recordHooked records opts with hooks and checks how the changes were
// applied.
func recordHooked(t *testing.T, want int, m hookMode, opts Options, hooks ...hook.Hook) *recording {
	t.Helper()
	opts.Hooks = hooks
	r := mustRecordWith(t, want, opts)
	if r.res.hookRegs != m.regs && (m.regs || setSyscallInfoExpected()) {
		t.Errorf("changes applied through the registers: %v, want %v", r.res.hookRegs, m.regs)
	}
	return r
}

// setSyscallInfoExpected reports whether the kernel is new enough for
// PTRACE_SET_SYSCALL_INFO (6.16).
func setSyscallInfoExpected() bool {
	var uts unix.Utsname
	if unix.Uname(&uts) != nil {
		return false
	}
	var major, minor int
	if _, err := fmt.Sscanf(unix.ByteSliceToString(uts.Release[:]), "%d.%d", &major, &minor); err != nil {
		return false
	}
	return major > 6 || major == 6 && minor >= 16
}

// hookRecords returns the trace's hook records of syscall name.
func (r *recording) hookRecords(name string) []*format.Event {
	var out []*format.Event
	for _, e := range r.kind(format.KindHook) {
		if e.Nr == r.nr(name) {
			out = append(out, e)
		}
	}
	return out
}

// hookBetween reports whether a hook record of c's thread lies between
// c's enter and exit.
func (r *recording) hookBetween(c call) bool {
	for i := c.enterIdx + 1; i < c.exitIdx; i++ {
		if e := &r.events[i]; e.Kind == format.KindHook && e.Tid == c.enter.Tid {
			return true
		}
	}
	return false
}

func trailerCount(r *recording, hookName, rule string) *format.HookCount {
	for _, c := range r.trailer.GetHooks() {
		if c.Hook == hookName && c.Rule == rule {
			return c
		}
	}
	return nil
}

func TestHookDenySocket(t *testing.T) {
	eachHookMode(t, func(t *testing.T, m hookMode, opts Options) {
		d, err := hook.ParseDeny(table(), []string{"%network"})
		if err != nil {
			t.Fatal(err)
		}
		opts.Argv = []string{prog("hookprobe"), "socket"}
		r := recordHooked(t, 0, m, opts, d)
		wantStdout(t, r, "socket: -1 EPERM\n")
		calls := r.calls("socket")
		if len(calls) != 1 || calls[0].exit == nil || calls[0].exit.Ret != -int64(unix.EPERM) {
			t.Fatalf("socket calls %+v, want one that returned -EPERM\n%s", calls, r.dump())
		}
		hr := r.hookRecords("socket")
		if len(hr) != 1 || hr[0].Hook.Op != format.HookSkip || hr[0].Hook.Name != "deny" ||
			hr[0].Hook.Rule != "%network" || int64(hr[0].Hook.NewValue) != -int64(unix.EPERM) {
			t.Fatalf("hook records %+v", hr)
		}
		if !r.hookBetween(calls[0]) {
			t.Errorf("the hook record is not between the call's enter and exit\n%s", r.dump())
		}
		if c := trailerCount(r, "deny", "%network"); c == nil || c.Changed != 1 || c.Seen != 1 {
			t.Errorf("trailer count %v, want 1 seen, 1 changed", c)
		}
		if got := r.header.GetOptions().GetHooks(); len(got) != 1 || got[0] != "deny %network" {
			t.Errorf("header hooks %q", got)
		}
	})
}

func TestHookDenyPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	for _, filter := range []string{"", "exit_group"} {
		d, _ := hook.ParseDeny(table(), []string{"%network"})
		errf, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
		if err != nil {
			t.Fatal(err)
		}
		r := mustRecordWith(t, 1, Options{Argv: []string{py, "-c", "import socket; socket.socket()"}, Stderr: errf,
			Filter: filter, Hooks: []hook.Hook{d}})
		errf.Close()
		stderr, _ := os.ReadFile(errf.Name())
		if !strings.Contains(string(stderr), "PermissionError: [Errno 1] Operation not permitted") {
			t.Errorf("filter %q: python's stderr:\n%s", filter, stderr)
		}
		if calls := r.calls("socket"); len(calls) == 0 || calls[len(calls)-1].exit.Ret != -int64(unix.EPERM) {
			t.Errorf("filter %q: no socket call failed with EPERM", filter)
		}
	}
}

func TestHookRedirectFD(t *testing.T) {
	eachHookMode(t, func(t *testing.T, m hookMode, opts Options) {
		rd, err := hook.ParseRedirectFD([]string{"1:2"})
		if err != nil {
			t.Fatal(err)
		}
		errf, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
		if err != nil {
			t.Fatal(err)
		}
		defer errf.Close()
		opts.Argv, opts.Stderr = []string{"sh", "-c", "echo to-stdout; echo to-stderr >&2"}, errf
		r := recordHooked(t, 0, m, opts, rd)
		stderr, _ := os.ReadFile(errf.Name())
		if r.stdout != "" || string(stderr) != "to-stdout\nto-stderr\n" {
			t.Errorf("stdout %q, stderr %q: want everything on stderr", r.stdout, stderr)
		}
		var moved int
		for _, e := range r.hookRecords("write") {
			if e.Hook.Op == format.HookSetArg && e.Hook.Arg == 0 && e.Hook.OldValue == 1 && e.Hook.NewValue == 2 {
				moved++
			}
		}
		if moved == 0 {
			t.Errorf("no hook record of fd 1 becoming 2\n%s", r.dump())
		}
		// The trace keeps the arguments the program passed.
		if w := r.calls("write"); len(w) == 0 || w[0].enter.Args[0] != 1 {
			t.Errorf("write calls %+v: want the program's fd 1", w)
		}
	})
}

// TestHookRegistersRestored checks that a rewritten argument register is
// the program's again after the call, as the syscall ABI promises.
func TestHookRegistersRestored(t *testing.T) {
	if nativeArch != sysent.X86_64 {
		t.Skip("the probe is x86_64 assembly")
	}
	eachHookMode(t, func(t *testing.T, m hookMode, opts Options) {
		rd, _ := hook.ParseRedirectFD([]string{"5:1"})
		opts.Argv = []string{prog("hookprobe"), "regs"}
		r := recordHooked(t, 0, m, opts, rd)
		wantStdout(t, r, "regs\nrdi after write: 5\n")
	})
}

func TestHookMapPath(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a"), []byte("from the fixture\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	from := "/trec-no-such-fixture"
	eachHookMode(t, func(t *testing.T, m hookMode, opts Options) {
		mp, err := hook.ParseMapPath([]string{from + "=" + dir})
		if err != nil {
			t.Fatal(err)
		}
		opts.Argv = []string{"cat", from + "/a"}
		r := recordHooked(t, 0, m, opts, mp)
		wantStdout(t, r, "from the fixture\n")
		var found bool
		for _, e := range r.hookRecords("openat") {
			h := e.Hook
			if h.Op == format.HookSetArg && h.Arg == 1 && string(h.OldData) == from+"/a" && string(h.NewData) == dir+"/a" {
				found = true
			}
		}
		if !found {
			t.Errorf("no hook record of the path's rewrite\n%s", r.dump())
		}
	})
}

// TestHookInjectWhen checks strace's counting: per syscall and per thread,
// a new thread and a forked child counting from one.
func TestHookInjectWhen(t *testing.T) {
	eachHookMode(t, func(t *testing.T, m hookMode, opts Options) {
		in, err := hook.ParseInject(table(), []string{"openat:error=ENOENT:when=3+"})
		if err != nil {
			t.Fatal(err)
		}
		opts.Argv = []string{prog("hookprobe"), "opens", "4", "/dev/null"}
		r := recordHooked(t, 0, m, opts, in)
		// The thread and the child make no other openat: their own
		// counts make their third and fourth fail.
		for _, role := range []string{"thread", "child"} {
			want := role + " 1: ok\n" + role + " 2: ok\n" + role + " 3: ENOENT\n" + role + " 4: ENOENT\n"
			if !strings.Contains(r.stdout, want) {
				t.Errorf("stdout lacks\n%s\nin\n%s", want, r.stdout)
			}
		}
		// In every thread, exactly the third and later openat failed
		// with a hook record. Filtered, only those are recorded.
		byTid := map[int32][]call{}
		for _, c := range r.calls("openat") {
			byTid[c.enter.Tid] = append(byTid[c.enter.Tid], c)
		}
		if len(byTid) != 3 {
			t.Fatalf("openat in %d threads, want 3\n%s", len(byTid), r.dump())
		}
		first := 2
		if m.filter != "" {
			first = 0
		}
		for tid, cs := range byTid {
			for i, c := range cs {
				injected := r.hookBetween(c)
				failed := c.exit != nil && c.exit.Ret == -int64(unix.ENOENT)
				if injected != (i >= first) || injected && !failed {
					t.Errorf("thread %d, openat #%d: injected %v, ret %v", tid, i+1, injected, c.exit)
				}
			}
			if m.filter != "" && tid != r.initialPid(t) && len(cs) != 2 {
				t.Errorf("thread %d: %d openat recorded, want its third and fourth", tid, len(cs))
			}
		}
	})
}

func TestHookInjectRetvalShortWrites(t *testing.T) {
	eachHookMode(t, func(t *testing.T, m hookMode, opts Options) {
		in, _ := hook.ParseInject(table(), []string{"write:retval=1"})
		opts.Argv = []string{prog("hookprobe"), "writeloop", "10"}
		r := recordHooked(t, 0, m, opts, in)
		writes := r.calls("write")
		if len(writes) != 10 {
			t.Fatalf("%d writes, want 10, one byte each\n%s", len(writes), r.dump())
		}
		for i, w := range writes {
			if w.exit == nil || w.exit.Ret != 1 || !r.hookBetween(w) {
				t.Errorf("write %d: %+v", i, w.exit)
			}
			if want := uint64(10 - i); w.enter.Args[2] != want {
				t.Errorf("write %d asked for %d bytes, want %d", i, w.enter.Args[2], want)
			}
		}
		// The calls did not run: nothing reached stdout.
		wantStdout(t, r, "")
	})
}

func TestHookInjectDelay(t *testing.T) {
	const delay = 50 * time.Millisecond
	eachHookMode(t, func(t *testing.T, m hookMode, opts Options) {
		for _, spec := range []string{"getppid:delay_enter=50ms", "getppid:delay_exit=50000"} {
			in, err := hook.ParseInject(table(), []string{spec})
			if err != nil {
				t.Fatal(err)
			}
			opts.Argv = []string{prog("hookprobe"), "getppid"}
			r := recordHooked(t, 0, m, opts, in)
			var ms int
			if _, err := fmt.Sscanf(r.stdout, "getppid: %d ms", &ms); err != nil || time.Duration(ms)*time.Millisecond < delay {
				t.Errorf("%s: the program saw %q, want at least %v", spec, r.stdout, delay)
			}
			c := r.calls("getppid")
			if len(c) != 1 || c[0].exit == nil {
				t.Fatalf("%s: getppid calls %+v", spec, c)
			}
			// As strace's -T, the call's time in the trace ends at its
			// exit stop, before a delay_exit.
			if d := time.Duration(c[0].exit.Time - c[0].enter.Time); d < delay && strings.Contains(spec, "enter") {
				t.Errorf("%s: the call took %v in the trace, want at least %v", spec, d, delay)
			}
			hr := r.hookRecords("getppid")
			if len(hr) != 1 || hr[0].Hook.Op != format.HookDelay || time.Duration(hr[0].Hook.NewValue) != delay ||
				hr[0].Hook.Exit != strings.Contains(spec, "exit") {
				t.Errorf("%s: hook records %+v", spec, hr)
			}
		}
	})
}

// TestHookPlacedDataSparesRedZone rewrites the path of an open made from a
// function that keeps data in its red zone: the new path goes below it.
func TestHookPlacedDataSparesRedZone(t *testing.T) {
	if nativeArch != sysent.X86_64 {
		t.Skip("the probe is x86_64 assembly")
	}
	eachHookMode(t, func(t *testing.T, m hookMode, opts Options) {
		mp, _ := hook.ParseMapPath([]string{"/trec-no-such-dir=/etc"})
		opts.Argv = []string{prog("hookprobe"), "redzone", "/trec-no-such-dir/hostname"}
		r := recordHooked(t, 0, m, opts, mp)
		wantStdout(t, r, "open: ok, red zone words changed: 0\n")
	})
}
