//go:build cgo && linux

package cshim

/*
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

// struct sigaction as rt_sigaction takes it. glibc's sigaction and
// sigprocmask refuse or hide signals 32 and 33, which the program must get
// exactly as trec got them.
struct trec_ksigaction {
	unsigned long handler, flags, restorer, mask;
};

static int trec_hex(char c) {
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

// trec_hex_field reads hex digits up to the next comma or the end of the
// string into *v and moves *s past the comma; 0 when there are none or
// another character comes first.
static int trec_hex_field(const char **s, unsigned long long *v) {
	const char *p = *s;
	*v = 0;
	for (; *p && *p != ','; p++) {
		int d = trec_hex(*p);
		if (d < 0 || *v >> 60)
			return 0;
		*v = *v << 4 | d;
	}
	if (p == *s)
		return 0;
	*s = *p ? p + 1 : p;
	return 1;
}

// trec_install loads the hex-encoded filter on this thread, as
// seccomp.InstallThread does: no_new_privs only when the kernel asks for
// it. A filter that cannot be read or loaded is left out; the tracer notices
// at the execve.
static void trec_install(const char *hex) {
	size_t n = strlen(hex);
	if (n == 0 || n % 16 != 0 || n / 16 > BPF_MAXINSNS)
		return;
	// Static: malloc would make syscalls of its own, each a pair of ptrace
	// stops at this point, and the stack may be too small for 32 KiB.
	static struct sock_filter insns[BPF_MAXINSNS];
	unsigned char *b = (unsigned char *)insns;
	for (size_t i = 0; i < n; i += 2) {
		int hi = trec_hex(hex[i]), lo = trec_hex(hex[i + 1]);
		if (hi < 0 || lo < 0)
			return;
		b[i / 2] = hi << 4 | lo;
	}
	// The bytes are each instruction's code, jt, jf and k, little-endian:
	// struct sock_filter's own layout on the architectures trec records.
	struct sock_fprog prog = {.len = n / 16, .filter = insns};
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
	if (r != 0 && errno == EACCES) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
	}
	if (r != 0 && errno == ENOSYS)
		prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

// trec_state is a start state (startstate.State).
struct trec_state {
	unsigned long long ignored, blocked, closed;
	int exact;
};

// trec_parse reads what startstate.State.String wrote:
// "ignored,blocked,closed,exact", the numbers in hex.
static int trec_parse(const char *s, struct trec_state *st) {
	if (!trec_hex_field(&s, &st->ignored) || !trec_hex_field(&s, &st->blocked) || !trec_hex_field(&s, &st->closed))
		return 0;
	st->exact = strcmp(s, "true") == 0;
	return st->exact || strcmp(s, "false") == 0;
}

// trec_dispositions gives every signal the disposition of the start state:
// ignored or, if this process inherited it ignored from the recorder, the
// default. An exec keeps SIG_IGN; it resets handlers.
static void trec_dispositions(const struct trec_state *st) {
	struct trec_ksigaction ign = {.handler = (unsigned long)SIG_IGN};
	struct trec_ksigaction dfl = {.handler = (unsigned long)SIG_DFL};
	struct trec_ksigaction old;
	for (int sig = 1; sig <= 64; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (st->ignored >> (sig - 1) & 1)
			syscall(SYS_rt_sigaction, sig, &ign, NULL, 8);
		else if (syscall(SYS_rt_sigaction, sig, NULL, &old, 8) == 0 && old.handler == (unsigned long)SIG_IGN)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, 8);
	}
}

// trec_apply gives the process the rest of the start state, as
// startstate.State.Apply does: the signal mask and the closed fds.
static void trec_apply(const struct trec_state *st) {
	if (st->exact)
		syscall(SYS_rt_sigprocmask, SIG_SETMASK, &st->blocked, NULL, 8);
	for (int fd = 0; fd < 3; fd++) {
		if (st->closed >> fd & 1)
			close(fd);
	}
}

// trec_traced reports whether this process has a tracer, from the
// TracerPid line of /proc/self/status; 0 when that cannot be read.
static int trec_traced(void) {
	// Static, as in trec_install: no malloc, no large stack frame.
	static char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	const char *p = strstr(buf, "\nTracerPid:");
	if (p == NULL)
		return 0;
	for (p += strlen("\nTracerPid:"); *p == ' ' || *p == '\t'; p++)
		;
	return *p >= '1' && *p <= '9';
}

// trec_ppid_is reports whether this process's parent is the process
// whose pid the decimal string pid gives.
static int trec_ppid_is(const char *pid) {
	long ppid = 0;
	for (const char *p = pid; *p >= '0' && *p <= '9'; p++)
		ppid = ppid * 10 + (*p - '0');
	return getppid() == ppid;
}

// trec_doorbell is the recorder's doorbell (see package record): it dies
// with the thread that started it, and sleeps until then.
static void trec_doorbell(const char *tracer) {
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!trec_ppid_is(tracer))
		_exit(127);
	for (;;)
		pause();
}

// trec_ran is set when the constructor has run: not in a binary that Go's
// internal linker made, which starts without C constructors.
static int trec_ran;

// glibc passes argc, argv and envp to the constructors; other C libraries
// pass nothing, and there the Go shim does the work.
#ifdef __GLIBC__
__attribute__((constructor)) static void trec_shim(int argc, char **argv, char **envp) {
	trec_ran = 1;
	int n = 0;
	while (envp[n] != NULL)
		n++;
	if (n == 0 || strcmp(envp[n - 1], "TREC_SHIM=1") != 0)
		return;
	const char *tracer = argv[1];
	if (argc == 2 && strcmp(argv[0], "trec-doorbell") == 0)
		trec_doorbell(tracer);
	struct trec_state st;
	if (argc < 6 || strcmp(argv[0], "trec-shim") != 0 || !trec_parse(argv[3], &st))
		_exit(127);
	// Until the tracer seizes this process, nothing else ties it to the
	// tracer's life: die with the thread that started it, and, if that
	// thread is already gone (this process then has another parent),
	// now.
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!trec_ppid_is(tracer))
		_exit(127);
	// Before the stop: from there on every syscall is a pair of ptrace
	// stops.
	trec_dispositions(&st);

	// Wait, stopped, until the tracer has seized this thread.
	kill(getpid(), SIGSTOP);

	// Seized, PTRACE_O_EXITKILL takes over, and the program must not
	// inherit the parent-death signal. Continued by another SIGCONT
	// before the seizure, the process keeps it.
	if (trec_traced())
		prctl(PR_SET_PDEATHSIG, 0);
	trec_install(argv[2]);
	trec_apply(&st);
	envp[n - 1] = NULL;
	execve(argv[4], argv + 5, envp);
	// The tracer saw the failed execve and reports it; the status is a
	// shell's for the same failure.
	_exit(errno == ENOENT ? 127 : 126);
}
#endif

static int trec_cshim_ran(void) { return trec_ran; }
*/
import "C"

// Active reports whether the C shim is in this binary and its constructor
// ran: built with cgo against glibc and linked by the system's linker.
// Otherwise package record's Go shim starts programs.
func Active() bool { return C.trec_cshim_ran() != 0 }
