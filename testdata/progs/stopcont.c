// stopcont: a child stops itself with SIGSTOP; its parent sees it stopped
// and continues it.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	pid_t pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		printf("child resumed\n");
		exit(3);
	}
	int st;
	if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st)) {
		printf("child not stopped: %#x\n", st);
		return 1;
	}
	printf("child stopped by signal %d\n", WSTOPSIG(st));
	kill(pid, SIGCONT);
	waitpid(pid, &st, 0);
	printf("child exited %d\n", WEXITSTATUS(st));
	return 0;
}
