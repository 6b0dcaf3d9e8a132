package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// A -P pattern that matched no call gets a warning, as -p and -e trace=
// do; the exit status stays 0 and the patterns that matched say nothing.
func TestPathFilterWarnsUnmatched(t *testing.T) {
	trc := filepath.Join(tracesDir, "fileio.trc")
	const hint = " (a pattern matches a whole path: */passwd matches it in any directory)"
	for _, tc := range []struct {
		args []string
		want []string
		// shows is a line dump prints.
		shows string
	}{
		{[]string{"dump", "-P", "passwd", trc}, []string{"-P passwd: matched no call" + hint}, ""},
		{[]string{"dump", "-P", "/etc/passwd", "-P", "/etc/ld.so.cache", "-P", "/lib/*/libc.so.6", trc}, []string{"-P /etc/passwd: matched no call"},
			`openat(AT_FDCWD, "/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC) = 3`},
		{[]string{"dump", "--path", "/x", "--path", "/y", trc}, []string{"-P /x: matched no call", "-P /y: matched no call"}, ""},
		// close(3) names /etc/ld.so.cache through its fd.
		{[]string{"dump", "-e", "trace=close", "-P", "/etc/ld.so.cache", trc}, nil, "close(3)"},
		{[]string{"stats", "-P", "/nonexistent/trec", "-P", "/etc/passwd", trc}, []string{"-P /etc/passwd: matched no call"}, ""},
	} {
		out, errs, code := trec(t, nil, tc.args...)
		if code != 0 {
			t.Errorf("trec %q: exit %d: %s", tc.args, code, errs)
			continue
		}
		var want string
		for _, w := range tc.want {
			want += "trec: warning: " + w + "\n"
		}
		if errs != want {
			t.Errorf("trec %q: stderr\n%s\nwant\n%s", tc.args, errs, want)
		}
		if !strings.Contains(out, tc.shows) {
			t.Errorf("trec %q: no line %q in:\n%s", tc.args, tc.shows, out)
		}
	}
}
