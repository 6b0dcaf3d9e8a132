package format

import (
	"strconv"

	"github.com/trecdev/trec/format/tracepb"
)

// Kind says what an Event records.
type Kind uint8

// Event kinds. The numbers are those of trace.proto's Kind.
const (
	// KindInvalid is the zero Kind; no valid event has it.
	KindInvalid Kind = 0
	// KindSyscallEnter: a thread entered a syscall (Nr, Args, Captures).
	KindSyscallEnter Kind = Kind(tracepb.Kind_KIND_SYSCALL_ENTER)
	// KindSyscallExit: a syscall returned (Nr, Ret, Captures).
	KindSyscallExit Kind = Kind(tracepb.Kind_KIND_SYSCALL_EXIT)
	// KindSignal: a signal was delivered to the thread (Signal).
	KindSignal Kind = Kind(tracepb.Kind_KIND_SIGNAL)
	// KindClone: the thread created a thread or process (Clone).
	KindClone Kind = Kind(tracepb.Kind_KIND_CLONE)
	// KindExec: the process replaced its program (Exec).
	KindExec Kind = Kind(tracepb.Kind_KIND_EXEC)
	// KindExit: the thread or process ended (Exit).
	KindExit Kind = Kind(tracepb.Kind_KIND_EXIT)
	// KindHook: a hook changed a syscall (Hook).
	KindHook Kind = Kind(tracepb.Kind_KIND_HOOK)
	// KindStop: the thread entered a group-stop; Signal.Signo stopped it.
	KindStop Kind = Kind(tracepb.Kind_KIND_STOP)
	// KindAttach: trec attached to the running thread (Attach, Nr; on a
	// process's first thread also Exec and its fds as CaptureFD).
	KindAttach Kind = Kind(tracepb.Kind_KIND_ATTACH)
	// KindDetach: trec detached from the thread, which runs on (Attach,
	// Nr).
	KindDetach Kind = Kind(tracepb.Kind_KIND_DETACH)
)

var kindNames = [...]string{
	KindInvalid:      "invalid",
	KindSyscallEnter: "enter",
	KindSyscallExit:  "exit",
	KindSignal:       "signal",
	KindClone:        "clone",
	KindExec:         "exec",
	KindExit:         "exit-process",
	KindHook:         "hook",
	KindStop:         "stop",
	KindAttach:       "attach",
	KindDetach:       "detach",
}

// Valid reports whether k is a kind of event this package knows.
func (k Kind) Valid() bool {
	return k != KindInvalid && int(k) < len(kindNames) && kindNames[k] != ""
}

// String returns a short lowercase name of the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Event is one thing that happened in a traced program. Kind says which of
// the kind-specific fields are meaningful; the others are zero.
//
// An Event returned by Reader.Next is valid until the next call to Next: its
// slices point into the reader's buffers. Use Copy to keep one.
type Event struct {
	Kind Kind
	// Time is nanoseconds since the trace start (Header.StartUnixNano).
	Time int64
	// Tid is the thread the event happened on.
	Tid int32
	// Pid is the thread's process (thread-group id). Syscall events carry
	// it; for the others it equals Tid unless the writer knew better.
	Pid int32

	// Nr is the syscall number (KindSyscallEnter, KindSyscallExit,
	// KindHook; KindAttach and KindDetach when Attach.InSyscall).
	Nr int32
	// Args are the raw syscall arguments (KindSyscallEnter).
	Args [6]uint64
	// Ret is the raw return value, a negative errno on failure
	// (KindSyscallExit).
	Ret int64
	// Captures is memory read at entry or written by the syscall at exit.
	Captures []Capture

	// Signal describes the signal (KindSignal, KindStop).
	Signal Signal
	// Clone describes the new thread or process (KindClone).
	Clone Clone
	// Exec describes the new program (KindExec), or the program of a
	// process attached to (KindAttach).
	Exec Exec
	// Exit describes how the thread or process ended (KindExit).
	Exit Exit
	// Hook describes what a hook changed (KindHook).
	Hook Hook
	// Attach is the thread's state (KindAttach, KindDetach).
	Attach Attach
}

// Capture is tracee memory copied by the recorder.
type Capture struct {
	// Arg is the index of the syscall argument that pointed at the memory.
	Arg uint8
	// Kind says how to read Data.
	Kind CaptureKind
	// Index orders the elements of an iovec or string array.
	Index uint32
	// Data is the memory, cut at the recording's capture size.
	Data []byte
	// Size is the full length of the memory when Data was cut, else 0.
	Size uint64
}

// Len returns the length of the memory that was captured, even when Data
// holds only its start.
func (c *Capture) Len() uint64 {
	if c.Size > uint64(len(c.Data)) {
		return c.Size
	}
	return uint64(len(c.Data))
}

// Truncated reports whether Data holds less than the whole memory.
func (c *Capture) Truncated() bool { return c.Size > uint64(len(c.Data)) }

// CaptureKind says how to read a Capture's data.
type CaptureKind uint8

// Capture kinds, numbered as trace.proto's CaptureKind.
const (
	CaptureUnknown     CaptureKind = 0
	CaptureString      CaptureKind = CaptureKind(tracepb.CaptureKind_CAPTURE_STRING)
	CaptureBuffer      CaptureKind = CaptureKind(tracepb.CaptureKind_CAPTURE_BUFFER)
	CaptureIovec       CaptureKind = CaptureKind(tracepb.CaptureKind_CAPTURE_IOVEC)
	CaptureSockaddr    CaptureKind = CaptureKind(tracepb.CaptureKind_CAPTURE_SOCKADDR)
	CaptureStruct      CaptureKind = CaptureKind(tracepb.CaptureKind_CAPTURE_STRUCT)
	CaptureStringArray CaptureKind = CaptureKind(tracepb.CaptureKind_CAPTURE_STRING_ARRAY)
	// CaptureFD is what fd Index refers to, as /proc/TID/fd/Index reads;
	// with Index CwdIndex, the working directory.
	CaptureFD CaptureKind = CaptureKind(tracepb.CaptureKind_CAPTURE_FD)
	// CaptureIovecArray is the struct iovec array an iovec argument
	// points at, as the program passed it, at the exit of calls the kernel
	// fills; the CaptureIovec elements hold the bytes that landed.
	CaptureIovecArray CaptureKind = CaptureKind(tracepb.CaptureKind_CAPTURE_IOVEC_ARRAY)
	// CaptureCount is how many records the kernel wrote into an output
	// buffer (getdents64's entries), however the buffer's capture was cut:
	// a little-endian uint32.
	CaptureCount CaptureKind = CaptureKind(tracepb.CaptureKind_CAPTURE_COUNT)
	// CaptureSiginfo is, on a signal event, the kernel's siginfo_t up to
	// the end of the fields its union holds.
	CaptureSiginfo CaptureKind = CaptureKind(tracepb.CaptureKind_CAPTURE_SIGINFO)
	// CaptureSigmask is a signal mask no argument points at: the one the
	// signal frame of a rt_sigreturn restores.
	CaptureSigmask CaptureKind = CaptureKind(tracepb.CaptureKind_CAPTURE_SIGMASK)
	// CaptureSocket is the endpoints of socket fd Index, laid out as
	// FORMAT.md says.
	CaptureSocket CaptureKind = CaptureKind(tracepb.CaptureKind_CAPTURE_SOCKET)
	// CaptureOutput is memory the syscall wrote through argument Arg that
	// the argument kinds do not describe (an ioctl's or a prctl's
	// result), captured by --replayable recordings for a replay.
	CaptureOutput CaptureKind = CaptureKind(tracepb.CaptureKind_CAPTURE_OUTPUT)
)

// CwdIndex is the Index of a CaptureFD that holds the working directory
// (/proc/TID/cwd) rather than an fd: AT_FDCWD (-100) as a uint32.
const CwdIndex uint32 = 1<<32 - 100

// Signal is the part of a siginfo that a trace keeps.
type Signal struct {
	Signo     int32
	Code      int32
	Errno     int32
	SenderPid int32
	SenderUid uint32
	// Addr is the faulting address for SIGSEGV, SIGBUS, SIGILL and SIGFPE.
	Addr uint64
	// Status is the child's status carried by SIGCHLD.
	Status int32
}

// CloneKind tells fork, vfork, a process clone and a thread clone apart.
type CloneKind uint8

// Clone kinds, numbered as trace.proto's CloneKind.
const (
	CloneUnknown CloneKind = 0
	CloneFork    CloneKind = CloneKind(tracepb.CloneKind_CLONE_FORK)
	CloneVfork   CloneKind = CloneKind(tracepb.CloneKind_CLONE_VFORK)
	CloneProcess CloneKind = CloneKind(tracepb.CloneKind_CLONE_PROCESS)
	CloneThread  CloneKind = CloneKind(tracepb.CloneKind_CLONE_THREAD)
)

// Clone is a new thread or process; the event's Tid is its parent.
type Clone struct {
	Child int32
	Kind  CloneKind
	// Flags are the clone flags when known.
	Flags uint64
}

// Exec is a successful execve or execveat; the event's Tid is the thread's
// tid after the exec.
type Exec struct {
	Path string
	Argv []string
	// OldTid is the tid that called execve when it was not the leader.
	OldTid int32
	// Random is the 16 bytes at AT_RANDOM in the new program's auxiliary
	// vector; VdsoOff says the recorder turned its vDSO off. Only
	// replayable recordings have them.
	Random  []byte
	VdsoOff bool
}

// Exit is the end of a thread or process.
type Exit struct {
	// Code is the exit code of a normal exit.
	Code int32
	// Signal killed the process when nonzero.
	Signal int32
	// CoreDumped is set when the killing signal dumped core.
	CoreDumped bool
	// Thread is set when only a thread ended and its process lives on.
	Thread bool
}

// Status returns the exit status as a shell reports it: the code, or 128+N
// when signal N killed the process.
func (e Exit) Status() int {
	if e.Signal != 0 {
		return 128 + int(e.Signal)
	}
	return int(e.Code)
}

// Attach is a thread's state when trec attached to it or detached from it.
type Attach struct {
	// InSyscall is set when the thread was in syscall Event.Nr: at attach
	// one that began before the trace, at detach one still in progress.
	InSyscall bool
	// Stopped is set when the thread was in a group-stop.
	Stopped bool
}

// HookOp is the change a hook made to a syscall.
type HookOp uint8

// Hook operations, numbered as trace.proto's HookOp.
const (
	HookNone   HookOp = 0
	HookSkip   HookOp = HookOp(tracepb.HookOp_HOOK_OP_SKIP)
	HookSetArg HookOp = HookOp(tracepb.HookOp_HOOK_OP_SET_ARG)
	HookSetRet HookOp = HookOp(tracepb.HookOp_HOOK_OP_SET_RET)
	HookSetMem HookOp = HookOp(tracepb.HookOp_HOOK_OP_SET_MEM)
	HookSignal HookOp = HookOp(tracepb.HookOp_HOOK_OP_SIGNAL)
	HookDelay  HookOp = HookOp(tracepb.HookOp_HOOK_OP_DELAY)
)

// Hook records one change a hook made, with the value before and after.
type Hook struct {
	// Name is the hook's name ("sandbox", "inject", ...).
	Name string
	Op   HookOp
	// Arg is the argument changed, for HookSetArg.
	Arg uint8
	// OldValue and NewValue are the argument's register value or the
	// result before and after; for HookSkip NewValue is the result the
	// program saw, for HookDelay the delay in nanoseconds, for HookSignal
	// the signal number.
	OldValue uint64
	NewValue uint64
	// OldData and NewData are what the argument pointed at, when it now
	// points at data the recorder placed.
	OldData []byte
	NewData []byte
	// Rule is the rule that decided, as the user wrote it.
	Rule string
	// Path is the resolved path the decision was about (the sandbox's).
	Path string
	// Exit is set for a change made at the syscall's exit.
	Exit bool
}

// HookCount is how many calls a hook, or one of its rules, saw and
// changed while recording (Trailer.Hooks).
type HookCount = tracepb.HookCount

// Copy returns a deep copy of e that stays valid after the reader moves on.
func (e *Event) Copy() Event {
	c := *e
	if e.Captures != nil {
		c.Captures = make([]Capture, len(e.Captures))
		for i, cp := range e.Captures {
			cp.Data = append([]byte(nil), cp.Data...)
			c.Captures[i] = cp
		}
	}
	if e.Exec.Argv != nil {
		c.Exec.Argv = append([]string(nil), e.Exec.Argv...)
	}
	if e.Exec.Random != nil {
		c.Exec.Random = append([]byte(nil), e.Exec.Random...)
	}
	c.Hook.OldData = append([]byte(nil), e.Hook.OldData...)
	c.Hook.NewData = append([]byte(nil), e.Hook.NewData...)
	return c
}
