// fileio exercises the calls trec dump decodes: files, memory, pipes,
// fork and wait, signals, a thread interrupted by another, sockets.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void on_usr1(int sig) { got = sig; }

static int tpipe[2];
static void *reader(void *arg) {
	char buf[16];
	(void)arg;
	ssize_t n = read(tpipe[0], buf, sizeof buf);
	return (void *)n;
}

int main(void) {
	char buf[256];
	struct stat st;

	// Files: a missing one, a written one, a read one.
	if (open("/nonexistent/trec", O_RDONLY) >= 0) return 1;
	int fd = openat(AT_FDCWD, "out.txt", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	write(fd, "hello\n\tworld \"quoted\" \\ \001\002\0033\n", 30);
	close(fd);
	fd = open("out.txt", O_RDONLY);
	fstat(fd, &st);
	ssize_t n = read(fd, buf, sizeof buf);
	lseek(fd, 0, SEEK_SET);
	pread(fd, buf, 5, 1);
	dup2(fd, 10);
	close(10);
	close(fd);
	access("out.txt", R_OK | W_OK);
	stat("/", &st);

	// Directory listing.
	fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	syscall(SYS_getdents64, fd, buf, sizeof buf);
	close(fd);

	// Memory.
	void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(p, 4096, PROT_READ);
	munmap(p, 8192);

	// A pipe to a child that exits 3.
	int pfd[2];
	pipe2(pfd, O_CLOEXEC);
	pid_t child = fork();
	if (child == 0) {
		close(pfd[0]);
		write(pfd[1], "from child\n", 11);
		_exit(3);
	}
	close(pfd[1]);
	n = read(pfd[0], buf, sizeof buf);
	close(pfd[0]);
	int status;
	wait4(child, &status, 0, NULL);

	// A child killed by a signal.
	child = fork();
	if (child == 0) {
		kill(getpid(), SIGTERM);
		_exit(0);
	}
	wait4(child, &status, 0, NULL);

	// A signal to ourselves, caught.
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	kill(getpid(), SIGUSR1);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);

	// A thread blocked in read while this one writes.
	pipe(tpipe);
	pthread_t t;
	pthread_create(&t, NULL, reader, NULL);
	usleep(20000);
	write(tpipe[1], "wake\n", 5);
	pthread_join(t, NULL);

	// Network: a refused connection and a datagram.
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(1)};
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	connect(s, (struct sockaddr *)&sin, sizeof sin);
	close(s);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_port = htons(9);
	sendto(s, "ping", 4, 0, (struct sockaddr *)&sin, sizeof sin);
	close(s);

	printf("done %d\n", got);
	return 0;
}
