// Command bench measures what tracing costs: trec against the bare command,
// the ptrace floor (a tracer that stops at every syscall and does nothing
// else, floor/floor.c) and strace, on a few workloads, with and without
// one-CPU pinning.
//
// Run it from the repository root:
//
//	go run ./bench [-runs N] [-only WORKLOAD] [-trec PATH] [-base PATH] [-cpu N] [-v]
//
// It builds trec (unless -trec names a binary), the floor and the workloads
// into a temporary directory, then runs every configuration of every
// workload round-robin, N rounds, and prints the median wall time of each
// with its ratios to the bare command, the pinned floor and strace, the
// size of trec's trace against strace's text output, and which of issues
// 5's and 17's targets the run met. While `trec record` does not work,
// trec's rows print "n/a".
//
// trec and trec-file are trec's default placement, which chooses the CPU
// of its tracing thread itself. Every pinned configuration runs on the
// same CPU (-cpu, 0 by default): the floor and strace under taskset,
// trec-pin with --cpu. So they all meet the same other load on the
// machine. trec-nopin is trec with --no-pin, trec-sandbox trec with a
// --sandbox policy that allows every path, trec-replayable trec with
// --replayable; with -base, trec-base is another
// trec binary run as trec is, for an A/B of two builds in one interleaved
// run.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// tools holds the paths of the programs the configurations run.
type tools struct {
	dir    string // scratch directory
	trec   string // "" when trec record cannot run
	floor  string
	strace string // "" when strace is not installed
	// noPin is set when trec record has --no-pin and --pin.
	noPin bool
	// allowAll is a sandbox policy that allows every path, "" when trec
	// record has no --sandbox.
	allowAll string
	// replayable is set when trec record has --replayable.
	replayable bool
	// base is -base's trec binary, "" for none.
	base string
	// cpu is the CPU of every pinned configuration, trec's included.
	cpu string
}

// pin returns the command prefix that runs a program on t.cpu.
func (t *tools) pin() []string { return []string{"taskset", "-c", t.cpu} }

// config is one way of running a workload.
type config struct {
	name string
	// argv returns the command line that runs cmd, writing any trace to out.
	argv func(t *tools, out string, cmd []string) []string
	// needs says which tool the config needs: "trec", "trec-placement"
	// (trec record with --pin and --no-pin), "strace" or "".
	needs string
}

func cat(parts ...[]string) []string { return slices.Concat(parts...) }

// The configurations, in the order the table prints them. The ratio columns
// refer to them by name.
var configs = []config{
	{name: "bare", argv: func(_ *tools, _ string, cmd []string) []string { return cmd }},
	{name: "floor", argv: func(t *tools, _ string, cmd []string) []string {
		return cat([]string{t.floor, "--"}, cmd)
	}},
	{name: "floor-pin", argv: func(t *tools, _ string, cmd []string) []string {
		return cat(t.pin(), []string{t.floor, "--"}, cmd)
	}},
	// The pinned floor plus, step by step, what a recorder must do at a
	// stop: read the syscall (PTRACE_GET_SYSCALL_INFO), and read memory
	// (process_vm_readv). They price trec's steps per stop.
	{name: "floor-pin-info", argv: func(t *tools, _ string, cmd []string) []string {
		return cat(t.pin(), []string{t.floor, "-info", "--"}, cmd)
	}},
	{name: "floor-pin-read", argv: func(t *tools, _ string, cmd []string) []string {
		return cat(t.pin(), []string{t.floor, "-info", "-read", "--"}, cmd)
	}},
	{name: "strace", needs: "strace", argv: func(t *tools, out string, cmd []string) []string {
		return cat([]string{t.strace, "-f", "-o", out}, cmd)
	}},
	{name: "strace-pin", needs: "strace", argv: func(t *tools, out string, cmd []string) []string {
		return cat(t.pin(), []string{t.strace, "-f", "-o", out}, cmd)
	}},
	{name: "trec", needs: "trec", argv: func(t *tools, out string, cmd []string) []string {
		return cat([]string{t.trec, "record", "-q", "-o", out, "--"}, cmd)
	}},
	{name: "trec-file", needs: "trec", argv: func(t *tools, out string, cmd []string) []string {
		return cat([]string{t.trec, "record", "-q", "-e", "trace=%file", "-o", out, "--"}, cmd)
	}},
	// A sandbox whose one rule allows every path: what checking each
	// path costs.
	{name: "trec-sandbox", needs: "trec-sandbox", argv: func(t *tools, out string, cmd []string) []string {
		return cat([]string{t.trec, "record", "-q", "--sandbox", t.allowAll, "-o", out, "--"}, cmd)
	}},
	// What trec replay --exec needs: every syscall, outputs whole, the
	// vDSO off and the auxiliary vector read at each exec.
	{name: "trec-replayable", needs: "trec-replayable", argv: func(t *tools, out string, cmd []string) []string {
		return cat([]string{t.trec, "record", "-q", "--cpu", t.cpu, "--replayable", "-o", out, "--"}, cmd)
	}},
	// -base: another trec binary, measured beside this one (A/B).
	{name: "trec-base", needs: "trec-base", argv: func(t *tools, out string, cmd []string) []string {
		return cat([]string{t.base, "record", "-q", "-o", out, "--"}, cmd)
	}},
	// The same recording with every thread on the tracer's CPU, and with
	// placement left to the kernel.
	{name: "trec-pin", needs: "trec-placement", argv: func(t *tools, out string, cmd []string) []string {
		return cat([]string{t.trec, "record", "-q", "--cpu", t.cpu, "-o", out, "--"}, cmd)
	}},
	{name: "trec-nopin", needs: "trec-placement", argv: func(t *tools, out string, cmd []string) []string {
		return cat([]string{t.trec, "record", "-q", "--no-pin", "-o", out, "--"}, cmd)
	}},
	{name: "strace-seccomp-file", needs: "strace", argv: func(t *tools, out string, cmd []string) []string {
		return cat([]string{t.strace, "-f", "--seccomp-bpf", "-e", "trace=%file", "-o", out}, cmd)
	}},
}

// workload is a command to measure and the configurations to measure it in.
type workload struct {
	name    string
	argv    func(t *tools) []string
	configs []string
}

// traced are the configurations that measure a workload's full trace.
var traced = []string{"bare", "floor", "floor-pin", "strace", "strace-pin", "trec", "trec-file", "trec-pin", "trec-nopin"}

var workloads = []workload{
	{name: "dd", configs: slices.Concat(traced, []string{"floor-pin-info", "floor-pin-read", "trec-replayable"}), argv: func(*tools) []string {
		return []string{"dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=20000"}
	}},
	{name: "tar", configs: slices.Concat(traced, []string{"trec-sandbox", "trec-replayable"}), argv: func(*tools) []string {
		return []string{"tar", "cf", "/dev/null", "/usr/include"}
	}},
	{name: "spawn", configs: traced, argv: func(*tools) []string {
		return []string{"sh", "-c", "for i in $(seq 200); do /bin/true; done"}
	}},
	// CPU-bound with several threads: where pinning can cost more than
	// it saves.
	{name: "threads", configs: traced, argv: func(t *tools) []string {
		return []string{filepath.Join(t.dir, "threads")}
	}},
	// Two threads of arithmetic and hardly a syscall: what pinning costs
	// when there are no stops to make cheaper.
	{name: "spin", configs: traced, argv: func(t *tools) []string {
		return []string{filepath.Join(t.dir, "spin")}
	}},
	{name: "build", configs: traced, argv: func(t *tools) []string {
		return []string{"make", "-B", "-s", "-j2", "-C", filepath.Join(t.dir, "build")}
	}},
	// Both kinds of work at once: a parent that makes small syscalls at a
	// high rate while two children compute (tree), the same with threads
	// of one process (mixed), and a Go program whose runtime trades
	// computing and I/O goroutines between its threads (gomix).
	{name: "tree", configs: traced, argv: func(t *tools) []string {
		return []string{filepath.Join(t.dir, "mixed"), "procs"}
	}},
	{name: "mixed", configs: traced, argv: func(t *tools) []string {
		return []string{filepath.Join(t.dir, "mixed"), "threads"}
	}},
	{name: "gomix", configs: traced, argv: func(t *tools) []string {
		return []string{filepath.Join(t.dir, "threads"), "-workers", "1", "-rounds", "0", "-blocks", "5000", "-hashers", "2", "-procs", "2"}
	}},
	// No file syscalls in its loop: a seccomp-filtered trace should run at
	// the bare command's speed. Tracing every stop would take minutes.
	{name: "dd-file", configs: []string{"bare", "trec-file", "strace-seccomp-file"}, argv: func(*tools) []string {
		return []string{"dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=300000"}
	}},
}

// settings are the command line's.
type settings struct {
	runs          int
	only, trec    string
	base          string
	keep, verbose bool
	cpu           int
}

func main() {
	var s settings
	flag.IntVar(&s.runs, "runs", 3, "measured runs of each configuration (the median is reported)")
	flag.StringVar(&s.only, "only", "", "measure only this workload (one of "+workloadNames()+")")
	flag.StringVar(&s.trec, "trec", "", "use this trec binary instead of building ./cmd/trec")
	flag.StringVar(&s.base, "base", "", "also measure this trec binary, as trec-base, beside trec (A/B of two builds)")
	flag.BoolVar(&s.keep, "keep", false, "keep the scratch directory (traces, build outputs)")
	flag.BoolVar(&s.verbose, "v", false, "print every run")
	flag.IntVar(&s.cpu, "cpu", 0, "the CPU of every pinned configuration (taskset -c N, trec record --cpu N)")
	flag.Parse()
	if err := run(s); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func workloadNames() string {
	var names []string
	for _, w := range workloads {
		names = append(names, w.name)
	}
	return strings.Join(names, ", ")
}

func run(s settings) error {
	runs, keep, verbose := s.runs, s.keep, s.verbose
	if runs < 1 {
		return fmt.Errorf("-runs %d: want at least 1", runs)
	}
	ws := workloads
	if s.only != "" {
		ws = nil
		for _, w := range workloads {
			if w.name == s.only {
				ws = append(ws, w)
			}
		}
		if ws == nil {
			return fmt.Errorf("-only %q: no such workload (have %s)", s.only, workloadNames())
		}
	}
	dir, err := os.MkdirTemp("", "trec-bench")
	if err != nil {
		return err
	}
	if keep {
		fmt.Fprintln(os.Stderr, "bench: scratch directory", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	t, err := setup(dir, s.trec, s.cpu)
	if err != nil {
		return err
	}
	if s.base != "" {
		t.base = s.base
		for i := range ws {
			if j := slices.Index(ws[i].configs, "trec"); j >= 0 {
				ws[i].configs = slices.Insert(slices.Clone(ws[i].configs), j+1, "trec-base")
			}
		}
	}

	m := newMeasurements()
	// Warm up (page cache, the build's headers) and check each workload
	// runs at all.
	for _, w := range ws {
		if _, _, _, err := runOnce(t, w.argv(t), filepath.Join(dir, "warmup.err")); err != nil {
			return fmt.Errorf("workload %s: %w", w.name, err)
		}
	}
	// Round-robin: each round runs every configuration of every workload
	// once, starting at a different configuration each round, so drift of
	// the machine spreads over all of them.
	for r := range runs {
		for _, w := range ws {
			cs := w.configs
			for i := range cs {
				c := configByName(cs[(i+r)%len(cs)])
				if reason := t.missing(c); reason != "" {
					m.na[key{w.name, c.name}] = reason
					continue
				}
				out := filepath.Join(dir, "trace-"+c.name)
				os.Remove(out)
				d, cpu, stderr, err := runOnce(t, c.argv(t, out, w.argv(t)), filepath.Join(dir, "run.err"))
				k := key{w.name, c.name}
				if err != nil {
					m.fail[k] = err.Error()
					fmt.Fprintf(os.Stderr, "bench: %s/%s: %v\n", w.name, c.name, err)
					continue
				}
				m.times[k] = append(m.times[k], d)
				m.cpu[k] = append(m.cpu[k], cpu)
				if fi, err := os.Stat(out); err == nil {
					m.sizes[k] = append(m.sizes[k], fi.Size())
				}
				if c.name == "floor" {
					m.stops[w.name] = floorStops(stderr)
				}
				if verbose {
					fmt.Fprintf(os.Stderr, "round %d  %-8s %-20s %8.3f s\n", r+1, w.name, c.name, d.Seconds())
				}
			}
		}
	}
	printHeader(os.Stdout, t, runs)
	for _, w := range ws {
		printTable(os.Stdout, t, w, m)
	}
	printTargets(os.Stdout, ws, m)
	return nil
}

// setup builds the tools and workloads into dir.
func setup(dir, trecPath string, cpu int) (*tools, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	t := &tools{dir: dir, floor: filepath.Join(dir, "floor"), cpu: strconv.Itoa(cpu)}
	steps := [][]string{
		{"gcc", "-O2", "-o", t.floor, filepath.Join(root, "bench", "floor", "floor.c")},
		{"gcc", "-O2", "-pthread", "-o", filepath.Join(dir, "spin"), filepath.Join(root, "bench", "workloads", "spin", "spin.c")},
		{"gcc", "-O2", "-pthread", "-o", filepath.Join(dir, "mixed"), filepath.Join(root, "bench", "workloads", "mixed", "mixed.c")},
		{"go", "build", "-o", filepath.Join(dir, "threads"), "./bench/workloads/threads"},
	}
	if trecPath == "" {
		trecPath = filepath.Join(dir, "trec")
		steps = append(steps, []string{"go", "build", "-o", trecPath, "./cmd/trec"})
	}
	for _, s := range steps {
		cmd := exec.Command(s[0], s[1:]...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("%s: %v\n%s", strings.Join(s, " "), err, out)
		}
	}
	if err := writeBuild(filepath.Join(dir, "build")); err != nil {
		return nil, err
	}
	if p, err := exec.LookPath("strace"); err == nil {
		t.strace = p
	} else {
		fmt.Fprintln(os.Stderr, "bench: strace not found: its rows print n/a")
	}
	// trec record may not be wired yet: probe it once.
	probe := filepath.Join(dir, "probe.trc")
	if out, err := exec.Command(trecPath, "record", "-q", "-o", probe, "--", "true").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %s record does not work (%v: %s): its rows print n/a\n", trecPath, err, firstLine(out))
	} else if fi, err := os.Stat(probe); err != nil || fi.Size() == 0 {
		fmt.Fprintf(os.Stderr, "bench: %s record wrote no trace: its rows print n/a\n", trecPath)
	} else {
		t.trec = trecPath
		t.noPin = exec.Command(trecPath, "record", "-q", "--no-pin", "-o", probe, "--", "true").Run() == nil &&
			exec.Command(trecPath, "record", "-q", "--pin", "-o", probe, "--", "true").Run() == nil
		policy := filepath.Join(dir, "allow-all.policy")
		if os.WriteFile(policy, []byte("allow /**\n"), 0o644) == nil &&
			exec.Command(trecPath, "record", "-q", "--sandbox", policy, "-o", probe, "--", "true").Run() == nil {
			t.allowAll = policy
		}
		t.replayable = exec.Command(trecPath, "record", "-q", "--replayable", "-o", probe, "--", "true").Run() == nil
	}
	return t, nil
}

// missing says why t cannot run c, or "" when it can.
func (t *tools) missing(c config) string {
	switch {
	case (c.needs == "trec" || c.needs == "trec-placement") && t.trec == "":
		return "trec record does not work"
	case c.needs == "trec-placement" && !t.noPin:
		return "trec record has no --pin and --no-pin"
	case c.needs == "trec-sandbox" && t.allowAll == "":
		return "trec record has no --sandbox"
	case c.needs == "trec-replayable" && !t.replayable:
		return "trec record has no --replayable"
	case c.needs == "trec-base" && t.base == "":
		return "no -base binary"
	case c.needs == "strace" && t.strace == "":
		return "strace not installed"
	}
	return ""
}

// repoRoot finds the directory of trec's go.mod at or above the working
// directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(b, []byte("module github.com/trecdev/trec\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run from inside the trec repository")
		}
		dir = parent
	}
}

// writeBuild writes the build workload into dir: a Makefile and a few C
// files that take gcc -O2 about a second on two CPUs.
func writeBuild(dir string) error {
	const files = 8
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var objs []string
	for i := range files {
		var b strings.Builder
		fmt.Fprintf(&b, "#include <stdio.h>\n#include <string.h>\n#include <stdlib.h>\n")
		for j := range 30 {
			fmt.Fprintf(&b, `
double f%d_%d(const double *x, int n) {
	double s = 0, t[16];
	memset(t, 0, sizeof t);
	for (int i = 0; i < n; i++) {
		t[i %% 16] += x[i] * %d.5;
		if (x[i] > %d) s += t[(i * 7) %% 16] / (1 + x[i]);
		else s -= t[(i * 3) %% 16] * x[i];
	}
	for (int k = 0; k < 16; k++) s += t[k] * k;
	return s;
}
`, i, j, j+1, j)
		}
		if i == 0 {
			b.WriteString("\nint main(void) { double x[4] = {1, 2, 3, 4}; printf(\"%f\\n\", f0_0(x, 4)); return 0; }\n")
		}
		name := fmt.Sprintf("f%d", i)
		if err := os.WriteFile(filepath.Join(dir, name+".c"), []byte(b.String()), 0o644); err != nil {
			return err
		}
		objs = append(objs, name+".o")
	}
	mk := fmt.Sprintf("prog: %[1]s\n\tgcc -o prog %[1]s\n\n%%.o: %%.c\n\tgcc -O2 -c -o $@ $<\n", strings.Join(objs, " "))
	return os.WriteFile(filepath.Join(dir, "Makefile"), []byte(mk), 0o644)
}

// runOnce runs argv with stdin and stdout on /dev/null and returns its wall
// time, the CPU time (user and system) of it and the descendants it waited
// for, and its standard error.
func runOnce(t *tools, argv []string, errPath string) (time.Duration, time.Duration, []byte, error) {
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return 0, 0, nil, err
	}
	defer null.Close()
	errFile, err := os.Create(errPath)
	if err != nil {
		return 0, 0, nil, err
	}
	defer errFile.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = t.dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = null, null, errFile
	start := time.Now()
	err = cmd.Run()
	d := time.Since(start)
	stderr, _ := os.ReadFile(errPath)
	if err != nil {
		return 0, 0, stderr, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, firstLine(stderr))
	}
	return d, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), stderr, nil
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}

// floorStops parses the floor's "floor: N syscall stops" line.
func floorStops(stderr []byte) int64 {
	for _, line := range strings.Split(string(stderr), "\n") {
		if rest, ok := strings.CutPrefix(line, "floor: "); ok {
			n, _ := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
			return n
		}
	}
	return 0
}

func configByName(name string) config {
	for _, c := range configs {
		if c.name == name {
			return c
		}
	}
	panic("bench: no config " + name)
}

type key struct{ workload, config string }

// measurements collects the runs.
type measurements struct {
	times map[key][]time.Duration
	// cpu is the user and system time of each run, the tracer's and the
	// program's: on a busy machine it moves less than the wall time.
	cpu   map[key][]time.Duration
	sizes map[key][]int64
	na    map[key]string   // config not run: why
	fail  map[key]string   // config failed: the error
	stops map[string]int64 // syscall stops the floor counted per workload
}

func newMeasurements() *measurements {
	return &measurements{
		times: map[key][]time.Duration{},
		cpu:   map[key][]time.Duration{},
		sizes: map[key][]int64{},
		na:    map[key]string{},
		fail:  map[key]string{},
		stops: map[string]int64{},
	}
}

// median returns the median wall time of the runs of k, or 0 when it has
// none.
func (m *measurements) median(k key) time.Duration {
	if m.fail[k] != "" {
		return 0
	}
	return medianOf(m.times[k])
}

func medianOf(ts []time.Duration) time.Duration {
	ts = slices.Clone(ts)
	if len(ts) == 0 {
		return 0
	}
	slices.Sort(ts)
	if len(ts)%2 == 1 {
		return ts[len(ts)/2]
	}
	return (ts[len(ts)/2-1] + ts[len(ts)/2]) / 2
}

func printHeader(w io.Writer, t *tools, runs int) {
	fmt.Fprintf(w, "# trec benchmark: %s\n", time.Now().Format("2006-01-02 15:04"))
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	fmt.Fprintf(w, "# machine: Linux %s, %d CPUs, %s\n", strings.TrimSpace(string(kernel)), runtime.NumCPU(), cpuModel())
	if rev, err := exec.Command("git", "describe", "--always", "--dirty").Output(); err == nil {
		fmt.Fprintf(w, "# trec at commit %s\n", strings.TrimSpace(string(rev)))
	}
	if t.strace != "" {
		v, _ := exec.Command(t.strace, "-V").Output()
		fmt.Fprintf(w, "# %s\n", firstLine(v))
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(w, "# load average at the end: %s (other work on the machine skews the numbers)\n", strings.Join(strings.Fields(string(load))[:3], " "))
	fmt.Fprintf(w, "# median of %d runs, interleaved; wall time in seconds; ratios are median/median\n", runs)
	fmt.Fprintf(w, "# cpu s: user and system time of the command and what it waited for (the tracer and the program)\n")
	fmt.Fprintf(w, "# command: go run ./bench %s\n", strings.Join(os.Args[1:], " "))
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ":"))
		}
	}
	return runtime.GOARCH
}

// ratioTo are the columns: each config's median divided by theirs.
var ratioTo = []string{"bare", "floor-pin", "strace", "strace-pin", "trec-pin"}

func printTable(w io.Writer, t *tools, wl workload, m *measurements) {
	fmt.Fprintf(w, "\n## %s: %s", wl.name, shellQuote(t, wl.argv(t)))
	if n := m.stops[wl.name]; n > 0 {
		fmt.Fprintf(w, " (%d syscall stops)", n)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-20s %9s %9s", "config", "median s", "cpu s")
	var cols []string
	for _, r := range ratioTo {
		if slices.Contains(wl.configs, r) {
			cols = append(cols, r)
			fmt.Fprintf(w, " %11s", "x"+r)
		}
	}
	fmt.Fprintln(w)
	for _, c := range wl.configs {
		k := key{wl.name, c}
		fmt.Fprintf(w, "%-20s", c)
		d := m.median(k)
		switch {
		case m.na[k] != "":
			fmt.Fprintf(w, " %9s  (%s)\n", "n/a", m.na[k])
			continue
		case m.fail[k] != "":
			fmt.Fprintf(w, " %9s  (%s)\n", "failed", m.fail[k])
			continue
		}
		fmt.Fprintf(w, " %9.3f %9.3f", d.Seconds(), medianOf(m.cpu[k]).Seconds())
		for _, r := range cols {
			if base := m.median(key{wl.name, r}); base > 0 {
				fmt.Fprintf(w, " %11s", ratio(d.Seconds()/base.Seconds()))
			} else {
				fmt.Fprintf(w, " %11s", "n/a")
			}
		}
		fmt.Fprintln(w)
	}
	// Trace sizes: trec's file against strace's text for the same run.
	for _, pair := range [][2]string{{"trec", "strace"}, {"trec-file", "strace-seccomp-file"}} {
		tr, st := medianSize(m.sizes[key{wl.name, pair[0]}]), medianSize(m.sizes[key{wl.name, pair[1]}])
		if !slices.Contains(wl.configs, pair[0]) || !slices.Contains(wl.configs, pair[1]) {
			continue
		}
		fmt.Fprintf(w, "trace size: %s %s, %s %s", pair[0], bytesOrNA(tr), pair[1], bytesOrNA(st))
		if tr > 0 && st > 0 {
			fmt.Fprintf(w, ", ratio %.3f (1/%.1f)", float64(tr)/float64(st), float64(st)/float64(tr))
		}
		fmt.Fprintln(w)
	}
}

// shellQuote prints argv as a shell would take it, with paths in the
// scratch directory shortened to their names.
func shellQuote(t *tools, argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		a = strings.TrimPrefix(a, t.dir+"/")
		if strings.ContainsAny(a, " $;'\"") {
			a = "'" + a + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}

// ratio formats r with two decimals, or three significant digits when
// it is small.
func ratio(r float64) string {
	if r < 0.1 {
		return strconv.FormatFloat(r, 'g', 3, 64)
	}
	return strconv.FormatFloat(r, 'f', 2, 64)
}

func medianSize(s []int64) int64 {
	if len(s) == 0 {
		return 0
	}
	s = slices.Clone(s)
	slices.Sort(s)
	return s[len(s)/2]
}

func bytesOrNA(n int64) string {
	if n == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%d B", n)
}

// target is one of issues 5's and 17's goals: the median (or trace size)
// of config of workload divided by that of base at most max. A base of
// "a|b" is the faster of a and b.
type target struct {
	workload, config, base string
	max                    float64
	size                   bool
}

var targets = []target{
	{workload: "dd", config: "trec", base: "floor-pin", max: 1.3},
	{workload: "dd", config: "trec", base: "strace-pin", max: 0.8},
	{workload: "dd", config: "trec", base: "strace", max: 0.25},
	{workload: "dd", config: "trec", base: "strace", max: 1.0 / 8, size: true},
	{workload: "tar", config: "trec", base: "floor-pin", max: 1.3},
	{workload: "tar", config: "trec", base: "strace-pin", max: 0.8},
	{workload: "tar", config: "trec", base: "strace", max: 0.25},
	{workload: "tar", config: "trec", base: "strace", max: 1.0 / 8, size: true},
	{workload: "dd-file", config: "trec-file", base: "bare", max: 1.1},
	{workload: "tar", config: "trec-sandbox", base: "trec", max: 1.1},
	// Issue 17: the default placement as fast as the better of pinned and
	// unpinned.
	{workload: "dd", config: "trec", base: "trec-pin", max: 1.03},
	{workload: "tar", config: "trec", base: "trec-pin", max: 1.03},
	{workload: "spawn", config: "trec", base: "trec-pin", max: 1.03},
	{workload: "threads", config: "trec", base: "trec-pin", max: 1.03},
	{workload: "spin", config: "trec", base: "bare", max: 1.1},
	{workload: "build", config: "trec", base: "trec-pin|trec-nopin", max: 0.95},
	{workload: "build", config: "trec", base: "strace", max: 0.9},
	{workload: "tree", config: "trec", base: "strace", max: 0.9},
	{workload: "tree", config: "trec", base: "bare", max: 1.25},
	{workload: "mixed", config: "trec", base: "strace", max: 0.9},
	{workload: "mixed", config: "trec", base: "bare", max: 1.25},
	{workload: "gomix", config: "trec", base: "strace", max: 0.9},
}

// printTargets says which targets the measured workloads meet.
func printTargets(w io.Writer, ws []workload, m *measurements) {
	fmt.Fprintf(w, "\n## targets\n")
	for _, tg := range targets {
		if !slices.ContainsFunc(ws, func(wl workload) bool { return wl.name == tg.workload }) {
			continue
		}
		what := "time"
		var num, den float64
		if tg.size {
			what = "trace size"
			num = float64(medianSize(m.sizes[key{tg.workload, tg.config}]))
			den = float64(medianSize(m.sizes[key{tg.workload, tg.base}]))
		} else {
			num = m.median(key{tg.workload, tg.config}).Seconds()
			for _, b := range strings.Split(tg.base, "|") {
				if d := m.median(key{tg.workload, b}).Seconds(); d > 0 && (den == 0 || d < den) {
					den = d
				}
			}
		}
		fmt.Fprintf(w, "%-8s %-10s %s / %s <= %.3f: ", tg.workload, what, tg.config, tg.base, tg.max)
		if num == 0 || den == 0 {
			fmt.Fprintln(w, "n/a")
			continue
		}
		r := num / den
		verdict := "met"
		if r > tg.max {
			verdict = fmt.Sprintf("MISSED by %.0f%%", (r/tg.max-1)*100)
		}
		fmt.Fprintf(w, "%.3f %s", r, verdict)
		if c, b := medianOf(m.cpu[key{tg.workload, tg.config}]), medianOf(m.cpu[key{tg.workload, tg.base}]); !tg.size && c > 0 && b > 0 {
			fmt.Fprintf(w, " (cpu time %.3f)", c.Seconds()/b.Seconds())
		}
		fmt.Fprintln(w)
	}
}
