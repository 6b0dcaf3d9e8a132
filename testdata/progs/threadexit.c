// threadexit: one thread exits while two others block in read; then the
// main thread wakes them.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fds[2][2];

static void *reader(void *arg) {
	int k = (int)(long)arg;
	char c;
	ssize_t n = read(fds[k][0], &c, 1);
	printf("reader %d got %zd\n", k, n);
	return NULL;
}

static void *quitter(void *arg) {
	(void)arg;
	usleep(100000);
	printf("quitter %ld exits\n", (long)syscall(SYS_gettid));
	pthread_exit(NULL);
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	pthread_t r[2], q;
	for (long k = 0; k < 2; k++) {
		pipe(fds[k]);
		pthread_create(&r[k], NULL, reader, (void *)k);
	}
	pthread_create(&q, NULL, quitter, NULL);
	pthread_join(q, NULL);
	usleep(50000);
	write(fds[0][1], "a", 1);
	pthread_join(r[0], NULL);
	write(fds[1][1], "b", 1);
	pthread_join(r[1], NULL);
	printf("all done\n");
	return 0;
}
