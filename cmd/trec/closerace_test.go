package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A thread's close of a socket lingers while the main thread opens a file,
// gets the socket's freed number and writes to it: dump -y names the
// socket on the close, whose line is printed whole at its exit, and the
// file on the open and the writes.
func TestRacingCloseNamesItsOwnFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	trace := recordRun(t, dir, "race.trc", testProg(t, "closerace"), out)

	closes, stderr, code := trec(t, nil, "dump", "-y", "-e", "trace=close", trace)
	if code != 0 {
		t.Fatalf("dump: exit %d: %s", code, stderr)
	}
	m := regexp.MustCompile(`(?m)^\[pid +\d+\] close\((\d+)<(.*)>\) += 0$`).FindStringSubmatch(closes)
	if m == nil || !strings.HasPrefix(m[2], "socket:[") {
		t.Fatalf("no close of a socket by the thread in:\n%s", closes)
	}
	fd := m[1]
	calls, _, _ := trec(t, nil, "dump", "-y", "-e", "trace=openat,write", trace)
	for _, want := range []string{
		`"` + out + `", O_WRONLY|O_CREAT|O_TRUNC, 0644) = ` + fd + `<` + out + `>`,
		`write(` + fd + `<` + out + `>, "during\n", 7) = 7`,
		`write(` + fd + `<` + out + `>, "after\n", 6) = 6`,
	} {
		if !strings.Contains(calls, want) {
			t.Errorf("no %s in:\n%s", want, calls)
		}
	}

	js, _, _ := trec(t, nil, "dump", "--json", "-e", "trace=close", trace)
	var ev struct {
		Tid, Pid int32
		Args     []struct {
			Value struct{ Path string }
		}
	}
	threadCloses := 0
	for line := range strings.Lines(js) {
		if !strings.Contains(line, `"syscall":"close"`) {
			continue
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Tid == ev.Pid {
			continue
		}
		threadCloses++
		if len(ev.Args) != 1 || !strings.HasPrefix(ev.Args[0].Value.Path, "socket:[") {
			t.Errorf("the thread's close names %+v, want the socket: %s", ev.Args, line)
		}
	}
	if threadCloses != 1 {
		t.Errorf("%d closes by the thread in dump --json, want 1:\n%s", threadCloses, js)
	}
}
