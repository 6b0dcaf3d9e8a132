package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadingFlags runs the reading commands with any flags and values:
// filters, -s, -S, --top, --format, time formats, in any order. trec must
// never panic, must exit 0, 1 or 2, and must say what went wrong in one
// line (a truncation warning aside).
func FuzzReadingFlags(f *testing.F) {
	f.Add(uint8(0), "-e\ntrace=%file\n-S\ncalls\n--top\n3")
	f.Add(uint8(1), "-yT\n-s\n8\n-ttt\n-p\n6521@1ms\n--pid-tree\n6521")
	f.Add(uint8(1), "--json\n-e\nstatus=failed\n-P\n*passwd*\n--since\n0.001\n--until\n5ms")
	f.Add(uint8(2), "-o\nout.trc\n-e\n!%memory")
	f.Add(uint8(3), "-f\njsonl\n-o\nout.json\n-p\n1,2")
	trace, err := filepath.Abs(filepath.Join(tracesDir, "fileio.trc"))
	if err != nil {
		f.Fatal(err)
	}
	commands := []string{"stats", "dump", "filter", "export"}
	f.Fuzz(func(t *testing.T, cmd uint8, args string) {
		// Outputs land in a directory of the test's: no path may lead
		// elsewhere.
		if strings.ContainsAny(args, "/\x00") || strings.Contains(args, "..") {
			return
		}
		t.Chdir(t.TempDir())
		argv := []string{"trec", commands[int(cmd)%len(commands)]}
		if args != "" {
			argv = append(argv, strings.Split(args, "\n")...)
		}
		argv = append(argv, trace)
		var out, errb bytes.Buffer
		code := run(argv, bytes.NewReader(nil), &out, &errb)
		if code < 0 || code > 2 {
			t.Errorf("%q: exit %d", argv, code)
		}
		lines := strings.Split(strings.TrimSuffix(errb.String(), "\n"), "\n")
		if errb.Len() > 0 && !strings.HasSuffix(errb.String(), "\n") {
			t.Errorf("%q: stderr %q does not end a line", argv, errb.String())
		}
		n := 0
		for _, l := range lines {
			if l != "" && !strings.HasPrefix(l, "trec: warning: ") {
				n++
				if !strings.HasPrefix(l, "trec: ") {
					t.Errorf("%q: stderr line %q", argv, l)
				}
			}
		}
		if n > 1 || (code != 0 && n != 1) {
			t.Errorf("%q: exit %d with stderr %q; want one line of error exactly when failing", argv, code, errb.String())
		}
	})
}
