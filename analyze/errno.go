package analyze

import (
	"strconv"

	"golang.org/x/sys/unix"
)

// kernelErrnoBase is the first of the kernel's internal errno values.
const kernelErrnoBase = 512

// kernelErrnos are the errno values the kernel uses internally and that a
// tracer sees at syscall exit, with strace's names and messages.
var kernelErrnos = [...]struct{ name, msg string }{
	512 - kernelErrnoBase: {"ERESTARTSYS", "To be restarted if SA_RESTART is set"},
	513 - kernelErrnoBase: {"ERESTARTNOINTR", "To be restarted"},
	514 - kernelErrnoBase: {"ERESTARTNOHAND", "To be restarted if no handler"},
	515 - kernelErrnoBase: {"ENOIOCTLCMD", "No ioctl command"},
	516 - kernelErrnoBase: {"ERESTART_RESTARTBLOCK", "Interrupted by signal"},
	517 - kernelErrnoBase: {"EPROBE_DEFER", "Driver requests probe retry"},
	518 - kernelErrnoBase: {"EOPENSTALE", "Open found a stale dentry"},
	519 - kernelErrnoBase: {"ENOPARAM", "Parameter not supported"},
	521 - kernelErrnoBase: {"EBADHANDLE", "Illegal NFS file handle"},
	522 - kernelErrnoBase: {"ENOTSYNC", "Update synchronization mismatch"},
	523 - kernelErrnoBase: {"EBADCOOKIE", "Cookie is stale"},
	524 - kernelErrnoBase: {"ENOTSUPP", "Operation is not supported"},
	525 - kernelErrnoBase: {"ETOOSMALL", "Buffer or request is too small"},
	526 - kernelErrnoBase: {"ESERVERFAULT", "An untranslatable error occurred"},
	527 - kernelErrnoBase: {"EBADTYPE", "Type not supported by server"},
	528 - kernelErrnoBase: {"EJUKEBOX", "Request initiated, but will not complete before timeout"},
	529 - kernelErrnoBase: {"EIOCBQUEUED", "iocb queued, will get completion event"},
	530 - kernelErrnoBase: {"ERECALLCONFLICT", "Conflict with recalled state"},
	531 - kernelErrnoBase: {"ENOGRACE", "NFS file lock reclaim refused"},
}

// ErrnoName returns the symbolic name of errno e, such as "ENOENT", or ""
// when it has none.
func ErrnoName(e int) string {
	if e >= kernelErrnoBase && e-kernelErrnoBase < len(kernelErrnos) {
		return kernelErrnos[e-kernelErrnoBase].name
	}
	if e <= 0 || e > 4095 {
		return ""
	}
	if e == int(unix.EOPNOTSUPP) {
		// ENOTSUP's value too: strace and glibc's tables name it so.
		return "EOPNOTSUPP"
	}
	return unix.ErrnoName(unix.Errno(e))
}

// ErrnoMessage returns the C library's message for errno e, such as "No
// such file or directory".
func ErrnoMessage(e int) string {
	if e >= kernelErrnoBase && e-kernelErrnoBase < len(kernelErrnos) {
		return kernelErrnos[e-kernelErrnoBase].msg
	}
	msg := unix.Errno(e).Error()
	if len(msg) > 0 && msg[0] >= 'a' && msg[0] <= 'z' {
		msg = string(msg[0]-'a'+'A') + msg[1:]
	}
	return msg
}

// IsError reports whether a raw syscall return value is a negated errno,
// the range [-4095, -1] the kernel reserves for errors.
func IsError(ret int64) bool { return ret < 0 && ret >= -4095 }

// isRestart reports whether errno e is one of the kernel's restart codes,
// after which strace prints "= ?" rather than "-1".
func isRestart(e int) bool { return e >= 512 && e <= 516 }

// appendErrno appends " ENOENT (No such file or directory)" style text,
// with the leading "-1" or "?" chosen by the caller.
func appendErrno(b []byte, e int) []byte {
	name := ErrnoName(e)
	if name == "" {
		b = append(b, "errno "...)
		b = strconv.AppendInt(b, int64(e), 10)
	} else {
		b = append(b, name...)
	}
	b = append(b, " ("...)
	if e >= kernelErrnoBase && e-kernelErrnoBase < len(kernelErrnos) {
		b = append(b, kernelErrnos[e-kernelErrnoBase].msg...)
	} else if msg := unix.Errno(e).Error(); msg != "" {
		// Go's messages are glibc's with a lowercase first letter.
		c := msg[0]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		b = append(b, c)
		b = append(b, msg[1:]...)
	}
	return append(b, ')')
}
