// closerace: one thread closes a TCP socket whose close lingers (data the
// peer never reads is still queued), and while that close runs the main
// thread opens the file named by argv[1], gets the socket's freed number,
// and writes to it; the close returns after. Exits 1 if the race did not
// happen in that order.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int sock;
static volatile int closed;

static void *closer(void *arg)
{
	(void)arg;
	close(sock);
	closed = 1;
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t n = sizeof a;
	int small = 4096;
	setsockopt(l, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1) || getsockname(l, (struct sockaddr *)&a, &n))
		return 1;
	sock = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(sock, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
	if (connect(sock, (struct sockaddr *)&a, sizeof a))
		return 1;
	int peer = accept(l, NULL, NULL);
	if (peer < 0)
		return 1;
	// Fill the peer's window and the socket's buffer: the close cannot
	// send its FIN, and lingers.
	static char buf[1 << 16];
	fcntl(sock, F_SETFL, O_NONBLOCK);
	while (write(sock, buf, sizeof buf) > 0)
		;
	struct linger lg = {.l_onoff = 1, .l_linger = 1};
	setsockopt(sock, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	pthread_t t;
	pthread_create(&t, NULL, closer, NULL);
	// The close frees the number as it begins.
	struct timespec ms = {0, 1000000};
	while (fcntl(sock, F_GETFD) != -1)
		nanosleep(&ms, NULL);
	int f = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (f != sock || write(f, "during\n", 7) != 7 || closed)
		return 1;
	pthread_join(t, NULL);
	if (write(f, "after\n", 6) != 6)
		return 1;
	return 0;
}
