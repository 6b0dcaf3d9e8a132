package analyze

import (
	"strconv"

	"github.com/trecdev/trec/format"
)

// prctl options whose arguments strace decodes.
const (
	prSetPdeathsig    = 1
	prGetPdeathsig    = 2
	prGetDumpable     = 3
	prSetDumpable     = 4
	prGetUnalign      = 5
	prSetUnalign      = 6
	prGetKeepcaps     = 7
	prSetKeepcaps     = 8
	prGetFpemu        = 9
	prSetFpemu        = 10
	prGetFpexc        = 11
	prSetFpexc        = 12
	prGetTiming       = 13
	prSetTiming       = 14
	prSetName         = 15
	prGetName         = 16
	prGetEndian       = 19
	prSetEndian       = 20
	prGetSeccomp      = 21
	prSetSeccomp      = 22
	prCapbsetRead     = 23
	prCapbsetDrop     = 24
	prGetTSC          = 25
	prSetTSC          = 26
	prGetSecurebits   = 27
	prSetSecurebits   = 28
	prSetTimerslack   = 29
	prGetTimerslack   = 30
	prPerfDisable     = 31
	prPerfEnable      = 32
	prSetMM           = 35
	prSetSubreaper    = 36
	prGetSubreaper    = 37
	prSetNoNewPrivs   = 38
	prGetTidAddress   = 40
	prSetTHPDisable   = 41
	prGetFPMode       = 46
	prCapAmbient      = 47
	prSetIOFlusher    = 57
	prSetVMA          = 0x53564d41
	prSetPtracer      = 0x59616d61
	prCapAmbientClear = 4
)

// prctlLayout returns how many of prctl's arguments strace prints for
// option, the option included, and the first printed at the exit.
func prctlLayout(option uint64) (n, split int) {
	switch uint32(option) {
	case prGetKeepcaps, prGetSeccomp, prGetTimerslack, prGetTiming, prGetDumpable,
		prGetSecurebits, prGetFPMode, prPerfDisable, prPerfEnable:
		return 1, 1
	case prGetSubreaper, prGetEndian, prGetFpemu, prGetFpexc, prGetName, prGetPdeathsig,
		prGetTidAddress, prGetTSC, prGetUnalign, prSetName:
		return 2, 1
	case prSetSubreaper, prSetEndian, prSetFpemu, prSetFpexc, prSetKeepcaps, prSetTiming,
		prSetDumpable, prCapbsetDrop, prCapbsetRead, prSetPdeathsig, prSetPtracer,
		prSetSecurebits, prSetTimerslack, prSetTSC, prSetUnalign, 45: // PR_SET_FP_MODE
		return 2, 2
	case prSetSeccomp:
		return 3, 3
	}
	return 5, 5
}

// appendPrctlArg appends prctl's argument i as its option reads.
func (d *decoder) appendPrctlArg(b []byte, c *Call, i int) []byte {
	args := c.Args()
	option, v := uint32(args[0]), args[i]
	if i == 0 {
		return appendXval(b, prctlOptionNames, uint64(option), "PR_???")
	}
	switch option {
	case prGetSubreaper, prGetEndian, prGetFpemu, prGetFpexc, prGetPdeathsig, prGetTSC, prGetUnalign:
		data := d.prctlOut(c, i)
		if data == nil {
			return appendPtr(b, v)
		}
		n := uint64(le.Uint32(data))
		b = append(b, '[')
		switch option {
		case prGetPdeathsig:
			b = appendSignalOrZero(b, int32(n))
		case prGetTSC:
			b = appendXval(b, prTSC, n, "PR_TSC_???")
		case prGetUnalign:
			b = appendFlagsDflt(b, prUnalign, n, "PR_UNALIGN_???")
		default:
			b = appendUint(b, n)
		}
		return append(b, ']')
	case prGetTidAddress:
		data := d.prctlOut(c, i)
		if len(data) < 8 {
			return appendPtr(b, v)
		}
		b = append(b, '[')
		b = appendPtr(b, le.Uint64(data))
		return append(b, ']')
	case prGetName:
		if c.Exit == nil || IsError(c.Exit.Ret) {
			return appendPtr(b, v)
		}
		if s := findCapture(c.Exit, 1, format.CaptureString); s != nil {
			return appendQuoted(b, s.Data, -1, false)
		}
		return appendPtr(b, v)
	case prSetName:
		if s := findCapture(c.Exit, 1, format.CaptureString); s != nil {
			// strace reads at most TASK_COMM_LEN-1 bytes.
			return appendQuoted(b, s.Data, 15, s.Truncated())
		}
		return appendPtr(b, v)
	case prSetSubreaper, prSetEndian, prSetFpemu, prSetFpexc, prSetKeepcaps, prSetTiming:
		return appendUint(b, v)
	case prSetDumpable:
		return appendXval(b, prDumpable, v, "SUID_DUMP_???")
	case prCapbsetRead, prCapbsetDrop:
		return appendCap(b, v)
	case prCapAmbient:
		switch {
		case i == 1:
			return appendXval(b, prCapAmbientOps, v, "PR_CAP_AMBIENT_???")
		case i == 2 && args[1] >= 1 && args[1] < prCapAmbientClear:
			return appendCap(b, v)
		}
	case prSetVMA:
		switch {
		case i == 1:
			return appendXval(b, prSetVMAOps, v, "PR_SET_VMA_???")
		case args[1] != 0:
		case i == 2 || i == 4:
			return appendPtr(b, v)
		case i == 3:
			return appendUint(b, v)
		}
	case prSetMM:
		if i == 1 {
			return appendXval(b, prSetMMOps, v, "PR_SET_MM_???")
		}
	case prSetPdeathsig:
		if v > 128 {
			return appendUint(b, v)
		}
		return appendSignalOrZero(b, int32(v))
	case prSetPtracer:
		if int32(v) == -1 {
			return append(b, "PR_SET_PTRACER_ANY"...)
		}
		return strconv.AppendInt(b, int64(int32(v)), 10)
	case prSetSeccomp:
		if i == 1 {
			return appendXval(b, seccompModes, v, "SECCOMP_MODE_???")
		}
		return appendPtr(b, v)
	case prSetSecurebits:
		return appendFlagsDflt(b, secureBits, v, "SECBIT_???")
	case prSetTimerslack:
		return strconv.AppendInt(b, int64(v), 10)
	case prSetTSC:
		return appendXval(b, prTSC, v, "PR_TSC_???")
	case prSetUnalign:
		return appendFlagsDflt(b, prUnalign, v, "PR_UNALIGN_???")
	case prSetNoNewPrivs, prSetTHPDisable, prSetIOFlusher:
		if i == 1 {
			return appendUint(b, v)
		}
	}
	return appendHex(b, v)
}

// prctlOut returns the memory a successful prctl wrote through argument
// i, as the recorder captured it.
func (d *decoder) prctlOut(c *Call, i int) []byte {
	if c.Exit == nil || IsError(c.Exit.Ret) {
		return nil
	}
	if data := captureData(c.Exit, i, format.CaptureStruct); len(data) >= 4 {
		return data
	}
	return nil
}

// appendSignalOrZero appends a signal's name, or 0.
func appendSignalOrZero(b []byte, sig int32) []byte {
	if sig == 0 {
		return append(b, '0')
	}
	return appendSignal(b, sig)
}
