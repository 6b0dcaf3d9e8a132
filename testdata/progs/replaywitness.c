// replaywitness: prints what a run gets from outside itself, for the
// replay tests: bytes from getrandom, the time from clock_gettime and
// gettimeofday, its pid and parent's, a hash of the AT_RANDOM bytes, the
// vDSO's address, the bytes FIONREAD counts in a pipe, and the contents of
// the file named by argv[1].
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
	unsigned char rnd[8];
	if (getrandom(rnd, sizeof rnd, 0) != sizeof rnd)
		return 2;
	printf("getrandom %02x%02x%02x%02x%02x%02x%02x%02x\n", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);

	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct timespec mono;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	struct timeval tv;
	gettimeofday(&tv, NULL);
	printf("clock_gettime %lld.%09ld monotonic %lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec, (long long)mono.tv_sec, mono.tv_nsec);
	printf("gettimeofday %lld.%06ld\n", (long long)tv.tv_sec, (long)tv.tv_usec);
	printf("time %lld\n", (long long)time(NULL));
	printf("pid %d ppid %d\n", getpid(), getppid());

	const unsigned char *at = (const unsigned char *)getauxval(AT_RANDOM);
	unsigned long long h = 1469598103934665603ULL;
	printf("at_random ");
	for (int i = 0; i < 16; i++) {
		h = (h ^ at[i]) * 1099511628211ULL;
		printf("%02x", at[i]);
	}
	printf(" hash %016llx\n", h);
	printf("vdso %#lx\n", getauxval(AT_SYSINFO_EHDR));

	int p[2];
	if (pipe(p) == 0) {
		int n = -1;
		write(p[1], "abc", 3);
		ioctl(p[0], FIONREAD, &n);
		printf("fionread %d\n", n);
		close(p[0]);
		close(p[1]);
	}

	if (argc > 1) {
		char buf[256];
		int fd = open(argv[1], O_RDONLY);
		if (fd < 0) {
			perror(argv[1]);
			return 1;
		}
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n < 0)
			return 1;
		buf[n] = 0;
		printf("file %s", buf);
	}
	return 0;
}
