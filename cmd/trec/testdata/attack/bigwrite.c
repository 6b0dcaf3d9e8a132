// bigwrite MIB COUNT: writes a MIB MiB buffer COUNT times to /dev/null,
// then one writev of 1024 iovecs of that buffer.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc < 3)
		return 2;
	size_t n = (size_t)atol(argv[1]) << 20;
	int count = atoi(argv[2]);
	char *buf = malloc(n);
	if (buf == NULL)
		return 3;
	memset(buf, 'x', n);
	int fd = open("/dev/null", O_WRONLY);
	for (int i = 0; i < count; i++) {
		if (write(fd, buf, n) != (ssize_t)n)
			return 4;
	}
	static struct iovec iov[1024];
	for (int i = 0; i < 1024; i++) {
		iov[i].iov_base = buf;
		iov[i].iov_len = n;
	}
	if (writev(fd, iov, 1024) < 0)
		return 5;
	printf("wrote\n");
	return 0;
}
