// blockexec PROG ARGS...: blocks every signal, then execs PROG.
#include <signal.h>
#include <unistd.h>

int main(int argc, char **argv) {
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	execvp(argv[1], argv + 1);
	return 127;
}
