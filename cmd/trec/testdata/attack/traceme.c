// traceme: a child asks to be traced by its parent; prints what
// PTRACE_TRACEME returned.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
	pid_t p = fork();
	if (p == 0) {
		long r = ptrace(PTRACE_TRACEME, 0, 0, 0);
		printf("traceme %ld %s\n", r, r < 0 ? strerror(errno) : "");
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(p, &st, 0);
	printf("child exited %d\n", WEXITSTATUS(st));
	return 0;
}
