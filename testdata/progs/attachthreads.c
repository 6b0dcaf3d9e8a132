// attachthreads: a thread sleeps in a loop while the main thread blocks in
// read(0), a call that makes no other call until it returns (for trec
// record -p).
#include <pthread.h>
#include <unistd.h>

static void *tick(void *arg) {
	for (;;)
		usleep(10000);
	return arg;
}

int main(void) {
	pthread_t t;
	char c;
	if (pthread_create(&t, NULL, tick, NULL) != 0)
		return 3;
	return read(0, &c, 1) == 1 ? 0 : 1;
}
