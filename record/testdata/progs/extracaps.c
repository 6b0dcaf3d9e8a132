// extracaps makes the calls whose extra captures the recorder takes: a
// directory read, a scattered read, a handled signal with another one
// blocked, an fd passed over a unix socket, a sleep a timer cuts short,
// ioctls on a pseudo-terminal, prctl, a lock query, a futex timeout and
// pselect6's mask.
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static void handler(int sig) { (void)sig; }

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	DIR *d = opendir(argv[1]);
	if (!d)
		return 1;
	while (readdir(d))
		;
	closedir(d);

	int p[2];
	pipe(p);
	write(p[1], "abc", 3);
	char a[2], b[8];
	struct iovec iov[] = {{a, sizeof a}, {b, sizeof b}};
	readv(p[0], iov, 2);

	signal(SIGUSR1, handler);
	signal(SIGALRM, handler);
	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	raise(SIGUSR1);

	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof ctl);
	struct iovec one = {"x", 1};
	struct msghdr m = {.msg_iov = &one, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &p[1], sizeof(int));
	sendmsg(sv[0], &m, 0);
	char x;
	struct iovec in = {&x, 1};
	struct msghdr r = {.msg_iov = &in, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
	recvmsg(sv[1], &r, 0);

	struct itimerval it = {.it_value = {0, 20000}};
	setitimer(ITIMER_REAL, &it, NULL);
	struct timespec req = {5, 0}, rem;
	syscall(SYS_nanosleep, &req, &rem);

	int pt = posix_openpt(O_RDWR | O_NOCTTY);
	unlockpt(pt);
	int n;
	ioctl(pt, TIOCGPTN, &n);
	int peer = ioctl(pt, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	struct winsize ws;
	ioctl(peer, TIOCGWINSZ, &ws);

	char name[16];
	prctl(PR_SET_NAME, "extracaps");
	prctl(PR_GET_NAME, name);

	int mfd = memfd_create("lock", 0);
	write(mfd, "0123", 4);
	struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_len = 4};
	fcntl(mfd, F_GETLK, &fl);

	uint32_t word = 0;
	struct timespec ts = {0, 1000};
	syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);

	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	write(p[1], "y", 1);
	pselect(p[0] + 1, &rd, NULL, NULL, NULL, &term);
	return 0;
}
