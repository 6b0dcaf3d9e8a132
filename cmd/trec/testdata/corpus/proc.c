// proc does what process managers and runtimes do: prctl, CPU affinity,
// an alternate signal stack, handled signals and the frames they return
// through, sleeps cut short, futex timeouts, file locks, inotify, statx,
// huge pages, io_uring, and the calls that make fds of kernel objects.
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/epoll.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << 26)
#endif

static void handler(int sig) { (void)sig; }

static void prctls(void)
{
	char name[16];
	prctl(PR_SET_NAME, "worker-1");
	prctl(PR_GET_NAME, name);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	int sig;
	prctl(PR_GET_PDEATHSIG, &sig);
	prctl(PR_GET_DUMPABLE);
	prctl(PR_SET_DUMPABLE, 1);
	prctl(PR_CAPBSET_READ, 12);
	prctl(PR_CAPBSET_READ, 63);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	int reaper;
	prctl(PR_GET_CHILD_SUBREAPER, &reaper);
	prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	prctl(PR_SET_TIMERSLACK, 50000);
	prctl(PR_GET_TIMERSLACK);
	prctl(PR_SET_KEEPCAPS, 0);
	prctl(PR_GET_SECCOMP);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 21, 0, 0);
	prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, 0, 0, 0);
	prctl(0x7777, 1, 2, 3, 4);
}

static void affinity(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	sched_getaffinity(0, sizeof set, &set);
	sched_setaffinity(0, sizeof set, &set);
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	sched_setaffinity(0, sizeof one, &one);
	sched_getaffinity(0, sizeof one, &one);
	sched_setaffinity(0, sizeof set, &set);
}

static void signals(void)
{
	stack_t ss = {.ss_sp = malloc(SIGSTKSZ), .ss_size = SIGSTKSZ}, old;
	sigaltstack(&ss, &old);
	sigaltstack(NULL, &old);
	struct sigaction sa = {.sa_handler = handler, .sa_flags = SA_ONSTACK};
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	raise(SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &term, NULL);

	// A sleep that a signal cuts short reports what was left.
	struct itimerval it = {.it_value = {0, 50000}};
	setitimer(ITIMER_REAL, &it, NULL);
	struct timespec req = {5, 0}, rem;
	nanosleep(&req, &rem);
	clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){0, 1000}, &rem);
	nanosleep(&(struct timespec){0, 1000}, NULL);

	pid_t pid = fork();
	if (pid == 0)
		_exit(3);
	int st;
	waitpid(pid, &st, 0);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
}

static void futexes(void)
{
	uint32_t word = 0;
	struct timespec ts = {0, 1000000};
	syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
	syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, &ts, NULL, 0);
	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec = 0;
	syscall(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE, 0, &abs, NULL, FUTEX_BITSET_MATCH_ANY);
	syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void files(void)
{
	struct sysinfo si;
	sysinfo(&si);

	const char *path = "/tmp/trec-corpus-proc";
	unlink(path);
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	write(fd, "0123456789", 10);
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 4};
	fcntl(fd, F_SETLK, &fl);
	fl.l_type = F_RDLCK;
	fcntl(fd, F_GETLK, &fl);
	fl.l_type = F_UNLCK;
	fcntl(fd, F_SETLKW, &fl);
	struct flock ofd = {.l_type = F_RDLCK, .l_whence = SEEK_CUR, .l_start = 2, .l_len = 0};
	fcntl(fd, F_OFD_SETLK, &ofd);
	fcntl(fd, F_OFD_GETLK, &ofd);

	int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	int wd = inotify_add_watch(in, path, IN_MODIFY | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_ONLYDIR);
	wd = inotify_add_watch(in, "/tmp", IN_ALL_EVENTS | IN_EXCL_UNLINK);
	inotify_rm_watch(in, wd);
	close(in);

	struct statx stx;
	statx(AT_FDCWD, "/", 0, STATX_BASIC_STATS | STATX_BTIME, &stx);
	statx(fd, "", AT_EMPTY_PATH, STATX_ALL, &stx);
	close(fd);
	unlink(path);

	void *p = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB, -1, 0);
	if (p != MAP_FAILED)
		munmap(p, 2 << 20);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	munmap(p, 4096);
}

static void kernel_fds(void)
{
	struct io_uring_params params;
	memset(&params, 0, sizeof params);
	int ring = syscall(SYS_io_uring_setup, 4, &params);
	if (ring >= 0)
		close(ring);
	memset(&params, 0, sizeof params);
	params.flags = IORING_SETUP_CQSIZE;
	params.cq_entries = 0;
	syscall(SYS_io_uring_setup, 4, &params);

	int pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	int copy = syscall(SYS_pidfd_getfd, pidfd, 0, 0);
	close(copy);
	close(pidfd);
	int mfd = memfd_create("corpus", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK);
	close(mfd);
	int uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd >= 0)
		close(uffd);
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.size = sizeof attr;
	attr.config = PERF_COUNT_SW_TASK_CLOCK;
	attr.disabled = 1;
	int perf = syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (perf >= 0)
		close(perf);
	int fan = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC, O_RDONLY);
	if (fan >= 0)
		close(fan);
	int ep = epoll_create1(0);
	int ep2 = dup(ep);
	close(ep2);
	close(ep);
}

int main(void)
{
	prctls();
	affinity();
	signals();
	futexes();
	files();
	kernel_fds();
	return 0;
}
