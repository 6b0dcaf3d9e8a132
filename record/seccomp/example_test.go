package seccomp_test

import (
	"fmt"
	"log"
	"os"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/record/seccomp"
)

func ExampleFilter() {
	prog, err := seccomp.Filter(unix.AUDIT_ARCH_X86_64, []int{unix.SYS_OPENAT, unix.SYS_EXECVE})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(prog), "instructions")
	// Output: 11 instructions
}

// The last steps of the shim, started by a tracer that set
// PTRACE_O_TRACESECCOMP: install the filter, then exec the target, which
// inherits it. (It needs a tracer, so it has no Output and does not run.)
func ExampleInstall() {
	prog, err := seccomp.Filter(unix.AUDIT_ARCH_X86_64, []int{unix.SYS_OPENAT, unix.SYS_EXECVE})
	if err != nil {
		log.Fatal(err)
	}
	if err := seccomp.Install(prog); err != nil {
		log.Fatal(err)
	}
	err = unix.Exec("/bin/true", []string{"true"}, os.Environ())
	log.Fatal(err)
}
