// difftree: a process tree three levels deep. The root (argv "root")
// starts a middle process with the argument in $DIFFTREE_MID, which
// starts two leaves; each leaf writes a line to a file named after it.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int spawn(char *self, char *a, char *b) {
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char *argv[] = {self, a, b, NULL};
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int main(int argc, char **argv) {
	if (argc >= 2 && strcmp(argv[1], "root") == 0) {
		char *mid = getenv("DIFFTREE_MID");
		return spawn(argv[0], "middle", mid ? mid : "none");
	}
	if (argc >= 3 && strcmp(argv[1], "middle") == 0)
		return spawn(argv[0], "leaf", "1") | spawn(argv[0], "leaf", "2");
	if (argc >= 3 && strcmp(argv[1], "leaf") == 0) {
		char name[64];
		snprintf(name, sizeof name, "difftree-leaf-%s.out", argv[2]);
		FILE *f = fopen(name, "w");
		if (!f)
			return 1;
		fprintf(f, "leaf %s\n", argv[2]);
		return fclose(f) != 0;
	}
	return 2;
}
