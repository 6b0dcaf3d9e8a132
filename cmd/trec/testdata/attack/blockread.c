// blockread: says it is ready, then blocks in read(2) on a pipe nobody
// writes, until it is killed.
#include <stdio.h>
#include <unistd.h>

int main(void) {
	int p[2];
	char c;
	if (pipe(p) != 0)
		return 3;
	printf("ready\n");
	fflush(stdout);
	read(p[0], &c, 1);
	return 0;
}
