// threads N: starts N threads that are all alive at once, then joins them;
// prints their sum.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_barrier_t all;

static void *run(void *arg) {
	pthread_barrier_wait(&all);
	return arg;
}

int main(int argc, char **argv) {
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	pthread_t *t = calloc(n, sizeof *t);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	pthread_barrier_init(&all, NULL, n + 1);
	for (long i = 0; i < n; i++) {
		if (pthread_create(&t[i], &attr, run, (void *)i) != 0)
			return 3;
	}
	pthread_barrier_wait(&all);
	long sum = 0;
	for (int i = 0; i < n; i++) {
		void *r;
		pthread_join(t[i], &r);
		sum += (long)r;
	}
	printf("sum %ld\n", sum);
	return 0;
}
