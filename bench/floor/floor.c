// Copied from the project's shared/bench/floor.c, so the benchmark works from a clean clone.
// The floor of ptrace syscall tracing: a tracer that stops at every syscall entry and exit
// and does nothing else (no register reads, no output). Follows forks and threads.
// Two options add, one at a time, what a recorder must do at a stop, to price each step:
//   -info  PTRACE_GET_SYSCALL_INFO at every syscall stop;
//   -read  (with -info) also process_vm_readv one byte at the second argument of every
//          syscall entry that has one, as a capture would.
// -pin runs the tracer (and so the program) on CPU 0.
// usage: floor [-pin] [-info [-read]] -- prog args...
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <linux/ptrace.h> /* after sys/ptrace.h: struct ptrace_syscall_info */
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
    int i = 1, pin = 0, info = 0, rd = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-pin")) pin = 1;
        else if (!strcmp(argv[i], "-info")) info = 1;
        else if (!strcmp(argv[i], "-read")) rd = 1;
        else if (!strcmp(argv[i], "--")) { i++; break; }
    }
    if (pin) { cpu_set_t s; CPU_ZERO(&s); CPU_SET(0, &s); sched_setaffinity(0, sizeof s, &s); }
    pid_t child = fork();
    if (child == 0) { ptrace(PTRACE_TRACEME, 0, 0, 0); raise(SIGSTOP); execvp(argv[i], argv + i); _exit(127); }
    int st; waitpid(child, &st, 0);
    ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_EXITKILL);
    ptrace(PTRACE_SYSCALL, child, 0, 0);
    long stops = 0; int code = 0;
    struct ptrace_syscall_info si; char byte;
    for (;;) {
        pid_t p = waitpid(-1, &st, __WALL);
        if (p < 0) break;
        if (WIFEXITED(st) || WIFSIGNALED(st)) { if (p == child) code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st); continue; }
        int sig = WSTOPSIG(st), inject = 0;
        if (sig == (SIGTRAP | 0x80)) {
            stops++;
            if (info && ptrace(PTRACE_GET_SYSCALL_INFO, p, sizeof si, &si) > 0 && rd &&
                si.op == PTRACE_SYSCALL_INFO_ENTRY && si.entry.args[1]) {
                struct iovec local = {&byte, 1}, remote = {(void *)si.entry.args[1], 1};
                process_vm_readv(p, &local, 1, &remote, 1, 0);
            }
        }
        else if (sig != SIGTRAP && sig != SIGSTOP) inject = sig;
        else if (sig == SIGSTOP && (st >> 16) == 0) inject = 0;
        ptrace(PTRACE_SYSCALL, p, 0, inject);
    }
    fprintf(stderr, "floor: %ld syscall stops\n", stops);
    return code;
}
