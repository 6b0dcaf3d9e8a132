package sysent

import "fmt"

// Arch identifies a syscall ABI.
type Arch uint8

// The supported ABIs.
const (
	ArchUnknown Arch = iota
	X86_64           // x86-64, 64-bit ABI (not x32, not i386)
	ARM64            // AArch64
)

// Audit architecture values, as PTRACE_GET_SYSCALL_INFO and seccomp report
// them (AUDIT_ARCH_* in linux/audit.h).
const (
	AuditArchX86_64  uint32 = 0xc000003e
	AuditArchAARCH64 uint32 = 0xc00000b7
)

// String returns the name uname -m prints: "x86_64", "aarch64".
func (a Arch) String() string {
	switch a {
	case X86_64:
		return "x86_64"
	case ARM64:
		return "aarch64"
	}
	return fmt.Sprintf("arch(%d)", uint8(a))
}

// ArchFromAudit returns the Arch of an AUDIT_ARCH_* value, or ArchUnknown.
func ArchFromAudit(audit uint32) Arch {
	switch audit {
	case AuditArchX86_64:
		return X86_64
	case AuditArchAARCH64:
		return ARM64
	}
	return ArchUnknown
}

// Audit returns the AUDIT_ARCH_* value of a, the inverse of ArchFromAudit,
// or 0 for ArchUnknown.
func (a Arch) Audit() uint32 {
	switch a {
	case X86_64:
		return AuditArchX86_64
	case ARM64:
		return AuditArchAARCH64
	}
	return 0
}

// ParseArch parses an architecture name as String prints it. The Go names
// "amd64" and "arm64" are accepted too.
func ParseArch(s string) (Arch, error) {
	switch s {
	case "x86_64", "amd64":
		return X86_64, nil
	case "aarch64", "arm64":
		return ARM64, nil
	}
	return ArchUnknown, fmt.Errorf("unknown architecture %q", s)
}
