package analyze

import (
	"strconv"

	"github.com/trecdev/trec/format"

	"golang.org/x/sys/unix"
)

// signalNames are the Linux signal names, the same on x86_64 and aarch64.
var signalNames = [...]string{
	1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT",
	7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2",
	13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM", 16: "SIGSTKFLT", 17: "SIGCHLD",
	18: "SIGCONT", 19: "SIGSTOP", 20: "SIGTSTP", 21: "SIGTTIN", 22: "SIGTTOU", 23: "SIGURG",
	24: "SIGXCPU", 25: "SIGXFSZ", 26: "SIGVTALRM", 27: "SIGPROF", 28: "SIGWINCH",
	29: "SIGIO", 30: "SIGPWR", 31: "SIGSYS",
}

// sigrtmin is the kernel's first real-time signal.
const sigrtmin = 32

// SignalName returns the name of signal sig as strace prints it: "SIGUSR1",
// "SIGRTMIN", "SIGRT_3", or the number for others.
func SignalName(sig int32) string {
	return string(appendSignal(nil, sig))
}

// appendSignal appends the name of sig.
func appendSignal(b []byte, sig int32) []byte {
	switch {
	case sig > 0 && int(sig) < len(signalNames):
		return append(b, signalNames[sig]...)
	case sig == sigrtmin:
		return append(b, "SIGRTMIN"...)
	case sig > sigrtmin && sig <= 64:
		b = append(b, "SIGRT_"...)
		return strconv.AppendInt(b, int64(sig-sigrtmin), 10)
	}
	return strconv.AppendInt(b, int64(sig), 10)
}

// appendSigset appends a signal mask as strace prints it: [USR1 CHLD], or
// ~[...] listing the missing signals when more than half are set. data is
// the kernel's sigset_t, little-endian words.
func appendSigset(b []byte, data []byte) []byte {
	n := len(data) * 8
	if n > 64 {
		n = 64
	}
	set := 0
	for i := 0; i < n; i++ {
		if data[i/8]&(1<<(i%8)) != 0 {
			set++
		}
	}
	want := byte(1)
	if set > n/2 {
		b = append(b, '~')
		want = 0
	}
	b = append(b, '[')
	first := true
	for i := 0; i < n; i++ {
		bit := (data[i/8] >> (i % 8)) & 1
		if bit != want {
			continue
		}
		if !first {
			b = append(b, ' ')
		}
		first = false
		name := appendSignal(nil, int32(i+1))
		if len(name) > 3 && string(name[:3]) == "SIG" {
			name = name[3:]
		}
		b = append(b, name...)
	}
	return append(b, ']')
}

// siCodes are the generic si_code values.
var siCodes = xlat{
	{0, "SI_USER"}, {0x80, "SI_KERNEL"}, {0xffffffff, "SI_QUEUE"}, {0xfffffffe, "SI_TIMER"},
	{0xfffffffd, "SI_MESGQ"}, {0xfffffffc, "SI_ASYNCIO"}, {0xfffffffb, "SI_SIGIO"},
	{0xfffffffa, "SI_TKILL"}, {0xfffffff9, "SI_DETHREAD"}, {0xfffffff8, "SI_ASYNCNL"},
}

var cldCodes = xlat{{1, "CLD_EXITED"}, {2, "CLD_KILLED"}, {3, "CLD_DUMPED"}, {4, "CLD_TRAPPED"}, {5, "CLD_STOPPED"}, {6, "CLD_CONTINUED"}}
var segvCodes = xlat{{1, "SEGV_MAPERR"}, {2, "SEGV_ACCERR"}, {3, "SEGV_BNDERR"}, {4, "SEGV_PKUERR"}, {5, "SEGV_ACCADI"}, {6, "SEGV_ADIDERR"}, {7, "SEGV_ADIPERR"}, {8, "SEGV_MTEAERR"}, {9, "SEGV_MTESERR"}, {10, "SEGV_CPERR"}}
var busCodes = xlat{{1, "BUS_ADRALN"}, {2, "BUS_ADRERR"}, {3, "BUS_OBJERR"}, {4, "BUS_MCEERR_AR"}, {5, "BUS_MCEERR_AO"}}
var illCodes = xlat{{1, "ILL_ILLOPC"}, {2, "ILL_ILLOPN"}, {3, "ILL_ILLADR"}, {4, "ILL_ILLTRP"}, {5, "ILL_PRVOPC"}, {6, "ILL_PRVREG"}, {7, "ILL_COPROC"}, {8, "ILL_BADSTK"}}
var fpeCodes = xlat{{1, "FPE_INTDIV"}, {2, "FPE_INTOVF"}, {3, "FPE_FLTDIV"}, {4, "FPE_FLTOVF"}, {5, "FPE_FLTUND"}, {6, "FPE_FLTRES"}, {7, "FPE_FLTINV"}, {8, "FPE_FLTSUB"}}
var trapCodes = xlat{{1, "TRAP_BRKPT"}, {2, "TRAP_TRACE"}, {3, "TRAP_BRANCH"}, {4, "TRAP_HWBKPT"}, {5, "TRAP_UNK"}}
var pollCodes = xlat{{1, "POLL_IN"}, {2, "POLL_OUT"}, {3, "POLL_MSG"}, {4, "POLL_ERR"}, {5, "POLL_PRI"}, {6, "POLL_HUP"}}
var sysCodes = xlat{{1, "SYS_SECCOMP"}, {2, "SYS_USER_DISPATCH"}}

// isFault reports whether sig carries a faulting address.
func isFault(sig int32) bool {
	return sig == int32(unix.SIGSEGV) || sig == int32(unix.SIGBUS) ||
		sig == int32(unix.SIGILL) || sig == int32(unix.SIGFPE)
}

// appendSiginfo appends a siginfo as strace prints it between "---":
// {si_signo=SIGUSR1, si_code=SI_USER, si_pid=42, si_uid=0}.
func appendSiginfo(b []byte, s *format.Signal) []byte {
	b = appendSiginfoHead(b, s)
	switch {
	case s.Code <= 0 || (s.Signo == int32(unix.SIGCHLD) && s.Code != 0x80):
		// Sent by a process (SI_USER, SI_TKILL, SI_QUEUE) or a child's
		// state change: the sender is known.
		b = append(b, ", si_pid="...)
		b = strconv.AppendInt(b, int64(s.SenderPid), 10)
		b = append(b, ", si_uid="...)
		b = strconv.AppendUint(b, uint64(s.SenderUid), 10)
		if s.Signo == int32(unix.SIGCHLD) && s.Code > 0 {
			b = append(b, ", si_status="...)
			if s.Code == 1 {
				b = strconv.AppendInt(b, int64(s.Status), 10)
			} else {
				b = appendSignal(b, s.Status)
			}
		}
	case isFault(s.Signo):
		b = append(b, ", si_addr="...)
		b = appendPtr(b, s.Addr)
	}
	return append(b, '}')
}

// appendSiginfoHead appends what every siginfo starts with:
// {si_signo=SIGUSR1, si_code=SI_USER, and si_errno when set.
func appendSiginfoHead(b []byte, s *format.Signal) []byte {
	b = append(b, "{si_signo="...)
	b = appendSignal(b, s.Signo)
	b = append(b, ", si_code="...)
	code := uint64(uint32(s.Code))
	var specific xlat
	if s.Code > 0 && s.Code != 0x80 {
		switch s.Signo {
		case int32(unix.SIGCHLD):
			specific = cldCodes
		case int32(unix.SIGSEGV):
			specific = segvCodes
		case int32(unix.SIGBUS):
			specific = busCodes
		case int32(unix.SIGILL):
			specific = illCodes
		case int32(unix.SIGFPE):
			specific = fpeCodes
		case int32(unix.SIGTRAP):
			specific = trapCodes
		case int32(unix.SIGIO):
			specific = pollCodes
		case int32(unix.SIGSYS):
			specific = sysCodes
		}
	}
	if n, ok := specific.lookup(code); ok {
		b = append(b, n...)
	} else if n, ok := siCodes.lookup(code); ok {
		b = append(b, n...)
	} else {
		b = strconv.AppendInt(b, int64(s.Code), 10)
	}
	if s.Errno != 0 {
		b = append(b, ", si_errno="...)
		b = appendErrnoName(b, int(s.Errno))
	}
	return b
}

// appendErrnoName appends the name of errno e, or its number.
func appendErrnoName(b []byte, e int) []byte {
	if n := ErrnoName(e); n != "" {
		return append(b, n...)
	}
	return strconv.AppendInt(b, int64(e), 10)
}

// appendPtr appends a pointer: NULL or 0x7ffd1234.
func appendPtr(b []byte, v uint64) []byte {
	if v == 0 {
		return append(b, "NULL"...)
	}
	b = append(b, '0', 'x')
	return strconv.AppendUint(b, v, 16)
}
