// server THREADS WORK: THREADS threads, each repeating WORK rounds of
// arithmetic and then one write(2) of a byte to /dev/null, until SIGINT,
// which prints the rounds per second since the start or the last SIGUSR2.
// A stand-in for a running server, for bench/attach.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long work;
static int fd, nthreads;
static volatile long counts[64];
static struct timespec t0;

static void *loop(void *arg) {
	long id = (long)arg;
	volatile unsigned long x = id;
	for (;;) {
		for (long i = 0; i < work; i++)
			x = x * 6364136223846793005UL + 1;
		if (write(fd, "x", 1) != 1)
			_exit(1);
		counts[id]++;
	}
	return NULL;
}

static void reset(int sig) {
	(void)sig;
	for (int i = 0; i < nthreads; i++)
		counts[i] = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
}

static void report(int sig) {
	(void)sig;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	long n = 0;
	for (int i = 0; i < nthreads; i++)
		n += counts[i];
	printf("%.0f\n", n / s);
	fflush(stdout);
	_exit(0);
}

int main(int argc, char **argv) {
	if (argc != 3 || (nthreads = atoi(argv[1])) < 1 || nthreads > 64)
		return 2;
	work = atol(argv[2]);
	fd = open("/dev/null", O_WRONLY);
	signal(SIGINT, report);
	signal(SIGUSR2, reset);
	reset(0);
	pthread_t th;
	for (long i = 1; i < nthreads; i++)
		pthread_create(&th, NULL, loop, (void *)i);
	loop(0);
}
