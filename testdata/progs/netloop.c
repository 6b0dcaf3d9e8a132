#define _GNU_SOURCE
// netloop: an event-loop client and server over loopback TCP. The client
// connects 10 non-blocking sockets (EINPROGRESS), then sends 20 requests of
// 6 bytes on each and reads a 100-byte answer to each; the server, a forked
// child, accepts with accept4(fd, NULL, NULL, 0) and serves the
// connections from one poll loop.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define CONNS 10
#define ROUNDS 20
#define REQ 6
#define RESP 100

static void die(const char *what) {
	perror(what);
	exit(1);
}

static void full(int fd, char *buf, size_t n, int rd) {
	while (n > 0) {
		ssize_t k = rd ? read(fd, buf, n) : write(fd, buf, n);
		if (k <= 0)
			die(rd ? "read" : "write");
		buf += k;
		n -= (size_t)k;
	}
}

static void serve(int lfd) {
	struct pollfd p[CONNS];
	char buf[RESP];
	int open = 0;
	for (int i = 0; i < CONNS; i++) {
		p[i].fd = accept4(lfd, NULL, NULL, 0);
		if (p[i].fd < 0)
			die("accept4");
		p[i].events = POLLIN;
		open++;
	}
	memset(buf, 'x', sizeof buf);
	while (open > 0) {
		if (poll(p, CONNS, -1) < 0)
			die("poll");
		for (int i = 0; i < CONNS; i++) {
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			ssize_t k = read(p[i].fd, buf, REQ);
			if (k <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				open--;
				continue;
			}
			full(p[i].fd, buf, RESP, 0);
		}
	}
	exit(0);
}

int main(void) {
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, CONNS) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len) < 0)
		die("listen");
	pid_t server = fork();
	if (server == 0)
		serve(lfd);
	close(lfd);
	int fds[CONNS];
	struct pollfd p[CONNS];
	for (int i = 0; i < CONNS; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (connect(fds[i], (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS)
			die("connect");
		p[i].fd = fds[i];
		p[i].events = POLLOUT;
	}
	for (int ready = 0; ready < CONNS;) {
		if (poll(p, CONNS, -1) < 0)
			die("poll");
		for (int i = 0; i < CONNS; i++) {
			if (p[i].fd >= 0 && (p[i].revents & POLLOUT)) {
				fcntl(fds[i], F_SETFL, 0);
				p[i].fd = -1;
				ready++;
			}
		}
	}
	char buf[RESP];
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < CONNS; i++) {
			full(fds[i], "GET /\n", REQ, 0);
			full(fds[i], buf, RESP, 1);
		}
	}
	for (int i = 0; i < CONNS; i++)
		close(fds[i]);
	int st;
	if (waitpid(server, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("server");
	printf("%d requests\n", CONNS * ROUNDS);
	return 0;
}
