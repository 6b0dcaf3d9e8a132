// Copied from the project's shared/bench/floor.c, so the benchmark works from a clean clone.
// The floor of ptrace syscall tracing: a tracer that stops at every syscall entry and exit
// and does nothing else (no register reads, no output). Follows forks and threads.
// usage: floor [-pin] -- prog args...
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
    int i = 1, pin = 0;
    if (i < argc && !strcmp(argv[i], "-pin")) { pin = 1; i++; }
    if (i < argc && !strcmp(argv[i], "--")) i++;
    if (pin) { cpu_set_t s; CPU_ZERO(&s); CPU_SET(0, &s); sched_setaffinity(0, sizeof s, &s); }
    pid_t child = fork();
    if (child == 0) { ptrace(PTRACE_TRACEME, 0, 0, 0); raise(SIGSTOP); execvp(argv[i], argv + i); _exit(127); }
    int st; waitpid(child, &st, 0);
    ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_EXITKILL);
    ptrace(PTRACE_SYSCALL, child, 0, 0);
    long stops = 0; int code = 0;
    for (;;) {
        pid_t p = waitpid(-1, &st, __WALL);
        if (p < 0) break;
        if (WIFEXITED(st) || WIFSIGNALED(st)) { if (p == child) code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st); continue; }
        int sig = WSTOPSIG(st), inject = 0;
        if (sig == (SIGTRAP | 0x80)) stops++;
        else if (sig != SIGTRAP && sig != SIGSTOP) inject = sig;
        else if (sig == SIGSTOP && (st >> 16) == 0) inject = 0;
        ptrace(PTRACE_SYSCALL, p, 0, inject);
    }
    fprintf(stderr, "floor: %ld syscall stops\n", stops);
    return code;
}
