// segv: dereferences NULL and dies of SIGSEGV (without a core file).
#include <stdio.h>
#include <sys/resource.h>

int main(void) {
	struct rlimit rl = {0, 0};
	setrlimit(RLIMIT_CORE, &rl);
	printf("about to crash\n");
	fflush(stdout);
	*(volatile int *)0 = 1;
	return 0;
}
