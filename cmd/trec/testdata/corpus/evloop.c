// evloop waits the ways event loops do: poll and ppoll, select and
// pselect6, epoll with its control operations and each of its waits,
// over pipes, an eventfd, a timerfd and a signalfd.
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	int p[2];
	pipe2(p, 0);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	int sfd = signalfd(-1, &usr1, SFD_NONBLOCK);

	write(p[1], "x", 1);
	struct pollfd fds[] = {{p[0], POLLIN, 0}, {efd, POLLIN | POLLPRI, 0}, {p[1], POLLOUT, 0}, {-1, POLLIN, 0}};
	poll(fds, 4, 0);
	poll(fds + 1, 1, 0);
	struct timespec ts = {1, 0};
	ppoll(fds, 3, &ts, &usr1);
	ppoll(fds + 1, 1, &(struct timespec){0, 1000}, NULL);

	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(efd, &r);
	FD_SET(p[1], &w);
	struct timeval tv = {2, 0};
	select(p[1] + 6, &r, &w, NULL, &tv);
	FD_ZERO(&r);
	FD_SET(efd, &r);
	tv.tv_sec = 0;
	tv.tv_usec = 10;
	select(efd + 1, &r, NULL, NULL, &tv);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	pselect(p[0] + 1, &r, NULL, NULL, &ts, &usr1);
	pselect(p[0] + 1, &r, NULL, NULL, NULL, NULL);

	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = p[0]};
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	ev.events = EPOLLIN | EPOLLET;
	ev.data.u64 = 0x100000007ULL;
	epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
	ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
	ev.data.fd = tfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
	ev.events = EPOLLOUT;
	ev.data.fd = p[1];
	epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev);
	// A removal's event is ignored: strace prints its address.
	epoll_ctl(ep, EPOLL_CTL_DEL, p[1], &ev);
	ev.events = EPOLLIN;
	ev.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	epoll_ctl(ep, EPOLL_CTL_ADD, 1000, &ev);

	struct epoll_event out[8];
	epoll_wait(ep, out, 8, 0);
	uint64_t one = 1;
	write(efd, &one, sizeof one);
	epoll_pwait(ep, out, 8, -1, &usr1);
	struct itimerspec its = {{0, 0}, {0, 1000000}};
	timerfd_settime(tfd, 0, &its, NULL);
	struct timespec two = {2, 0};
	epoll_pwait2(ep, out, 1, &two, NULL);
	uint64_t ticks;
	read(tfd, &ticks, sizeof ticks);
	kill(getpid(), SIGUSR1);
	epoll_wait(ep, out, 8, 1000);
	siginfo_t info;
	sigtimedwait(&usr1, &info, NULL);
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
	epoll_wait(ep, out, 8, 0);
	close(ep);
	close(sfd);
	close(tfd);
	close(efd);
	close(p[0]);
	close(p[1]);
	return 0;
}
