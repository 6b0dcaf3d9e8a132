package hook

import (
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/trecdev/trec/sysent"
)

var (
	// ErrUnavailable is returned, wrapped, by a Call that cannot know
	// what a hook asked for: memory a recording did not capture, the
	// target of an fd opened before the recording began. A hook that
	// meets it cannot decide and says so in Action.Err; it must not
	// guess.
	ErrUnavailable = errors.New("not available")
	// ErrNotLink is returned, wrapped, by Call.Readlink for a path that
	// is not a symbolic link, or that does not exist.
	ErrNotLink = errors.New("not a symbolic link")
)

// Call is one syscall of a traced program as a hook sees it, at its entry
// or at its exit. The recorder backs it with the stopped thread (package
// record); a replay backs it with recorded events. It holds no ptrace
// handle and no process: everything a hook reads goes through its methods,
// and an implementation that cannot answer returns ErrUnavailable.
//
// A Call is valid only during the Hook method it is passed to.
type Call interface {
	// Tid and Pid are the calling thread and its process.
	Tid() int
	Pid() int
	// Nr is the syscall number in Table's architecture.
	Nr() int
	// Syscall describes Nr; nil when the table does not know it.
	Syscall() *sysent.Syscall
	// Table is the syscall table of the program's architecture.
	Table() *sysent.Table
	// Arg returns argument i (0-5) as the raw register value. Changes
	// an earlier hook of the chain made are visible.
	Arg(i int) uint64
	// Ret returns the result at the exit: a value, or -errno. At the
	// entry it is 0.
	Ret() int64
	// Mem reads the program's memory.
	Mem() Memory
	// Cwd returns the working directory of the calling thread.
	Cwd() (string, error)
	// FDPath returns what fd refers to in the calling thread, as
	// readlink(2) of /proc/TID/fd/FD gives it: a path, or
	// "pipe:[INODE]" and the like.
	FDPath(fd int) (string, error)
	// Readlink returns the target of the symbolic link at path, an
	// absolute path in the program's view of the file system, or an
	// error wrapping ErrNotLink when path is not a link or does not
	// exist.
	Readlink(path string) (string, error)
}

// Memory reads a traced program's memory. Live it is the process's
// memory; a replay serves what the recording captured and returns
// ErrUnavailable for the rest.
type Memory interface {
	// ReadString returns the NUL-terminated string at addr, without its
	// NUL, reading at most max bytes; a string with no NUL within max
	// bytes is an error.
	ReadString(addr uint64, max int) (string, error)
	// ReadBytes returns n bytes at addr.
	ReadBytes(addr uint64, n int) ([]byte, error)
}

// ReadStruct fills the fixed-size value v (a pointer to a struct of
// fixed-size fields, as encoding/binary takes) from the program's memory
// at addr, in the native byte order of the program's architecture
// (little-endian on x86_64 and aarch64).
func ReadStruct(m Memory, addr uint64, v any) error {
	n := binary.Size(v)
	if n < 0 {
		return fmt.Errorf("read struct: %T has no fixed size", v)
	}
	b, err := m.ReadBytes(addr, n)
	if err != nil {
		return err
	}
	_, err = binary.Decode(b, binary.LittleEndian, v)
	return err
}

// Hook decides what happens to the syscalls it selects. Its methods run on
// the recorder's tracing thread, one call at a time, so a hook needs no
// locking; they should be quick, as the program waits for them.
type Hook interface {
	// Name names the hook in traces and reports: "sandbox", "inject".
	Name() string
	// Syscalls returns the syscalls of table t that reach Enter and
	// Exit. With trec record -e trace=SET, the recorder's seccomp filter
	// stops them too, whatever SET says.
	Syscalls(t *sysent.Table) (sysent.Set, error)
	// Enter is called at the entry of a selected syscall, before it
	// runs.
	Enter(c Call) Action
	// Exit is called at its exit, before the program sees the result.
	// Skip in an Action returned here is ignored.
	Exit(c Call) Action
}

// ThreadWatcher is implemented by a hook that keeps state per thread.
// ThreadExited is called when a thread ends, so that a new thread that
// reuses the tid starts afresh.
type ThreadWatcher interface {
	ThreadExited(tid int)
}

// Action is what a hook decides for one call. The zero Action lets the
// call run unchanged. Fields combine: an argument change with a delay, a
// failure with a signal.
type Action struct {
	// Rule names what decided, as the user wrote it ("deny /etc/**",
	// "openat:error=ENOENT:when=3+"); it goes into the trace and the
	// per-rule counts, also when the call runs unchanged.
	Rule string
	// Path is the path the decision was about, resolved (the sandbox
	// sets it).
	Path string
	// Skip: the call does not run and the program sees Ret as its
	// result. Entry only.
	Skip bool
	// SetRet: the program sees Ret instead of the call's result. Exit
	// only.
	SetRet bool
	// Ret is the result for Skip and SetRet: a value, or -errno.
	Ret int64
	// Args are argument changes, applied at the entry in order.
	Args []ArgChange
	// Delay holds the thread this long before it goes on: before the
	// call runs at the entry, before it returns at the exit.
	Delay time.Duration
	// Signal is sent to the thread (0 for none); it is delivered when
	// the call returns.
	Signal syscall.Signal
	// Err is set when the hook could not decide, such as when a replay
	// lacks the memory it needs (errors.Is(Err, ErrUnavailable)); the
	// call then runs unchanged.
	Err error
}

// ArgChange replaces one syscall argument.
type ArgChange struct {
	// Index is the argument, 0-5.
	Index int
	// Value is the new register value, when Data is nil.
	Value uint64
	// Data, when not nil, is placed in the program's memory (below its
	// stack pointer, never over its own data) and the argument points at
	// it.
	Data []byte
}

// Fail returns an Action that fails the call with errno without running
// it.
func Fail(errno syscall.Errno) Action { return Action{Skip: true, Ret: -int64(errno)} }

// Return returns an Action that gives the call the result v without
// running it.
func Return(v int64) Action { return Action{Skip: true, Ret: v} }

// SetArg returns an Action that replaces argument i with v.
func SetArg(i int, v uint64) Action {
	return Action{Args: []ArgChange{{Index: i, Value: v}}}
}

// SetArgString returns an Action that points argument i at a copy of s,
// NUL-terminated, in the program's memory.
func SetArgString(i int, s string) Action {
	return Action{Args: []ArgChange{{Index: i, Data: append([]byte(s), 0)}}}
}

// SetArgBytes returns an Action that points argument i at a copy of b in
// the program's memory.
func SetArgBytes(i int, b []byte) Action {
	return Action{Args: []ArgChange{{Index: i, Data: append([]byte{}, b...)}}}
}

// SetRet returns an Action, for the exit, that replaces the call's result
// with v (a value, or -errno).
func SetRet(v int64) Action { return Action{SetRet: true, Ret: v} }

// Delay returns an Action that holds the thread for d.
func Delay(d time.Duration) Action { return Action{Delay: d} }

// Signal returns an Action that sends sig to the thread.
func Signal(sig syscall.Signal) Action { return Action{Signal: sig} }

// WithRule returns a with Rule set to rule.
func (a Action) WithRule(rule string) Action {
	a.Rule = rule
	return a
}

// Changes reports whether a changes anything about the call.
func (a Action) Changes() bool {
	return a.Skip || a.SetRet || len(a.Args) > 0 || a.Delay > 0 || a.Signal != 0
}
