// Package sysent describes the Linux system calls of each supported
// architecture: their numbers and names, the strace classes they belong to
// (%file, %network, ...) and the kinds of their arguments.
//
// The recorder uses the argument kinds to decide which tracee memory to
// capture at syscall entry and exit; the analyzer uses them to print calls
// the way strace does. ParseSet implements strace's -e trace= syntax.
//
// Numbers and names are generated (see gen.go) from the kernel UAPI headers
// completed by golang.org/x/sys/unix, so that every syscall the running
// kernel can make has a name. Classes follow strace's syscallent tables.
// Argument kinds are written by hand for the commonly seen syscalls; a
// syscall without them has a nil Args slice, and printers fall back to six
// hexadecimal arguments.
//
// Tables are built once and shared: the values returned by ForArch, Lookup
// and ByName must not be modified.
//
// The package depends on nothing but the standard library, and both
// architectures' tables are available on every host, so a trace recorded on
// one machine can be analyzed on another.
package sysent
