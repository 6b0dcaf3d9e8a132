// Command attach measures what trec record -p costs a running process,
// placed adaptively (the default), left where they are (--no-pin) and
// pinned with --cpu, against strace -f -p:
//
//	go run ./bench/attach [-runs N] [-window D] [-cpu N] [-trec PATH]
//
// The process is bench/workloads/server/server.c: THREADS threads, each
// repeating WORK rounds of arithmetic and one write(2). Each measurement
// starts it, lets it run, and counts its rounds per second over a window
// with nothing attached or with a tracer attached for the window. The
// modes run round-robin, N rounds, and the medians are printed with their
// ratios to the untraced rate; for the workload of one thread of
// back-to-back syscalls, also the cost of a ptrace stop that the ratios
// imply (two stops per syscall).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type workload struct {
	name          string
	threads, work int
	what          string
}

var workloads = []workload{
	{"syscalls", 1, 0, "one thread of back-to-back write(2)s: the cost of the stops"},
	{"threads2", 2, 0, "two threads of back-to-back write(2)s"},
	{"busy2", 2, 200000, "two CPU-bound threads, a write(2) every ~0.2 ms: the cost of moving"},
}

var modes = []string{"bare", "trec", "trec-nopin", "trec-cpu", "strace"}

func main() {
	runs := flag.Int("runs", 7, "rounds")
	window := flag.Duration("window", 2*time.Second, "measurement window")
	cpu := flag.Int("cpu", 1, "CPU for trec --cpu")
	trec := flag.String("trec", "", "trec binary (default: build ./cmd/trec)")
	flag.Parse()
	dir, err := os.MkdirTemp("", "trec-bench-attach")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	if *trec == "" {
		*trec = filepath.Join(dir, "trec")
		run("go", "build", "-o", *trec, "./cmd/trec")
	}
	server := filepath.Join(dir, "server")
	run("gcc", "-O2", "-pthread", "-o", server, filepath.Join("bench", "workloads", "server", "server.c"))

	rates := map[string]map[string][]float64{}
	for _, w := range workloads {
		rates[w.name] = map[string][]float64{}
	}
	for range *runs {
		for _, w := range workloads {
			for _, m := range modes {
				if m == "strace" {
					if _, err := exec.LookPath("strace"); err != nil {
						continue
					}
				}
				r := measure(server, *trec, w, m, *window, *cpu)
				rates[w.name][m] = append(rates[w.name][m], r)
			}
		}
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("# median of %d interleaved runs, %v windows; load average at the end: %s", *runs, *window, load)
	for _, w := range workloads {
		fmt.Printf("\n## %s: %s (server %d %d)\n", w.name, w.what, w.threads, w.work)
		fmt.Printf("%-10s %14s %9s\n", "mode", "rounds/s", "xbare")
		bare := median(rates[w.name]["bare"])
		for _, m := range modes {
			v := rates[w.name][m]
			if len(v) == 0 {
				continue
			}
			fmt.Printf("%-10s %14.0f %9.4f", m, median(v), median(v)/bare)
			if w.work == 0 && w.threads == 1 && m != "bare" {
				fmt.Printf("   %.1f µs per stop", (1/median(v)-1/bare)/2*1e6)
			}
			fmt.Println()
		}
	}
}

// measure returns the rounds per second of server running workload w over
// window with mode's tracer attached.
func measure(server, trec string, w workload, mode string, window time.Duration, cpu int) float64 {
	srv := exec.Command(server, strconv.Itoa(w.threads), strconv.Itoa(w.work))
	out, err := srv.StdoutPipe()
	if err != nil {
		fail(err)
	}
	if err := srv.Start(); err != nil {
		fail(err)
	}
	pid := strconv.Itoa(srv.Process.Pid)
	time.Sleep(300 * time.Millisecond)
	srv.Process.Signal(syscall.SIGUSR2)
	switch mode {
	case "bare":
		time.Sleep(window)
	case "trec", "trec-nopin", "trec-cpu":
		args := []string{"record", "-q", "-o", os.DevNull, "-p", pid, "--duration", window.String()}
		switch mode {
		case "trec-nopin":
			args = append(args, "--no-pin")
		case "trec-cpu":
			args = append(args, "--cpu", strconv.Itoa(cpu))
		}
		run(trec, args...)
	case "strace":
		st := exec.Command("strace", "-qq", "-f", "-o", os.DevNull, "-p", pid)
		if err := st.Start(); err != nil {
			fail(err)
		}
		time.Sleep(window)
		st.Process.Signal(syscall.SIGINT)
		st.Wait()
	}
	srv.Process.Signal(syscall.SIGINT)
	line, _ := bufio.NewReader(out).ReadString('\n')
	srv.Wait()
	r, err := strconv.ParseFloat(strings.TrimSpace(line), 64)
	if err != nil {
		fail(fmt.Errorf("%s %s: rate %q", w.name, mode, line))
	}
	return r
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func run(name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fail(fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/attach:", err)
	os.Exit(1)
}
