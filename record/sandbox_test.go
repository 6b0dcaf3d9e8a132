package record

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/hook"
)

// sandbox parses policy, with $D standing for dir.
func sandbox(t *testing.T, dir, policy string) *hook.Sandbox {
	t.Helper()
	sb, err := hook.ParseSandbox("test.policy", []byte(strings.ReplaceAll(policy, "$D", dir)), hook.PolicyEnv{})
	if err != nil {
		t.Fatal(err)
	}
	return sb
}

// sandboxDir makes the tree the sandbox tests resolve paths in:
//
//	secret               a file the policies deny
//	ok/f, ok/sub/        allowed
//	link -> secret       a symbolic link to it
//	deep/inner/, deep/secret2
//	linkdir -> deep/inner: linkdir/.. is deep, not the top
//	root/secret          for openat2's RESOLVE_IN_ROOT
func sandboxDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"ok/sub", "deep/inner", "root", "a", "b"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"secret", "ok/f", "deep/secret2", "root/secret", "a/f", "b/f"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(f+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"link": "secret", "linkdir": "deep/inner", "abslink": filepath.Join(dir, "secret")} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// basePolicy allows what the probe and the C library need, and the test
// tree but its secrets.
const basePolicy = `
deny $D/secret
deny $D/deep/secret2
deny $D/root/secret
deny $D/b/f
allow $D/**
allow read /usr/**
allow read /lib*/**
allow read /etc/**
allow read /proc/**
allow /dev/**
`

// TestSandboxResolves runs the probe on paths that name a denied file
// through symbolic links, "..", /proc/self/fd and openat2's
// RESOLVE_IN_ROOT, and on paths that only look like it.
func TestSandboxResolves(t *testing.T) {
	dir := sandboxDir(t)
	secret, err := os.Open(filepath.Join(dir, "secret"))
	if err != nil {
		t.Fatal(err)
	}
	defer secret.Close()
	for _, tc := range []struct {
		name string
		argv []string
		want string
		// denied is the path the sandbox must report, "" for none.
		denied string
	}{
		{"plain", []string{"open", dir + "/secret"}, "open: EACCES", dir + "/secret"},
		{"allowed", []string{"open", dir + "/ok/f"}, "open: ok", ""},
		{"relative link", []string{"open", dir + "/link"}, "open: EACCES", dir + "/secret"},
		{"absolute link", []string{"open", dir + "/abslink"}, "open: EACCES", dir + "/secret"},
		// O_NOFOLLOW opens the link itself: allowed, and the kernel
		// refuses it.
		{"nofollow", []string{"open-nofollow", dir + "/link"}, "open: ELOOP", ""},
		{"dotdot", []string{"open", dir + "/ok/sub/../../secret"}, "open: EACCES", dir + "/secret"},
		// linkdir/.. is deep (the link's target's parent), not dir.
		{"dotdot after link", []string{"open", dir + "/linkdir/../secret2"}, "open: EACCES", dir + "/deep/secret2"},
		{"lexical lookalike", []string{"open", dir + "/linkdir/../ok/f"}, "open: ENOENT", ""},
		// Standard input is the secret: /proc/self/fd/0 is it.
		{"proc self fd", []string{"open", "/proc/self/fd/0"}, "open: EACCES", dir + "/secret"},
		{"proc thread-self fd", []string{"open", "/proc/thread-self/fd/0"}, "open: EACCES", dir + "/secret"},
		// RESOLVE_IN_ROOT: "/secret" is root/secret.
		{"openat2 in root", []string{"openat2", dir + "/root", "/secret"}, "openat2: EACCES", dir + "/root/secret"},
		{"openat2 in root dotdot", []string{"openat2", dir + "/root", "../../secret"}, "openat2: EACCES", dir + "/root/secret"},
		{"dirfd reuse", []string{"dirfd-reuse", dir + "/a", dir + "/b"}, dir + "/a/f: ok\n" + dir + "/b/f: EACCES", dir + "/b/f"},
		{"chdir", []string{"chdir", dir + "/a", dir + "/b"}, dir + "/a/f: ok\n" + dir + "/b/f: EACCES", dir + "/b/f"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, m := range hookModes {
				opts := Options{Filter: m.filter, noSetSyscallInfo: m.regs}
				opts.Argv = append([]string{prog("hookprobe")}, tc.argv...)
				opts.Stdin = secret
				sb := sandbox(t, dir, basePolicy)
				r := recordHooked(t, 0, m, opts, sb)
				if strings.TrimSpace(r.stdout) != tc.want {
					t.Errorf("%s: stdout %q, want %q\n%s", m.name, r.stdout, tc.want, r.dump())
				}
				n, paths := sb.Violations()
				if tc.denied == "" && n != 0 || tc.denied != "" && (n != 1 || paths[0] != tc.denied) {
					t.Errorf("%s: violations %d %q, want %q", m.name, n, paths, tc.denied)
				}
			}
		})
	}
}

// TestSandboxRenamedDirectory checks that a directory renamed under an open
// fd is checked under its new name.
func TestSandboxRenamedDirectory(t *testing.T) {
	eachHookMode(t, func(t *testing.T, m hookMode, opts Options) {
		dir := sandboxDir(t)
		if err := os.RemoveAll(filepath.Join(dir, "b")); err != nil {
			t.Fatal(err)
		}
		sb := sandbox(t, dir, basePolicy)
		opts.Argv = []string{prog("hookprobe"), "rename-dir", dir + "/a", dir + "/b"}
		r := recordHooked(t, 0, m, opts, sb)
		wantStdout(t, r, "before: ok\nafter: EACCES\n")
	})
}

// TestSandboxCat is the issue's: cat of a denied file fails with
// "Permission denied", and the sandbox counts exactly one violation, which
// the trace shows.
func TestSandboxCat(t *testing.T) {
	eachHookMode(t, func(t *testing.T, m hookMode, opts Options) {
		dir := sandboxDir(t)
		sb := sandbox(t, dir, "deny $D/secret\nallow /**\n")
		errf, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
		if err != nil {
			t.Fatal(err)
		}
		defer errf.Close()
		opts.Argv, opts.Stderr = []string{"cat", dir + "/secret"}, errf
		r := recordHooked(t, 1, m, opts, sb)
		stderr, _ := os.ReadFile(errf.Name())
		if !strings.Contains(string(stderr), dir+"/secret: Permission denied") {
			t.Errorf("cat's stderr: %q", stderr)
		}
		if n, paths := sb.Violations(); n != 1 || len(paths) != 1 || paths[0] != dir+"/secret" {
			t.Errorf("violations %d %q, want one, the secret", n, paths)
		}
		var hooks []format.Hook
		for _, e := range r.kind(format.KindHook) {
			hooks = append(hooks, e.Hook)
		}
		if len(hooks) != 1 || hooks[0].Name != "sandbox" || hooks[0].Rule != "deny "+dir+"/secret" ||
			hooks[0].Path != dir+"/secret" || hooks[0].Op != format.HookSkip {
			t.Errorf("hook records %+v, want the one denial", hooks)
		}
		if c := trailerCount(r, "sandbox", ""); c == nil || c.Changed != 1 || c.Seen < 5 {
			t.Errorf("trailer: sandbox %v", c)
		}
	})
}

// TestSandboxAfterMapPath checks that the sandbox judges the path --map-path
// made, and that the trace shows the rewrite and the denial.
func TestSandboxAfterMapPath(t *testing.T) {
	eachHookMode(t, func(t *testing.T, m hookMode, opts Options) {
		dir := sandboxDir(t)
		mp, _ := hook.ParseMapPath([]string{"/trec-fixture=" + dir})
		sb := sandbox(t, dir, basePolicy)
		opts.Argv = []string{prog("hookprobe"), "open", "/trec-fixture/secret"}
		r := recordHooked(t, 0, m, opts, mp, sb)
		wantStdout(t, r, "open: EACCES\n")
		var ops []format.HookOp
		for _, e := range r.kind(format.KindHook) {
			ops = append(ops, e.Hook.Op)
			if e.Hook.Op == format.HookSetArg && (e.Hook.NewValue != 0 || string(e.Hook.NewData) != dir+"/secret") {
				t.Errorf("the moot rewrite: %+v", e.Hook)
			}
		}
		if len(ops) != 2 || ops[0] != format.HookSetArg || ops[1] != format.HookSkip {
			t.Errorf("hook records %v, want the rewrite then the denial", ops)
		}
	})
}
