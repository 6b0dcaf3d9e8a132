// spin is a benchmark workload: a multi-threaded CPU-bound program that
// makes almost no syscalls. Each of N threads (default 2) runs a fixed
// amount of arithmetic; pinned to one CPU they take turns, unpinned they
// run side by side.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void *spin(void *arg) {
	unsigned long long x = (unsigned long long)(size_t)arg + 88172645463325252ULL;
	for (long i = 0; i < 200000000L; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return (void *)(size_t)x;
}

int main(int argc, char **argv) {
	int n = argc > 1 ? atoi(argv[1]) : 2;
	pthread_t t[64];
	unsigned long long sum = 0;
	if (n < 1 || n > 64)
		n = 2;
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, spin, (void *)(size_t)i);
	for (int i = 0; i < n; i++) {
		void *r;
		pthread_join(t[i], &r);
		sum += (size_t)r;
	}
	printf("%llx\n", sum);
	return 0;
}
