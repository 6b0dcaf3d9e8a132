// placement runs three threads beside its main thread until the file
// argv[2] exists: one computes with hardly a syscall, one makes small
// syscalls, and one sets its own CPU mask (to the one it has) and then
// makes small syscalls. It writes "COMPUTE_TID SYSCALL_TID SETTER_TID\n"
// to argv[1] once all run, so that a test can watch them from outside,
// and at the end prints, for each thread, its CPU mask as
// sched_getaffinity reports it and the Cpus_allowed_list line of its
// /proc status file. Once the file argv[2].show exists, the computing
// thread reads its mask so too ("shown: ..."), then creates
// argv[2].shown, and from then on the syscall thread sleeps 2 ms after
// each of its syscalls.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char stop_file[4096], show_file[4096], shown_file[4096];
static volatile int stop, paused;
static volatile pid_t tids[3];
static char report[4][512];

// describe writes what thread who sees of its CPU mask into out.
static void describe(char *out, size_t n, const char *who) {
	cpu_set_t set;
	int len = snprintf(out, n, "%s: sched_getaffinity", who);
	if (sched_getaffinity(0, sizeof set, &set) == 0)
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				len += snprintf(out + len, n - len, " %d", c);
	FILE *f = fopen("/proc/thread-self/status", "r");
	char line[256];
	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "Cpus_allowed_list:", 18) == 0)
			snprintf(out + len, n - len, "; status %s", line + 18 + strspn(line + 18, " \t"));
	if (f != NULL)
		fclose(f);
}

static void *compute(void *arg) {
	tids[0] = syscall(SYS_gettid);
	unsigned long long x = 88172645463325252ULL;
	for (long n = 1; !stop; n++) {
		for (int i = 0; i < 1000000; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		if (!paused && n % 16 == 0 && access(show_file, F_OK) == 0) {
			describe(report[3], sizeof report[3], "shown");
			FILE *f = fopen(shown_file, "w");
			if (f != NULL)
				fclose(f);
			paused = 1;
		}
	}
	describe(report[0], sizeof report[0], "compute");
	return (void *)(size_t)x;
}

static void *syscalls(void *arg) {
	tids[1] = syscall(SYS_gettid);
	for (long i = 0; !stop; i++) {
		syscall(SYS_getppid);
		if (i % 1000 == 0 && access(stop_file, F_OK) == 0)
			stop = 1;
		if (paused)
			usleep(2000);
	}
	describe(report[1], sizeof report[1], "syscalls");
	return arg;
}

static void *setter(void *arg) {
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) != 0 || sched_setaffinity(0, sizeof set, &set) != 0)
		perror("setter: sched_setaffinity");
	tids[2] = syscall(SYS_gettid);
	while (!stop)
		syscall(SYS_getppid);
	describe(report[2], sizeof report[2], "setter");
	return arg;
}

int main(int argc, char **argv) {
	if (argc != 3) {
		fprintf(stderr, "usage: placement TIDS_FILE STOP_FILE\n");
		return 2;
	}
	snprintf(stop_file, sizeof stop_file, "%s", argv[2]);
	snprintf(show_file, sizeof show_file, "%s.show", argv[2]);
	snprintf(shown_file, sizeof shown_file, "%s.shown", argv[2]);
	pthread_t t[3];
	pthread_create(&t[0], NULL, compute, NULL);
	pthread_create(&t[1], NULL, syscalls, NULL);
	pthread_create(&t[2], NULL, setter, NULL);
	while (tids[0] == 0 || tids[1] == 0 || tids[2] == 0)
		sched_yield();
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
	FILE *f = fopen(tmp, "w");
	if (f == NULL || fprintf(f, "%d %d %d\n", tids[0], tids[1], tids[2]) < 0 || fclose(f) != 0 || rename(tmp, argv[1]) != 0) {
		perror(argv[1]);
		stop = 1;
	}
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	pthread_join(t[2], NULL);
	char main_report[512];
	describe(main_report, sizeof main_report, "main");
	printf("%s%s%s%s%s", main_report, report[0], report[1], report[2], report[3]);
	return 0;
}
