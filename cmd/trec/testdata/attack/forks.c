// forks N: forks N children one after another, each exiting at once, and
// reaps each; prints how many it reaped.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
	int n = argc > 1 ? atoi(argv[1]) : 2000, reaped = 0;
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p < 0)
			return 3;
		if (p == 0)
			_exit(i & 0x7f);
		int st;
		if (waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == (i & 0x7f))
			reaped++;
	}
	printf("reaped %d\n", reaped);
	return 0;
}
