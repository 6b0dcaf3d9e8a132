// placement measures what the two ways of placing a traced thread cost on
// this machine, with a tracer that stops at every syscall and does nothing
// else (as floor.c): the price of a stop by where the tracer and the
// tracee run, how two syscall-heavy tracees fare under one tracer or one
// tracer per CPU, and what moving a tracee costs in each design.
//
//   placement stop [N]   one dd of N bytes (default 20000) under one tracer
//                        on CPU 0, the tracee on CPU 0 (same), on CPU 1
//                        (cross) or on both (free, the kernel's choice)
//   placement two [N]    two dds at once: one tracer on CPU 0 with both
//                        tracees there (shared), the same with the second
//                        tracee on CPU 1 (split: trec's affinity moves),
//                        one tracer per CPU with a tracee each (percpu: the
//                        several-tracers design), and nothing pinned (free)
//   placement move [N]   N moves of a stopped tracee: sched_setaffinity to
//                        the other CPU and back (affinity), and a handover
//                        from one tracer thread to another: PTRACE_DETACH,
//                        PTRACE_SEIZE and PTRACE_INTERRUPT by the other
//                        thread, its wait for the stop (handover)
//
// Each line gives the wall time, the time per stop, and the CPU time the
// tracer and the tracees took (getrusage).
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(int who) {
	struct rusage ru;
	getrusage(who, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// place sets tid's mask to cpu alone, or to CPUs 0 and 1 for -1.
static void place(pid_t tid, int c) {
	cpu_set_t s;
	CPU_ZERO(&s);
	if (c < 0) {
		CPU_SET(0, &s);
		CPU_SET(1, &s);
	} else
		CPU_SET(c, &s);
	if (sched_setaffinity(tid, sizeof s, &s) != 0)
		perror("sched_setaffinity");
}

// start forks argv as a tracee of the calling thread, stopped before its
// exec, with its mask set to ecpu.
static pid_t start(char **argv, int ecpu) {
	pid_t child = fork();
	if (child == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	waitpid(child, &st, __WALL);
	place(child, ecpu);
	ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL);
	return child;
}

// run resumes the calling thread's tracees at every syscall stop until n
// of them have exited, and returns the stops.
static long run(int n) {
	long stops = 0;
	int st;
	while (n > 0) {
		pid_t p = waitpid(-1, &st, __WALL | __WNOTHREAD);
		if (p < 0)
			break;
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			n--;
			continue;
		}
		int sig = WSTOPSIG(st);
		if (sig == (SIGTRAP | 0x80))
			stops++;
		ptrace(PTRACE_SYSCALL, p, 0, sig == (SIGTRAP | 0x80) || sig == SIGTRAP || sig == SIGSTOP ? 0 : sig);
	}
	return stops;
}

struct job {
	int tcpu, ecpu;
	char **argv;
	long stops;
};

// trace is a tracer thread: on tcpu, one tracee on ecpu.
static void *trace(void *arg) {
	struct job *j = arg;
	place(0, j->tcpu);
	pid_t p = start(j->argv, j->ecpu);
	ptrace(PTRACE_SYSCALL, p, 0, 0);
	j->stops = run(1);
	return NULL;
}

static void report(const char *what, double t0, double c0, double k0, long stops) {
	double t = now() - t0;
	printf("%-8s %7.3f s  %6.2f us/stop  tracer cpu %6.3f s  tracees cpu %6.3f s  (%ld stops)\n",
	       what, t, t / stops * 1e6, cpu(RUSAGE_SELF) - c0, cpu(RUSAGE_CHILDREN) - k0, stops);
}

static void stop_mode(char **dd) {
	struct {
		const char *name;
		int ecpu;
	} ways[] = {{"same", 0}, {"cross", 1}, {"free", -1}};
	for (int i = 0; i < 3; i++) {
		double t0 = now(), c0 = cpu(RUSAGE_SELF), k0 = cpu(RUSAGE_CHILDREN);
		struct job j = {ways[i].ecpu < 0 ? -1 : 0, ways[i].ecpu, dd, 0};
		trace(&j);
		report(ways[i].name, t0, c0, k0, j.stops);
	}
}

static void two_mode(char **dd) {
	struct {
		const char *name;
		int t0, e0, t1, e1, threads;
	} ways[] = {{"shared", 0, 0, 0, 0, 1}, {"split", 0, 0, 0, 1, 1}, {"percpu", 0, 0, 1, 1, 2}, {"free", -1, -1, -1, -1, 1}};
	for (int i = 0; i < 4; i++) {
		double t0 = now(), c0 = cpu(RUSAGE_SELF), k0 = cpu(RUSAGE_CHILDREN);
		long stops = 0;
		if (ways[i].threads == 2) {
			struct job a = {ways[i].t0, ways[i].e0, dd, 0}, b = {ways[i].t1, ways[i].e1, dd, 0};
			pthread_t ta, tb;
			pthread_create(&ta, NULL, trace, &a);
			pthread_create(&tb, NULL, trace, &b);
			pthread_join(ta, NULL);
			pthread_join(tb, NULL);
			stops = a.stops + b.stops;
		} else {
			place(0, ways[i].t0);
			pid_t a = start(dd, ways[i].e0), b = start(dd, ways[i].e1);
			ptrace(PTRACE_SYSCALL, a, 0, 0);
			ptrace(PTRACE_SYSCALL, b, 0, 0);
			stops = run(2);
		}
		report(ways[i].name, t0, c0, k0, stops);
	}
}

// The handover: the other tracer thread takes the tracee once it is
// detached, and gives it back the same way.
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn; // 1: the other thread is to seize, 2: it has, and detached

static void seize_stop(pid_t p) {
	int st;
	if (ptrace(PTRACE_SEIZE, p, 0, 0) != 0 || ptrace(PTRACE_INTERRUPT, p, 0, 0) != 0)
		perror("seize");
	waitpid(p, &st, __WALL);
}

static pid_t moved;
static long moves;

static void *other(void *arg) {
	place(0, 1);
	for (long i = 0; i < moves; i++) {
		pthread_mutex_lock(&mu);
		while (turn != 1)
			pthread_cond_wait(&cv, &mu);
		pthread_mutex_unlock(&mu);
		seize_stop(moved);
		ptrace(PTRACE_DETACH, moved, 0, 0);
		pthread_mutex_lock(&mu);
		turn = 2;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&mu);
	}
	return arg;
}

static void move_mode(long n) {
	char *sleeper[] = {"sleep", "1000", NULL};
	place(0, 0);
	pid_t p = start(sleeper, 0);
	ptrace(PTRACE_SYSCALL, p, 0, 0);
	int st;
	waitpid(p, &st, __WALL); // the execve's entry stop
	double t0 = now(), c0 = cpu(RUSAGE_SELF);
	for (long i = 0; i < n; i++) {
		place(p, 1);
		place(p, 0);
	}
	double t = now() - t0;
	printf("affinity  %6.2f us per move, tracer cpu %6.2f us per move (stopped tracee)\n", t / (2 * n) * 1e6, (cpu(RUSAGE_SELF) - c0) / (2 * n) * 1e6);
	// The handover, with the tracee blocked in sleep's nanosleep.
	ptrace(PTRACE_SETOPTIONS, p, 0, PTRACE_O_EXITKILL);
	ptrace(PTRACE_CONT, p, 0, 0);
	usleep(100000);
	moved = p;
	moves = n;
	pthread_t o;
	pthread_create(&o, NULL, other, NULL);
	t0 = now(), c0 = cpu(RUSAGE_SELF);
	for (long i = 0; i < n; i++) {
		ptrace(PTRACE_INTERRUPT, p, 0, 0);
		waitpid(p, &st, __WALL);
		ptrace(PTRACE_DETACH, p, 0, 0);
		pthread_mutex_lock(&mu);
		turn = 1;
		pthread_cond_signal(&cv);
		while (turn != 2)
			pthread_cond_wait(&cv, &mu);
		turn = 0;
		pthread_mutex_unlock(&mu);
		seize_stop(p);
		ptrace(PTRACE_DETACH, p, 0, 0);
		ptrace(PTRACE_SEIZE, p, 0, 0);
	}
	t = now() - t0;
	printf("handover  %6.2f us per move, tracer cpu %6.2f us per move (blocked tracee)\n", t / (2 * n) * 1e6, (cpu(RUSAGE_SELF) - c0) / (2 * n) * 1e6);
	pthread_join(o, NULL);
	kill(p, SIGKILL);
	waitpid(p, &st, __WALL);
}

int main(int argc, char **argv) {
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: placement stop|two|move [N]\n");
		return 2;
	}
	char count[64];
	snprintf(count, sizeof count, "count=%s", argc == 3 ? argv[2] : "20000");
	char *dd[] = {"dd", "if=/dev/zero", "of=/dev/null", "bs=1", count, "status=none", NULL};
	if (strcmp(argv[1], "stop") == 0)
		stop_mode(dd);
	else if (strcmp(argv[1], "two") == 0)
		two_mode(dd);
	else if (strcmp(argv[1], "move") == 0)
		move_mode(argc == 3 ? atol(argv[2]) : 1000);
	else {
		fprintf(stderr, "usage: placement stop|two|move [N]\n");
		return 2;
	}
	return 0;
}
