// affinity prints its CPU mask as sched_getaffinity reports it, then sets
// its own affinity to the highest CPU of that mask and prints, from the
// main thread and from a thread created afterwards, the mask and the CPU
// it runs on. Under trec it must print what it prints without.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

static void print_mask(const char *who) {
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) != 0) {
		perror("sched_getaffinity");
		return;
	}
	printf("%s: %d cpus:", who, CPU_COUNT(&set));
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			printf(" %d", c);
	printf("\n");
}

static int target;

static void *thread(void *arg) {
	print_mask("thread");
	printf("thread on target cpu: %d\n", sched_getcpu() == target);
	return arg;
}

int main(void) {
	cpu_set_t set;
	print_mask("start");
	sched_getaffinity(0, sizeof set, &set);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			target = c;
	CPU_ZERO(&set);
	CPU_SET(target, &set);
	if (sched_setaffinity(0, sizeof set, &set) != 0) {
		perror("sched_setaffinity");
		return 1;
	}
	print_mask("after set");
	printf("on target cpu: %d\n", sched_getcpu() == target);
	pthread_t t;
	pthread_create(&t, NULL, thread, NULL);
	pthread_join(t, NULL);
	return 0;
}
