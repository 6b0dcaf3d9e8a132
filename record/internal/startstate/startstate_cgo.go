//go:build cgo && linux

package startstate

/*
#include <errno.h>
#include <fcntl.h>
#include <signal.h>

static unsigned long long trec_ignored, trec_blocked;
static unsigned char trec_closed, trec_ran;

__attribute__((constructor)) static void trec_read_start_state(void) {
	trec_ran = 1;
	struct sigaction sa;
	sigset_t set;
	int have_mask = sigprocmask(SIG_BLOCK, NULL, &set) == 0;
	for (int s = 1; s <= 64; s++) {
		if (sigaction(s, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			trec_ignored |= 1ULL << (s - 1);
		if (have_mask && sigismember(&set, s) == 1)
			trec_blocked |= 1ULL << (s - 1);
	}
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF)
			trec_closed |= 1 << fd;
	}
}

static unsigned long long trec_start_ignored(void) { return trec_ignored; }
static unsigned long long trec_start_blocked(void) { return trec_blocked; }
static unsigned char trec_start_closed(void) { return trec_closed; }
static unsigned char trec_start_ran(void) { return trec_ran; }
*/
import "C"

// At returns the process's state at its start, and true. A binary linked
// by Go's internal linker starts without running C constructors; At then
// returns what is left of the state, as without cgo, and false.
func At() (State, bool) {
	if C.trec_start_ran() == 0 {
		return runtimeState(), false
	}
	return State{
		Ignored: uint64(C.trec_start_ignored()),
		Blocked: uint64(C.trec_start_blocked()),
		Closed:  uint8(C.trec_start_closed()),
		Exact:   true,
	}, true
}
