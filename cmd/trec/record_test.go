package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// calls runs trec stats --json on a trace and returns the calls per syscall.
func calls(t *testing.T, trace string) map[string]uint64 {
	t.Helper()
	m := map[string]uint64{}
	for name, ce := range statsJSON(t, trace) {
		m[name] = ce[0]
	}
	return m
}

var summaryLine = regexp.MustCompile(`(?m)^trec: \d+ events, \d+ process(es)?, \d+\.\d{3}s, .+ \(\d+(\.\d)? [KMG]?i?B\)$`)

func TestRecordProgramSeesItsOwnStdio(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "run.trc")
	script := `read line; echo "out:$line"; echo "err:$line" >&2; exit 3`
	stdout, stderr, code := trec(t, []byte("hello\n"), "record", "-o", trace, "--", "sh", "-c", script)
	if code != 3 {
		t.Errorf("exit status %d, want the program's 3", code)
	}
	if stdout != "out:hello\n" {
		t.Errorf("stdout %q, want the program's output alone", stdout)
	}
	if !strings.HasPrefix(stderr, "err:hello\n") || !summaryLine.MatchString(stderr) {
		t.Errorf("stderr %q: want the program's line, then the summary", stderr)
	}
	got := calls(t, trace)
	if got["read"] == 0 || got["write"] < 2 || got["execve"] != 1 || got["exit_group"] != 1 {
		t.Errorf("trace misses the script's calls: %v", got)
	}
	dump, _, _ := trec(t, nil, "dump", trace)
	for _, want := range []string{`write\(1, "out:hello\\n", 10\) += 10`, `write\([12], "err:hello\\n", 10\) += 10`, `\+\+\+ exited with 3 \+\+\+`} {
		if !regexp.MustCompile(want).MatchString(dump) {
			t.Errorf("trec dump lacks %s:\n%s", want, dump)
		}
	}
}

func TestRecordExitStatus(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		script string
		want   int
	}{
		{"exit 0", 0},
		{"exit 42", 42},
		{"kill -SEGV $$", 128 + 11},
		{"kill -TERM $$", 128 + 15},
	} {
		_, stderr, code := trec(t, nil, "record", "-q", "-o", filepath.Join(dir, "x.trc"), "--", "sh", "-c", tc.script)
		if code != tc.want {
			t.Errorf("sh -c %q: exit %d, want %d (stderr %q)", tc.script, code, tc.want, stderr)
		}
		if stderr != "" {
			t.Errorf("sh -c %q with -q: stderr %q, want nothing", tc.script, stderr)
		}
	}
}

func TestRecordStartErrors(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "data")
	if err := os.WriteFile(notExec, []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Executable, but not a format the kernel runs: execve itself fails,
	// after the trace header was written.
	badFormat := filepath.Join(dir, "garbage")
	if err := os.WriteFile(badFormat, []byte{0x7f, 'E', 'L', 'F', 0, 0, 0, 0}, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		prog string
		code int
		msg  string
	}{
		{"trec-no-such-program", 127, "trec: trec-no-such-program: command not found\n"},
		{"", 127, "trec: : command not found\n"},
		{filepath.Join(dir, "missing"), 127, "trec: " + filepath.Join(dir, "missing") + ": no such file or directory\n"},
		{notExec, 126, "trec: " + notExec + ": permission denied\n"},
		{dir, 126, "trec: " + dir + ": is a directory\n"},
		{badFormat, 126, "trec: " + badFormat + ": exec format error\n"},
	} {
		trace := filepath.Join(dir, "start.trc")
		stdout, stderr, code := trec(t, nil, "record", "-o", trace, "--", tc.prog)
		if code != tc.code || stderr != tc.msg || stdout != "" {
			t.Errorf("record %s: exit %d, stderr %q; want %d, %q", tc.prog, code, stderr, tc.code, tc.msg)
		}
		if _, err := os.Stat(trace); !os.IsNotExist(err) {
			t.Errorf("record %s left a trace file behind (%v)", tc.prog, err)
		}
	}
}

// Usage errors exit 2 on every command, failures 1.
func TestRecordBadArguments(t *testing.T) {
	dir := t.TempDir()
	trace := filepath.Join(dir, "x.trc")
	fileio := filepath.Join(tracesDir, "fileio.trc")
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"record", "--bogus", "--", "true"}, "unknown flag --bogus"},
		{[]string{"record", "-s", "99999999999999999999", "--", "true"}, "out of range"},
		{[]string{"record", "-s", "16777217", "--", "true"}, "-s 16777217: want 0 to 16777216"},
		{[]string{"record", "--cpu", "x", "--", "true"}, `invalid value "x" for flag --cpu`},
		{[]string{"filter", trace}, "-o OUT is required"},
		{[]string{"export", "--format", "xml", trace}, `--format "xml"`},
		{[]string{"stats", "--top", "-1", trace}, "--top -1"},
		{[]string{"dump", "-s", "-1", trace}, "-s -1"},
		{[]string{"dump", "-t", "-r", trace}, "use one"},
		{[]string{"stats", trace, trace}, "unexpected argument"},
		{[]string{"diff", "--bogus", trace, trace}, "unknown flag --bogus"},
		{[]string{"recrod", "-o", trace, "--", "true"}, `unknown command "recrod"`},
		{[]string{"record", "-o", trace}, "no program given"},
		{[]string{"record", "-Z", "--", "true"}, "unknown flag -Z (trec record --help"},
		{[]string{"record", "--ouput", trace, "--", "true"}, "unknown flag --ouput (did you mean --output?)"},
		{[]string{"record", "-s", "x", "--", "true"}, "-s x: not a size"},
		{[]string{"record", "-s", "maximum", "--", "true"}, "-s maximum"},
		{[]string{"dump", "-p", "abc", trace}, `-p abc: not a process id`},
		{[]string{"record", "-o", trace, "-s", "-1", "--", "true"}, "-s -1"},
		{[]string{"record", "-o", trace, "-e", "trace=nosuchcall", "--", "true"}, "nosuchcall"},
		{[]string{"record", "-o", trace, "-e", "trace=%nosuchclass", "--", "true"}, "%nosuchclass"},
		{[]string{"record", "-o", trace, "-e", "status=failed", "--", "true"}, "status="},
		{[]string{"record", "-o", "-", "--", "true"}, "-o -"},
		{[]string{"record", "-o", trace, "--cpu", "-1", "--", "true"}, "--cpu -1"},
		{[]string{"record", "-o", trace, "--cpu", "4096", "--", "true"}, "--cpu 4096"},
		{[]string{"record", "-o", trace, "--cpu", "0", "--no-pin", "--", "true"}, "exclude each other"},
		{[]string{"record", "-o", trace, "--pin", "--no-pin", "--", "true"}, "--pin and --no-pin exclude each other"},
		{[]string{"completion", "fish"}, `completion "fish": want bash or zsh`},
		{[]string{"completion"}, "name the shell"},
		{[]string{"completion", "bash", "zsh"}, "name the shell"},
		{[]string{"man", "extra"}, `unexpected argument "extra"`},
		{[]string{"--version", "extra"}, `--version: unexpected argument "extra"`},
		{[]string{"help", "record", "extra"}, `help: unexpected argument "extra"`},
		{[]string{"dump", "-e", "quiet=bogus", fileio}, `-e quiet=bogus: unknown message "bogus"`},
		{[]string{"dump", "-e", "verbose=all", fileio}, "(want trace=, status=, signal= or quiet=)"},
		{[]string{"dump", "-P", "", fileio}, `--path "": an empty name`},
		{[]string{"stats", "-S", "bogus", fileio}, `-S: invalid sort key "bogus"`},
		{[]string{"diff", fileio}, "want two trace files, a and b; got one: " + fileio},
		// The flag as it was typed, where the flag package names it
		// with one dash.
		{[]string{"record", "--duration", "bogus", "-p", "1"}, `invalid value "bogus" for flag --duration:`},
		{[]string{"record", "--duration=bogus", "-p", "1"}, `invalid value "bogus" for flag --duration:`},
		{[]string{"stats", "--top", "x", fileio}, `invalid value "x" for flag --top:`},
		{[]string{"stats", "-top", fileio}, `for flag -top:`},
	} {
		stdout, stderr, code := trec(t, nil, tc.args...)
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, "trec: ") || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2, nothing on stdout and one line naming %q", tc.args, code, stdout, stderr, tc.msg)
		}
		if _, err := os.Stat(trace); !os.IsNotExist(err) {
			t.Fatalf("%q left a trace file behind", tc.args)
		}
	}
	// trec alone prints its help and exits 2, as a usage error.
	if stdout, stderr, code := trec(t, nil); code != 2 || stdout != "" || !strings.Contains(stderr, "Commands:") {
		t.Errorf("trec alone: exit %d, stdout %q, stderr %q; want 2 and the help on stderr", code, stdout, stderr)
	}
	// Failures that are not usage errors exit 1.
	_, stderr, code := trec(t, nil, "record", "-o", filepath.Join(dir, "no", "such", "dir.trc"), "--", "true")
	if code != 1 || !strings.Contains(stderr, "-o: ") {
		t.Errorf("record -o into a missing directory: exit %d, stderr %q; want 1", code, stderr)
	}
}

func TestRecordFilterAndCaptureSize(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full.trc")
	file := filepath.Join(dir, "file.trc")
	script := `cat /etc/hostname /etc/passwd >/dev/null; echo done`
	if _, stderr, code := trec(t, nil, "record", "-q", "-o", full, "--", "sh", "-c", script); code != 0 {
		t.Fatalf("full record: exit %d: %s", code, stderr)
	}
	stdout, stderr, code := trec(t, nil, "record", "-q", "-e", "trace=%file", "-o", file, "--", "sh", "-c", script)
	if code != 0 || stdout != "done\n" {
		t.Fatalf("filtered record: exit %d, stdout %q: %s", code, stdout, stderr)
	}
	fullCalls, fileCalls := calls(t, full), calls(t, file)
	if fileCalls["openat"] == 0 || fileCalls["openat"] != fullCalls["openat"] || fileCalls["execve"] != fullCalls["execve"] {
		t.Errorf("-e trace=%%file: openat %d execve %d, full trace has %d and %d",
			fileCalls["openat"], fileCalls["execve"], fullCalls["openat"], fullCalls["execve"])
	}
	for _, name := range []string{"read", "write", "mmap", "close"} {
		if fileCalls[name] != 0 {
			t.Errorf("-e trace=%%file recorded %d %s calls", fileCalls[name], name)
		}
	}

	small := filepath.Join(dir, "small.trc")
	if _, stderr, code := trec(t, nil, "record", "-q", "-s", "4", "-o", small, "--", "sh", "-c", "echo abcdefgh"); code != 0 {
		t.Fatalf("-s 4: exit %d: %s", code, stderr)
	}
	dump, _, _ := trec(t, nil, "dump", "-e", "trace=write", "-s", "100", small)
	if !regexp.MustCompile(`write\(1, "abcd"\.\.\., 9\) += 9`).MatchString(dump) {
		t.Errorf("-s 4: the write's capture is not cut at 4 bytes:\n%s", dump)
	}
}

// TestRecordPlacementIsInvisible: nproc prints what it prints without trec
// whatever the placement flags; trec info names the placement, and trec
// stats counts every thread once in its placement section, moves only
// where the placement is adaptive.
func TestRecordPlacementIsInvisible(t *testing.T) {
	want, err := exec.Command("nproc").Output()
	if err != nil {
		t.Skipf("nproc: %v", err)
	}
	trace := filepath.Join(t.TempDir(), "x.trc")
	for _, c := range []struct {
		flags      []string
		info, mode string
	}{
		{nil, "adaptive placement, recorder on CPU ", "adaptive"},
		{[]string{"--pin"}, "pinned to CPU ", "pin"},
		{[]string{"--cpu", "0"}, "pinned to CPU 0", "pin"},
		{[]string{"--no-pin"}, "not pinned", "none"},
	} {
		args := append(append([]string{"record", "-q", "-o", trace}, c.flags...), "--", "sh", "-c", "nproc; nproc")
		stdout, stderr, code := trec(t, nil, args...)
		if code != 0 || stdout != strings.Repeat(string(want), 2) {
			t.Errorf("trec %q: exit %d, stdout %q, stderr %q; nproc alone prints %q", args, code, stdout, stderr, want)
		}
		if info, _, _ := trec(t, nil, "info", trace); !strings.Contains(info, c.info) {
			t.Errorf("trec info after %q lacks %q:\n%s", args, c.info, info)
		}
		if stats, _, _ := trec(t, nil, "stats", trace); !strings.Contains(stats, "\nplacement\n") {
			t.Errorf("trec stats after %q has no placement section:\n%s", args, stats)
		}
		out, _, _ := trec(t, nil, "stats", "--json", trace)
		var rep struct {
			Summary   struct{ Threads uint64 }
			Placement struct {
				Mode             string
				CPU              int
				ThreadsTracerCPU uint64 `json:"threads_tracer_cpu"`
				ThreadsOwnCPUs   uint64 `json:"threads_own_cpus"`
				ThreadsMoved     uint64 `json:"threads_moved"`
				ThreadsOwnMask   uint64 `json:"threads_own_mask"`
				MovesOff         uint64 `json:"moves_off"`
				MovesBack        uint64 `json:"moves_back"`
				StopsTracerCPU   uint64 `json:"stops_tracer_cpu"`
				StopsOwnCPUs     uint64 `json:"stops_own_cpus"`
			}
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("stats --json after %q: %v\n%s", args, err, out)
		}
		p := rep.Placement
		threads := p.ThreadsTracerCPU + p.ThreadsOwnCPUs + p.ThreadsMoved + p.ThreadsOwnMask
		moves := p.MovesOff + p.MovesBack
		if p.Mode != c.mode || threads != rep.Summary.Threads || threads != 3 || (p.Mode == "none") != (p.CPU == -1) ||
			(p.Mode == "adaptive") != (p.StopsTracerCPU+p.StopsOwnCPUs > 0) || p.Mode != "adaptive" && moves != 0 {
			t.Errorf("stats --json after %q: %d threads, placement %+v", args, rep.Summary.Threads, p)
		}
	}
}

func TestOutputsSurviveFailures(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.trc")
	if _, stderr, code := trec(t, nil, "record", "-q", "-o", old, "--", "true"); code != 0 {
		t.Fatalf("record true: exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	unchanged := func(what string) {
		t.Helper()
		if got, err := os.ReadFile(old); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s changed or removed the existing %s (%v)", what, old, err)
		}
	}

	if _, _, code := trec(t, nil, "record", "-o", old, "--", "trec-no-such-program"); code != 127 {
		t.Errorf("record of a missing program: exit %d, want 127", code)
	}
	unchanged("record of a missing program")

	corrupt := filepath.Join(dir, "corrupt.trc")
	bad := bytes.Clone(want)
	for i := len(bad) / 2; i < len(bad); i++ {
		bad[i] ^= 0x5a
	}
	if err := os.WriteFile(corrupt, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"filter", "export"} {
		if _, stderr, code := trec(t, nil, cmd, "-o", old, corrupt); code != 1 {
			t.Errorf("%s of a corrupt trace: exit %d, want 1 (%s)", cmd, code, stderr)
		}
		unchanged(cmd + " of a corrupt trace")
		created := filepath.Join(dir, cmd+".out")
		trec(t, nil, cmd, "-o", created, corrupt)
		if _, err := os.Stat(created); !os.IsNotExist(err) {
			t.Errorf("%s of a corrupt trace left %s behind", cmd, created)
		}
		_, stderr, code := trec(t, nil, cmd, "-o", old, old)
		if code != 1 || !strings.Contains(stderr, "is the input trace") {
			t.Errorf("%s -o INPUT INPUT: exit %d, stderr %q; want a refusal", cmd, code, stderr)
		}
		unchanged(cmd + " onto its input")
	}
}

// asCLI is set in the environment of this test binary when a test runs it
// as the trec command itself, from a shell that prepared what it inherits.
const asCLI = "TREC_TEST_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(asCLI) == "1" {
		exit(runSignal(os.Args, os.Stdin, os.Stdout, os.Stderr))
	}
	// Run from a shell's background job (or nohup), this process starts
	// with SIGINT (or SIGHUP) ignored, and so would the programs that the
	// attack tests start, signal and compare: they need the default. Go
	// keeps these two ignored until a handler is installed, and a handled
	// signal is at its default after exec.
	for _, sig := range []os.Signal{syscall.SIGINT, syscall.SIGHUP} {
		if signal.Ignored(sig) {
			signal.Notify(make(chan os.Signal, 1), sig)
		}
	}
	code := m.Run()
	if progs.dir != "" {
		os.RemoveAll(progs.dir)
	}
	os.Exit(code)
}

// TestRecordPassesOnWhatTrecInherited starts trec from shells that ignore
// signals or close standard fds, and checks that the program sees the
// same as it does started by the same shell without trec.
func TestRecordPassesOnWhatTrecInherited(t *testing.T) {
	if !haveCgo {
		t.Skip("built without cgo, trec cannot know what it inherited")
	}
	trace := filepath.Join(t.TempDir(), "x.trc")
	for _, tc := range []struct{ name, setup, prog string }{
		{"ignored signals", `trap "" HUP QUIT TERM USR1 PIPE;`, `grep SigIgn /proc/self/status`},
		{"closed stdout", `exec >&-;`, `ls /; echo "ls exit $?" >&2`},
		{"closed stdin", `exec <&-;`, `cat; echo "cat exit $?" >&2`},
	} {
		shell := func(traced bool) string {
			script := tc.setup + tc.prog
			if traced {
				script = tc.setup + `exec "$0" record -q -o "$1" -- sh -c '` + tc.prog + `'`
			}
			cmd := exec.Command("sh", "-c", script, os.Args[0], trace)
			cmd.Env = append(os.Environ(), asCLI+"=1")
			out, _ := cmd.CombinedOutput()
			return string(out)
		}
		if native, traced := shell(false), shell(true); native != traced || native == "" {
			t.Errorf("%s: the program printed %q under trec, %q without", tc.name, traced, native)
		}
	}
}

// A recording made with -s 0 keeps no bytes but what dump prints the way
// strace -s 0 does: the environment's count, and ""... for a buffer.
func TestRecordCaptureSizeZero(t *testing.T) {
	dir := t.TempDir()
	file, trace := filepath.Join(dir, "in"), filepath.Join(dir, "s0.trc")
	if err := os.WriteFile(file, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, stderr, code := trec(t, nil, "record", "-q", "-s", "0", "-o", trace, "--", "cat", file); code != 0 || out != "hello\n" {
		t.Fatalf("record -s 0: exit %d, stdout %q: %s", code, out, stderr)
	}
	dump, _, _ := trec(t, nil, "dump", trace)
	for _, want := range []string{
		fmt.Sprintf(" /* %d vars */) = 0\n", len(os.Environ())),
		`read(3, ""..., `,
		`write(1, ""..., 6)`,
	} {
		if !strings.Contains(dump, want) {
			t.Errorf("dump of a -s 0 recording lacks %q:\n%s", want, dump)
		}
	}
	if strings.Contains(dump, "hello") {
		t.Errorf("-s 0 kept the bytes read:\n%s", dump)
	}
}
