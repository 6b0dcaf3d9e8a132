// diffthreads: four threads each write their own file in the current
// directory, with nothing shared that scheduling could reorder; the main
// thread joins them in order and writes a summary.
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define THREADS 4

static void *worker(void *arg) {
	int k = (int)(long)arg;
	char name[64], line[64];
	snprintf(name, sizeof name, "diffthreads-%d.out", k);
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return (void *)1;
	for (int i = 0; i < 5; i++) {
		int n = snprintf(line, sizeof line, "thread %d line %d\n", k, i);
		if (write(fd, line, n) != n)
			return (void *)1;
	}
	close(fd);
	return NULL;
}

int main(void) {
	pthread_t th[THREADS];
	for (long k = 0; k < THREADS; k++)
		if (pthread_create(&th[k], NULL, worker, (void *)k) != 0)
			return 1;
	int bad = 0;
	for (int k = 0; k < THREADS; k++) {
		void *r;
		pthread_join(th[k], &r);
		bad |= r != NULL;
	}
	write(1, bad ? "bad\n" : "ok\n", bad ? 4 : 3);
	return bad;
}
