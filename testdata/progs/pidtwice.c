// pidtwice DIR PATH forks a child that runs DIR/sel a DIR, which opens
// /dev/null and then runs DIR/other, which exits 3; it reaps it and forks
// until a child gets the first one's pid again (ns_last_pid; a child that
// gets another pid exits at once), which runs DIR/sel b PATH: it opens
// PATH. sel and other are links to pidtwice. Exit 99 when ns_last_pid
// cannot be written, 98 when no child got the pid.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
	char sel[4096];
	if (strcmp(argv[0], "other") == 0)
		return 3;
	if (strcmp(argv[0], "sel") == 0) {
		int fd = open(strcmp(argv[1], "a") == 0 ? "/dev/null" : argv[2], O_RDONLY);
		if (fd >= 0)
			close(fd);
		if (strcmp(argv[1], "a") == 0) {
			snprintf(sel, sizeof sel, "%s/other", argv[2]);
			execl(sel, "other", (char *)0);
			return 127;
		}
		return 0;
	}
	snprintf(sel, sizeof sel, "%s/sel", argv[1]);
	pid_t a = fork();
	if (a == 0) {
		execl(sel, "sel", "a", argv[1], (char *)0);
		_exit(127);
	}
	int st;
	if (waitpid(a, &st, 0) != a || !WIFEXITED(st) || WEXITSTATUS(st) != 3)
		return 1;
	for (int i = 0; i < 100; i++) {
		int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);
		if (fd < 0 || dprintf(fd, "%d", a - 1) < 0)
			return 99;
		close(fd);
		pid_t b = fork();
		if (b == 0) {
			if (getpid() != a)
				_exit(0);
			execl(sel, "sel", "b", argv[2], (char *)0);
			_exit(127);
		}
		if (waitpid(b, &st, 0) != b || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			return 1;
		if (b == a)
			return 0;
	}
	return 98;
}
