//go:build cgo && linux

package rseq

/*
#include <errno.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

// Exported by glibc 2.35 and later; weak, so that an older glibc (which
// registers nothing) links too.
extern const ptrdiff_t __rseq_offset __attribute__((weak));
extern const unsigned int __rseq_size __attribute__((weak));

#if defined(__GLIBC__) && defined(__x86_64__)
#define TREC_RSEQ_SIG 0x53053053
static char *trec_thread_pointer(void) {
	char *tp;
	__asm__("mov %%fs:0, %0" : "=r"(tp));
	return tp;
}
#elif defined(__GLIBC__) && defined(__aarch64__)
#define TREC_RSEQ_SIG 0xd428bc00
static char *trec_thread_pointer(void) {
	char *tp;
	__asm__("mrs %0, tpidr_el0" : "=r"(tp));
	return tp;
}
#endif

#define TREC_RSEQ_FLAG_UNREGISTER 1

// trec_rseq_unregister returns 0 once the calling thread has no rseq area
// from glibc, or an errno.
static int trec_rseq_unregister(void) {
#ifndef TREC_RSEQ_SIG
	return 0;
#else
	if (&__rseq_size == NULL || &__rseq_offset == NULL || __rseq_size == 0)
		return 0;
	char *area = trec_thread_pointer() + __rseq_offset;
	// glibc registers at least the 32 bytes of the original struct rseq;
	// since 2.40 __rseq_size says how much of it is in use, which may be
	// less.
	unsigned int len = __rseq_size < 32 ? 32 : __rseq_size;
	if (syscall(SYS_rseq, area, len, TREC_RSEQ_FLAG_UNREGISTER, TREC_RSEQ_SIG) == 0)
		return 0;
	return errno;
#endif
}
*/
import "C"

import "syscall"

// Unregister unregisters the rseq area glibc gave the calling thread. Call
// it from a goroutine locked to its thread (runtime.LockOSThread), or it
// reaches whichever thread the goroutine runs on. glibc's own readers of
// the area (sched_getcpu) fall back to a syscall without it.
func Unregister() error {
	if e := C.trec_rseq_unregister(); e != 0 {
		return syscall.Errno(e)
	}
	return nil
}
