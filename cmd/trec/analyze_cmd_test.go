package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/trecdev/trec/format"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/traces/golden")

const tracesDir = "../../testdata/traces"

// trec runs the CLI with args after "trec" and returns its output.
func trec(t *testing.T, stdin []byte, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"trec"}, args...), bytes.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// checkGolden compares got with the golden file name, or rewrites it with
// -update. A mismatch is reported as a unified diff.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(tracesDir, "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if bytes.Equal(want, got) {
		return
	}
	gotPath := filepath.Join(t.TempDir(), name)
	os.WriteFile(gotPath, got, 0o644)
	diff, _ := exec.Command("diff", "-u", path, gotPath).CombinedOutput()
	if len(diff) == 0 {
		diff = []byte("(diff unavailable)\n--- want\n" + string(want) + "\n--- got\n" + string(got))
	}
	t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, diff)
}

// goldenCases are the commands whose output is kept under
// testdata/traces/golden, named after the trace and the flags.
var goldenCases = []struct {
	golden string
	args   []string
}{
	{"stats-fileio.txt", []string{"stats", "fileio.trc"}},
	{"stats-fileio.json", []string{"stats", "--json", "fileio.trc"}},
	{"stats-pipeline.txt", []string{"stats", "pipeline.trc"}},
	{"stats-pipeline-S-calls-top-5.txt", []string{"stats", "-S", "calls", "--top", "5", "pipeline.trc"}},
	{"stats-pipeline-c.txt", []string{"stats", "-c", "pipeline.trc"}},
	{"dump-fileio.txt", []string{"dump", "fileio.trc"}},
	{"dump-fileio-y-T-ttt-s-8.txt", []string{"dump", "-y", "-T", "-ttt", "-s", "8", "fileio.trc"}},
	{"dump-fileio-r-e-status-failed.txt", []string{"dump", "-r", "-e", "status=failed", "fileio.trc"}},
	{"dump-fileio-json.jsonl", []string{"dump", "--json", "fileio.trc"}},
	{"dump-pipeline-y.txt", []string{"dump", "-y", "pipeline.trc"}},
	{"export-fileio.json", []string{"export", "--format", "chrome-json", "fileio.trc"}},
	{"export-pipeline-jsonl-e-trace-process.jsonl", []string{"export", "--format", "jsonl", "-e", "trace=%process", "pipeline.trc"}},
	{"dump-pipeline-e-trace-file-P.txt", []string{"dump", "-e", "trace=%file", "-P", "/usr/bin/*", "-P", "/etc/*", "pipeline.trc"}},
	{"dump-pipeline-json-y-s-8-e-trace-pipe2-dup2-write.jsonl", []string{"dump", "--json", "-y", "-s", "8", "-e", "trace=pipe2,dup2,write", "pipeline.trc"}},
	{"dump-fileio-xx-qq-e-signal-none.txt", []string{"dump", "-xx", "-qq", "-e", "signal=none", "fileio.trc"}},
	{"stats-pipeline-json-c.json", []string{"stats", "--json", "-c", "pipeline.trc"}},
	{"stats-pipeline-json-top-3.json", []string{"stats", "--json", "--top", "3", "pipeline.trc"}},
	{"info-fileio.json", []string{"info", "--json", "fileio.trc"}},
	{"dump-decoders-y.txt", []string{"dump", "-y", "decoders.trc"}},
	{"dump-decoders-json-y.jsonl", []string{"dump", "--json", "-y", "decoders.trc"}},
	{"stats-decoders.txt", []string{"stats", "decoders.trc"}},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.golden, func(t *testing.T) {
			args := append([]string(nil), tc.args...)
			args[len(args)-1] = filepath.Join(tracesDir, args[len(args)-1])
			out, errs, code := trec(t, nil, args...)
			if code != 0 || errs != "" {
				t.Fatalf("trec %s: exit %d, stderr %q", strings.Join(tc.args, " "), code, errs)
			}
			checkGolden(t, tc.golden, []byte(out))
		})
	}
}

// TestDumpJSONRoundTrip checks that every line of dump --json is a JSON
// object that encoding/json reads back to the same value.
func TestDumpJSONRoundTrip(t *testing.T) {
	for _, name := range []string{"fileio.trc", "pipeline.trc"} {
		out, errs, code := trec(t, nil, "dump", "--json", "-y", filepath.Join(tracesDir, name))
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) < 50 {
			t.Fatalf("%s: %d lines", name, len(lines))
		}
		kinds := map[string]int{}
		for i, l := range lines {
			var v map[string]any
			if err := json.Unmarshal([]byte(l), &v); err != nil {
				t.Fatalf("%s line %d: %v\n%s", name, i+1, err, l)
			}
			kinds[v["type"].(string)]++
			again, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			var w map[string]any
			if err := json.Unmarshal(again, &w); err != nil {
				t.Fatal(err)
			}
			if !jsonEqual(v, w) {
				t.Fatalf("line %d does not round-trip:\n%s\n%s", i+1, l, again)
			}
		}
		if kinds["syscall"] == 0 || kinds["exit"] == 0 {
			t.Errorf("%s: kinds %v", name, kinds)
		}
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestStatsStdin(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(tracesDir, "fileio.trc"))
	if err != nil {
		t.Fatal(err)
	}
	fromStdin, _, code := trec(t, data, "stats", "-c", "-")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	fromFile, _, _ := trec(t, nil, "stats", "-c", filepath.Join(tracesDir, "fileio.trc"))
	if fromStdin != fromFile {
		t.Errorf("stdin and file differ:\n%s\n%s", fromStdin, fromFile)
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	notTrace := filepath.Join(dir, "x.trc")
	os.WriteFile(notTrace, []byte("hello, this is not a trace\n"), 0o644)
	data, _ := os.ReadFile(filepath.Join(tracesDir, "fileio.trc"))
	cut := filepath.Join(dir, "cut.trc")
	os.WriteFile(cut, data[:len(data)*2/3], 0o644)
	trc := filepath.Join(tracesDir, "fileio.trc")
	for _, tc := range []struct {
		args    []string
		code    int
		wantErr string
	}{
		{[]string{"stats", filepath.Join(dir, "missing.trc")}, 1, "no such file"},
		{[]string{"dump", notTrace}, 1, "not a trec trace"},
		{[]string{"dump", dir}, 1, "is a directory"},
		{[]string{"dump"}, 2, "missing trace file"},
		{[]string{"dump", "-e", "trace=nosuchcall", trc}, 2, "nosuchcall"},
		{[]string{"dump", "-e", "status=bogus", trc}, 2, "status"},
		{[]string{"stats", "-S", "bogus", trc}, 2, "sort"},
		{[]string{"dump", "--since", "soon", trc}, 2, "--since"},
		{[]string{"dump", "-P", "[", trc}, 2, "--path"},
		{[]string{"dump", trc, "-y", "-p", "1"}, 0, "-p 1: no such process"},
		{[]string{"dump", trc, "x.trc"}, 2, "one trace at a time"},
		{[]string{"filter", trc}, 2, "-o OUT is required"},
		{[]string{"stats", cut}, 0, "trace truncated after"},
		{[]string{"dump", "-y", cut}, 0, "trace truncated after"},
	} {
		_, errs, code := trec(t, nil, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.wantErr) {
			t.Errorf("trec %v: exit %d, stderr %q; want exit %d and %q", tc.args, code, errs, tc.code, tc.wantErr)
		}
		if strings.Count(errs, "\n") > 1 {
			t.Errorf("trec %v: more than one line on stderr: %q", tc.args, errs)
		}
	}
}

// statsJSON runs trec stats --json and decodes the syscall table.
func statsJSON(t *testing.T, args ...string) map[string][2]uint64 {
	t.Helper()
	out, errs, code := trec(t, nil, append([]string{"stats", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("stats %v: exit %d: %s", args, code, errs)
	}
	var rep struct {
		Syscalls []struct {
			Syscall       string
			Calls, Errors uint64
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	m := map[string][2]uint64{}
	for _, s := range rep.Syscalls {
		m[s.Syscall] = [2]uint64{s.Calls, s.Errors}
	}
	return m
}

// TestFilterKeepsFileCalls checks that trec filter -e trace=%file writes a
// trace whose stats list exactly the file syscalls of the original, with
// the same counts.
func TestFilterKeepsFileCalls(t *testing.T) {
	fileCalls := map[string]bool{
		"open": true, "openat": true, "stat": true, "lstat": true, "newfstatat": true, "access": true,
		"faccessat2": true, "execve": true, "readlink": true, "statfs": true, "getcwd": true,
		"chdir": true, "unlink": true, "mkdir": true, "rename": true, "statx": true,
	}
	for _, name := range []string{"fileio.trc", "pipeline.trc"} {
		in := filepath.Join(tracesDir, name)
		out := filepath.Join(t.TempDir(), "file.trc")
		if _, errs, code := trec(t, nil, "filter", "-o", out, "-e", "trace=%file", in); code != 0 {
			t.Fatalf("filter: exit %d: %s", code, errs)
		}
		all := statsJSON(t, in)
		want := statsJSON(t, "-e", "trace=%file", in)
		got := statsJSON(t, out)
		if len(want) == 0 {
			t.Fatalf("%s: no file syscalls", name)
		}
		for n := range want {
			if !fileCalls[n] {
				t.Errorf("%s: %s is not a %%file syscall", name, n)
			}
			if want[n] != all[n] {
				t.Errorf("%s: %s: filtered stats %v, original %v", name, n, want[n], all[n])
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: filtered trace has %v, want %v", name, got, want)
		}
		for n, c := range want {
			if got[n] != c {
				t.Errorf("%s: %s: filtered trace %v, original %v", name, n, got[n], c)
			}
		}
		// The header records the filter.
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		r, err := format.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		if df := r.Header().GetOptions().GetDerivedFilters(); len(df) != 1 || df[0] != "-e trace=%file" {
			t.Errorf("derived filters %q", df)
		}
		f.Close()
		dump, _, _ := trec(t, nil, "dump", out)
		if strings.Contains(dump, "mmap(") {
			t.Errorf("%s: filtered trace still has mmap calls", name)
		}
	}
}

// TestExportChrome checks that chrome-json output is one JSON document of
// trace events with the fields Perfetto needs.
func TestExportChrome(t *testing.T) {
	out := filepath.Join(t.TempDir(), "trace.json")
	if _, errs, code := trec(t, nil, "export", "--format", "chrome-json", "-o", out, filepath.Join(tracesDir, "pipeline.trc")); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		TraceEvents []struct {
			Name, Ph string
			Ts       *float64
			Dur      float64
			Pid, Tid int
			Args     map[string]any
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	phases := map[string]int{}
	procNames := map[int]string{}
	for _, e := range doc.TraceEvents {
		phases[e.Ph]++
		if e.Ts == nil || e.Pid == 0 || e.Tid == 0 || e.Name == "" {
			t.Fatalf("incomplete event %+v", e)
		}
		if e.Ph == "X" && (e.Dur < 0 || e.Args["result"] == nil) {
			t.Fatalf("bad slice %+v", e)
		}
		if e.Name == "process_name" {
			procNames[e.Pid] = e.Args["name"].(string)
		}
	}
	if phases["X"] < 100 || phases["i"] == 0 || phases["M"] == 0 {
		t.Errorf("phases %v", phases)
	}
	found := false
	for _, n := range procNames {
		found = found || n == "tr a-z A-Z"
	}
	if !found {
		t.Errorf("no process named after its argv: %v", procNames)
	}
}

// straceLine matches one line of strace -f -o (PID, two spaces) or of trec
// dump ([pid N] once there is more than one thread) and captures the pid
// and the rest.
var straceLine = regexp.MustCompile(`^(?:\[pid +(\d+)\] +|(\d+) +)?(.+)$`)

// wholeCalls joins "<unfinished ...>" lines with their "<... resumed>"
// continuations, so that interleaving (which differs from run to run) does
// not matter, and returns the syscall lines with pids and addresses
// normalized.
func wholeCalls(text string) []string {
	var calls []string
	for _, l := range joinedLines(text, false) {
		calls = append(calls, normalizeCall(l))
	}
	return calls
}

// joinedLines returns the lines of strace -f or trec dump output without
// their pids, "<unfinished ...>" lines joined with their "<... resumed>"
// continuations, the "+++" lines left out, and the "---" (signal) lines
// too unless signals.
func joinedLines(text string, signals bool) []string {
	pending := map[string]string{}
	var lines []string
	resumed := regexp.MustCompile(`^<\.\.\. [a-z0-9_]+ resumed>`)
	for _, l := range strings.Split(text, "\n") {
		m := straceLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		pid, rest := m[1]+m[2], m[3]
		switch {
		case strings.HasPrefix(rest, "+++") || (!signals && strings.HasPrefix(rest, "---")):
			continue
		case strings.HasSuffix(rest, " <unfinished ...>"):
			pending[pid] = strings.TrimSuffix(rest, " <unfinished ...>")
			continue
		case resumed.MatchString(rest):
			if pid == "" {
				// The last thread but one ended since the entry:
				// strace's prefix is gone, as the entry's thread
				// is the only one left.
				name := strings.TrimSuffix(strings.TrimPrefix(resumed.FindString(rest), "<... "), " resumed>")
				for p, call := range pending {
					if strings.HasPrefix(call, name+"(") {
						pid = p
					}
				}
			}
			rest = pending[pid] + resumed.ReplaceAllString(rest, "")
			delete(pending, pid)
		}
		lines = append(lines, rest)
	}
	return lines
}

var (
	hexNum  = regexp.MustCompile(`0x[0-9a-f]+`)
	spaceEq = regexp.MustCompile(`\) +=`)
	pidLike = regexp.MustCompile(`^(clone3?|wait4|getpid|getppid|set_tid_address|vfork|fork)\((.*)\) = \d+$`)
	pidArg  = regexp.MustCompile(`^(wait4|kill)\(\d+`)
	// futex waits on a thread id: FUTEX_WAIT_BITSET, 6546.
	futexTid = regexp.MustCompile(`^(futex\(0x\?, FUTEX_WAIT[A-Z_|]*, )\d+`)
	parentID = regexp.MustCompile(`parent_tid=\[\d+\]`)
)

func normalizeCall(s string) string {
	s = hexNum.ReplaceAllString(s, "0x?")
	s = spaceEq.ReplaceAllString(s, ") =")
	s = pidLike.ReplaceAllString(s, "$1($2) = PID")
	s = pidArg.ReplaceAllString(s, "$1(PID")
	s = futexTid.ReplaceAllString(s, "${1}TID")
	return parentID.ReplaceAllString(s, "parent_tid=[PID]")
}

// TestDumpMatchesStrace compares trec dump with strace -f on the same
// program, recorded side by side by testdata/traces/gen: every call of the
// syscalls trec decodes fully must print as strace printed it, up to pids,
// addresses and the data each run read.
func TestDumpMatchesStrace(t *testing.T) {
	full := map[string]bool{
		"openat": true, "open": true, "read": true, "write": true, "close": true, "mmap": true,
		"mprotect": true, "munmap": true, "brk": true, "execve": true, "clone": true, "clone3": true,
		"newfstatat": true, "fstat": true, "access": true, "lseek": true, "pread64": true,
		"pipe2": true, "dup2": true, "exit_group": true, "wait4": true, "kill": true,
		"rt_sigaction": true, "rt_sigprocmask": true, "socket": true, "connect": true, "sendto": true,
		"set_robust_list": true, "rseq": true, "prlimit64": true, "arch_prctl": true, "futex": true,
		"clock_nanosleep": true, "ioctl": true, "madvise": true, "exit": true, "vfork": true,
		"fcntl": true, "dup": true, "pipe": true, "getpid": true, "getppid": true, "uname": true,
		"statx": true, "geteuid": true, "getegid": true, "getuid": true, "getgid": true,
	}
	// Calls whose data differs between two runs of the same program.
	variable := regexp.MustCompile(`^(getrandom|getdents64)\(|(^|[^a-z_])(st_size|tv_nsec)=`)
	for _, name := range []string{"fileio", "pipeline"} {
		want, err := os.ReadFile(filepath.Join(tracesDir, name+".strace"))
		if err != nil {
			t.Skipf("no strace output recorded: %v", err)
		}
		got, errs, code := trec(t, nil, "dump", filepath.Join(tracesDir, name+".trc"))
		if code != 0 {
			t.Fatalf("dump: exit %d: %s", code, errs)
		}
		count := func(calls []string) map[string]int {
			m := map[string]int{}
			for _, c := range calls {
				sys, _, _ := strings.Cut(c, "(")
				if full[sys] && !variable.MatchString(c) {
					m[c]++
				}
			}
			return m
		}
		ws, gs := count(wholeCalls(string(want))), count(wholeCalls(got))
		matched, total := 0, 0
		for c, n := range ws {
			total += n
			matched += min(n, gs[c])
			if gs[c] < n {
				t.Errorf("%s: strace printed %d× but trec %d×:\n  %s", name, n, gs[c], c)
			}
		}
		for c, n := range gs {
			if ws[c] < n {
				t.Errorf("%s: trec printed %d× but strace %d×:\n  %s", name, n, ws[c], c)
			}
		}
		t.Logf("%s: %d of %d strace lines identical", name, matched, total)
	}
}

// Single-letter flags combine as in strace, and each t counts.
func TestCombinedShortFlags(t *testing.T) {
	trace := filepath.Join(tracesDir, "fileio.trc")
	for _, c := range []struct{ combined, separate []string }{
		{[]string{"-yT"}, []string{"-y", "-T"}},
		{[]string{"-ttT"}, []string{"-tt", "-T"}},
		{[]string{"-t", "-t"}, []string{"-tt"}},
		{[]string{"-tttyT"}, []string{"-ttt", "-y", "-T"}},
		{[]string{"-ys", "8"}, []string{"-y", "-s", "8"}},
	} {
		got, gotErr, gotCode := trec(t, nil, append(append([]string{"dump"}, c.combined...), trace)...)
		want, wantErr, wantCode := trec(t, nil, append(append([]string{"dump"}, c.separate...), trace)...)
		if gotCode != 0 || wantCode != 0 || got != want {
			t.Errorf("dump %q (exit %d, %q) differs from dump %q (exit %d, %q)", c.combined, gotCode, gotErr, c.separate, wantCode, wantErr)
		}
	}
	if _, stderr, code := trec(t, nil, "dump", "-yK", trace); code == 0 || !strings.Contains(stderr, "-yK") {
		t.Errorf("dump -yK: exit %d, stderr %q; want an error naming the flag", code, stderr)
	}
}

// dump -y prints what fds refer to as strace -y does, from what the
// recorder read of /proc/PID/fd: paths as the kernel resolves them, pipes
// with their inode, the working directory at AT_FDCWD. The two runs are
// separate, so inodes are compared up to their numbers.
func TestDumpFDPathsMatchStrace(t *testing.T) {
	// Both runs get /dev/null as their standard files.
	strace, null := straceAndNull(t)
	dir := t.TempDir()
	// A working directory reached through a symlink, names that strace
	// escapes, a file deleted while open.
	if err := os.MkdirAll(filepath.Join(dir, "real", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	script := `cd '` + dir + `/link/sub' && exec 4>'a<b>' 5>"$(printf 'x\ty')" 6>gone && rm gone && echo hi >&6
exec 7>'` + dir + `/link/sub/g' && rm '` + dir + `/link/sub/g' && echo >&7; mkdir dd && exec 8<dd && rmdir dd && cat <&8
exec 3</etc/hostname; cat <&3; echo hi | cat; exec 3<&- 4>&- 5>&- 6>&- 7>&- 8<&-; cd /usr && ls -d lib`
	want := runStrace(t, strace, null, filepath.Join(dir, "strace.txt"), []string{"sh", "-c", script})
	trc := filepath.Join(dir, "run.trc")
	if code := run([]string{"trec", "record", "-q", "-o", trc, "--", "sh", "-c", script}, null, null, null); code != 0 {
		t.Fatalf("record: exit %d", code)
	}
	got, errs, code := trec(t, nil, "dump", "-y", trc)
	if code != 0 {
		t.Fatalf("dump: exit %d: %s", code, errs)
	}
	keep := regexp.MustCompile(`^(pipe2|openat|close|dup2|read|write|fcntl|newfstatat|getdents64)\(.*[0-9D]<`)
	inode := regexp.MustCompile(`(pipe|socket):\[\d+\]`)
	// Calls that depend on more than the fds: directory listings and stat
	// results of the files each run touches.
	variable := regexp.MustCompile(`^getdents64\(|st_size=|st_mtime`)
	count := func(text string) map[string]int {
		m := map[string]int{}
		for _, c := range wholeCalls(text) {
			if keep.MatchString(c) && !variable.MatchString(c) {
				m[inode.ReplaceAllString(c, "$1:[N]")]++
			}
		}
		return m
	}
	ws, gs := count(want), count(got)
	if len(ws) < 10 {
		t.Fatalf("only %d strace lines name an fd", len(ws))
	}
	t.Logf("%d distinct strace lines name an fd", len(ws))
	for c, n := range ws {
		if gs[c] != n {
			t.Errorf("strace printed %d×, trec %d×:\n  %s", n, gs[c], c)
		}
	}
	for c, n := range gs {
		if ws[c] == 0 {
			t.Errorf("trec printed %d×, strace never:\n  %s", n, c)
		}
	}
}

// A file opened through a symlink is one file to -P and to stats, under
// the name the program used or the one the kernel resolved, as strace -P
// takes either.
func TestSymlinkedFileIsOneFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "real", "f"), []byte("data\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	opened, resolved := filepath.Join(dir, "link", "f"), filepath.Join(dir, "real", "f")
	// A recording filtered to dup2 and write still shows where the copy
	// leads: the open was not recorded, so the recorder reads the link.
	filtered := filepath.Join(dir, "filtered.trc")
	if _, errs, code := trec(t, nil, "record", "-q", "-e", "trace=dup2,write", "-o", filtered, "--", "sh", "-c", "exec 3>>'"+opened+"'; echo x >&3"); code != 0 {
		t.Fatalf("record -e: exit %d: %s", code, errs)
	}
	if out, _, _ := trec(t, nil, "dump", "-y", filtered); !strings.Contains(out, "write(1<"+resolved+">") {
		t.Errorf("dump -y of a trace filtered to dup2,write does not name %s:\n%s", resolved, out)
	}
	trc := filepath.Join(dir, "run.trc")
	if _, errs, code := trec(t, nil, "record", "-q", "-o", trc, "--", "cat", opened); code != 0 {
		t.Fatalf("record: exit %d: %s", code, errs)
	}
	for _, p := range []string{opened, resolved} {
		out, errs, code := trec(t, nil, "dump", "-P", p, trc)
		if code != 0 {
			t.Fatalf("dump -P %s: exit %d: %s", p, code, errs)
		}
		if !strings.Contains(out, "read(3") || !strings.Contains(out, "close(3") {
			t.Errorf("dump -P %s misses the calls on the file's fd:\n%s", p, out)
		}
	}
	out, errs, code := trec(t, nil, "stats", "--json", trc)
	if code != 0 {
		t.Fatalf("stats: exit %d: %s", code, errs)
	}
	var rep struct {
		Files []struct {
			Path         string
			Opens, Calls uint64
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, f := range rep.Files {
		switch f.Path {
		case opened:
			rows++
			if f.Opens != 1 || f.Calls < 3 {
				t.Errorf("stats for %s: %d opens, %d calls; want 1 open and the calls on its fd", opened, f.Opens, f.Calls)
			}
		case resolved:
			t.Errorf("stats list %s apart from %s", resolved, opened)
		}
	}
	if rows != 1 {
		t.Errorf("stats list %s %d times", opened, rows)
	}
}

// infoJSON runs trec info --json on a trace.
func infoJSON(t *testing.T, trace string) map[string]any {
	t.Helper()
	out, errs, code := trec(t, nil, "info", "--json", trace)
	if code != 0 {
		t.Fatalf("info: exit %d: %s", code, errs)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// filter and export keep, of the events that are not calls, those of the
// processes whose calls they keep, and the clones that lead to them.
func TestFilterDropsUnreferenced(t *testing.T) {
	in := filepath.Join(tracesDir, "pipeline.trc")
	dir := t.TempDir()
	none := filepath.Join(dir, "net.trc")
	if _, errs, code := trec(t, nil, "filter", "-o", none, "-e", "trace=%net", in); code != 0 {
		t.Fatalf("filter: exit %d: %s", code, errs)
	}
	if got := infoJSON(t, none); got["events"] != 0.0 || got["complete"] != true {
		t.Errorf("a filter that keeps no call wrote %v events (complete %v)", got["events"], got["complete"])
	}
	all := infoJSON(t, in)["events_by_kind"].(map[string]any)
	execs := filepath.Join(dir, "execve.trc")
	if _, errs, code := trec(t, nil, "filter", "-o", execs, "-e", "trace=execve", in); code != 0 {
		t.Fatalf("filter: exit %d: %s", code, errs)
	}
	kinds := infoJSON(t, execs)["events_by_kind"].(map[string]any)
	// The subshell that runs echo forks without an exec: its clone and
	// exit go; the three execs and the two clones to tr and ls stay.
	if kinds["syscall_enter"] != 3.0 || kinds["exec"] != 3.0 || kinds["clone"] != 2.0 || kinds["exit"] != 3.0 || all["clone"] != 3.0 {
		t.Errorf("filter -e trace=execve kept %v of %v", kinds, all)
	}
	// export reads the trace twice too, standard input included.
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	out, errs, code := trec(t, data, "export", "--format", "jsonl", "-e", "trace=execve", "-")
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	types := map[string]int{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		types[m["type"].(string)]++
	}
	if types["syscall"] != 3 || types["exec"] != 3 || types["clone"] != 2 || types["exit"] != 3 {
		t.Errorf("export -e trace=execve - kept %v", types)
	}
}

// trec info reads the header and counts the events; a cut trace says so.
func TestInfo(t *testing.T) {
	in := filepath.Join(tracesDir, "fileio.trc")
	m := infoJSON(t, in)
	if m["complete"] != true || m["exit_status"] == nil || m["events"].(float64) < 100 || m["arch"] != "x86_64" ||
		len(m["argv"].([]any)) != 1 || m["reader_version"] != version {
		t.Errorf("info --json: %v", m)
	}
	data, _ := os.ReadFile(in)
	cut := filepath.Join(t.TempDir(), "cut.trc")
	os.WriteFile(cut, data[:len(data)/2], 0o644)
	out, errs, code := trec(t, nil, "info", cut)
	if code != 0 || errs != "" || !strings.Contains(out, "complete      no: ") || !strings.Contains(out, "exit status   unknown") {
		t.Errorf("info of a cut trace: exit %d, stderr %q:\n%s", code, errs, out)
	}
	if m := infoJSON(t, cut); m["complete"] != false || m["exit_status"] != nil {
		t.Errorf("info --json of a cut trace: %v", m)
	}
}

// stats -S orders the failed paths as it orders the files: by count for
// time, calls and errors, by path for name and none.
func TestStatsSortsFailedPaths(t *testing.T) {
	dir := t.TempDir()
	trace := filepath.Join(dir, "f.trc")
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if _, stderr, code := trec(t, nil, "record", "-q", "-o", trace, "--", "sh", "-c", `cat "$1" "$1" "$1" "$2" 2>/dev/null; true`, "sh", b, a); code != 0 {
		t.Fatalf("record: exit %d: %s", code, stderr)
	}
	order := func(sortBy string) []string {
		out, stderr, code := trec(t, nil, "stats", "--json", "--top", "0", "-S", sortBy, trace)
		var r struct {
			FailedPaths []struct{ Path string } `json:"failed_paths"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 {
			t.Fatalf("stats -S %s: exit %d, %v: %s", sortBy, code, err, stderr)
		}
		var paths []string
		for _, f := range r.FailedPaths {
			if f.Path == a || f.Path == b {
				paths = append(paths, f.Path)
			}
		}
		return paths
	}
	for sortBy, want := range map[string][]string{"calls": {b, a}, "errors": {b, a}, "name": {a, b}, "none": {a, b}} {
		if got := order(sortBy); !slices.Equal(got, want) {
			t.Errorf("stats -S %s: failed paths in the order %q, want %q", sortBy, got, want)
		}
	}
}
