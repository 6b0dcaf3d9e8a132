//go:build linux && amd64

package record

// sigframeMaskOffset is where uc_sigmask lies from the stack pointer at the
// entry of rt_sigreturn: the frame (pretcode, then the ucontext: flags,
// link, stack_t, mcontext) starts one word below it, the return from the
// handler having popped pretcode.
const sigframeMaskOffset = -8 + 8 + 8 + 8 + 24 + 256
