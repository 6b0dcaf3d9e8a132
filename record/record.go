//go:build linux

package record

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/hook"
	"github.com/trecdev/trec/record/internal/rseq"
	"github.com/trecdev/trec/record/internal/startstate"
)

// Options configure a recording. Zero values are documented defaults.
type Options struct {
	// Argv is the program and its arguments. Argv[0] is looked up in the
	// PATH of Env when it holds no slash, as a shell does.
	Argv []string
	// Env is the program's environment; nil means os.Environ().
	Env []string
	// Dir is the program's working directory; "" means the current one.
	Dir string
	// Stdin, Stdout and Stderr are the program's standard files; nil means
	// os.Stdin, os.Stdout and os.Stderr.
	Stdin  *os.File
	Stdout *os.File
	Stderr *os.File
	// CaptureSize caps the bytes captured per buffer; 0 captures no
	// buffers, and a size over MaxCaptureSize is MaxCaptureSize. Paths and
	// argv strings are captured whole (up to PATH_MAX), sockaddrs and
	// fixed-size structs always. However large, the captures of one event
	// stop at MaxCaptureSize bytes in all.
	CaptureSize int
	// Filter is a -e trace= expression; "" records every syscall. Process
	// lifecycle events (clone, exec, exit, signals, stops) are recorded
	// whatever it says. When it selects a subset, a seccomp filter makes
	// only the selected syscalls (and the few the recorder needs) stop the
	// program; the others run at native speed. Without seccomp every
	// syscall stops, and Log says so.
	Filter string
	// NoPin leaves the placement of the recorder and the program to the
	// kernel (trec record --no-pin): every stop then crosses CPUs. By
	// default the recorder's tracing thread runs on one CPU and places
	// each thread of the program as its stops make it pay: on that CPU,
	// where a ptrace stop costs a tenth or less of what it costs across
	// CPUs, while it makes syscalls often, and on the CPUs it would have
	// had without trec while it computes for long between stops beside
	// other work (see the package documentation, "Placement"). The
	// program sees its original CPU mask either way.
	NoPin bool
	// Pin runs the recorder's tracing thread and every thread of the
	// program on one CPU for the whole recording (trec record --pin),
	// where stops are cheapest and the program's threads take turns: the
	// CPU the recorder runs on, or CPU with UseCPU. Pin and NoPin exclude
	// each other.
	Pin bool
	// UseCPU pins to CPU rather than to a CPU Run chooses (trec record
	// --cpu N): it implies Pin. CPU must be in the recorder's allowed CPU
	// mask. UseCPU and NoPin exclude each other.
	UseCPU bool
	// CPU is the CPU to pin to when UseCPU is set (see CheckCPU).
	CPU int
	// JobControl stops the calling process when the program stops for job
	// control, and lets it go on when the program is continued, for a
	// caller whose own parent sees it as the program (trec record PROG,
	// started by a shell). When the first process of the program enters a
	// group-stop (Ctrl-Z's SIGTSTP, SIGTTIN, SIGTTOU, SIGSTOP), the
	// recorder stops its own process with the same signal; the SIGCONT
	// that continues the job continues both. The caller must catch
	// SIGTSTP, SIGTTIN and SIGTTOU itself (signal.Notify) so that the
	// program, not the recorder, receives them first.
	JobControl bool
	// Log receives the recorder's own notices, a line each (such as "no
	// seccomp, every syscall stops"); nil discards them.
	Log io.Writer
	// Version is the trec version written into the trace header.
	Version string
	// Hooks change what the program sees (package hook), in order, from
	// the program's exec on. Each call a hook changes is recorded whole,
	// with a KindHook record per change between its enter and its exit,
	// whatever Filter selects; with a Filter, the seccomp filter also
	// stops every syscall a hook selects.
	Hooks []hook.Hook

	// Replayable records what trec replay --exec needs to run the program
	// again against the recording (trec record --replayable): every
	// syscall (Filter must be empty), output buffers whole up to 16 MiB
	// each whatever CaptureSize says, the vDSO of every program turned
	// off so that clock reads are syscalls, the AT_RANDOM bytes of every
	// exec, the environment and the inherited signal state in the header.
	// It runs pinned (Pin) unless NoPin: one thread at a time, in the
	// order of their stops, which is the order a replay follows.
	Replayable bool

	// Driver, when set, steers the run stop by stop instead of recording
	// it (trec replay --exec; see Driver): Run writes no trace, out may be
	// nil, and Filter must be empty.
	Driver Driver
	// Path is the program to execute with Argv, when not the one Argv[0]
	// names through Env's PATH.
	Path string
	// ExtraFiles are open in the program as fds 3, 4, ...; a nil entry
	// leaves its fd closed.
	ExtraFiles []*os.File
	// StartState is what the program inherits in place of what this
	// process inherited: the ignored and blocked signals, the closed
	// standard fds (a replay gives the recorded ones).
	StartState *format.StartState
	// Session starts the program as the leader of a session of its own,
	// with no controlling terminal: a program left stopped (trec replay
	// --exec --until) is then never in a process group the kernel
	// finds orphaned, which would hang it up, when this process exits.
	Session bool

	// noSetSyscallInfo makes hooks apply their changes through the
	// registers, as on kernels without PTRACE_SET_SYSCALL_INFO (tests).
	noSetSyscallInfo bool
}

// Result says how the recording ended.
type Result struct {
	// ExitStatus is the first process's status as a shell reports it: its
	// exit code, or 128+N when signal N killed it.
	ExitStatus int
	// Signal is the signal that killed the first process, 0 when it
	// exited. A caller that stands for the program dies of it too (as
	// strace does), so that its own parent sees what it would have seen.
	Signal syscall.Signal
	// Events is the number of events written.
	Events uint64
	// Processes and Threads count the thread groups and threads seen.
	Processes int
	Threads   int
	// Duration is the time from the start of the program to the end of
	// the last traced process.
	Duration time.Duration

	// hookRegs is set when hooks changed syscalls through the registers
	// rather than PTRACE_SET_SYSCALL_INFO (tests).
	hookRegs bool
}

// StartError reports a program that could not be started.
type StartError struct {
	// Path is the program as the caller named it (Argv[0]).
	Path string
	// Err is the reason, usually a syscall.Errno (ENOENT, EACCES, ENOEXEC)
	// or exec.ErrNotFound.
	Err error
}

// Error returns "PROG: reason".
func (e *StartError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *StartError) Unwrap() error { return e.Err }

// ExitCode returns the status a shell gives the same failure: 127 when the
// program was not found, 126 when it was found but could not be executed.
func (e *StartError) ExitCode() int {
	if errors.Is(e.Err, ErrNotFound) || errors.Is(e.Err, fs.ErrNotExist) {
		return 127
	}
	return 126
}

// ErrNotFound is a StartError's reason when Argv[0] was not found in PATH.
var ErrNotFound = errors.New("command not found")

// MaxCaptureSize is the largest Options.CaptureSize and the most one event
// captures in all, its paths, argv and buffers together: an event is then
// a record well under format.MaxRecordSize, which every reader accepts,
// and the recorder's memory stays bounded whatever the program writes.
const MaxCaptureSize = 16 << 20

// Run starts opts.Argv under ptrace, records everything it and its
// descendants do into a trace written to out, waits for every traced
// process, orphans included, and returns how it ended.
//
// The trace header is written before the program starts, in one write. A
// program that is not found (or not executable) returns a *StartError
// before anything is written; one whose execve fails returns a
// *StartError after the header, and the caller discards out. When ctx is
// cancelled every traced process is killed, the trace is closed and ctx's
// error is returned with the Result.
//
// While it runs, Run ignores SIGCHLD in this process (the tracer then
// receives no signal per ptrace stop) and resets it to Go's default when it
// returns (to Go's handler); so do not wait for other child processes of this process during a
// recording (exec.Cmd.Wait would fail). It also makes the process a child
// subreaper (PR_SET_CHILD_SUBREAPER), and leaves it one, so that orphans of
// the program are reaped here.
func Run(ctx context.Context, opts Options, out io.Writer) (Result, error) {
	if len(opts.Argv) == 0 {
		return Result{}, errors.New("record: no program to run")
	}
	if opts.Argv[0] == "" {
		// As in a shell: "" is not found.
		return Result{}, &StartError{Path: "", Err: ErrNotFound}
	}
	if opts.Env == nil {
		opts.Env = os.Environ()
	}
	// The program inherits what this process inherited, as far as it is
	// known: ignored and blocked signals, and, where the caller left the
	// standard files to this process's, the ones that were closed.
	inherit, _ := startstate.At()
	closed := inherit.Closed
	inherit.Closed = 0
	for i, f := range []**os.File{&opts.Stdin, &opts.Stdout, &opts.Stderr} {
		if *f == nil {
			*f = []*os.File{os.Stdin, os.Stdout, os.Stderr}[i]
			inherit.Closed |= closed & (1 << i)
		}
	}
	if s := opts.StartState; s != nil {
		inherit = startstate.State{Ignored: s.IgnoredSignals, Blocked: s.BlockedSignals, Closed: uint8(s.ClosedFds), Exact: s.Exact}
	}
	opts.CaptureSize = min(max(opts.CaptureSize, 0), MaxCaptureSize)
	if opts.Replayable && opts.Filter != "" {
		return Result{}, errors.New("record: a replayable recording keeps every syscall: it takes no filter")
	}
	if opts.Driver != nil {
		if opts.Filter != "" {
			return Result{}, errors.New("record: a driven run stops at every syscall: it takes no filter")
		}
		opts.Replayable = true
	}
	if opts.Replayable && !opts.NoPin {
		opts.Pin = true
	}
	if opts.Dir != "" {
		if fi, err := os.Stat(opts.Dir); err != nil || !fi.IsDir() {
			if err == nil {
				err = unix.ENOTDIR
			}
			return Result{}, fmt.Errorf("record: working directory: %w", err)
		}
	}
	path, err := opts.Path, error(nil)
	if path == "" {
		path, err = lookPath(opts.Argv[0], opts.Dir, opts.Env)
	} else if filepath.IsAbs(path) || opts.Dir == "" {
		err = checkExecutable(path)
	} else {
		err = checkExecutable(filepath.Join(opts.Dir, path))
	}
	if err != nil {
		return Result{}, &StartError{Path: opts.Argv[0], Err: err}
	}
	t, err := newTracer(opts, path, out)
	if err != nil {
		return Result{}, err
	}
	if !t.all {
		if err := t.buildFilter(); err != nil {
			return Result{}, err
		}
	}
	t.inherit = inherit
	return t.record(ctx)
}

// record runs the tracer on a goroutine locked to its thread until the
// recording ends or ctx is done.
func (t *tracer) record(ctx context.Context) (Result, error) {
	type outcome struct {
		res Result
		err error
	}
	done := make(chan outcome, 1)
	go lockedOffMain(func() {
		// Every ptrace request must come from the thread that seized the
		// tracees. The thread is never unlocked: when this goroutine
		// returns it dies, and PTRACE_O_EXITKILL kills any tracee left.
		// Best effort: the thread's rseq area only makes every stop
		// dearer.
		rseq.Unregister()
		res, err := t.run()
		done <- outcome{res, err}
	})
	defer restoreSIGCHLD()

	var o outcome
	select {
	case o = <-done:
	case <-ctx.Done():
		t.cancel(context.Cause(ctx))
		o = <-done
		if o.err == nil && t.att == nil {
			o.err = ctx.Err()
		}
	}
	return o.res, o.err
}

// lockedOffMain runs fn on a goroutine locked to a thread other than the
// process's main thread. The tracer's wait4 sees the children of its own
// thread: on the main thread those include the children this process had
// before an exec (a shell's background job) and the orphans it reaps as a
// subreaper, which the recording would wait for and record as exits of
// its own. And Go keeps the main thread when a goroutine locked to it
// returns: the kernel would never end what it still traces.
func lockedOffMain(fn func()) {
	runtime.LockOSThread()
	if unix.Gettid() != unix.Getpid() {
		fn()
		return
	}
	// While this goroutine holds the main thread, another one cannot get
	// it.
	locked := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		close(locked)
		fn()
	}()
	<-locked
	runtime.UnlockOSThread()
}

// restoreSIGCHLD undoes the tracer's signal.Ignore(SIGCHLD).
// signal.Reset would not: for SIGCHLD it leaves the kernel disposition at
// SIG_IGN, and this process could no longer wait for its children.
// Notify installs Go's handler again and Stop leaves it in place.
func restoreSIGCHLD() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGCHLD)
	signal.Stop(c)
}

// lookPath finds the program the way a shell does: a name with a slash is
// taken relative to dir, one without is searched in env's PATH.
func lookPath(name, dir string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		p := name
		if !filepath.IsAbs(p) && dir != "" {
			p = filepath.Join(dir, p)
		}
		if err := checkExecutable(p); err != nil {
			return "", err
		}
		return name, nil
	}
	pathEnv := "/usr/local/bin:/usr/bin:/bin"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			pathEnv = v
		}
	}
	var denied error
	for _, d := range filepath.SplitList(pathEnv) {
		if d == "" {
			d = "."
		}
		p := filepath.Join(d, name)
		abs := p
		if !filepath.IsAbs(abs) && dir != "" {
			abs = filepath.Join(dir, abs)
		}
		err := checkExecutable(abs)
		if err == nil {
			if !filepath.IsAbs(p) && !strings.HasPrefix(p, ".") {
				p = "./" + p
			}
			return p, nil
		}
		if denied == nil && errors.Is(err, unix.EACCES) {
			denied = err
		}
	}
	if denied != nil {
		return "", denied
	}
	return "", ErrNotFound
}

// checkExecutable returns nil for a regular file this process may execute,
// ENOENT for a missing one, EISDIR for a directory (as bash says) and
// EACCES otherwise.
func checkExecutable(p string) error {
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) {
			return unix.ENOENT
		}
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return unix.EISDIR
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return unix.EACCES
	}
	if err := unix.Access(p, unix.X_OK); err != nil {
		return unix.EACCES
	}
	return nil
}

// startErrorFor converts the errno of the target's failed execve.
func startErrorFor(name string, errno syscall.Errno) *StartError {
	return &StartError{Path: name, Err: errno}
}
