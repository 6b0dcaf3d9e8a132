// replaythreads: four threads take tickets from a pipe the main thread
// filled, one byte per read, each with its own amount of busy work
// between reads, so that which thread gets which ticket is the order in
// which the threads got to their read calls; each also writes its id to
// a second pipe. The main thread prints who got each ticket, and what the
// second pipe holds.
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define THREADS 4
#define ROUNDS 25

static int tickets[2], ids[2];
static int got[THREADS * ROUNDS];

static void *worker(void *arg) {
	long id = (long)arg;
	for (int i = 0; i < ROUNDS; i++) {
		volatile unsigned long spin = 0;
		for (unsigned long k = 0; k < 20000UL * (unsigned long)(id + 1); k++)
			spin += k;
		unsigned char t;
		if (read(tickets[0], &t, 1) != 1)
			return NULL;
		got[t] = (int)id;
		char c = (char)('a' + id);
		write(ids[1], &c, 1);
	}
	return NULL;
}

int main(void) {
	if (pipe(tickets) != 0 || pipe(ids) != 0)
		return 1;
	for (int i = 0; i < THREADS * ROUNDS; i++) {
		unsigned char t = (unsigned char)i;
		write(tickets[1], &t, 1);
	}
	pthread_t t[THREADS];
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	printf("tickets ");
	for (int i = 0; i < THREADS * ROUNDS; i++)
		putchar('a' + got[i]);
	char order[THREADS * ROUNDS + 1];
	ssize_t n = read(ids[0], order, THREADS * ROUNDS);
	if (n < 0)
		return 1;
	order[n] = 0;
	printf("\nwrites  %s\n", order);
	return 0;
}
