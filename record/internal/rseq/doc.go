// Package rseq takes the calling thread out of restartable sequences
// (rseq(2)), which glibc registers for every thread it starts.
//
// A thread with an rseq area costs the kernel an update of that area each
// time the thread returns to user space after being scheduled out. The
// recorder's thread is scheduled out twice per ptrace stop, and in a binary
// built with cgo, Go's threads are glibc's: the updates made the pinned dd
// recording 2.5 to 3% slower than the same recording without cgo. Go code
// makes no use of rseq, so the recorder unregisters its own thread's area.
package rseq
