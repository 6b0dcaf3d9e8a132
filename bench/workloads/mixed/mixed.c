// mixed is a benchmark workload that mixes two kinds of work in one run:
// one part makes small syscalls at a high rate (ten thousand 16-byte
// writes to /dev/null, 30 µs of arithmetic apart) while two others
// compute with hardly a syscall. With "procs" a parent process makes the
// syscalls while two child processes compute; with "threads" one thread
// makes them while two other threads of the same process compute.
// Untraced, the three keep two CPUs busy for about the same time.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned long long spin(unsigned long long x, long n) {
	for (long i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

static void *compute(void *arg) {
	return (void *)(size_t)spin((size_t)arg + 88172645463325252ULL, 200000000L);
}

static unsigned long long syscalls(void) {
	int fd = open("/dev/null", O_WRONLY);
	char buf[16] = "0123456789abcdef";
	unsigned long long x = 1;
	for (int i = 0; i < 10000; i++) {
		if (write(fd, buf, sizeof buf) != sizeof buf)
			return 0;
		x = spin(x, 16000);
	}
	close(fd);
	return x;
}

int main(int argc, char **argv) {
	if (argc != 2 || (strcmp(argv[1], "procs") != 0 && strcmp(argv[1], "threads") != 0)) {
		fprintf(stderr, "usage: mixed procs|threads\n");
		return 2;
	}
	unsigned long long sum = 0;
	if (strcmp(argv[1], "procs") == 0) {
		pid_t kids[2];
		for (int i = 0; i < 2; i++)
			if ((kids[i] = fork()) == 0)
				_exit(compute((void *)(size_t)i) == NULL);
		sum = syscalls();
		for (int i = 0; i < 2; i++) {
			int st;
			if (waitpid(kids[i], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
				return 1;
		}
	} else {
		pthread_t t[2];
		for (int i = 0; i < 2; i++)
			pthread_create(&t[i], NULL, compute, (void *)(size_t)i);
		sum = syscalls();
		for (int i = 0; i < 2; i++) {
			void *r;
			pthread_join(t[i], &r);
			sum += (size_t)r;
		}
	}
	printf("%llx\n", sum);
	return 0;
}
