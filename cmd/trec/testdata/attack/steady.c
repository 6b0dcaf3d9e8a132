// steady SECONDS: makes syscalls (getppid, write to /dev/null, open and
// close) for SECONDS seconds, then says whether it made any.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
	double secs = argc > 1 ? atof(argv[1]) : 1;
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	int null = open("/dev/null", O_WRONLY);
	char buf[256] = "steady";
	long rounds = 0;
	for (;;) {
		for (int i = 0; i < 64; i++) {
			getppid();
			write(null, buf, sizeof buf);
			close(open("/etc/hostname", O_RDONLY));
		}
		rounds++;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec + (now.tv_nsec - start.tv_nsec) / 1e9 >= secs)
			break;
	}
	printf("ran %d\n", rounds > 0);
	return 0;
}
