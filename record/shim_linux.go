//go:build linux

package record

import (
	"encoding/binary"
	"encoding/hex"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	// Built with cgo, its constructor is the shim, and the Go shim below
	// never runs.
	_ "github.com/trecdev/trec/record/internal/cshim"
	"github.com/trecdev/trec/record/internal/startstate"
	"github.com/trecdev/trec/record/seccomp"
)

// shimMarker is appended to the environment of the shim, as its last entry,
// by the tracer that starts it. The shim removes it before exec'ing the
// target, so the target's environment is the one the caller asked for.
const shimMarker = "TREC_SHIM=1"

// shimArg0 is the shim's argv[0]; argv[1] is the recorder's pid, the
// shim's parent, argv[2] the seccomp filter to install, hex-encoded (""
// for none), argv[3] the signals and standard fds the target inherits
// (startstate.State), argv[4] the resolved path of the target and argv[5:]
// its argv.
const shimArg0 = "trec-shim"

func init() {
	// Package initialization runs on the main thread, the thread the
	// tracer seizes: the exec must come from it, or the target would start
	// untraced.
	MaybeRunShim()
}

// MaybeRunShim turns this process into the pre-exec shim when the recorder
// started it as one, and then never returns; otherwise it returns at once.
//
// The recorder starts a traced program by re-executing its own binary
// (/proc/self/exe) as a shim that stops itself with SIGSTOP, waits to be
// seized, and execs the program. Where the C shim (package
// record/internal/cshim) is active it has done that before any Go code
// runs, and MaybeRunShim is never reached in a shim. The package's init
// function already calls MaybeRunShim on the main thread, where the shim
// must run; calling it first thing in main (or TestMain) only makes that
// visible.
func MaybeRunShim() {
	env := os.Environ()
	if len(env) == 0 || env[len(env)-1] != shimMarker {
		return
	}
	if len(os.Args) == 2 && os.Args[0] == doorbellArg0 {
		runDoorbell(os.Args[1])
	}
	if len(os.Args) < 6 || os.Args[0] != shimArg0 {
		os.Exit(127)
	}
	inherit, err := startstate.Parse(os.Args[3])
	if err != nil {
		os.Exit(127)
	}
	runShim(os.Args[1], os.Args[2], inherit, os.Args[4], os.Args[5:], env[:len(env)-1])
}

// runShim is the one place where setup between fork and the target's exec
// happens. None of its syscalls reach the trace: the tracer records from
// the target's execve on.
//
// Until the tracer seizes it, the shim dies with the thread that started
// it (PR_SET_PDEATHSIG), or at once when that thread's process, tracer,
// is no longer its parent; seized, PTRACE_O_EXITKILL ties it to the tracer
// instead.
//
// Its last step before the exec installs the seccomp filter, on this
// thread only (the runtime's other threads are not traced, and a selected
// syscall of theirs would fail). When that fails the program runs without
// it; the tracer notices, as the shim's execve then makes no seccomp stop,
// and stops at every syscall instead.
func runShim(tracer, filter string, inherit startstate.State, path string, argv, env []string) {
	// The exec and the filter must come from the thread the tracer
	// seized: the main thread, which package initialization runs on.
	runtime.LockOSThread()

	// The parent-death signal of this thread, which execs the program.
	unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0)
	if strconv.Itoa(unix.Getppid()) != tracer {
		os.Exit(127)
	}

	// A disposition of SIG_IGN survives execve: the target must start
	// with SIGCHLD at its default even if the tracer ignored it.
	var dfl [4]uint64 // struct sigaction {handler, flags, restorer, mask}: SIG_DFL
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGCHLD), uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0)

	// Wait, stopped, until the tracer has seized this thread.
	unix.Kill(unix.Getpid(), unix.SIGSTOP)

	// Seized, PTRACE_O_EXITKILL takes over, and the program must not
	// inherit the parent-death signal. Continued by another SIGCONT
	// before the seizure, the process keeps it.
	if traced() {
		unix.Prctl(unix.PR_SET_PDEATHSIG, 0, 0, 0, 0)
	}

	if prog, ok := decodeFilter(filter); ok && len(prog) > 0 {
		seccomp.InstallThread(prog)
	}
	// The dispositions, mask and closed fds trec itself started with;
	// nothing that relies on Go's signal handling runs after this.
	inherit.Apply()
	err := syscall.Exec(path, argv, env)
	// The tracer saw the failed execve and reports it; the status is a
	// shell's for the same failure.
	if err == syscall.ENOENT {
		os.Exit(127)
	}
	os.Exit(126)
}

// traced reports whether this process has a tracer, from the TracerPid line
// of /proc/self/status.
func traced() bool {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	_, rest, ok := strings.Cut(string(b), "\nTracerPid:")
	if !ok {
		return false
	}
	pid, _, _ := strings.Cut(strings.TrimLeft(rest, " \t"), "\n")
	return pid != "0" && pid != ""
}

// encodeFilter writes a BPF program as hex for the shim's argv, each
// instruction as code, jt, jf and k in little-endian order.
func encodeFilter(prog []unix.SockFilter) string {
	b := make([]byte, 0, 8*len(prog))
	for _, in := range prog {
		b = binary.LittleEndian.AppendUint16(b, in.Code)
		b = append(b, in.Jt, in.Jf)
		b = binary.LittleEndian.AppendUint32(b, in.K)
	}
	return hex.EncodeToString(b)
}

// decodeFilter reads what encodeFilter wrote.
func decodeFilter(s string) ([]unix.SockFilter, bool) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b)%8 != 0 {
		return nil, false
	}
	prog := make([]unix.SockFilter, len(b)/8)
	for i := range prog {
		in := b[8*i:]
		prog[i] = unix.SockFilter{Code: binary.LittleEndian.Uint16(in), Jt: in[2], Jf: in[3], K: binary.LittleEndian.Uint32(in[4:])}
	}
	return prog, true
}
