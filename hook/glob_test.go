package hook

import (
	"fmt"
	"path"
	"strings"
	"testing"
)

// globPatterns are patterns of every shape: a wildcard first, escapes,
// character classes, "**" first, in the middle and last.
var globPatterns = []struct {
	pattern string
	lead    string
}{
	{"/etc/*", "/etc/"},
	{"/etc/*.conf", "/etc/"},
	{"/usr/include/pkg1/secret*.h", "/usr/include/pkg1/secret"},
	{"/*", ""},
	{"/*/x", ""},
	{"/?tc/passwd", ""},
	{"/[ab]/x", ""},
	{"/d/[ab]*", "/d/"},
	{"/d/x[^a]y", "/d/x"},
	{`/d/x[\]]y`, "/d/x"},
	{`/\*/x`, "/*"},
	{`/e/\*x*`, "/e/*x"},
	{`/e/a\?b?`, "/e/a?b"},
	{`/e/a\b/*`, "/e/ab"},
	{`/e/\[x]`, "/e/[x]"},
	{"/**/x", ""},
	{"/a/**/b", "/a/"},
	{"/a/b/**/c/*", "/a/b/"},
	{"/home/**/.ssh/**", "/home/"},
	{"/tmp/?/x", "/tmp/"},
	{"/usr/include/pkg3*/**", "/usr/include/pkg3"},
	{"//etc//x*", "/etc/x"},
	// Literal and DIR/** patterns are compared whole instead.
	{"/etc/shadow", ""},
	{"/usr/**", ""},
	{"/**", ""},
}

// globPaths are paths each pattern is tried on: ones that start with its
// lead and ones that just miss it.
var globPaths = []string{
	"/", "/etc", "/etc/", "/etc/passwd", "/etc/shadow", "/etc/x1", "/etc/a.conf", "/etc/a/b.conf", "/etcx/passwd", "/et",
	"/usr/include/pkg1/secret.h", "/usr/include/pkg1/secret_x.h", "/usr/include/pkg1/secre.h", "/usr/include/pkg1",
	"/usr/include/pkg3", "/usr/include/pkg3x/y", "/usr/include/pkg", "/usr/include/pkg31",
	"/a", "/a/x", "/x", "/b/x", "/ab/x", "/*/x", "/*", "/?tc/passwd", "/etc/passwd/x",
	"/d", "/d/a", "/d/bz", "/d/c", "/d/xby", "/d/xay", "/d/x]y", "/d/x",
	"/e/*x", "/e/*xy", "/e/ax", "/e/a?bc", "/e/aXbc", "/e/ab/q", "/e/ab", "/e/[x]", "/e/x",
	"/a/b", "/a/x/b", "/a/x/y/b", "/a/bb", "/a/b/c/d", "/a/b/x/c/d", "/a/b/c", "/ab/c/d",
	"/home/.ssh", "/home/u/.ssh/id", "/home/u/ssh", "/homeu/.ssh", "/tmp/a/x", "/tmp/ab/x", "/tmpa/x",
}

// TestPatternLead checks the literal start computed for each pattern and
// that rejecting on it never changes an answer: every pattern matches
// every path as its components alone say.
func TestPatternLead(t *testing.T) {
	for _, tc := range globPatterns {
		pt, _, err := compilePattern(tc.pattern)
		if err != nil {
			t.Fatalf("%s: %v", tc.pattern, err)
		}
		if pt.lead != tc.lead {
			t.Errorf("%s: lead %q, want %q", tc.pattern, pt.lead, tc.lead)
		}
		matched := 0
		for _, p := range globPaths {
			got := pt.match(p)
			want := matchSegs(pt.segs, strings.TrimPrefix(p, "/"))
			if got != want {
				t.Errorf("%s on %s: %v, components say %v", tc.pattern, p, got, want)
			}
			if got {
				matched++
				if !strings.HasPrefix(p, tc.lead) {
					t.Errorf("%s matches %s, which does not start with %q", tc.pattern, p, tc.lead)
				}
			}
		}
		if matched == 0 {
			t.Errorf("%s matches none of the paths", tc.pattern)
		}
	}
}

// FuzzPatternLead checks that the literal-start check never changes what
// a pattern matches, for any pattern that compiles and any clean path.
func FuzzPatternLead(f *testing.F) {
	for i, tc := range globPatterns {
		f.Add(tc.pattern, globPaths[i%len(globPaths)])
	}
	f.Add(`/e/a\`, "/e/a")
	f.Fuzz(func(t *testing.T, pattern, p string) {
		pt, _, err := compilePattern(pattern)
		if err != nil || !strings.HasPrefix(p, "/") || path.Clean(p) != p {
			return
		}
		if got, want := pt.match(p), matchSegs(pt.segs, strings.TrimPrefix(p, "/")); got != want {
			t.Errorf("%s on %s: %v, components say %v", pattern, p, got, want)
		}
	})
}

// BenchmarkGlob matches paths against wildcard patterns whose literal
// start most of the paths lack, as most rules of a policy do for most
// paths.
func BenchmarkGlob(b *testing.B) {
	var pats []pattern
	for i := range 20 {
		pt, _, err := compilePattern(fmt.Sprintf("/usr/include/pkg%d/secret*.h", i))
		if err != nil {
			b.Fatal(err)
		}
		pats = append(pats, pt)
	}
	for _, s := range []string{"/home/user/src/obj/*.o", "/home/**/.ssh/**", "/etc/*.conf"} {
		pt, _, err := compilePattern(s)
		if err != nil {
			b.Fatal(err)
		}
		pats = append(pats, pt)
	}
	paths := []string{"/usr/include/stdio.h", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/home/user/src/main.c",
		"/etc/ld.so.cache", "/usr/include/pkg7/secret_key.h"}
	n := 0
	for b.Loop() {
		for _, p := range paths {
			for i := range pats {
				if pats[i].match(p) {
					n++
				}
			}
		}
	}
	if n == 0 {
		b.Fatal("no path matched")
	}
}
