// int80: a 64-bit program that makes two i386 syscalls with int 0x80:
// write (4 there, stat here) and getpid (20 there, writev here).
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void) {
	static const char msg[] = "hello from int 0x80\n";
#if defined(__x86_64__)
	// int 0x80 takes 32-bit pointers: the message must sit below 4 GiB.
	char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (low == MAP_FAILED)
		return 1;
	memcpy(low, msg, sizeof msg);
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(4), "b"(1), "c"(low), "d"(sizeof msg - 1) : "memory");
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20) : "memory");
#else
	write(1, msg, sizeof msg - 1);
#endif
	return 0;
}
