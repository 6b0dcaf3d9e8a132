// vforkexec: vfork, then exec echo in the child.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	pid_t pid = vfork();
	if (pid == 0) {
		execl("/bin/echo", "echo", "hello from vfork", (char *)NULL);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("child %d exited %d\n", pid, WEXITSTATUS(st));
	return 0;
}
