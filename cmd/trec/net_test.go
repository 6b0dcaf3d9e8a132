package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// buildProg compiles testdata/progs/NAME.c into the test's directory.
func buildProg(t *testing.T, name string) string {
	t.Helper()
	return buildProgWith(t, name)
}

// buildProgWith is buildProg with more arguments to gcc.
func buildProgWith(t *testing.T, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Fatal("gcc is needed to build the test programs (.ci/run installs it)")
	}
	bin := filepath.Join(t.TempDir(), name)
	args = append([]string{"-O1", "-o", bin, filepath.Join("..", "..", "testdata", "progs", name+".c")}, args...)
	out, err := exec.Command("gcc", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("gcc %s: %v\n%s", name, err, out)
	}
	return bin
}

// An event-loop client connects without blocking (EINPROGRESS) and its
// server accepts without asking for addresses: the network section counts
// the bytes each way per peer, and no error.
func TestNetworkStatsEventLoop(t *testing.T) {
	bin := buildProg(t, "netloop")
	trace := filepath.Join(t.TempDir(), "net.trc")
	if out, errs, code := trec(t, nil, "record", "-q", "-o", trace, "--", bin); code != 0 || out != "200 requests\n" {
		t.Fatalf("record: exit %d, stdout %q: %s", code, out, errs)
	}
	out, errs, code := trec(t, nil, "stats", "--json", trace)
	if code != 0 {
		t.Fatalf("stats: exit %d: %s", code, errs)
	}
	var rep struct {
		Network []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Network) != 11 {
		t.Fatalf("%d peers, want the server and 10 clients: %s", len(rep.Network), out)
	}
	server, clients := rep.Network[0], rep.Network[1:]
	if server["calls"] != 410.0 || server["errors"] != 0.0 || server["bytes_written"] != 1200.0 || server["bytes_read"] != 20000.0 {
		t.Errorf("the server as the client saw it: %v; want 410 calls (10 connects, 200 writes, 200 reads), no error, 1200 bytes written, 20000 read", server)
	}
	for _, c := range clients {
		if c["errors"] != 0.0 || c["bytes_written"] != 2000.0 || c["bytes_read"] != 120.0 {
			t.Errorf("a client as the server saw it: %v; want 2000 bytes written and 120 read", c)
		}
	}
}

// dump -yy names sockets as strace -yy does, from what the recorder asked
// the sockets at the calls that create, name and connect them.
func TestDumpSocketsMatchStrace(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("no strace")
	}
	bin := buildProg(t, "netloop")
	dir := t.TempDir()
	st := filepath.Join(dir, "strace.txt")
	if out, err := exec.Command(strace, "-f", "-yy", "-o", st, bin).CombinedOutput(); err != nil {
		t.Fatalf("strace: %v: %s", err, out)
	}
	trace := filepath.Join(dir, "net.trc")
	if _, errs, code := trec(t, nil, "record", "-q", "-o", trace, "--", bin); code != 0 {
		t.Fatalf("record: exit %d: %s", code, errs)
	}
	got, errs, code := trec(t, nil, "dump", "-yy", trace)
	if code != 0 {
		t.Fatalf("dump: exit %d: %s", code, errs)
	}
	want, err := os.ReadFile(st)
	if err != nil {
		t.Fatal(err)
	}
	// Ports and inodes differ from run to run, and how many reads see the
	// end of a connection: compare the distinct lines up to numbers.
	sockLine := regexp.MustCompile(`^(socket|bind|listen|connect|accept4|read|write|close)\(.*<TCP:`)
	number := regexp.MustCompile(`\d+`)
	distinct := func(text string) map[string]bool {
		m := map[string]bool{}
		for _, c := range wholeCalls(text) {
			if sockLine.MatchString(c) {
				m[number.ReplaceAllString(c, "N")] = true
			}
		}
		return m
	}
	ws, gs := distinct(string(want)), distinct(got)
	if len(ws) < 6 {
		t.Fatalf("strace printed %d distinct socket lines", len(ws))
	}
	for c := range ws {
		if !gs[c] {
			t.Errorf("strace printed, trec did not:\n  %s", c)
		}
	}
	for c := range gs {
		if !ws[c] {
			t.Errorf("trec printed, strace did not:\n  %s", c)
		}
	}
}
