// signals MODE: signal handlers and interrupted syscalls.
//   handler: SIGUSR1 sent to itself is handled.
//   eintr:   a read from an empty pipe is interrupted by SIGALRM (no
//            SA_RESTART) and fails with EINTR.
//   restart: the same read with SA_RESTART is restarted; the handler writes
//            one byte into the pipe, so the restarted read returns 1.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static int fds[2];

static void on_usr1(int sig) {
	char buf[32];
	int n = snprintf(buf, sizeof buf, "handled signal %d\n", sig);
	write(1, buf, n);
}

static void on_alarm(int sig) {
	(void)sig;
	write(fds[1], "x", 1);
}

static void on_alarm_eintr(int sig) { (void)sig; }

int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 2)
		return 2;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	if (strcmp(argv[1], "handler") == 0) {
		sa.sa_handler = on_usr1;
		sigaction(SIGUSR1, &sa, NULL);
		kill(getpid(), SIGUSR1);
		printf("after signal\n");
		return 0;
	}
	pipe(fds);
	int restart = strcmp(argv[1], "restart") == 0;
	sa.sa_handler = restart ? on_alarm : on_alarm_eintr;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {.it_value = {.tv_usec = 50000}};
	setitimer(ITIMER_REAL, &it, NULL);
	char c;
	ssize_t n = read(fds[0], &c, 1);
	printf("read returned %zd errno %s\n", n, n < 0 ? strerror(errno) : "none");
	return 0;
}
