// diffprog MODE OUT: reads a file, writes a result to OUT and to stdout.
// Mode b opens one more file, fails one open with ENOENT and writes
// different bytes to OUT than mode a: what trec diff must find.
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc != 3)
		return 2;
	int b = strcmp(argv[1], "b") == 0;
	char buf[256];
	int fd = open("/etc/passwd", O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof buf) <= 0)
		return 3;
	close(fd);
	if (b) {
		fd = open("/etc/group", O_RDONLY);
		if (fd >= 0)
			close(fd);
		if (open("diffprog-missing-file", O_RDONLY) >= 0)
			return 4;
	}
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 5;
	const char *res = b ? "result: bbb\n" : "result: aaa\n";
	if (write(fd, res, strlen(res)) != (ssize_t)strlen(res))
		return 6;
	close(fd);
	write(1, "done\n", 5);
	return 0;
}
