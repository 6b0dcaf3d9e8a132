// Package cshim runs the recorder's shim in C, before the Go runtime starts,
// in binaries built with cgo against glibc (whose constructors receive argv
// and the environment) and linked by the system's linker (Go's internal
// linker runs no C constructors); importing it is all it takes. Active says
// whether it is in effect.
//
// The recorder starts a program by re-executing its own binary as a shim
// (see package record): the shim stops itself until it is seized (and,
// until then, dies with the recorder: PR_SET_PDEATHSIG), installs
// the seccomp filter, gives itself the signals and standard fds the program
// inherits, and execs the program. A Go shim pays for a whole runtime start
// (about 4 ms here, as much as some programs run) only to make a dozen
// syscalls; a C constructor makes the same syscalls in a fraction of that
// and execs before the runtime exists. Elsewhere package record's Go shim
// does the same work.
//
// The constructor recognises the shim by what the recorder gives it: an
// environment whose last entry is TREC_SHIM=1 and argv[0] "trec-shim"; its
// arguments are the recorder's pid (the shim's parent, checked after it
// sets PR_SET_PDEATHSIG), the hex-encoded filter, the start state
// (startstate.State.String), the program's path and its argv. With
// argv[0] "trec-doorbell" and the recorder's pid alone, it is the
// recorder's doorbell instead: it sets PR_SET_PDEATHSIG, checks its
// parent, and sleeps until it is killed. Package record's tests hold the
// two in step.
package cshim
