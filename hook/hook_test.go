package hook

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trecdev/trec/sysent"
)

func TestParseInject(t *testing.T) {
	tab := tableForTest(t)
	for _, tc := range []struct {
		spec               string
		first, last, step  int
		skip               bool
		ret                int64
		signal             syscall.Signal
		delayIn, delayOut  time.Duration
		errCol             int
		errText, errSyscal string
	}{
		{spec: "openat:error=ENOENT", first: 1, last: lastInf, step: 1, skip: true, ret: -2},
		{spec: "openat:error=enoent:when=3+", first: 3, last: lastInf, step: 1, skip: true, ret: -2},
		{spec: "openat:error=2:when=3", first: 3, last: lastInf, step: 0, skip: true, ret: -2},
		{spec: "write:retval=1:when=2+3", first: 2, last: lastInf, step: 3, skip: true, ret: 1},
		{spec: "write:retval=0x10:when=2..5", first: 2, last: 5, step: 1, skip: true, ret: 16},
		{spec: "write:signal=USR1:when=2..8+2", first: 2, last: 8, step: 2, signal: syscall.SIGUSR1},
		{spec: "%file:delay_enter=50ms:delay_exit=1.5s", first: 1, last: lastInf, step: 1, delayIn: 50 * time.Millisecond, delayOut: 1500 * time.Millisecond},
		{spec: "read:delay_enter=20", first: 1, last: lastInf, step: 1, delayIn: 20 * time.Microsecond},
		{spec: "openat", errCol: 7, errText: "no action"},
		{spec: "openat:when=2", errCol: 14, errText: "no action"},
		{spec: "opnat:error=ENOENT", errCol: 1, errText: `unknown syscall "opnat"`},
		{spec: "openat:error=EFOO", errCol: 14, errText: `unknown errno "EFOO"`},
		{spec: "openat:error=ENOENT:retval=1", errCol: 21, errText: "only one of"},
		{spec: "openat:retval=-1", errCol: 15, errText: "not an unsigned number"},
		{spec: "openat:error=ENOENT:when=0", errCol: 26, errText: "from 1 to"},
		{spec: "openat:error=ENOENT:when=5..3", errCol: 29, errText: "before the first"},
		{spec: "openat:error=ENOENT:when=3x", errCol: 27, errText: "want FIRST"},
		{spec: "openat:error=ENOENT:bogus=1", errCol: 21, errText: `unknown key "bogus"`},
		{spec: "openat:error=ENOENT:syscall=getpid", errCol: 21, errText: "not supported"},
		{spec: "openat:signal=SIGNOPE", errCol: 15, errText: "unknown signal"},
		{spec: "openat:delay_enter=5parsecs", errCol: 20, errText: "delay"},
		{spec: ":error=ENOENT", errCol: 1, errText: "missing syscall set"},
		{spec: "openat:error", errCol: 8, errText: "want KEY=VALUE"},
	} {
		in, err := ParseInject(tab, []string{tc.spec})
		if tc.errText != "" {
			var se *SpecError
			if !errors.As(err, &se) || se.Col != tc.errCol || !strings.Contains(se.Msg, tc.errText) {
				t.Errorf("%q: error %v, want column %d and %q", tc.spec, err, tc.errCol, tc.errText)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.spec, err)
			continue
		}
		r := in.rules[0]
		if r.first != tc.first || r.last != tc.last || r.step != tc.step || r.skip != tc.skip || r.ret != tc.ret ||
			r.signal != tc.signal || r.delayEnter != tc.delayIn || r.delayExit != tc.delayOut {
			t.Errorf("%q: parsed %+v", tc.spec, *r)
		}
	}
}

// TestInjectCounts follows strace's counting: per thread and per syscall,
// and when= as strace reads it.
func TestInjectCounts(t *testing.T) {
	tab := tableForTest(t)
	for _, tc := range []struct {
		when string
		want string // per call, 1..12: x injected, . not
	}{
		{"", "xxxxxxxxxxxx"},
		{":when=3", "..x........."},
		{":when=3+", "..xxxxxxxxxx"},
		{":when=3+4", "..x...x...x."},
		{":when=2..5", ".xxxx......."},
		{":when=2..9+3", ".x..x..x...."},
	} {
		in, err := ParseInject(tab, []string{"openat,close:error=EIO" + tc.when})
		if err != nil {
			t.Fatal(err)
		}
		for _, tid := range []int{7, 8} {
			var got strings.Builder
			for range 12 {
				c := newCall(t, "openat", -100, "/x", 0)
				c.tid = tid
				// close is counted apart from openat.
				cl := newCall(t, "close", 3)
				cl.tid = tid
				in.Enter(cl)
				if a := in.Enter(c); a.Skip && a.Ret == -int64(syscall.EIO) {
					got.WriteByte('x')
				} else {
					got.WriteByte('.')
				}
			}
			if got.String() != tc.want {
				t.Errorf("when%q, thread %d: %s, want %s", tc.when, tid, got.String(), tc.want)
			}
		}
		// A thread that ended and whose tid came back counts anew.
		in.ThreadExited(7)
		c := newCall(t, "openat", -100, "/x", 0)
		c.tid = 7
		if a := in.Enter(c); a.Skip != (tc.want[0] == 'x') {
			t.Errorf("when%q: a reused tid continued the old count", tc.when)
		}
	}
}

func TestInjectDelayExit(t *testing.T) {
	in, err := ParseInject(tableForTest(t), []string{"getppid:delay_exit=10ms:when=2"})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []time.Duration{0, 10 * time.Millisecond, 0} {
		c := newCall(t, "getppid")
		if a := in.Enter(c); a.Delay != 0 {
			t.Errorf("call %d: delay at the entry", i+1)
		}
		if a := in.Exit(c); a.Delay != want {
			t.Errorf("call %d: exit delay %v, want %v", i+1, a.Delay, want)
		}
	}
}

func TestParseDenyRedirectMap(t *testing.T) {
	tab := tableForTest(t)
	d, err := ParseDeny(tab, []string{"%network", "openat:errno=ENOENT"})
	if err != nil {
		t.Fatal(err)
	}
	if a := d.Enter(newCall(t, "socket", 2, 1, 0)); !a.Skip || a.Ret != -int64(syscall.EPERM) || a.Rule != "%network" {
		t.Errorf("socket: %+v", a)
	}
	if a := d.Enter(newCall(t, "openat", -100, "/x", 0)); a.Ret != -int64(syscall.ENOENT) {
		t.Errorf("openat: %+v", a)
	}
	d2, _ := ParseDeny(tab, []string{"all"})
	if a := d2.Enter(newCall(t, "exit_group", 0)); a.Changes() {
		t.Errorf("exit_group denied: %+v", a)
	}
	for _, tc := range []struct {
		parse func() error
		col   int
	}{
		{func() error { _, err := ParseDeny(tab, []string{"%nope"}); return err }, 1},
		{func() error { _, err := ParseDeny(tab, []string{"read:errno=EWHAT"}); return err }, 12},
		{func() error { _, err := ParseDeny(tab, []string{"read:err=EIO"}); return err }, 6},
		{func() error { _, err := ParseRedirectFD([]string{"1"}); return err }, 1},
		{func() error { _, err := ParseRedirectFD([]string{"x:2"}); return err }, 1},
		{func() error { _, err := ParseRedirectFD([]string{"1:-2"}); return err }, 3},
		{func() error { _, err := ParseMapPath([]string{"/a"}); return err }, 1},
		{func() error { _, err := ParseMapPath([]string{"a=/b"}); return err }, 1},
		{func() error { _, err := ParseMapPath([]string{"/a=b"}); return err }, 4},
	} {
		var se *SpecError
		if err := tc.parse(); !errors.As(err, &se) || se.Col != tc.col {
			t.Errorf("error %v, want column %d", err, tc.col)
		}
	}
	rd, _ := ParseRedirectFD([]string{"1:2"})
	if a := rd.Enter(newCall(t, "write", 1, "x", 1)); len(a.Args) != 1 || a.Args[0].Index != 0 || a.Args[0].Value != 2 {
		t.Errorf("write(1): %+v", a)
	}
	if a := rd.Enter(newCall(t, "splice", 0, 0, 1, 0, 5, 0)); len(a.Args) != 1 || a.Args[0].Index != 2 {
		t.Errorf("splice's out fd: %+v", a)
	}
	if a := rd.Enter(newCall(t, "write", 3, "x", 1)); a.Changes() {
		t.Errorf("write(3): %+v", a)
	}
}

func TestMapPath(t *testing.T) {
	m, err := ParseMapPath([]string{"/fixture=/tmp/real"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		call *testCall
		want string // "" for unchanged
	}{
		{newCall(t, "openat", -100, "/fixture/a", 0), "/tmp/real/a"},
		{newCall(t, "openat", -100, "/fixture", 0), "/tmp/real"},
		{newCall(t, "openat", -100, "/fixture/", 0), "/tmp/real/"},
		{newCall(t, "openat", -100, "/fixtures/a", 0), ""},
		{newCall(t, "openat", -100, "/fixture/../etc/x", 0), ""},
		{newCall(t, "openat", -100, "/other/../fixture/b", 0), "/tmp/real/b"},
	} {
		a := m.Enter(tc.call)
		got := ""
		if len(a.Args) == 1 {
			got = strings.TrimSuffix(string(a.Args[0].Data), "\x00")
		}
		if got != tc.want {
			name, _ := tc.call.mem.ReadString(tc.call.args[1], 4096)
			t.Errorf("%s: mapped to %q, want %q", name, got, tc.want)
		}
	}
	c := newCall(t, "openat", -100, "a", 0)
	c.cwd = "/fixture/sub"
	if a := m.Enter(c); len(a.Args) != 1 || string(a.Args[0].Data) != "/tmp/real/sub/a\x00" {
		t.Errorf("relative to the cwd: %+v", a)
	}
	c = newCall(t, "rename", "/fixture/x", "/fixture/y")
	if a := m.Enter(c); len(a.Args) != 2 {
		t.Errorf("rename maps both paths: %+v", a)
	}
}

func TestPatterns(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		match   []string
		nomatch []string
	}{
		{"/usr/**", []string{"/usr", "/usr/include", "/usr/include/x/y.h"}, []string{"/usrx", "/us", "/"}},
		{"/etc/shadow", []string{"/etc/shadow"}, []string{"/etc/shadow2", "/etc", "/etc/shadow/x"}},
		{"/etc/*.conf", []string{"/etc/a.conf"}, []string{"/etc/a/b.conf", "/etc/conf"}},
		{"/home/**/.ssh/**", []string{"/home/.ssh", "/home/u/.ssh/id", "/home/u/v/.ssh/x/y"}, []string{"/home/u/ssh"}},
		{"/**", []string{"/", "/a", "/a/b"}, nil},
		{"/tmp/?/x", []string{"/tmp/a/x"}, []string{"/tmp/ab/x"}},
		{"/a/**/b", []string{"/a/b", "/a/x/b", "/a/x/y/b"}, []string{"/a/x/c", "/a/bb"}},
		{"/d/[ab]*", []string{"/d/a", "/d/bz"}, []string{"/d/c"}},
	} {
		pt, _, err := compilePattern(tc.pattern)
		if err != nil {
			t.Fatalf("%s: %v", tc.pattern, err)
		}
		for _, p := range tc.match {
			if !pt.match(p) {
				t.Errorf("%s does not match %s", tc.pattern, p)
			}
		}
		for _, p := range tc.nomatch {
			if pt.match(p) {
				t.Errorf("%s matches %s", tc.pattern, p)
			}
		}
	}
}

func TestParseSandbox(t *testing.T) {
	env := PolicyEnv{Home: "/home/u", Cwd: "/work"}
	src := "# a policy\n  allow read $HOME/**   # comment\nallow write ${TMPDIR}/x\n\ndeny /etc/shadow\nallow /srv/a#b\n"
	sb, err := ParseSandbox("p", []byte(src), env)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		text   string
		allow  bool
		access Access
	}{
		{"allow read $HOME/**", true, Read},
		{"allow write ${TMPDIR}/x", true, Write},
		{"deny /etc/shadow", false, Read | Write},
		{"allow /srv/a#b", true, Read | Write},
	}
	if len(sb.rules) != len(want) {
		t.Fatalf("%d rules: %+v", len(sb.rules), sb.rules)
	}
	for i, w := range want {
		r := sb.rules[i]
		if r.text != w.text || r.allow != w.allow || r.access != w.access {
			t.Errorf("rule %d: %+v, want %+v", i, r, w)
		}
	}
	if r := sb.decide("/home/u/x", Read); r == nil || r.text != want[0].text {
		t.Errorf("read of $HOME: %v", r)
	}
	if r := sb.decide("/home/u/x", Write); r != nil {
		t.Errorf("write of $HOME: %v, want no rule", r)
	}
	if r := sb.decide("/tmp/x", Write); r == nil || !r.allow {
		t.Errorf("write of $TMPDIR/x: %v", r)
	}
	for _, tc := range []struct {
		src       string
		line, col int
		msg       string
	}{
		{"alow /x", 1, 1, "unknown rule"},
		{"\n\n  deny", 3, 7, "missing path pattern"},
		{"allow read", 1, 11, "missing path pattern"},
		{"allow x/y", 1, 7, "absolute"},
		{"allow $NOPE/x", 1, 7, "unknown variable"},
		{"allow /a/$HOME", 1, 10, "$HOME is not set"},
		{"allow /a/b**", 1, 11, "whole path component"},
		{"allow /a/[b", 1, 10, "bad wildcard"},
		{"allow /a/../b", 1, 10, `".."`},
		{"deny ${HOME", 1, 6, "unterminated"},
	} {
		_, err := ParseSandbox("f.policy", []byte(tc.src), PolicyEnv{Cwd: "/w"})
		var se *SpecError
		if !errors.As(err, &se) || se.File != "f.policy" || se.Line != tc.line || se.Col != tc.col || !strings.Contains(se.Msg, tc.msg) {
			t.Errorf("%q: %v, want f.policy:%d:%d: ...%s", tc.src, err, tc.line, tc.col, tc.msg)
		}
	}
}

// TestResolve resolves paths against a real tree of symbolic links.
func TestResolve(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"a/b", "c"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	for link, target := range map[string]string{
		"rel": "a/b", "abs": dir + "/c", "loop": "loop", "chain": "rel", "up": "../" + filepath.Base(dir) + "/c",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	self, err := os.Open(filepath.Join(dir, "c"))
	if err != nil {
		t.Fatal(err)
	}
	defer self.Close()
	for _, tc := range []struct {
		name   string
		p      PathArg
		cwd    string
		want   string
		errIs  error
		anyErr bool
	}{
		{name: dir + "/rel/x", p: PathArg{Follow: true, DirFD: -1}, want: dir + "/a/b/x"},
		{name: "rel/../c", p: PathArg{Follow: true, DirFD: -1}, cwd: dir, want: dir + "/a/c"},
		{name: dir + "/abs", p: PathArg{Follow: true, DirFD: -1}, want: dir + "/c"},
		{name: dir + "/abs", p: PathArg{Follow: false, DirFD: -1}, want: dir + "/abs"},
		{name: dir + "/abs/", p: PathArg{Follow: false, DirFD: -1}, want: dir + "/c"},
		{name: dir + "/chain/..", p: PathArg{Follow: true, DirFD: -1}, want: dir + "/a"},
		{name: dir + "/up/x", p: PathArg{Follow: true, DirFD: -1}, want: dir + "/c/x"},
		{name: "/../../" + dir[1:] + "/c", p: PathArg{Follow: true, DirFD: -1}, want: dir + "/c"},
		{name: dir + "/loop", p: PathArg{Follow: true, DirFD: -1}, anyErr: true},
		{name: "x", p: PathArg{Follow: true, DirFD: 0}, want: dir + "/a/x"},
		{name: "/x", p: PathArg{Follow: true, DirFD: 0, InRoot: true}, want: dir + "/a/x"},
		{name: "../../../x", p: PathArg{Follow: true, DirFD: 0, InRoot: true}, want: dir + "/a/x"},
		{name: "", p: PathArg{DirFD: 0, Empty: true}, want: dir + "/a"},
		{name: "", p: PathArg{DirFD: 0}, anyErr: true},
		{name: "x", p: PathArg{DirFD: 1}, errIs: ErrNoPath},
		{name: "/proc/self/fd/" + strconv.Itoa(int(self.Fd())), p: PathArg{Follow: true, DirFD: -1}, want: dir + "/c"},
	} {
		c := newCall(t, "openat", 9, "", 0)
		c.pid, c.tid = os.Getpid(), os.Getpid()
		c.fds[9] = dir + "/a"
		c.fds[10] = "pipe:[123]"
		c.args[1] = 10
		c.args[0] = 9
		if tc.p.DirFD == 1 {
			c.args[1] = 10
		}
		c.cwd = tc.cwd
		if c.cwd == "" {
			c.cwd = "/"
		}
		got, err := Resolve(c, tc.p, tc.name)
		switch {
		case tc.errIs != nil || tc.anyErr:
			if err == nil || tc.errIs != nil && !errors.Is(err, tc.errIs) {
				t.Errorf("%q: %q, %v; want error %v", tc.name, got, err, tc.errIs)
			}
		case err != nil || got != tc.want:
			t.Errorf("%q: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

// TestPathRules checks the path table against package sysent: each
// listed argument is a path where sysent describes the call, its dirfd a
// dirfd, and every path argument sysent knows is listed.
func TestPathRules(t *testing.T) {
	for _, arch := range []sysent.Arch{sysent.X86_64, sysent.ARM64} {
		tab := sysent.ForArch(arch)
		for name, rules := range pathRules {
			sc, ok := tab.ByName(name)
			if !ok || sc.Args == nil {
				continue
			}
			for _, r := range rules {
				if int(r.arg) >= len(sc.Args) || sc.Args[r.arg].Kind != sysent.ArgPath {
					t.Errorf("%s %s: argument %d is not a path in sysent", arch, name, r.arg)
				}
				if r.dirfd >= 0 && (int(r.dirfd) >= len(sc.Args) || sc.Args[r.dirfd].Kind != sysent.ArgDirFD) {
					t.Errorf("%s %s: argument %d is not a dirfd in sysent", arch, name, r.dirfd)
				}
			}
		}
		for sc := range tab.All() {
			for i, a := range sc.Args {
				if a.Kind != sysent.ArgPath || sc.Name == "symlink" && i == 0 || sc.Name == "symlinkat" && i == 0 {
					continue
				}
				listed := false
				for _, r := range pathRules[sc.Name] {
					listed = listed || int(r.arg) == i
				}
				if !listed {
					t.Errorf("%s %s: path argument %d is not in pathRules", arch, sc.Name, i)
				}
			}
		}
	}
	found := false
	for name := range pathRules {
		for _, arch := range []sysent.Arch{sysent.X86_64, sysent.ARM64} {
			if _, ok := sysent.ForArch(arch).ByName(name); ok {
				found = true
			}
		}
		if !found {
			t.Errorf("%s is not a syscall of any architecture", name)
		}
	}
}

func TestPathArgs(t *testing.T) {
	tab := tableForTest(t)
	nofollow := oNofollow(tab)
	for _, tc := range []struct {
		call   *testCall
		access []Access
		follow []bool
	}{
		{newCall(t, "openat", -100, "/x", 0), []Access{Read}, []bool{true}},
		{newCall(t, "openat", -100, "/x", 1), []Access{Write}, []bool{true}},
		{newCall(t, "openat", -100, "/x", int(oCreat|oExcl)), []Access{Write}, []bool{false}},
		{newCall(t, "openat", -100, "/x", int(nofollow)), []Access{Read}, []bool{false}},
		{newCall(t, "newfstatat", 3, "x", 0, atNofollow), []Access{Read}, []bool{false}},
		{newCall(t, "renameat2", 3, "x", 4, "y", 0), []Access{Write, Write}, []bool{false, false}},
		{newCall(t, "linkat", 3, "x", 4, "y", atFollow), []Access{Write, Write}, []bool{true, false}},
		{newCall(t, "execve", "/bin/x", 0, 0), []Access{Read}, []bool{true}},
	} {
		args, err := PathArgs(nil, tc.call)
		if err != nil || len(args) != len(tc.access) {
			t.Errorf("%s: %v, %v", tc.call.Syscall().Name, args, err)
			continue
		}
		for i, a := range args {
			if a.Access != tc.access[i] || a.Follow != tc.follow[i] {
				t.Errorf("%s path %d: %+v", tc.call.Syscall().Name, i, a)
			}
		}
	}
	how := make([]byte, 24)
	binary.LittleEndian.PutUint64(how, 2)         // O_RDWR
	binary.LittleEndian.PutUint64(how[16:], 0x10) // RESOLVE_IN_ROOT
	c := newCall(t, "openat2", 3, "x", string(how[:23]), 24)
	c.mem.bytes[c.args[2]] = how
	args, err := PathArgs(nil, c)
	if err != nil || len(args) != 1 || !args[0].InRoot || args[0].Access != Write {
		t.Errorf("openat2: %+v, %v", args, err)
	}
}

// TestChain checks the chain's rules: later hooks see earlier changes,
// the first skip wins, changes accumulate, counts are per hook and rule.
func TestChain(t *testing.T) {
	tab := tableForTest(t)
	mp, _ := ParseMapPath([]string{"/fixture=/real"})
	sb, err := ParseSandbox("p", []byte("deny /real/secret\nallow /**\n"), PolicyEnv{})
	if err != nil {
		t.Fatal(err)
	}
	in, _ := ParseInject(tab, []string{"openat:error=EIO:delay_enter=1ms"})
	ch, err := NewChain(tab, mp, sb, in)
	if err != nil {
		t.Fatal(err)
	}
	// The sandbox judges the mapped path and denies it; inject's failure
	// loses to it, its delay stays.
	d := ch.Enter(newCall(t, "openat", -100, "/fixture/secret", 0))
	if !d.Skip || d.Ret != -int64(syscall.EACCES) || d.Delay != time.Millisecond {
		t.Fatalf("decision %+v", d)
	}
	var ops []Op
	for _, s := range d.Steps {
		ops = append(ops, s.Op)
	}
	if len(ops) != 3 || ops[0] != OpSetArg || ops[1] != OpSkip || ops[2] != OpDelay {
		t.Errorf("steps %+v", d.Steps)
	}
	if s := d.Steps[0]; string(s.OldData) != "/fixture/secret" || string(s.NewData) != "/real/secret\x00" || !IsPlaceholder(s.New) {
		t.Errorf("the rewrite: %+v", s)
	}
	if s := d.Steps[1]; s.Hook != "sandbox" || s.Rule != "deny /real/secret" || s.Path != "/real/secret" {
		t.Errorf("the denial: %+v", s)
	}
	if d.Hooks != 0b111 {
		t.Errorf("hooks that changed the call %b", d.Hooks)
	}
	// An allowed, unmapped call: only inject changes it.
	d = ch.Enter(newCall(t, "openat", -100, "/ok", 0))
	if !d.Skip || d.Ret != -int64(syscall.EIO) || len(d.Steps) != 2 {
		t.Errorf("decision %+v", d)
	}
	counts := map[string]Count{}
	for _, c := range ch.Counts() {
		counts[c.Hook+"|"+c.Rule] = c
	}
	for key, want := range map[string][2]uint64{
		"map-path|": {2, 1}, "map-path|/fixture=/real": {1, 1},
		"sandbox|": {2, 1}, "sandbox|deny /real/secret": {1, 1}, "sandbox|allow /**": {1, 0},
		"inject|": {2, 2},
	} {
		if c := counts[key]; c.Seen != want[0] || c.Changed != want[1] {
			t.Errorf("%s: seen %d changed %d, want %d %d", key, c.Seen, c.Changed, want[0], want[1])
		}
	}
	// A replay without the memory: the hooks say they cannot decide.
	c := newCall(t, "openat", -100, "/x", 0)
	c.unavailable = true
	d = ch.Enter(c)
	if len(d.Errs) != 2 || !errors.Is(d.Errs[0].Err, ErrUnavailable) {
		t.Errorf("undecided: %+v", d.Errs)
	}
}
