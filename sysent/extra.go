package sysent

// Extra names what the recorder captures of a syscall beyond what its
// argument kinds say: memory that another argument's value describes (an
// ioctl's request, a prctl's option, a fcntl's command), memory no
// argument points at (the signal frame of rt_sigreturn), what the kernel
// writes when the call fails (nanosleep's remainder), and counts of outputs
// whose capture the capture size cuts (getdents64's entries). Apart from
// rt_sigreturn's mask and recvmsg's and recvmmsg's headers, read at entry,
// they are read at the exit.
type Extra uint8

// The extra captures.
const (
	ExtraNone      Extra = iota
	ExtraIovecs          // the iovec array of an ArgOutIovec argument, failed calls too
	ExtraRecvmsg         // the msghdr at entry, its iovec array at exit, the fds SCM_RIGHTS brought
	ExtraDirents         // the number of entries in the buffer
	ExtraSigreturn       // the signal mask the signal frame restores, at entry
	ExtraIoctl           // what IoctlArg says of the request, and the fd it returns
	ExtraPrctl           // what PrctlArg says of the option
	ExtraFcntl           // struct flock or f_owner_ex of the commands that take one
	ExtraFutex           // the timeout of the waiting operations
	ExtraSleep           // the remaining time, written when a signal cut the sleep short
	ExtraPselect         // the {sigset, size} pair of pselect6 and the sigset it points at
	ExtraStruct          // the InStruct or OutStruct arguments at exit, failed calls too
	ExtraMmsg            // sendmmsg, recvmmsg: the mmsghdr array and what each message points at
)

var extras = map[string]Extra{
	"readv": ExtraIovecs, "preadv": ExtraIovecs, "preadv2": ExtraIovecs,
	"recvmsg":    ExtraRecvmsg,
	"getdents":   ExtraDirents,
	"getdents64": ExtraDirents, "rt_sigreturn": ExtraSigreturn,
	"ioctl": ExtraIoctl, "prctl": ExtraPrctl, "fcntl": ExtraFcntl, "futex": ExtraFutex,
	"nanosleep": ExtraSleep, "clock_nanosleep": ExtraSleep, "pselect6": ExtraPselect,
	"io_uring_setup": ExtraStruct, "sendmmsg": ExtraMmsg, "recvmmsg": ExtraMmsg,
}

// MmsgIndex is how the captures of sendmmsg's and recvmmsg's messages are
// told apart: message k's name, iovec array and control data carry Index
// k, its iovec element j Index k*MmsgIndex+j.
const MmsgIndex = 1024

// MmsgMax is how many messages of one call the recorder captures.
const MmsgMax = 256

// Sizes of the structs the extra captures read, the same on x86_64 and
// aarch64.
const (
	sizeTermios   = 36 // struct termios of the kernel: 4 flag words, c_line, c_cc[19]
	sizeWinsize   = 8
	sizeFlock     = 32
	SizeFOwnerEx  = 8
	SizeSigsetArg = 16 // pselect6's {const sigset_t *ss; size_t ss_len}
	SizeSigset    = 8
	taskCommLen   = 16 // PR_SET_NAME, PR_GET_NAME
)

// IoctlDir says which way an ioctl's argument memory goes.
type IoctlDir uint8

// The directions.
const (
	IoctlNone IoctlDir = iota // the argument is a value, or none
	IoctlIn                   // the kernel reads the memory
	IoctlOut                  // the kernel writes the memory
)

// IoctlArg is what an ioctl request's third argument points at.
type IoctlArg struct {
	Dir  IoctlDir
	Size uint16
	// RetFD is set for requests that return a new fd.
	RetFD bool
}

// ioctlArgs are the requests whose argument the recorder captures: the
// terminal ones (the same numbers on x86_64 and aarch64) and those that
// return fds.
var ioctlArgs = map[uint32]IoctlArg{
	0x5401:     {IoctlOut, sizeTermios, false}, // TCGETS
	0x5402:     {IoctlIn, sizeTermios, false},  // TCSETS
	0x5403:     {IoctlIn, sizeTermios, false},  // TCSETSW
	0x5404:     {IoctlIn, sizeTermios, false},  // TCSETSF
	0x5456:     {IoctlOut, sizeTermios, false}, // TIOCGLCKTRMIOS
	0x5457:     {IoctlIn, sizeTermios, false},  // TIOCSLCKTRMIOS
	0x5413:     {IoctlOut, sizeWinsize, false}, // TIOCGWINSZ
	0x5414:     {IoctlIn, sizeWinsize, false},  // TIOCSWINSZ
	0x540f:     {IoctlOut, 4, false},           // TIOCGPGRP
	0x5410:     {IoctlIn, 4, false},            // TIOCSPGRP
	0x5429:     {IoctlOut, 4, false},           // TIOCGSID
	0x5424:     {IoctlOut, 4, false},           // TIOCGETD
	0x5423:     {IoctlIn, 4, false},            // TIOCSETD
	0x541b:     {IoctlOut, 4, false},           // FIONREAD
	0x5411:     {IoctlOut, 4, false},           // TIOCOUTQ
	0x5421:     {IoctlIn, 4, false},            // FIONBIO
	0x5452:     {IoctlIn, 4, false},            // FIOASYNC
	0x5420:     {IoctlIn, 4, false},            // TIOCPKT
	0x5415:     {IoctlOut, 4, false},           // TIOCMGET
	0x5416:     {IoctlIn, 4, false},            // TIOCMBIS
	0x5417:     {IoctlIn, 4, false},            // TIOCMBIC
	0x5418:     {IoctlIn, 4, false},            // TIOCMSET
	0x5419:     {IoctlOut, 4, false},           // TIOCGSOFTCAR
	0x541a:     {IoctlIn, 4, false},            // TIOCSSOFTCAR
	0x5412:     {IoctlIn, 1, false},            // TIOCSTI
	0x80045430: {IoctlOut, 4, false},           // TIOCGPTN
	0x40045431: {IoctlIn, 4, false},            // TIOCSPTLCK
	0x80045432: {IoctlOut, 4, false},           // TIOCGDEV
	0x80045440: {IoctlOut, 4, false},           // TIOCGEXCL
	0x5441:     {IoctlNone, 0, true},           // TIOCGPTPEER
	0xb701:     {IoctlNone, 0, true},           // NS_GET_USERNS
	0xb702:     {IoctlNone, 0, true},           // NS_GET_PARENT
}

// IoctlArgOf returns what ioctl request req's argument points at, and
// whether the request is one the recorder captures for.
func IoctlArgOf(req uint64) (IoctlArg, bool) {
	a, ok := ioctlArgs[uint32(req)]
	return a, ok
}

// PrctlArg is the memory a prctl option's argument points at.
type PrctlArg struct {
	Arg  int8 // the argument's index, -1 for none
	Dir  IoctlDir
	Size uint16
	// String is set when the memory holds a NUL-terminated string.
	String bool
}

// PrctlArgOf returns the memory prctl's option points at, if any.
func PrctlArgOf(option uint64) (PrctlArg, bool) {
	switch option {
	case 15: // PR_SET_NAME
		return PrctlArg{1, IoctlIn, taskCommLen, true}, true
	case 16: // PR_GET_NAME
		return PrctlArg{1, IoctlOut, taskCommLen, true}, true
	case 2, 37, 19, 9, 11, 25, 5: // PR_GET_PDEATHSIG, PR_GET_CHILD_SUBREAPER, PR_GET_ENDIAN, PR_GET_FPEMU, PR_GET_FPEXC, PR_GET_TSC, PR_GET_UNALIGN
		return PrctlArg{1, IoctlOut, 4, false}, true
	case 40: // PR_GET_TID_ADDRESS
		return PrctlArg{1, IoctlOut, 8, false}, true
	}
	return PrctlArg{Arg: -1}, false
}

// FcntlStruct returns the size of the struct fcntl command cmd points at
// (struct flock, struct f_owner_ex), and whether the kernel writes it.
func FcntlStruct(cmd uint64) (size uint16, out bool) {
	switch cmd {
	case 5, 36: // F_GETLK, F_OFD_GETLK
		return sizeFlock, true
	case 6, 7, 37, 38: // F_SETLK, F_SETLKW, F_OFD_SETLK, F_OFD_SETLKW
		return sizeFlock, false
	case 16: // F_GETOWN_EX
		return SizeFOwnerEx, true
	case 15: // F_SETOWN_EX
		return SizeFOwnerEx, false
	}
	return 0, false
}

// FutexTimeout reports whether futex operation op (with its flags) takes a
// timeout in its fourth argument.
func FutexTimeout(op uint64) bool {
	switch op & 0x7f {
	case 0, 6, 9, 11, 13: // FUTEX_WAIT, FUTEX_LOCK_PI, FUTEX_WAIT_BITSET, FUTEX_WAIT_REQUEUE_PI, FUTEX_LOCK_PI2
		return true
	}
	return false
}
