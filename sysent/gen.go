package sysent

// The syscall number tables are generated from the kernel UAPI headers and
// golang.org/x/sys/unix; see internal/mksysnum.
//go:generate go run ./internal/mksysnum
