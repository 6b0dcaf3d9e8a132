// threadmask sets the CPU mask of one of its two threads to the highest
// CPU it may use and leaves the other's alone; each thread then prints its
// mask as sched_getaffinity and its /proc status file report it, and the
// main thread prints both threads' masks as it reads them. Under trec it
// must print what it prints without.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_barrier_t set, printed;
static volatile pid_t tids[2];
static char lines[2][512];

static int mask_text(char *out, size_t n, pid_t tid) {
	cpu_set_t s;
	int len = 0;
	if (sched_getaffinity(tid, sizeof s, &s) != 0)
		return snprintf(out, n, " error");
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &s))
			len += snprintf(out + len, n - len, " %d", c);
	return len;
}

static void *thread(void *arg) {
	int i = (int)(size_t)arg;
	tids[i] = syscall(SYS_gettid);
	if (i == 0) {
		cpu_set_t s;
		int last = -1;
		sched_getaffinity(0, sizeof s, &s);
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &s))
				last = c;
		CPU_ZERO(&s);
		CPU_SET(last, &s);
		if (sched_setaffinity(0, sizeof s, &s) != 0)
			perror("sched_setaffinity");
	}
	pthread_barrier_wait(&set);
	int len = snprintf(lines[i], sizeof lines[i], "thread %d: sched_getaffinity", i);
	len += mask_text(lines[i] + len, sizeof lines[i] - len, 0);
	FILE *f = fopen("/proc/thread-self/status", "r");
	char line[256];
	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "Cpus_allowed_list:", 18) == 0)
			snprintf(lines[i] + len, sizeof lines[i] - len, "; status %s", line + 18 + strspn(line + 18, " \t"));
	if (f != NULL)
		fclose(f);
	pthread_barrier_wait(&printed);
	return NULL;
}

int main(void) {
	pthread_t t[2];
	pthread_barrier_init(&set, NULL, 3);
	pthread_barrier_init(&printed, NULL, 3);
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, thread, (void *)(size_t)i);
	pthread_barrier_wait(&set);
	char buf[512];
	for (int i = 0; i < 2; i++) {
		mask_text(buf, sizeof buf, tids[i]);
		printf("main sees thread %d:%s\n", i, buf);
	}
	pthread_barrier_wait(&printed);
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		fputs(lines[i], stdout);
	}
	return 0;
}
