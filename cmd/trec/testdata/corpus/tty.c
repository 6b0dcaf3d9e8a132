// tty drives a pseudo-terminal the way shells and editors do: the master
// and the peer from TIOCGPTPEER, termios, window sizes, process groups,
// the controlling terminal, and stty run on the terminal.
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static void run(int tty, char *const argv[])
{
	pid_t pid = fork();
	if (pid == 0) {
		setsid();
		ioctl(tty, TIOCSCTTY, 0);
		dup2(tty, 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

int main(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
		return 1;
	int n = 0;
	ioctl(m, TIOCGPTN, &n);
	int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (s < 0)
		return 1;

	struct termios t;
	tcgetattr(s, &t);
	struct termios raw = t;
	cfmakeraw(&raw);
	tcsetattr(s, TCSANOW, &raw);
	tcsetattr(s, TCSADRAIN, &t);
	tcsetattr(s, TCSAFLUSH, &t);
	tcflush(s, TCIFLUSH);

	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	ioctl(s, TIOCSWINSZ, &ws);
	ioctl(s, TIOCGWINSZ, &ws);

	// Input for the terminal, counted once the line discipline has it;
	// in raw mode nothing echoes back to the master.
	tcsetattr(s, TCSANOW, &raw);
	write(m, "abc", 3);
	struct pollfd in = {s, POLLIN, 0};
	poll(&in, 1, 5000);
	ioctl(s, FIONREAD, &n);
	tcflush(s, TCIFLUSH);
	tcsetattr(s, TCSANOW, &t);
	int on = 1;
	ioctl(s, FIONBIO, &on);
	pid_t pg;
	ioctl(s, TIOCGPGRP, &pg);
	ioctl(m, _IOR('x', 7, int), &n);
	ioctl(m, _IOW(0x99, 0x3, long), 0);
	ioctl(m, _IO('T', 0x7f), 0);

	// The terminal as a controlling one, for a new session.
	pid_t pid = fork();
	if (pid == 0) {
		setsid();
		ioctl(s, TIOCSCTTY, 0);
		pid_t me = getpid();
		ioctl(s, TIOCSPGRP, &me);
		ioctl(s, TIOCGPGRP, &pg);
		ioctl(s, TIOCNOTTY);
		_exit(0);
	}
	waitpid(pid, NULL, 0);

	char *stty_a[] = {"stty", "-a", NULL};
	char *stty_set[] = {"stty", "cols", "100", "rows", "30", "-echo", NULL};
	run(s, stty_a);
	run(s, stty_set);

	// Output through a copy of the peer, read back on the master.
	dup2(s, 1);
	write(1, "done\n", 5);
	char buf[64];
	struct pollfd out = {m, POLLIN, 0};
	poll(&out, 1, 5000);
	read(m, buf, sizeof buf);
	close(s);
	close(m);
	return 0;
}
