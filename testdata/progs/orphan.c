// orphan: the child forks a grandchild and exits at once; the grandchild
// outlives everyone and writes last.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	pid_t pid = fork();
	if (pid == 0) {
		if (fork() == 0) {
			usleep(300000);
			printf("grandchild %d done\n", getpid());
			exit(7);
		}
		exit(0);
	}
	waitpid(pid, NULL, 0);
	printf("parent done\n");
	return 0;
}
