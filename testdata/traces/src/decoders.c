// decoders makes, once each, the calls whose decoding the goldens of
// decoders.trc show: fds passed over a unix socket, scattered reads,
// poll, select and epoll, a pseudo-terminal's ioctls, prctl, CPU masks, a
// handled signal, a child's SIGCHLD, an interrupted sleep, a futex
// timeout, a file lock, socket options and a netlink request.
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static void handler(int sig) { (void)sig; }

int main(void)
{
	int sv[2], p[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(p);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof ctl);
	struct iovec out[] = {{"hello", 5}, {" world", 6}};
	struct msghdr m = {.msg_iov = out, .msg_iovlen = 2, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &p[1], sizeof(int));
	sendmsg(sv[0], &m, 0);
	char a[3], b[100];
	struct iovec in[] = {{a, sizeof a}, {NULL, 0}, {b, sizeof b}};
	struct msghdr r = {.msg_iov = in, .msg_iovlen = 3, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
	recvmsg(sv[1], &r, MSG_CMSG_CLOEXEC);

	write(p[1], "x", 1);
	struct pollfd fds[] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
	poll(fds, 2, 0);
	struct timespec ts = {1, 0};
	ppoll(fds, 1, &ts, NULL);
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	pselect(p[0] + 1, &rd, NULL, NULL, &ts, NULL);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.fd = p[0]};
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	struct epoll_event evs[4];
	epoll_wait(ep, evs, 4, 0);
	char x;
	struct iovec one[] = {{&x, 1}, {b, 10}};
	readv(p[0], one, 2);

	int pt = posix_openpt(O_RDWR | O_NOCTTY);
	unlockpt(pt);
	int n;
	ioctl(pt, TIOCGPTN, &n);
	int peer = ioctl(pt, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	struct termios t;
	tcgetattr(peer, &t);
	tcsetattr(peer, TCSANOW, &t);
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	ioctl(peer, TIOCSWINSZ, &ws);
	ioctl(pt, _IOR('x', 7, int), &n);
	dup2(peer, 3);
	write(3, "tty\n", 4);

	char name[16];
	prctl(PR_SET_NAME, "decoders");
	prctl(PR_GET_NAME, name);
	prctl(PR_CAPBSET_READ, 12);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	cpu_set_t set;
	sched_getaffinity(0, sizeof set, &set);

	signal(SIGUSR1, handler);
	signal(SIGALRM, handler);
	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	raise(SIGUSR1);
	pid_t pid = fork();
	if (pid == 0)
		_exit(3);
	waitpid(pid, NULL, 0);
	struct itimerval it = {.it_value = {0, 20000}};
	setitimer(ITIMER_REAL, &it, NULL);
	struct timespec req = {5, 0}, rem;
	nanosleep(&req, &rem);
	uint32_t word = 0;
	struct timespec shortly = {0, 1000};
	syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &shortly, NULL, 0);
	int mfd = memfd_create("lock", 0);
	write(mfd, "0123", 4);
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 4};
	fcntl(mfd, F_SETLK, &fl);
	mmap(NULL, 2 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (21 << 26), -1, 0);

	int s = socket(AF_INET, SOCK_STREAM, 0);
	int on = 1;
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	int err;
	socklen_t len = sizeof err;
	getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
	int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct {
		struct nlmsghdr h;
		struct rtgenmsg g;
	} req2 = {
		.h = {.nlmsg_len = sizeof req2, .nlmsg_type = RTM_GETADDR, .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 1},
		.g = {.rtgen_family = AF_INET},
	};
	send(nl, &req2, sizeof req2, 0);
	char reply[256];
	recv(nl, reply, sizeof reply, 0);
	return 0;
}
