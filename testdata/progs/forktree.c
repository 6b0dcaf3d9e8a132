// forktree: a binary tree of processes three levels deep; each process
// exits with its depth and its parent checks the status.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void tree(int depth) {
	pid_t kids[2];
	if (depth == 0)
		return;
	for (int i = 0; i < 2; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			exit(100);
		}
		if (pid == 0) {
			tree(depth - 1);
			printf("process %d depth %d\n", getpid(), depth - 1);
			exit(depth - 1);
		}
		kids[i] = pid;
	}
	for (int i = 0; i < 2; i++) {
		int st;
		if (waitpid(kids[i], &st, 0) != kids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != depth - 1) {
			printf("bad status %#x of %d\n", st, kids[i]);
			exit(101);
		}
	}
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	tree(3);
	printf("root done\n");
	return 0;
}
