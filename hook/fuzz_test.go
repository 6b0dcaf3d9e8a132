package hook

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseInject checks that any spec parses or fails with a SpecError
// whose column lies within the spec, and that a parsed spec is sound.
func FuzzParseInject(f *testing.F) {
	for _, s := range []string{
		"openat:error=ENOENT:when=3+", "write:retval=1", "%file:delay_enter=50ms:delay_exit=1.5s",
		"!read,write:signal=SIGUSR1:when=2..8+2", "/^open:error=2", "openat:when=", ":", "a:b=c:d",
	} {
		f.Add(s)
	}
	tab := tableForTest(f)
	f.Fuzz(func(t *testing.T, spec string) {
		in, err := ParseInject(tab, []string{spec})
		if err != nil {
			var se *SpecError
			if !errors.As(err, &se) || se.Col < 1 || se.Col > len(spec)+1 || strings.Contains(err.Error(), "\n") {
				t.Fatalf("%q: error %v", spec, err)
			}
			return
		}
		r := in.rules[0]
		if r.first < 1 || r.step < 0 || r.last != lastInf && r.last < r.first || r.delayEnter < 0 || r.delayExit < 0 {
			t.Fatalf("%q: parsed %+v", spec, *r)
		}
		if !r.skip && r.signal == 0 && r.delayEnter == 0 && r.delayExit == 0 && !strings.Contains(spec, "delay") {
			t.Fatalf("%q: parsed with no action", spec)
		}
	})
}

// FuzzParseSandbox checks that any policy parses or fails with a
// SpecError naming a line and column inside it, and that the rules of a
// parsed one match without panicking.
func FuzzParseSandbox(f *testing.F) {
	for _, s := range []string{
		"allow /usr/**\ndeny /etc/shadow\n", "allow read $HOME/**\nallow write ${TMPDIR}/x # c\n",
		"# only a comment", "deny /a/**/b/[xy]*", "allow /a\\$b", "allow /", "deny ${HOME",
	} {
		f.Add(s)
	}
	env := PolicyEnv{Home: "/home/u", Tmpdir: "/tmp", Cwd: "/work"}
	f.Fuzz(func(t *testing.T, src string) {
		sb, err := ParseSandbox("f", []byte(src), env)
		if err != nil {
			var se *SpecError
			lines := strings.Split(src, "\n")
			if !errors.As(err, &se) || se.Line < 1 || se.Line > len(lines) || se.Col < 1 ||
				se.Col > len(lines[se.Line-1])+1 || strings.Contains(err.Error(), "\n") {
				t.Fatalf("%q: error %v", src, err)
			}
			return
		}
		for _, p := range []string{"/", "/usr/include/stdio.h", "/home/u/.ssh/id", "/tmp/x", "/a/b"} {
			sb.decide(p, Read)
			sb.decide(p, Write)
		}
	})
}
