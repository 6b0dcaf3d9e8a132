package analyze

import (
	"strconv"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// si_code values of signals sent by processes.
const (
	siUser   = 0
	siQueue  = -1
	siTimer  = -2
	siSigio  = -5
	siTkill  = -6
	cldExit  = 1
	sigChld  = 17
	sigIO    = 29
	sigSys   = 31
	clockTck = 100 // USER_HZ: the unit of si_utime and si_stime
)

// appendEventSiginfo appends the siginfo of signal event e between
// strace's "---": from the siginfo the recorder kept when it did, else
// from the fields every trace has.
func (d *decoder) appendEventSiginfo(b []byte, e *format.Event) []byte {
	if raw := captureData(e, 0, format.CaptureSiginfo); len(raw) >= 16 {
		return d.appendSiginfoRaw(b, raw)
	}
	return appendSiginfo(b, &e.Signal)
}

// appendSiginfoRaw appends a kernel siginfo_t, as much of it as data
// holds, the way strace's printsiginfo does:
// {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, si_uid=0, si_status=0, si_utime=0, si_stime=0}.
func (d *decoder) appendSiginfoRaw(b []byte, data []byte) []byte {
	u32 := func(off int) uint32 {
		if off+4 > len(data) {
			return 0
		}
		return le.Uint32(data[off:])
	}
	u64 := func(off int) uint64 {
		if off+8 > len(data) {
			return 0
		}
		return le.Uint64(data[off:])
	}
	s := format.Signal{Signo: int32(u32(0)), Errno: int32(u32(4)), Code: int32(u32(8))}
	if s.Signo == 0 {
		return append(b, "{}"...)
	}
	// The generic part: the name, the code, the errno.
	b = appendSiginfoHead(b, &s)
	source := func(b []byte) []byte {
		b = append(b, ", si_pid="...)
		b = strconv.AppendInt(b, int64(int32(u32(16))), 10)
		b = append(b, ", si_uid="...)
		return appendUint(b, uint64(u32(20)))
	}
	sigval := func(b []byte) []byte {
		b = append(b, ", si_int="...)
		b = strconv.AppendInt(b, int64(int32(u32(24))), 10)
		b = append(b, ", si_ptr="...)
		return appendPtr(b, u64(24))
	}
	if s.Code <= 0 {
		switch s.Code {
		case siUser, siTkill:
			b = source(b)
		case siTimer:
			b = append(b, ", si_timerid="...)
			b = appendHex(b, uint64(u32(16)))
			b = append(b, ", si_overrun="...)
			b = strconv.AppendInt(b, int64(int32(u32(20))), 10)
			b = sigval(b)
		case siSigio:
			b = append(b, ", si_band="...)
			b = strconv.AppendInt(b, int64(u64(16)), 10)
			b = append(b, ", si_fd="...)
			b = strconv.AppendInt(b, int64(int32(u32(24))), 10)
		default:
			b = source(b)
			if u64(24) != 0 {
				b = sigval(b)
			}
		}
		return append(b, '}')
	}
	switch {
	case s.Signo == sigChld:
		b = source(b)
		b = append(b, ", si_status="...)
		if s.Code == cldExit {
			b = strconv.AppendInt(b, int64(int32(u32(24))), 10)
		} else {
			b = appendSignalOrZero(b, int32(u32(24)))
		}
		b = append(b, ", si_utime="...)
		b = appendClockT(b, u64(32))
		b = append(b, ", si_stime="...)
		b = appendClockT(b, u64(40))
	case isFault(s.Signo) || s.Signo == 5: // and SIGTRAP
		b = append(b, ", si_addr="...)
		b = appendPtr(b, u64(16))
	case s.Signo == sigIO:
		if s.Code >= 1 && s.Code <= 6 {
			b = append(b, ", si_band="...)
			b = strconv.AppendInt(b, int64(u64(16)), 10)
			b = append(b, ", si_fd="...)
			b = strconv.AppendInt(b, int64(int32(u32(24))), 10)
		}
	case s.Signo == sigSys:
		b = append(b, ", si_call_addr="...)
		b = appendPtr(b, u64(16))
		b = append(b, ", si_syscall="...)
		nr, arch := u32(24), u32(28)
		if a := sysent.ArchFromAudit(arch); a != sysent.ArchUnknown {
			if sc := sysent.ForArch(a).Lookup(int(nr)); sc != nil {
				b = append(b, "__NR_"...)
				b = append(b, sc.Name...)
			} else {
				b = appendUint(b, uint64(nr))
			}
		} else {
			b = appendUint(b, uint64(nr))
		}
		b = append(b, ", si_arch="...)
		b = appendXval(b, auditArches, uint64(arch), "AUDIT_ARCH_???")
	default:
		if u32(16) != 0 || u32(20) != 0 {
			b = source(b)
		}
		if u64(24) != 0 {
			b = sigval(b)
		}
	}
	return append(b, '}')
}

var auditArches = xlat{{uint64(sysent.AuditArchX86_64), "AUDIT_ARCH_X86_64"}, {uint64(sysent.AuditArchAARCH64), "AUDIT_ARCH_AARCH64"}}

// appendClockT appends a time in clock ticks as strace does: 1 /* 0.01 s */.
func appendClockT(b []byte, v uint64) []byte {
	b = appendUint(b, v)
	if v == 0 {
		return b
	}
	b = append(b, " /* "...)
	b = appendUint(b, v/clockTck)
	b = append(b, '.')
	if f := v % clockTck; f < 10 {
		b = append(b, '0', byte('0'+f))
	} else {
		b = appendUint(b, f)
	}
	return append(b, " s */"...)
}
