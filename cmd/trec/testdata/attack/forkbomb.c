// forkbomb LIMIT: as user nobody with RLIMIT_NPROC at LIMIT, every process
// forks until fork fails, then all of them exit; the first prints whether
// fork failed with EAGAIN.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
	rlim_t limit = argc > 1 ? atol(argv[1]) : 64;
	struct rlimit rl = {limit, limit};
	if (setrlimit(RLIMIT_NPROC, &rl) != 0 || setgid(65534) != 0 || setuid(65534) != 0) {
		printf("setup: %s\n", strerror(errno));
		return 3;
	}
	int eagain = 0, first = 1;
	for (;;) {
		pid_t p = fork();
		if (p < 0) {
			eagain = errno == EAGAIN;
			break;
		}
		if (p == 0) {
			first = 0;
			continue;
		}
	}
	while (wait(NULL) > 0)
		;
	if (first)
		printf("stopped by EAGAIN: %d\n", eagain);
	return 0;
}
