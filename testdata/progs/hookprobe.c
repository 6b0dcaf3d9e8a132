// hookprobe makes the calls the hook tests change and prints what it saw.
//
//	hookprobe socket           socket(AF_INET, SOCK_STREAM): "socket: ok" or "socket: -1 ERRNO"
//	hookprobe opens N PATH     opens PATH N times in the main thread, then in
//	                           a thread, then in a forked child: "ROLE I: ok|ERRNO"
//	hookprobe writeloop N      writes N bytes to fd 1 with a loop that
//	                           finishes short writes; exits 0 when it did
//	hookprobe getppid          one getppid, timed: "getppid: MS ms"
//	hookprobe open PATH        open(PATH, O_RDONLY): "open: ok" or "open: ERRNO"
//	hookprobe open-nofollow PATH  the same with O_NOFOLLOW
//	hookprobe openat2 DIR PATH openat2(DIR, PATH) with RESOLVE_IN_ROOT
//	hookprobe dirfd-reuse A B  opens A, then A/f through it, closes A and
//	                           opens B on the same fd, then B/f through it
//	hookprobe chdir A B        chdir A, open f, chdir B, open f
//	hookprobe rename-dir A B   opens A, then A/f through it, renames A to B,
//	                           then f through the same fd
//	hookprobe redzone PATH     fills the 128-byte red zone below the stack
//	                           pointer, opens PATH with a raw syscall and
//	                           checks the red zone (x86_64)
//	hookprobe regs             a raw write(5, ...), for --redirect-fd 5:1,
//	                           then the fd register as the syscall left it
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int e) {
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case ELOOP: return "ELOOP";
	}
	static char buf[16];
	snprintf(buf, sizeof buf, "errno%d", e);
	return buf;
}

static int n_opens;
static const char *open_path;

static void opens(const char *role) {
	char line[256];
	size_t len = 0;
	for (int i = 1; i <= n_opens; i++) {
		int fd = open(open_path, O_RDONLY);
		if (fd >= 0) {
			close(fd);
			len += snprintf(line + len, sizeof line - len, "%s %d: ok\n", role, i);
		} else {
			len += snprintf(line + len, sizeof line - len, "%s %d: %s\n", role, i, errname(errno));
		}
	}
	// One write per role, after its opens: output does not interleave.
	write(1, line, len);
}

static void *thread(void *arg) {
	opens("thread");
	return arg;
}

int main(int argc, char **argv) {
	if (argc < 2)
		return 2;
	if (strcmp(argv[1], "socket") == 0) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0)
			printf("socket: -1 %s\n", errname(errno));
		else
			printf("socket: ok\n");
		return 0;
	}
	if (strcmp(argv[1], "opens") == 0 && argc == 4) {
		n_opens = atoi(argv[2]);
		open_path = argv[3];
		opens("main");
		pthread_t t;
		pthread_create(&t, NULL, thread, NULL);
		pthread_join(t, NULL);
		pid_t pid = fork();
		if (pid == 0) {
			opens("child");
			_exit(0);
		}
		waitpid(pid, NULL, 0);
		return 0;
	}
	if ((strcmp(argv[1], "open") == 0 || strcmp(argv[1], "open-nofollow") == 0) && argc == 3) {
		int flags = O_RDONLY;
		if (strcmp(argv[1], "open-nofollow") == 0)
			flags |= O_NOFOLLOW;
		int fd = open(argv[2], flags);
		printf("open: %s\n", fd >= 0 ? "ok" : errname(errno));
		return 0;
	}
	if (strcmp(argv[1], "openat2") == 0 && argc == 4) {
		int dir = open(argv[2], O_RDONLY | O_DIRECTORY);
		struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_IN_ROOT};
		int fd = syscall(SYS_openat2, dir, argv[3], &how, sizeof how);
		printf("openat2: %s\n", fd >= 0 ? "ok" : errname(errno));
		return 0;
	}
	if (strcmp(argv[1], "dirfd-reuse") == 0 && argc == 4) {
		int a = open(argv[2], O_RDONLY | O_DIRECTORY);
		int f = openat(a, "f", O_RDONLY);
		printf("%s/f: %s\n", argv[2], f >= 0 ? "ok" : errname(errno));
		close(a);
		if (f >= 0)
			close(f);
		int b = open(argv[3], O_RDONLY | O_DIRECTORY);
		if (b != a)
			return 3;
		f = openat(b, "f", O_RDONLY);
		printf("%s/f: %s\n", argv[3], f >= 0 ? "ok" : errname(errno));
		return 0;
	}
	if (strcmp(argv[1], "chdir") == 0 && argc == 4) {
		for (int i = 2; i < 4; i++) {
			if (chdir(argv[i]) != 0)
				return 3;
			int f = open("f", O_RDONLY);
			printf("%s/f: %s\n", argv[i], f >= 0 ? "ok" : errname(errno));
			if (f >= 0)
				close(f);
		}
		return 0;
	}
	if (strcmp(argv[1], "rename-dir") == 0 && argc == 4) {
		int a = open(argv[2], O_RDONLY | O_DIRECTORY);
		int f = openat(a, "f", O_RDONLY);
		printf("before: %s\n", f >= 0 ? "ok" : errname(errno));
		if (rename(argv[2], argv[3]) != 0)
			return 3;
		f = openat(a, "f", O_RDONLY);
		printf("after: %s\n", f >= 0 ? "ok" : errname(errno));
		return 0;
	}
	if (strcmp(argv[1], "writeloop") == 0 && argc == 3) {
		int n = atoi(argv[2]);
		char *buf = malloc(n);
		memset(buf, 'x', n);
		int off = 0;
		while (off < n) {
			ssize_t w = write(1, buf + off, n - off);
			if (w <= 0)
				return 1;
			off += w;
		}
		return 0;
	}
	if (strcmp(argv[1], "getppid") == 0) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		syscall(SYS_getppid);
		clock_gettime(CLOCK_MONOTONIC, &b);
		long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
		printf("getppid: %ld ms\n", ms);
		return 0;
	}
#ifdef __x86_64__
	if (strcmp(argv[1], "regs") == 0) {
		// The kernel preserves every register but rax, rcx and r11
		// across a syscall; a hook that rewrote rdi (the fd) must not
		// leave it rewritten.
		static const char msg[] = "regs\n";
		long fd = 5, ret;
		register long r10 __asm__("r10") = 0;
		__asm__ volatile("syscall"
				 : "=a"(ret), "+D"(fd), "+r"(r10)
				 : "a"(SYS_write), "S"(msg), "d"(sizeof msg - 1)
				 : "rcx", "r11", "memory");
		printf("rdi after write: %ld\n", fd);
		return ret == sizeof msg - 1 ? 0 : 1;
	}
	if (strcmp(argv[1], "redzone") == 0 && argc == 3) {
		// The red zone is the function's own memory: a tracer that
		// places data for a syscall must leave it alone.
		long ret, bad;
		__asm__ volatile(
			"lea -128(%%rsp), %%rdx\n"
			"movabs $0x5a5a5a5a5a5a5a5a, %%r11\n"
			"mov $16, %%ecx\n"
			"1: mov %%r11, (%%rdx)\n"
			"add $8, %%rdx\n"
			"dec %%ecx\n"
			"jnz 1b\n"
			"mov %[path], %%rdi\n"
			"xor %%esi, %%esi\n"
			"mov %[nr], %%eax\n"
			"syscall\n"
			"mov %%rax, %[ret]\n"
			"lea -128(%%rsp), %%rdx\n"
			"movabs $0x5a5a5a5a5a5a5a5a, %%r11\n"
			"mov $16, %%ecx\n"
			"xor %[bad], %[bad]\n"
			"2: cmp %%r11, (%%rdx)\n"
			"je 3f\n"
			"inc %[bad]\n"
			"3: add $8, %%rdx\n"
			"dec %%ecx\n"
			"jnz 2b\n"
			: [ret] "=&r"(ret), [bad] "=&r"(bad)
			: [path] "r"(argv[2]), [nr] "i"(SYS_open)
			: "rax", "rcx", "rdx", "rdi", "rsi", "r11", "memory", "cc");
		printf("open: %s, red zone words changed: %ld\n", ret >= 0 ? "ok" : errname(-ret), bad);
		return 0;
	}
#endif
	return 2;
}
