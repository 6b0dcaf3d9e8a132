// diffsleep: sleeps $DIFFSLEEP_MS milliseconds in one nanosleep, between
// a few other calls.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(void) {
	char *ms = getenv("DIFFSLEEP_MS");
	long n = ms ? atol(ms) : 1;
	int fd = open("/etc/passwd", O_RDONLY);
	if (fd >= 0)
		close(fd);
	struct timespec ts = {n / 1000, (n % 1000) * 1000000};
	syscall(SYS_nanosleep, &ts, NULL);
	write(1, "slept\n", 6);
	return 0;
}
