// replaydiverge: prints its pid and the first line of a file; built with
// -DREBUILT it reads another file, the one call in which the two builds
// differ.
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#ifdef REBUILT
#define FILE_READ "/etc/hosts"
#else
#define FILE_READ "/etc/passwd"
#endif

int main(void) {
	printf("pid %d\n", getpid());
	fflush(stdout);
	char buf[64];
	int fd = open(FILE_READ, O_RDONLY);
	if (fd < 0)
		return 1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return 1;
	buf[n] = 0;
	printf("%.10s\n", buf);
	return 0;
}
