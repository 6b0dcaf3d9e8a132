// sigself SIG [handle]: sends SIG to its own process group, handling it or
// not, then says so and exits 0 if it is still there.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void handler(int sig) {
	char b[32];
	int n = snprintf(b, sizeof b, "caught %d\n", sig);
	write(1, b, n);
}

int main(int argc, char **argv) {
	if (argc < 2)
		return 2;
	int sig = atoi(argv[1]);
	if (argc > 2 && strcmp(argv[2], "handle") == 0) {
		struct sigaction sa = {.sa_handler = handler};
		if (sigaction(sig, &sa, NULL) != 0)
			printf("sigaction: %s\n", strerror(errno));
	}
	printf("sending %d\n", sig);
	fflush(stdout);
	kill(0, sig);
	printf("after\n");
	return 0;
}
