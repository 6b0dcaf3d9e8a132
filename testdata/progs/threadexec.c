// threadexec: a thread that is not the leader calls execve.
#include <pthread.h>
#include <unistd.h>

static void *worker(void *arg) {
	(void)arg;
	execl("/bin/echo", "echo", "exec from a thread", (char *)NULL);
	_exit(127);
}

int main(void) {
	pthread_t th;
	pthread_create(&th, NULL, worker, NULL);
	for (;;)
		pause();
}
