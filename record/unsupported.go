//go:build !linux || !(amd64 || arm64)

package record

// The recorder is built on Linux's ptrace and knows the register layouts of
// amd64 and arm64 only. Building it elsewhere fails here on purpose.
var _ = record_package_needs_linux_on_amd64_or_arm64
