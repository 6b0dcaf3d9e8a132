//go:build linux && arm64

package record

// sigframeMaskOffset is where uc_sigmask lies from the stack pointer at the
// entry of rt_sigreturn: the frame starts there with the siginfo (128
// bytes), then the ucontext (flags, link, stack_t, then the mask).
const sigframeMaskOffset = 128 + 8 + 8 + 24
