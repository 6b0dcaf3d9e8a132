// replayprobe reaches files every way a hook must follow: relative to the
// working directory after chdir and fchdir, relative to dirfds, to dup'd
// fds, to fds inherited across fork and exec (and not to close-on-exec
// ones), through symbolic links it makes and removes, through
// /proc/self/fd, with openat2's RESOLVE_IN_ROOT, from a thread; it also
// makes a directory, reads a /proc link, calls getppid four times,
// writes to stdout and opens a socket. Run it by an absolute path: it execs itself.
//
//	replayprobe DIR          DIR holds a file "a" and a directory "sub"
//	                         holding a file "b"
//	replayprobe child FD     (run by replayprobe) reads "b" relative to
//	                         the inherited fd FD
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int ok;

// got counts an fd that opened and closes it.
static void got(int fd) {
	if (fd >= 0) {
		ok++;
		close(fd);
	}
}

static void *thread(void *arg) {
	got(open("a", O_RDONLY));
	got(openat(AT_FDCWD, "sub/b", O_RDONLY));
	return arg;
}

int main(int argc, char **argv) {
	if (argc == 3 && strcmp(argv[1], "child") == 0) {
		int fd = atoi(argv[2]);
		got(openat(fd, "b", O_RDONLY));
		// fd 11 was close-on-exec: the kernel fails this, EBADF.
		got(openat(11, "b", O_RDONLY));
		return ok == 1 ? 0 : 1;
	}
	if (argc != 2)
		return 2;
	if (chdir(argv[1]) != 0)
		return 3;
	got(open("a", O_RDONLY));
	int dir = open("sub", O_RDONLY | O_DIRECTORY);
	got(openat(dir, "b", O_RDONLY));
	got(openat(dir, "../a", O_RDONLY));
	dup2(dir, 10);
	close(dir);
	got(openat(10, "b", O_RDONLY));
	fcntl(10, F_DUPFD_CLOEXEC, 11);

	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d/b", 10);
	got(open(path, O_RDONLY));

	symlink("sub", "tmplink");
	got(open("tmplink/b", O_RDONLY));
	rename("tmplink", "movedlink");
	got(open("movedlink/b", O_RDONLY));
	unlink("movedlink");

	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_IN_ROOT};
	got(syscall(SYS_openat2, 10, "/b", &how, sizeof how));

	mkdir("made", 0755);
	got(open("made/../a", O_RDONLY));
	rmdir("made");

	pthread_t t;
	pthread_create(&t, NULL, thread, NULL);
	pthread_join(t, NULL);

	if (fchdir(10) == 0)
		got(open("b", O_RDONLY));
	chdir("..");

	pid_t pid = fork();
	if (pid == 0) {
		got(openat(10, "b", O_RDONLY));
		char fd[16];
		snprintf(fd, sizeof fd, "%d", 10);
		execl(argv[0], "replayprobe", "child", fd, (char *)NULL);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);

	// getppid, for inject's when=.
	for (int i = 0; i < 4; i++)
		getppid();
	char exe[256];
	if (readlink("/proc/self/exe", exe, sizeof exe) > 0)
		ok++;
	got(socket(AF_INET, SOCK_STREAM, 0));
	printf("opened %d\n", ok);
	fflush(stdout);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
