// spinners runs three threads that compute without a syscall while its
// main thread waits in a read of its standard input, so that nothing it
// does stops a tracer; when the read returns (end of file), it stops them.
// It writes the threads' tids, space-separated, to argv[1] once all run.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define N 3

static volatile int stop;
static volatile pid_t tids[N];

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
	pthread_t t[N];
	for (int i = 0; i < N; i++)
		pthread_create(&t[i], NULL, spin, (void *)(size_t)i);
	for (int i = 0; i < N; i++)
		while (tids[i] == 0)
			sched_yield();
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
	FILE *f = fopen(tmp, "w");
	for (int i = 0; f != NULL && i < N; i++)
		fprintf(f, "%d ", tids[i]);
	if (f == NULL || fclose(f) != 0 || rename(tmp, argv[1]) != 0)
		perror(argv[1]);
	char c;
	while (read(0, &c, 1) > 0)
		;
	stop = 1;
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	return 0;
}
