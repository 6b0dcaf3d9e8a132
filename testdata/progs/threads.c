// threads: eight threads write their tid to stdout concurrently.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define THREADS 8
#define LINES 50

static pthread_barrier_t start;

static void *worker(void *arg) {
	int k = (int)(long)arg;
	long tid = syscall(SYS_gettid);
	char buf[80];
	pthread_barrier_wait(&start);
	for (int i = 0; i < LINES; i++) {
		int n = snprintf(buf, sizeof buf, "thread %d tid %ld line %d\n", k, tid, i);
		if (write(1, buf, n) != n)
			return (void *)1;
	}
	return NULL;
}

int main(void) {
	pthread_t th[THREADS];
	pthread_barrier_init(&start, NULL, THREADS);
	for (long k = 0; k < THREADS; k++)
		pthread_create(&th[k], NULL, worker, (void *)k);
	for (int k = 0; k < THREADS; k++)
		pthread_join(th[k], NULL);
	write(1, "done\n", 5);
	return 0;
}
