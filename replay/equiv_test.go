package replay

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/hook"
	"github.com/trecdev/trec/sysent"
)

// fixture makes the directory replayprobe reads: a file "a" and a
// directory "sub" holding a file "b".
func fixture(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"a": "aaa\n", "sub/b": "bbb\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func sandbox(policy string) hooksFunc {
	return func(t *testing.T) []hook.Hook {
		sb, err := hook.ParseSandbox("policy", []byte(policy), hook.PolicyEnv{Home: "/root", Tmpdir: "/tmp", Cwd: "/"})
		if err != nil {
			t.Fatal(err)
		}
		return []hook.Hook{sb}
	}
}

func deny(specs ...string) hooksFunc {
	return func(t *testing.T) []hook.Hook {
		d, err := hook.ParseDeny(table(), specs)
		if err != nil {
			t.Fatal(err)
		}
		return []hook.Hook{d}
	}
}

func inject(specs ...string) hooksFunc {
	return func(t *testing.T) []hook.Hook {
		in, err := hook.ParseInject(table(), specs)
		if err != nil {
			t.Fatal(err)
		}
		return []hook.Hook{in}
	}
}

func redirect(specs ...string) hooksFunc {
	return func(t *testing.T) []hook.Hook {
		rd, err := hook.ParseRedirectFD(specs)
		if err != nil {
			t.Fatal(err)
		}
		return []hook.Hook{rd}
	}
}

func mapPath(specs ...string) hooksFunc {
	return func(t *testing.T) []hook.Hook {
		m, err := hook.ParseMapPath(specs)
		if err != nil {
			t.Fatal(err)
		}
		return []hook.Hook{m}
	}
}

// chain builds the hooks of several hooksFuncs in order, as trec record's
// flags do.
func chain(fs ...hooksFunc) hooksFunc {
	return func(t *testing.T) []hook.Hook {
		var hs []hook.Hook
		for _, f := range fs {
			hs = append(hs, f(t)...)
		}
		return hs
	}
}

// system is what every program here may read: its libraries and the
// system's configuration.
const system = "allow read /usr/**\nallow read /etc/**\nallow /dev/**\nallow read /proc/**\nallow read /sys/**\n"

// equivCase is one program recorded live under hooks.
type equivCase struct {
	name  string
	hooks hooksFunc
	argv  []string
	// min is the fewest calls the hooks must change, so that the
	// comparison compares something.
	min int
}

// TestReplayMatchesLive is the equivalence: replaying a recording made
// with live hooks, with the same hooks, reports exactly the calls the
// hooks changed live (the trace's hook records), with the same pid,
// thread, syscall, time and actions, and nothing undecidable.
func TestReplayMatchesLive(t *testing.T) {
	dir := fixture(t, t.TempDir())
	work := t.TempDir()
	script := filepath.Join(work, "walk.py")
	if err := os.WriteFile(script, []byte(pyScript), 0o644); err != nil {
		t.Fatal(err)
	}
	tarball := filepath.Join(work, "x.tar")
	probe := prog("replayprobe")
	pol := func(rules string) hooksFunc { return sandbox(system + rules) }
	rules := "deny " + dir + "/sub/b\nallow " + dir + "/**\nallow " + dir + "\n"
	cases := []equivCase{
		{"probe/sandbox", pol("allow read " + probe + "\n" + rules), []string{probe, dir}, 10},
		{"probe/deny", deny("%network", "mkdir,rmdir:errno=EROFS"), []string{probe, dir}, 3},
		{"probe/redirect-fd", redirect("1:2", "5:1"), []string{probe, dir}, 1},
		{"probe/map-path", mapPath("/fixture=" + dir), []string{probe, "/fixture"}, 1},
		{"probe/inject", inject("getppid:retval=1:when=2..3", "openat:error=ENOENT:when=3+2", "close:delay_exit=1us:signal=SIGURG:when=4"), []string{probe, dir}, 5},
		{"probe/chain", chain(mapPath("/fixture="+dir), redirect("1:2"), pol("allow read "+probe+"\n"+rules), inject("getppid:retval=1")),
			[]string{probe, "/fixture"}, 10},
		{"hookprobe/inject", inject("openat:error=ENOENT:when=3+"), []string{prog("hookprobe"), "opens", "4", dir + "/a"}, 6},
		{"forktree/inject", inject("wait4:delay_enter=1us:when=2+", "clone:delay_exit=1us", "getpid:signal=SIGURG:when=1"), []string{prog("forktree")}, 8},
		{"threadexec/sandbox+inject", chain(pol("allow read "+prog("threadexec")+"\n"), inject("write:delay_enter=1us", "openat:delay_enter=1us:when=2+2")),
			[]string{prog("threadexec")}, 3},
		{"vforkexec/redirect-fd", redirect("1:2"), []string{prog("vforkexec")}, 1},
		{"threads/redirect-fd", redirect("1:2"), []string{prog("threads")}, 8},
		{"signals/inject", inject("read:delay_enter=1us", "rt_sigaction:retval=0:when=2"), []string{prog("signals"), "restart"}, 2},
		{"tar/sandbox", pol("allow " + work + "/**\n" + rules), []string{"tar", "cf", tarball, "-C", dir, "."}, 1},
		{"tar/inject", inject("getdents64:retval=0:when=2", "write:retval=1", "newfstatat:delay_enter=1ms:when=30+5"), []string{"tar", "cf", tarball, "-C", dir, "."}, 2},
		{"sh/sandbox", pol("allow " + work + "/**\n" + rules), []string{"sh", "-c", "cat a sub/b | tr a-z A-Z > " + work + "/out; ls sub | wc -l; cat sub/b; echo x >> a"}, 2},
		{"sh/redirect-fd", redirect("1:2"), []string{"sh", "-c", "echo one; cat a | tr a-z A-Z | cat; ls | wc -l"}, 3},
		{"sh/inject", inject("openat:error=EACCES:when=2+3", "read:retval=0:when=5"), []string{"sh", "-c", "cat a sub/b a | wc -c; ls sub"}, 3},
		{"python/sandbox+deny", chain(pol("allow read "+work+"/**\n"+rules), deny("%network")), []string{"python3", script, dir}, 2},
		{"python/map-path", mapPath("/fixture=" + dir), []string{"python3", script, "/fixture"}, 1},
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Fatal("python3 is needed")
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			trace, _ := recordTrace(t, dir, tc.hooks, "", tc.argv...)
			live := liveChanges(t, trace, true)
			if len(live) < tc.min {
				t.Errorf("the hooks changed %d calls live, want at least %d: %v", len(live), tc.min, live)
			}
			got, rep := replayChanges(t, trace, true, Options{Hooks: tc.hooks(t)})
			diffChanges(t, tc.name, live, got)
			if rep.Undecidable != 0 || len(rep.Incomplete) != 0 {
				t.Errorf("undecidable %d, incomplete %q: %+v", rep.Undecidable, rep.Incomplete, rep.Calls)
			}
			// Each hook and rule saw as many calls as live: the
			// trailer's counts are the live chain's.
			if want, got := trailerCounts(t, trace), replayCounts(rep); want != got {
				t.Errorf("counts per hook and rule differ:\nlive:\n%s\nreplay:\n%s", want, got)
			}
		})
	}
}

// trailerCounts returns the live counts per hook and rule of a trace's
// trailer, a line each.
func trailerCounts(t *testing.T, trace []byte) string {
	t.Helper()
	rd, err := format.NewReader(bytes.NewReader(trace))
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := rd.Next(); err != nil {
			break
		}
	}
	var b strings.Builder
	for _, c := range rd.Trailer().GetHooks() {
		fmt.Fprintf(&b, "%s %q: seen %d, changed %d, undecided %d\n", c.Hook, c.Rule, c.Seen, c.Changed, c.Undecided)
	}
	return b.String()
}

// replayCounts returns a replay's counts as trailerCounts does.
func replayCounts(rep *replayed) string {
	var b strings.Builder
	for _, c := range rep.Summary {
		rule := ""
		if c.Rule != nil {
			rule = *c.Rule
		}
		fmt.Fprintf(&b, "%s %q: seen %d, changed %d, undecided %d\n", c.Hook, rule, c.Seen, c.Changed, c.Undecidable)
	}
	return b.String()
}

// pyScript walks a directory, reads its files, opens a socket, stats a
// file relative to a directory fd and runs a child.
const pyScript = `import os, socket, subprocess, sys
os.chdir(sys.argv[1])
n = 0
for root, dirs, files in os.walk("."):
    for f in files:
        try:
            with open(os.path.join(root, f)) as fh:
                n += len(fh.read())
        except OSError as e:
            print("open", f, e.errno)
try:
    socket.socket().close()
except OSError as e:
    print("socket", e.errno)
fd = os.open("sub", os.O_RDONLY)
try:
    os.stat("b", dir_fd=fd)
except OSError as e:
    print("stat", e.errno)
os.close(fd)
subprocess.run(["cat", "a"], stdout=subprocess.DEVNULL)
print("read", n)
`

// TestReplayOfAnUnhookedRun is the other way round: a program recorded
// without hooks, replayed with them, against the same program recorded
// with them live; processes are matched by the order they start in. The
// hooks are ones that leave the program's course unchanged: a replay
// tells what hooks do to the calls a program made, not what it would have
// done next.
func TestReplayOfAnUnhookedRun(t *testing.T) {
	dir := fixture(t, t.TempDir())
	copyDir := fixture(t, t.TempDir())
	probe := prog("replayprobe")
	cases := []struct {
		name  string
		hooks hooksFunc
		argv  []string
		min   int
	}{
		{"probe/redirect-fd", redirect("1:2"), []string{probe, dir}, 1},
		{"probe/inject", inject("getppid:retval=1:when=2+2"), []string{probe, dir}, 2},
		{"probe/deny", deny("socket"), []string{probe, dir}, 1},
		{"sh/redirect-fd", redirect("1:2"), []string{"sh", "-c", "echo one; cat a; ls sub"}, 3},
		{"cat/map-path", mapPath(copyDir + "=" + dir), []string{"cat", copyDir + "/a", copyDir + "/sub/b"}, 2},
		{"tar/sandbox", sandbox(system + "allow " + dir + "/**\nallow read " + dir + "\ndeny /**\n"), []string{"tar", "cf", "/dev/null", "-C", dir, "."}, 1},
		{"python/deny", deny("socket"), []string{"python3", "-c", "import socket\ntry:\n socket.socket()\nexcept OSError: pass"}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plain, st1 := recordTrace(t, dir, nil, "", tc.argv...)
			hooked, st2 := recordTrace(t, dir, tc.hooks, "", tc.argv...)
			if st1 != st2 {
				t.Fatalf("the program exits %d without the hooks, %d with them: not a case for this test", st1, st2)
			}
			live := liveChanges(t, hooked, false)
			if len(live) < tc.min {
				t.Errorf("the hooks changed %d calls live, want at least %d: %v", len(live), tc.min, live)
			}
			got, rep := replayChanges(t, plain, false, Options{Hooks: tc.hooks(t)})
			sortChanges(live)
			sortChanges(got)
			diffChanges(t, tc.name, live, got)
			if rep.Undecidable != 0 {
				t.Errorf("undecidable %d: %+v", rep.Undecidable, rep.Calls)
			}
		})
	}
}

// TestReplayOfHookedRunSeesTheProgramsCalls replays a recording made under
// one set of hooks with others: they see the calls as the program made
// them, not as the recorded hooks changed them.
func TestReplayOfHookedRunSeesTheProgramsCalls(t *testing.T) {
	dir := fixture(t, t.TempDir())
	probe := prog("replayprobe")
	// Live, map-path sends /fixture to dir; the replay's map-path would
	// send it elsewhere, and sees the program's "/fixture" paths.
	trace, _ := recordTrace(t, dir, mapPath("/fixture="+dir), "", probe, "/fixture")
	got, _ := replayChanges(t, trace, true, Options{Hooks: mapPath("/fixture=/elsewhere")(t)})
	if len(got) == 0 {
		t.Fatal("the replay's map-path changed nothing")
	}
	for _, c := range got {
		if !strings.Contains(c.actions, `"old":"/fixture`) || !strings.Contains(c.actions, `"new":"/elsewhere`) {
			t.Errorf("%v: want /fixture... mapped to /elsewhere...", c)
		}
	}
	// Live, inject failed every getppid with a result; the replay's
	// hook at the exit sees the result the kernel gave.
	trace, _ = recordTrace(t, dir, chain(inject("getppid:retval=7"), exitRet("getppid", 9)), "", probe, dir)
	seen := &retSeen{}
	_, rep := replayTrace(t, trace, Options{Hooks: []hook.Hook{seen}})
	if len(seen.rets) != 4 {
		t.Fatalf("the replay's hook saw %d getppid exits, want 4", len(seen.rets))
	}
	for _, r := range seen.rets {
		if r != 7 {
			t.Errorf("the replay's hook saw getppid return %d; want 7, what inject gave it live (the kernel never ran it)", r)
		}
	}
	// exitRet changed the result at the exit: a replay sees the one
	// before.
	trace, _ = recordTrace(t, dir, exitRet("getppid", 9), "", probe, dir)
	seen = &retSeen{}
	replayTrace(t, trace, Options{Hooks: []hook.Hook{seen}})
	for _, r := range seen.rets {
		if r == 9 || r <= 0 {
			t.Errorf("the replay's hook saw getppid return %d; want the kernel's parent pid", r)
		}
	}
	if rep.Changed != 0 {
		t.Errorf("a hook that changes nothing changed %d calls", rep.Changed)
	}
}

// exitRet is a hook that replaces the result of syscall name at its exit.
func exitRet(name string, v int64) hooksFunc {
	return func(t *testing.T) []hook.Hook { return []hook.Hook{&setRetHook{name: name, v: v}} }
}

type setRetHook struct {
	name string
	v    int64
}

func (h *setRetHook) Name() string { return "exit-ret" }
func (h *setRetHook) Syscalls(t *sysent.Table) (sysent.Set, error) {
	return sysent.ParseSet(t, h.name)
}
func (h *setRetHook) Enter(hook.Call) hook.Action { return hook.Action{} }
func (h *setRetHook) Exit(hook.Call) hook.Action {
	return hook.SetRet(h.v).WithRule(fmt.Sprintf("%s=%d", h.name, h.v))
}

// retSeen records the results getppid's exits show it.
type retSeen struct{ rets []int64 }

func (h *retSeen) Name() string { return "ret-seen" }
func (h *retSeen) Syscalls(t *sysent.Table) (sysent.Set, error) {
	return sysent.ParseSet(t, "getppid")
}
func (h *retSeen) Enter(hook.Call) hook.Action { return hook.Action{} }
func (h *retSeen) Exit(c hook.Call) hook.Action {
	h.rets = append(h.rets, c.Ret())
	return hook.Action{}
}
