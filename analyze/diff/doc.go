// Package diff compares two recordings of a program, for regression
// investigations: what really changed between a good run and a bad one.
//
// Both traces go through the analyze walker (fd tables, filters) and every
// call is normalized before it is compared: pids and tids become
// references to processes and threads that are matched between the runs
// (by the programs they exec'd and their argv, then by the programs alone,
// in order of creation); fds become what they refer to and their order
// among the process's fds that refer to alike things; pointers, mmap
// addresses, times, random bytes, inode numbers and the environment are
// masked. Reads and writes on pipes, sockets and terminals are compared as
// one byte stream per fd and direction, since their chunking depends on
// scheduling; calls on regular files are compared one by one. Each matched
// pair of threads' calls is then aligned with a sequence diff (Myers'
// algorithm over hashed calls, see seq.go).
//
// Compare makes one pass over each trace (both at once) and, when hunks are
// to be shown, a second pass that prints their calls with analyze's
// Printer, stopping once it has them. Memory grows with the number of
// compared calls (8 bytes each), not with their size.
package diff
