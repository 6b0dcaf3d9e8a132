// attachee runs on until its stdin ends, for tests that attach to a running
// process:
//
//	attachee count FILE        writes 0, 1, 2, ... to FILE, a line every
//	                           half millisecond, then "done"
//	attachee threads FILE N    the same from N threads, each its own count
//	                           ("T I" lines), then "done"
//	attachee read              copies stdin to stdout, blocked in read(2)
//	attachee fork FILE         at each line on stdin forks a child that
//	                           writes "child PID" to FILE; at the end "done"
//	attachee vfork             at each line on stdin vforks a child that
//	                           sleeps 300 ms and exits
//
// It exits 0 when all went as it would have without a tracer: a write or
// a read that failed (EINTR from a badly restarted call) exits 1.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int out;
static volatile int stop;

static void put(const char *s) {
	size_t n = strlen(s);
	if (write(out, s, n) != (ssize_t)n) {
		perror("write");
		exit(1);
	}
}

// ended reports, without blocking, whether stdin is at its end.
static int ended(void) {
	struct pollfd p = {.fd = 0, .events = POLLIN};
	if (poll(&p, 1, 0) == 1) {
		char c;
		return read(0, &c, 1) == 0;
	}
	return 0;
}

static void *counter(void *arg) {
	long id = (long)arg;
	char line[64];
	for (long i = 0; !stop; i++) {
		if (id < 0)
			snprintf(line, sizeof line, "%ld\n", i);
		else
			snprintf(line, sizeof line, "%ld %ld\n", id, i);
		put(line);
		usleep(500);
	}
	return NULL;
}

int main(int argc, char **argv) {
	if (argc < 2)
		return 2;
	const char *mode = argv[1];
	if (argc > 2 && (out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644)) < 0) {
		perror(argv[2]);
		return 2;
	}
	if (strcmp(mode, "count") == 0) {
		char line[64];
		for (long i = 0; !ended(); i++) {
			snprintf(line, sizeof line, "%ld\n", i);
			put(line);
			usleep(500);
		}
	} else if (strcmp(mode, "threads") == 0 && argc > 3) {
		int n = atoi(argv[3]);
		pthread_t th[64];
		for (long i = 0; i < n && i < 64; i++)
			pthread_create(&th[i], NULL, counter, (void *)i);
		char c;
		while (read(0, &c, 1) > 0)
			;
		stop = 1;
		for (int i = 0; i < n && i < 64; i++)
			pthread_join(th[i], NULL);
	} else if (strcmp(mode, "read") == 0) {
		char buf[4096];
		ssize_t n;
		out = 1;
		while ((n = read(0, buf, sizeof buf)) > 0) {
			if (write(1, buf, n) != n)
				return 1;
		}
		if (n < 0) {
			perror("read");
			return 1;
		}
		return 0;
	} else if (strcmp(mode, "fork") == 0) {
		char c;
		ssize_t n;
		while ((n = read(0, &c, 1)) > 0) {
			if (c != '\n')
				continue;
			pid_t pid = fork();
			if (pid == 0) {
				char line[64];
				snprintf(line, sizeof line, "child %d\n", getpid());
				put(line);
				_exit(0);
			}
			int st;
			if (waitpid(pid, &st, 0) != pid || st != 0)
				return 1;
		}
		if (n < 0) {
			perror("read");
			return 1;
		}
	} else if (strcmp(mode, "vfork") == 0) {
		char c;
		while (read(0, &c, 1) > 0) {
			if (c != '\n')
				continue;
			pid_t pid = vfork();
			if (pid == 0) {
				struct timespec ts = {0, 300000000};
				nanosleep(&ts, NULL);
				_exit(0);
			}
			int st;
			if (waitpid(pid, &st, 0) != pid || st != 0)
				return 1;
		}
		out = 1;
	} else {
		return 2;
	}
	put("done\n");
	return 0;
}
