// spinners runs two threads that compute without a syscall while its main
// thread waits in a read of its standard input, so that nothing it does
// stops a tracer; when the read returns (end of file), it stops them. It
// writes "TID TID\n" to argv[1] once both run.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile int stop;
static volatile pid_t tids[2];

static void *spin(void *arg) {
	int i = (int)(size_t)arg;
	tids[i] = syscall(SYS_gettid);
	unsigned long long x = 88172645463325252ULL + i;
	while (!stop)
		for (int j = 0; j < 1000000; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
	return (void *)(size_t)x;
}

int main(int argc, char **argv) {
	if (argc != 2) {
		fprintf(stderr, "usage: spinners TIDS_FILE\n");
		return 2;
	}
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, spin, (void *)(size_t)i);
	while (tids[0] == 0 || tids[1] == 0)
		sched_yield();
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
	FILE *f = fopen(tmp, "w");
	if (f == NULL || fprintf(f, "%d %d\n", tids[0], tids[1]) < 0 || fclose(f) != 0 || rename(tmp, argv[1]) != 0)
		perror(argv[1]);
	char c;
	while (read(0, &c, 1) > 0)
		;
	stop = 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return 0;
}
