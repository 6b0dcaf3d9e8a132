package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// corpusNormal are the rewrites that make two runs of one program
// comparable: what differs from run to run (pids, addresses, inodes,
// times, ephemeral ports, random bytes, the pty's number) and nothing
// else.
var corpusNormal = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`0x[0-9a-f]+`), "0x?"},
	{regexp.MustCompile(`\) +=`), ") ="},
	{regexp.MustCompile(`\b(pipe|socket|net|anon_inode):\[\d+\]`), "$1:[N]"},
	{regexp.MustCompile(`^(clone3?|wait4|getpid|getppid|gettid|set_tid_address|vfork|fork|setsid|getsid|getpgrp|rt_sigreturn)\((.*)\) = \d+`), "$1($2) = PID"},
	{regexp.MustCompile(`^(wait4|kill|waitid|pidfd_open)\(\d+`), "$1(PID"},
	{regexp.MustCompile(`^(tgkill|tkill)\(\d+, \d+`), "$1(PID, PID"},
	{regexp.MustCompile(`\b(si_pid|nlmsg_pid|nl_pid|pid|l_pid)=\d+`), "$1=PID"},
	{regexp.MustCompile(`parent_tid=\[\d+\]`), "parent_tid=[PID]"},
	{regexp.MustCompile(`^(futex\(0x\?, FUTEX_WAIT[A-Z_|]*, )\d+`), "${1}TID"},
	{regexp.MustCompile(`(TIOC[GS]PGRP|TIOCGSID), \[\d+\]`), "$1, [PID]"},
	{regexp.MustCompile(`\b(tv_sec|tv_nsec|tv_usec)=\d+`), "$1=T"},
	{regexp.MustCompile(`\b(si_utime|si_stime)=\d+( /\* [0-9.]+ s \*/)?`), "$1=T"},
	{regexp.MustCompile(`\b(uptime|loads|freeram|sharedram|bufferram|procs|freeswap|freehigh)=(\[[0-9, ]+\]|\d+)`), "$1=N"},
	{regexp.MustCompile(`\b([rt]x_[a-z_]+|multicast|collisions)=\d+`), "$1=N"},
	{regexp.MustCompile(`htons\(\d+\)`), "htons(P)"},
	{regexp.MustCompile(`/dev/pts/\d+`), "/dev/pts/N"},
	{regexp.MustCompile(`TIOCGPTN, \[\d+\]`), "TIOCGPTN, [N]"},
	{regexp.MustCompile(`^getrandom\("[^"]*"(\.\.\.)?`), `getrandom("R"`},
	{regexp.MustCompile(`^read\((\d+</dev/urandom>), "[^"]*"(\.\.\.)?`), `read($1, "R"`},
	{regexp.MustCompile(`idiag_(inode|cookie)=(\d+|\[\d+, \d+\])`), "idiag_$1=N"},
	// iproute2 numbers its requests with the time in seconds.
	{regexp.MustCompile(`nlmsg_seq=\d+`), "nlmsg_seq=N"},
}

// corpusLines returns the syscall and signal lines of strace -f or trec
// dump output, normalized, with "<unfinished ...>" lines joined to their
// "<... resumed>" ends so that interleaving does not matter.
func corpusLines(text string) map[string]int {
	lines := map[string]int{}
	for _, rest := range joinedLines(text, true) {
		for _, n := range corpusNormal {
			rest = n.re.ReplaceAllString(rest, n.with)
		}
		lines[rest]++
	}
	return lines
}

// corpusItem is one thing the issue asked to fix or decode: each line of
// strace's output that matches re must come out of trec identical (as
// often or not, timing decides: two SIGCHLDs may merge into one).
type corpusItem struct {
	name string
	re   *regexp.Regexp
}

func item(name, re string) corpusItem { return corpusItem{name, regexp.MustCompile(re)} }

// corpusItems lists each item with the lines that show it.
var corpusItems = []corpusItem{
	item("iovecs the kernel fills: each iov_len, every iovec", `^readv\(.*iov_len=100\}, \{iov_base="", iov_len=50\}\]`),
	item("iovecs of preadv and preadv2, failed calls' addresses", `^preadv2?\(`),
	item("recvmsg's iovecs", `^recvmsg\(.*\{iov_base="hel", iov_len=3\}, \{iov_base="lo`),
	item("msg_control: SCM_RIGHTS", `cmsg_type=SCM_RIGHTS, cmsg_data=\[\d+<pipe`),
	item("msg_control: SCM_CREDENTIALS", `cmsg_type=SCM_CREDENTIALS, cmsg_data=\{pid=`),
	item("NULL iov_base", `^(readv|writev)\(.*iov_base=NULL|^recvmsg\(.*iov_base=NULL.*\) = 8$`),
	item("recvmsg's msg_namelen before and after", `msg_namelen=128 => 16`),
	item("sendmmsg and recvmmsg", `^(sendmmsg|recvmmsg)\(\d+<socket:\[N\]>, \[\{msg_hdr=\{.*msg_len=`),
	item("failed recvmsg", `^recvmsg\(.*\{msg_namelen=\d+\}, MSG_DONTWAIT\) = -1`),
	item("mmap's huge page size", `MAP_HUGETLB\|21<<MAP_HUGE_SHIFT`),
	item("sleep remainders: written when interrupted", `^clock_nanosleep\(CLOCK_REALTIME, 0, \{tv_sec=T, tv_nsec=T\}, \{tv_sec=T`),
	item("sleep remainders: not on success", `^clock_nanosleep\(CLOCK_MONOTONIC, 0, \{tv_sec=T, tv_nsec=T\}, 0x\?\) = 0`),
	item("prctl's integer arguments", `^prctl\(PR_(SET_CHILD_SUBREAPER|SET_TIMERSLACK|SET_KEEPCAPS|GET_NO_NEW_PRIVS), `),
	item("getdents64's entry count", `^getdents64\(.* /\* \d+ entries \*/`),
	item("SIGCHLD's si_utime and si_stime", `^--- SIGCHLD \{.*si_utime=T, si_stime=T\}`),
	item("rt_sigreturn's mask", `^rt_sigreturn\(\{mask=\[TERM\]\}\)`),
	item("termios", `(TCGETS|TCSETSW?F?), \{c_iflag=`),
	item("window sizes", `TIOC[GS]WINSZ, \{ws_row=`),
	item("process groups", `TIOC[GS]PGRP, \[PID\]`),
	item("FIONREAD, FIONBIO", `FION(READ|BIO), \[\d+\]`),
	item("TIOCSCTTY", `TIOCSCTTY, 0\)`),
	item("unknown ioctls as _IOC", `_IOC\(_IOC_(READ|WRITE|NONE), `),
	item("poll and ppoll", `^p?poll\(\[\{fd=`),
	item("poll's ready fds and time left", `\) = \d+ \(\[\{fd=\d+, revents=.*left \{`),
	item("select's sets and time left", `^pselect6\(.*\(in \[\d+\]`),
	item("pselect6's mask", `\{sigmask=\[USR1\], sigsetsize=8\}`),
	item("epoll_ctl", `^epoll_ctl\(.*\{events=EPOLLIN`),
	item("epoll_ctl's removal", `^epoll_ctl\(.*EPOLL_CTL_DEL, \d+<pipe:\[N\]>, 0x\?\) = 0`),
	item("epoll waits", `^epoll_(wait|pwait2?)\(.*\[\{events=EPOLLIN, data=\{u32=`),
	item("socket options", `^[gs]etsockopt\(.*(SOL_SOCKET|SOL_TCP|SOL_IP|SOL_IPV6|SOL_NETLINK), `),
	item("SO_ERROR", `SO_ERROR, \[0\], \[4\]`),
	item("SO_LINGER, SO_PEERCRED", `SO_(LINGER|PEERCRED), \{`),
	item("netlink protocols", `^socket\(AF_NETLINK, .*NETLINK_(ROUTE|SOCK_DIAG)\)`),
	item("netlink route messages", `^(sendto|sendmsg)\(.*nlmsg_type=RTM_GETLINK|nlmsg_type=NLMSG_DONE`),
	item("netlink errors", `nlmsg_type=NLMSG_ERROR.*error=-EOPNOTSUPP`),
	item("sock_diag messages", `^sendmsg\(.*nlmsg_type=SOCK_DIAG_BY_FAMILY.*sdiag_family=`),
	item("prctl options with typed arguments", `^prctl\(PR_(SET_NAME|GET_NAME|SET_PDEATHSIG|GET_PDEATHSIG|CAPBSET_READ|SET_DUMPABLE|CAP_AMBIENT), `),
	item("fds from TIOCGPTPEER", `^(dup2\(\d+</dev/pts/N>, 1|write\(1</dev/pts/N>)`),
	item("fds of kernel objects", `^(pidfd_open|pidfd_getfd|memfd_create|userfaultfd|perf_event_open|fanotify_init|epoll_create1|eventfd2|timerfd_create|signalfd4|inotify_init1|io_uring_setup)\(.*= \d+<`),
	item("CPU masks", `^sched_[gs]etaffinity\(0, 128, \[0`),
	item("TIOCGPTN", `TIOCGPTN, \[N\]`),
	item("sysinfo", `^sysinfo\(\{uptime=`),
	item("futex timeouts", `^futex\(.*FUTEX_WAIT.*\{tv_sec=T, tv_nsec=T\}`),
	item("fcntl locks", `F_(OFD_)?(GET|SET)LKW?, \{l_type=`),
	item("sigaltstack", `^sigaltstack\(\{ss_sp=`),
	item("inotify masks", `^inotify_add_watch\(.*IN_MODIFY`),
	item("statx attributes", `stx_attributes=STATX_ATTR_MOUNT_ROOT`),
	item("io_uring_setup's params", `^io_uring_setup\(4, \{flags=`),
}

// TestDumpCorpusMatchesStrace records small programs and everyday
// commands under strace -f -y and under trec, and compares trec dump -y
// with strace's output line by line after normalizing what differs from
// run to run. It counts the identical lines per program, asserts each
// item of the decoders' list, and asks for 99.5% overall.
func TestDumpCorpusMatchesStrace(t *testing.T) {
	strace, null := straceAndNull(t)
	if v, _ := exec.Command(strace, "-V").Output(); !strings.HasPrefix(string(v), "strace -- version 6.1\n") {
		t.Skip("the corpus is compared with strace 6.1's notation")
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no gcc for the corpus programs")
	}
	dir := t.TempDir()
	progs := []struct {
		name string
		argv []string
	}{}
	for _, name := range []string{"net", "evloop", "tty", "proc"} {
		bin := filepath.Join(dir, name)
		if out, err := exec.Command("gcc", "-O1", "-o", bin, filepath.Join("testdata", "corpus", name+".c")).CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", name, err, out)
		}
		progs = append(progs, struct {
			name string
			argv []string
		}{name, []string{bin}})
	}
	for _, argv := range [][]string{
		{"ls", "-la", "/usr/bin"},
		{"cat", "/etc/hostname"},
		{"/usr/bin/python3", "-c", "pass"},
		{"perl", "-e", "print 1"},
		{"tar", "cf", "/dev/null", "/usr/include/linux"},
		{"sh", "-c", "cat /etc/hostname | wc -c"},
		{"ip", "addr"},
		{"ss", "-tan"},
		{"curl", "-s", "file:///etc/hostname"},
	} {
		if _, err := exec.LookPath(argv[0]); err == nil {
			progs = append(progs, struct {
				name string
				argv []string
			}{strings.Join(argv, " "), argv})
		}
	}
	allStrace := map[string]int{}
	allTrec := map[string]int{}
	same, total := 0, 0
	// strace first, two runs at a time: no recording may run meanwhile,
	// which ignores SIGCHLD in this process and so breaks exec.Cmd.Wait.
	wants := make([]string, len(progs))
	failed := make([]error, len(progs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, p := range progs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			wants[i], failed[i] = straceOutput(strace, null, filepath.Join(dir, "strace"+strconv.Itoa(i)), p.argv)
		}()
	}
	wg.Wait()
	for i, p := range progs {
		if failed[i] != nil {
			t.Fatalf("%s: %v", p.name, failed[i])
		}
		want := wants[i]
		trc := filepath.Join(dir, "trec"+strconv.Itoa(i)+".trc")
		run(append([]string{"trec", "record", "-q", "-o", trc, "--"}, p.argv...), null, null, null)
		got, errs, code := trec(t, nil, "dump", "-y", trc)
		if code != 0 {
			t.Fatalf("%s: dump: exit %d: %s", p.name, code, errs)
		}
		ws, gs := corpusLines(want), corpusLines(got)
		n, m := 0, 0
		for l, c := range ws {
			m += c
			n += min(c, gs[l])
			allStrace[l] += c
		}
		for l, c := range gs {
			allTrec[l] += c
		}
		same, total = same+n, total+m
		t.Logf("%-40s %5d of %5d strace lines identical (%.2f%%)", p.name, n, m, 100*float64(n)/float64(max(m, 1)))
		if testing.Verbose() {
			logDiff(t, ws, gs)
		}
	}
	for _, it := range corpusItems {
		matched := 0
		for l, c := range allStrace {
			if !it.re.MatchString(l) {
				continue
			}
			matched += c
			if allTrec[l] == 0 {
				t.Errorf("%s: strace printed %d×, trec never:\n  %s", it.name, c, l)
			}
		}
		if matched == 0 {
			t.Errorf("%s: no strace line shows it (%v)", it.name, it.re)
		}
	}
	pct := 100 * float64(same) / float64(max(total, 1))
	t.Logf("corpus: %d of %d strace lines identical (%.2f%%)", same, total, pct)
	if pct < 99.5 {
		t.Errorf("corpus: %.2f%% of strace's lines identical, want 99.5%%", pct)
	}
}

// logDiff logs the lines one output has more often than the other.
func logDiff(t *testing.T, strace, trec map[string]int) {
	t.Helper()
	var out []string
	for l, c := range strace {
		if trec[l] < c {
			out = append(out, "  strace only: "+l)
		}
	}
	for l, c := range trec {
		if strace[l] < c {
			out = append(out, "  trec only:   "+l)
		}
	}
	sort.Strings(out)
	for _, l := range out {
		if len(l) > 600 {
			// A netlink dump is a line of tens of KiB: its two ends tell
			// the difference.
			l = l[:400] + " ... " + l[len(l)-200:]
		}
		t.Log(l)
	}
}

// getdents64's entry count is exact whatever the capture size: with -s 16
// every listing of a large directory is cut, and dump still prints the
// counts strace prints. -s max keeps a large read whole.
func TestCaptureSizes(t *testing.T) {
	strace, null := straceAndNull(t)
	dir := t.TempDir()
	argv := []string{"ls", "-a", "/usr/bin"}
	want := runStrace(t, strace, null, filepath.Join(dir, "strace.txt"), append([]string{"-e", "trace=getdents64"}, argv...))
	trc := filepath.Join(dir, "s16.trc")
	if code := run(append([]string{"trec", "record", "-q", "-s", "16", "-o", trc, "--"}, argv...), null, null, null); code != 0 {
		t.Fatalf("record -s 16: exit %d", code)
	}
	got, errs, code := trec(t, nil, "dump", "-y", "-e", "trace=getdents64", trc)
	if code != 0 {
		t.Fatalf("dump: exit %d: %s", code, errs)
	}
	ws, gs := corpusLines(want), corpusLines(got)
	if len(ws) < 2 {
		t.Fatalf("strace shows %d getdents64 lines", len(ws))
	}
	for l, n := range ws {
		if gs[l] != n {
			t.Errorf("strace printed %d×, trec (-s 16) %d×:\n  %s", n, gs[l], l)
		}
	}
	for l := range gs {
		if strings.Contains(l, "+ entries") {
			t.Errorf("an inexact count: %s", l)
		}
	}

	// 64 KiB read in one call: whole under -s max, cut at 4096 by default.
	data := strings.Repeat("0123456789abcdef", 4096)
	file := filepath.Join(dir, "data")
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		s     string
		whole bool
	}{{"max", true}, {"4096", false}} {
		trc := filepath.Join(dir, "s-"+tc.s+".trc")
		if code := run([]string{"trec", "record", "-q", "-s", tc.s, "-o", trc, "--", "dd", "if=" + file, "of=/dev/null", "bs=65536", "count=1"}, null, null, null); code != 0 {
			t.Fatalf("record -s %s: exit %d", tc.s, code)
		}
		out, errs, code := trec(t, nil, "dump", "-s", "100000", "-e", "trace=read", trc)
		if code != 0 {
			t.Fatalf("dump: exit %d: %s", code, errs)
		}
		if whole := strings.Contains(out, `"`+data+`", 65536)`); whole != tc.whole {
			t.Errorf("record -s %s: the 64 KiB read whole in the trace: %v, want %v", tc.s, whole, tc.whole)
		}
	}
}

// straceAndNull returns strace's path, skipping the test without it, and
// /dev/null open for both runs' standard files.
func straceAndNull(t *testing.T) (string, *os.File) {
	t.Helper()
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("no strace")
	}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { null.Close() })
	return strace, null
}

// runStrace runs args (strace's options, then the command) under strace
// -f -y with /dev/null as standard files and returns what strace wrote to
// out. The command's own exit status does not matter.
func runStrace(t *testing.T, strace string, null *os.File, out string, args []string) string {
	t.Helper()
	s, err := straceOutput(strace, null, out, args)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// straceOutput is runStrace returning its error.
func straceOutput(strace string, null *os.File, out string, args []string) (string, error) {
	cmd := exec.Command(strace, append([]string{"-f", "-y", "-o", out}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = null, null, null
	if err := cmd.Run(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			return "", fmt.Errorf("strace %q: %w", args, err)
		}
	}
	b, err := os.ReadFile(out)
	return string(b), err
}
