// net exercises what network programs do: fds and credentials passed
// over unix sockets, scattered reads, socket options on TCP, UDP and IPv6
// sockets, and netlink requests to the kernel's route and sock_diag
// families.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static void pass_fds(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	int on = 1;
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);

	int p[2];
	pipe(p);
	char hello[] = "hello", world[] = " world";
	struct iovec out[] = {{hello, 5}, {world, 6}};
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof ctl);
	struct msghdr msg = {.msg_iov = out, .msg_iovlen = 2, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(2 * sizeof(int));
	memcpy(CMSG_DATA(c), p, sizeof p);
	sendmsg(sv[0], &msg, 0);

	char a[3], b[100];
	struct iovec in[] = {{a, sizeof a}, {b, sizeof b}};
	union {
		char buf[CMSG_SPACE(2 * sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} rctl;
	struct msghdr rmsg = {.msg_iov = in, .msg_iovlen = 2, .msg_control = rctl.buf, .msg_controllen = sizeof rctl.buf};
	recvmsg(sv[1], &rmsg, MSG_CMSG_CLOEXEC);
	for (c = CMSG_FIRSTHDR(&rmsg); c; c = CMSG_NXTHDR(&rmsg, c))
		if (c->cmsg_type == SCM_RIGHTS) {
			int fds[2];
			memcpy(fds, CMSG_DATA(c), sizeof fds);
			write(fds[1], "x", 1);
			close(fds[0]);
			close(fds[1]);
		}

	// Credentials sent explicitly, and a message with no control data.
	struct ucred cred = {.pid = getpid(), .uid = getuid(), .gid = getgid()};
	union {
		char buf[CMSG_SPACE(sizeof cred)];
		struct cmsghdr align;
	} cctl;
	memset(&cctl, 0, sizeof cctl);
	struct msghdr cmsg = {.msg_iov = out, .msg_iovlen = 1, .msg_control = cctl.buf, .msg_controllen = sizeof cctl.buf};
	c = CMSG_FIRSTHDR(&cmsg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof cred);
	memcpy(CMSG_DATA(c), &cred, sizeof cred);
	sendmsg(sv[0], &cmsg, 0);
	rmsg.msg_controllen = sizeof rctl.buf;
	recvmsg(sv[1], &rmsg, 0);

	struct ucred peer;
	socklen_t len = sizeof peer;
	getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &peer, &len);
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
}

static void scatter(void)
{
	int p[2];
	pipe2(p, O_CLOEXEC);
	write(p[1], "vm\n", 3);
	char a[100], b[50];
	struct iovec iov[] = {{a, sizeof a}, {b, sizeof b}};
	readv(p[0], iov, 2);
	write(p[1], "0123456789abcdef", 16);
	struct iovec small[] = {{a, 4}, {NULL, 0}, {b, 50}};
	readv(p[0], small, 3);
	struct iovec gap[] = {{NULL, 0}, {"gap", 3}};
	writev(p[1], gap, 2);
	readv(p[0], iov, 2);
	close(p[0]);
	close(p[1]);

	int fd = open("/etc/passwd", O_RDONLY);
	preadv(fd, iov, 2, 4);
	preadv2(fd, iov, 2, 0, RWF_NOWAIT);
	preadv(-1, iov, 2, 0);
	close(fd);

	// A peek at a datagram's size through a NULL buffer, as netlink
	// clients do.
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send(sv[0], "datagram", 8, 0);
	struct iovec none = {NULL, 0};
	struct msghdr m = {.msg_iov = &none, .msg_iovlen = 1};
	recvmsg(sv[1], &m, MSG_PEEK | MSG_TRUNC);
	recvmsg(sv[1], &m, MSG_DONTWAIT);
	recvmsg(sv[1], &m, MSG_DONTWAIT);
	close(sv[0]);
	close(sv[1]);
}

static void tcp(void)
{
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	int on = 1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bind(l, (struct sockaddr *)&sin, sizeof sin);
	listen(l, 8);
	socklen_t len = sizeof sin;
	getsockname(l, (struct sockaddr *)&sin, &len);

	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	connect(c, (struct sockaddr *)&sin, sizeof sin);
	struct pollfd pfd = {c, POLLOUT, 0};
	poll(&pfd, 1, 5000);
	int err = -1;
	len = sizeof err;
	getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
	int a = accept4(l, NULL, NULL, SOCK_CLOEXEC);

	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	len = sizeof on;
	getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on, &len);
	int tos = 0x10;
	setsockopt(c, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
	int ttl;
	len = sizeof ttl;
	getsockopt(c, IPPROTO_IP, IP_TTL, &ttl, &len);
	setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
	int idle = 60;
	setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
	struct linger lg = {1, 0};
	setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	struct timeval tv = {1, 500};
	setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	int sz = 65536;
	setsockopt(a, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
	int type;
	len = sizeof type;
	getsockopt(a, SOL_SOCKET, SO_TYPE, &type, &len);
	len = sizeof type;
	getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &type, &len);
	len = sizeof type;
	getsockopt(a, SOL_SOCKET, SO_DOMAIN, &type, &len);

	send(c, "ping", 4, MSG_NOSIGNAL);
	char buf[16];
	recv(a, buf, sizeof buf, 0);
	shutdown(c, SHUT_WR);
	recv(a, buf, sizeof buf, 0);
	close(a);
	close(c);
	close(l);

	int u = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_port = 0;
	bind(u, (struct sockaddr *)&sin, sizeof sin);
	len = sizeof sin;
	getsockname(u, (struct sockaddr *)&sin, &len);
	sendto(u, "dgram", 5, 0, (struct sockaddr *)&sin, sizeof sin);
	struct sockaddr_storage from;
	struct iovec iov = {buf, sizeof buf};
	struct msghdr m = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
	recvmsg(u, &m, 0);

	// Several datagrams in one call each way, as resolvers send queries.
	struct iovec q1 = {"query-a", 7}, q2 = {"query-bb", 8};
	struct mmsghdr out[2] = {
		{.msg_hdr = {.msg_name = &sin, .msg_namelen = sizeof sin, .msg_iov = &q1, .msg_iovlen = 1}},
		{.msg_hdr = {.msg_name = &sin, .msg_namelen = sizeof sin, .msg_iov = &q2, .msg_iovlen = 1}},
	};
	sendmmsg(u, out, 2, MSG_NOSIGNAL);
	char r1[16], r2[4];
	struct sockaddr_storage f1, f2;
	struct iovec i1 = {r1, sizeof r1}, i2 = {r2, sizeof r2};
	struct mmsghdr inm[2] = {
		{.msg_hdr = {.msg_name = &f1, .msg_namelen = sizeof f1, .msg_iov = &i1, .msg_iovlen = 1}},
		{.msg_hdr = {.msg_name = &f2, .msg_namelen = sizeof f2, .msg_iov = &i2, .msg_iovlen = 1}},
	};
	struct timespec wait = {1, 0};
	recvmmsg(u, inm, 2, 0, &wait);
	recvmmsg(u, inm, 2, MSG_DONTWAIT, NULL);
	close(u);

	int s6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	setsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
	int hops = 5;
	setsockopt(s6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof hops);
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	bind(s6, (struct sockaddr *)&sin6, sizeof sin6);
	close(s6);
}

static void netlink_route(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int on = 1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
	int sz = 32768;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
	struct sockaddr_nl nl = {.nl_family = AF_NETLINK};
	bind(fd, (struct sockaddr *)&nl, sizeof nl);
	socklen_t len = sizeof nl;
	getsockname(fd, (struct sockaddr *)&nl, &len);

	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = {
		.h = {.nlmsg_len = sizeof req, .nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1},
		.i = {.ifi_family = AF_UNSPEC},
	};
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&kernel, sizeof kernel);
	static char buf[65536];
	for (;;) {
		struct iovec iov = {buf, sizeof buf};
		struct msghdr m = {.msg_name = &kernel, .msg_namelen = sizeof kernel, .msg_iov = &iov, .msg_iovlen = 1};
		ssize_t n = recvmsg(fd, &m, 0);
		if (n <= 0)
			break;
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
			break;
	}

	// A request the kernel refuses: the error comes back as a message.
	struct {
		struct nlmsghdr h;
		struct rtgenmsg g;
	} bad = {
		.h = {.nlmsg_len = sizeof bad, .nlmsg_type = RTM_GETADDR, .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 2},
		.g = {.rtgen_family = AF_INET},
	};
	send(fd, &bad, sizeof bad, 0);
	recv(fd, buf, sizeof buf, 0);
	close(fd);
}

static void netlink_diag(void)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG);
	struct sockaddr_nl nl = {.nl_family = AF_NETLINK};
	bind(fd, (struct sockaddr *)&nl, sizeof nl);
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req = {
		.h = {.nlmsg_len = sizeof req, .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 7},
		.r = {.sdiag_family = AF_INET, .sdiag_protocol = IPPROTO_TCP, .idiag_states = 1 << 10},
	};
	struct iovec iov = {&req, sizeof req};
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct msghdr m = {.msg_name = &kernel, .msg_namelen = sizeof kernel, .msg_iov = &iov, .msg_iovlen = 1};
	sendmsg(fd, &m, 0);
	static char buf[8192];
	recv(fd, buf, sizeof buf, 0);
	close(fd);
}

int main(void)
{
	pass_fds();
	scatter();
	tcp();
	netlink_route();
	netlink_diag();
	return 0;
}
