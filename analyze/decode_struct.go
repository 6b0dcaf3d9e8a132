package analyze

import (
	"strconv"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// appendStruct appends a kernel struct argument decoded by its C type, or
// its address when the type is not decoded or the memory was not captured.
func (d *decoder) appendStruct(b []byte, a sysent.Arg, data []byte, ptr uint64) []byte {
	if ptr == 0 {
		return append(b, "NULL"...)
	}
	if data == nil {
		return appendPtr(b, ptr)
	}
	switch a.Type {
	case "stat":
		if st, ok := decodeStat(d.arch, data); ok {
			return appendStat(b, st)
		}
	case "statx":
		return appendStatx(b, data, ptr)
	case "timespec":
		if len(data) >= 16 {
			return appendTimespec(b, data, "tv_nsec")
		}
	case "timeval":
		if len(data) >= 16 {
			return appendTimespec(b, data, "tv_usec")
		}
	case "timespec[2]", "timeval[2]":
		unit := "tv_nsec"
		if a.Type == "timeval[2]" {
			unit = "tv_usec"
		}
		if len(data) >= 32 {
			b = append(b, '[')
			b = appendTimespec(b, data, unit)
			b = append(b, ", "...)
			b = appendTimespec(b, data[16:], unit)
			return append(b, ']')
		}
	case "itimerspec", "itimerval":
		unit := "tv_nsec"
		if a.Type == "itimerval" {
			unit = "tv_usec"
		}
		if len(data) >= 32 {
			b = append(b, "{it_interval="...)
			b = appendTimespec(b, data, unit)
			b = append(b, ", it_value="...)
			b = appendTimespec(b, data[16:], unit)
			return append(b, '}')
		}
	case "sigset_t":
		return appendSigset(b, data)
	case "int", "unsigned", "uid_t", "gid_t", "timer_t":
		if len(data) >= 4 {
			b = append(b, '[')
			if a.Type == "unsigned" || a.Type == "uid_t" || a.Type == "gid_t" {
				b = strconv.AppendUint(b, uint64(le.Uint32(data)), 10)
			} else {
				b = strconv.AppendInt(b, int64(int32(le.Uint32(data))), 10)
			}
			return append(b, ']')
		}
	case "loff_t", "time_t":
		if len(data) >= 8 {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(le.Uint64(data)), 10)
			return append(b, ']')
		}
	case "int[2]":
		if len(data) >= 8 {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(int32(le.Uint32(data))), 10)
			b = append(b, ", "...)
			b = strconv.AppendInt(b, int64(int32(le.Uint32(data[4:]))), 10)
			return append(b, ']')
		}
	case "sigaction":
		if len(data) >= 32 {
			return appendSigaction(b, data)
		}
	case "rlimit", "rlimit64":
		if len(data) >= 16 {
			b = append(b, "{rlim_cur="...)
			b = appendRlim(b, le.Uint64(data))
			b = append(b, ", rlim_max="...)
			b = appendRlim(b, le.Uint64(data[8:]))
			return append(b, '}')
		}
	case "new_utsname":
		if len(data) >= 65*2 {
			b = append(b, "{sysname="...)
			b = appendQuoted(b, cstring(data[:65]), -1, false)
			b = append(b, ", nodename="...)
			b = appendQuoted(b, cstring(data[65:130]), -1, false)
			return append(b, ", ...}"...)
		}
	case "rusage":
		if len(data) >= 32 {
			b = append(b, "{ru_utime="...)
			b = appendTimespec(b, data, "tv_usec")
			b = append(b, ", ru_stime="...)
			b = appendTimespec(b, data[16:], "tv_usec")
			return append(b, ", ...}"...)
		}
	case "sysinfo", "stack_t", "siginfo_t", "statfs":
		if b, ok := d.appendStructExtra(b, a.Type, data); ok {
			return b
		}
	case "sched_param":
		if len(data) >= 4 {
			b = append(b, "{sched_priority="...)
			b = strconv.AppendInt(b, int64(int32(le.Uint32(data))), 10)
			return append(b, '}')
		}
	}
	return appendPtr(b, ptr)
}

// appendTimespec appends {tv_sec=1, tv_nsec=500} (or tv_usec).
func appendTimespec(b []byte, data []byte, unit string) []byte {
	b = append(b, "{tv_sec="...)
	b = strconv.AppendInt(b, int64(le.Uint64(data)), 10)
	b = append(b, ", "...)
	b = append(b, unit...)
	b = append(b, '=')
	b = strconv.AppendInt(b, int64(le.Uint64(data[8:])), 10)
	return append(b, '}')
}

// appendRlim appends a resource limit as strace does: RLIM64_INFINITY,
// 8192*1024, or the number.
func appendRlim(b []byte, v uint64) []byte {
	switch {
	case v == ^uint64(0):
		return append(b, "RLIM64_INFINITY"...)
	case v > 0 && v%1024 == 0:
		b = strconv.AppendUint(b, v/1024, 10)
		return append(b, "*1024"...)
	}
	return strconv.AppendUint(b, v, 10)
}

var saFlags = xlat{
	{0x04000000, "SA_RESTORER"}, {0x08000000, "SA_ONSTACK"}, {0x10000000, "SA_RESTART"},
	{0x20000000, "SA_INTERRUPT"}, {0x40000000, "SA_NODEFER"}, {0x80000000, "SA_RESETHAND"},
	{4, "SA_SIGINFO"}, {1, "SA_NOCLDSTOP"}, {2, "SA_NOCLDWAIT"}, {0x400, "SA_UNSUPPORTED"},
	{0x800, "SA_EXPOSE_TAGBITS"},
}

// appendSigaction appends the kernel's struct sigaction (handler, flags,
// restorer, mask): {sa_handler=SIG_IGN, sa_mask=[], sa_flags=SA_RESTORER,
// sa_restorer=0x7f3a1c2b1e3d}.
func appendSigaction(b []byte, data []byte) []byte {
	handler := le.Uint64(data)
	flags := le.Uint64(data[8:])
	restorer := le.Uint64(data[16:])
	b = append(b, "{sa_handler="...)
	switch handler {
	case 0:
		b = append(b, "SIG_DFL"...)
	case 1:
		b = append(b, "SIG_IGN"...)
	default:
		b = appendPtr(b, handler)
	}
	b = append(b, ", sa_mask="...)
	b = appendSigset(b, data[24:32])
	b = append(b, ", sa_flags="...)
	b = appendFlags(b, saFlags, flags)
	if flags&0x04000000 != 0 {
		b = append(b, ", sa_restorer="...)
		b = appendPtr(b, restorer)
	}
	return append(b, '}')
}

// statInfo is the part of a struct stat that strace prints.
type statInfo struct {
	mode uint32
	size int64
	rdev uint64
}

// decodeStat reads struct stat in arch's layout.
func decodeStat(arch sysent.Arch, data []byte) (statInfo, bool) {
	if len(data) < 56 {
		return statInfo{}, false
	}
	if arch == sysent.ARM64 {
		return statInfo{mode: le.Uint32(data[16:]), rdev: le.Uint64(data[32:]), size: int64(le.Uint64(data[48:]))}, true
	}
	return statInfo{mode: le.Uint32(data[24:]), rdev: le.Uint64(data[40:]), size: int64(le.Uint64(data[48:]))}, true
}

var fileTypes = xlat{
	{0o140000, "S_IFSOCK"}, {0o120000, "S_IFLNK"}, {0o100000, "S_IFREG"}, {0o060000, "S_IFBLK"},
	{0o040000, "S_IFDIR"}, {0o020000, "S_IFCHR"}, {0o010000, "S_IFIFO"},
}

// appendFileMode appends a mode with its file type as strace does:
// S_IFREG|S_ISUID|0755.
func appendFileMode(b []byte, mode uint32) []byte {
	if n, ok := fileTypes.lookup(uint64(mode & 0o170000)); ok {
		b = append(b, n...)
		b = append(b, '|')
		for _, x := range [...]struct {
			bit  uint32
			name string
		}{{0o4000, "S_ISUID|"}, {0o2000, "S_ISGID|"}, {0o1000, "S_ISVTX|"}} {
			if mode&x.bit != 0 {
				b = append(b, x.name...)
			}
		}
		return appendMode(b, uint64(mode&0o777))
	}
	return appendMode(b, uint64(mode&0o7777))
}

// appendStat appends {st_mode=S_IFREG|0644, st_size=123, ...}, or st_rdev
// for devices, as strace abbreviates a struct stat.
func appendStat(b []byte, st statInfo) []byte {
	b = append(b, "{st_mode="...)
	b = appendFileMode(b, st.mode)
	if t := st.mode & 0o170000; t == 0o020000 || t == 0o060000 {
		b = append(b, ", st_rdev=makedev("...)
		major := (st.rdev>>8)&0xfff | (st.rdev>>32)&^0xfff
		minor := st.rdev&0xff | (st.rdev>>12)&^0xff
		b = appendHex(b, major)
		b = append(b, ", "...)
		b = appendHex(b, minor)
		b = append(b, ')')
	} else {
		b = append(b, ", st_size="...)
		b = strconv.AppendInt(b, st.size, 10)
	}
	return append(b, ", ...}"...)
}

// appendStatx appends a struct statx abbreviated as strace does.
func appendStatx(b []byte, data []byte, ptr uint64) []byte {
	if len(data) < 48 {
		return appendPtr(b, ptr)
	}
	b = append(b, "{stx_mask="...)
	mask := uint64(le.Uint32(data))
	b = appendFlags(b, statxMask, mask)
	b = append(b, ", stx_attributes="...)
	b = appendFlagsDflt(b, statxAttrs, le.Uint64(data[8:]), "STATX_ATTR_???")
	b = append(b, ", stx_mode="...)
	b = appendFileMode(b, uint32(le.Uint16(data[28:])))
	b = append(b, ", stx_size="...)
	b = strconv.AppendUint(b, le.Uint64(data[40:]), 10)
	return append(b, ", ...}"...)
}

// appendClone appends clone's arguments as strace names them:
// child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD,
// child_tidptr=0x7f3a1c2b1e3d.
func (d *decoder) appendClone(b []byte, c *Call) []byte {
	return d.appendCloneExit(d.appendCloneEnter(b, c), c)
}

// appendCloneEnter appends what strace prints of clone at its entry:
// child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD.
func (d *decoder) appendCloneEnter(b []byte, c *Call) []byte {
	a := c.Args()
	b = append(b, "child_stack="...)
	b = appendPtr(b, a[1])
	b = append(b, ", flags="...)
	return appendCloneFlags(b, a[0])
}

// appendCloneExit appends the pointers strace prints at clone's exit,
// each after ", ": parent_tid, tls, child_tidptr, as the flags use them.
func (d *decoder) appendCloneExit(b []byte, c *Call) []byte {
	a := c.Args()
	flags, ptid, ctid, tls := a[0], a[2], a[3], a[4]
	if d.arch == sysent.ARM64 {
		tls, ctid = a[3], a[4]
	}
	if flags&(0x100000|0x1000) != 0 { // CLONE_PARENT_SETTID, CLONE_PIDFD
		b = append(b, ", parent_tid="...)
		b = appendPtr(b, ptid)
	}
	if flags&0x80000 != 0 { // CLONE_SETTLS
		b = append(b, ", tls="...)
		b = appendPtr(b, tls)
	}
	if flags&(0x1000000|0x200000) != 0 { // CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID
		b = append(b, ", child_tidptr="...)
		b = appendPtr(b, ctid)
	}
	return b
}

// appendClone3 appends clone3's struct clone_args.
func (d *decoder) appendClone3(b []byte, c *Call) []byte {
	ptr := c.Args()[0]
	data := captureData(c.Enter, 0, format.CaptureStruct)
	if len(data) < 64 {
		return appendPtr(b, ptr)
	}
	u := func(off int) uint64 { return le.Uint64(data[off:]) }
	flags := u(0)
	b = append(b, "{flags="...)
	b = appendFlags(b, cloneFlags, flags)
	if flags&0x1000 != 0 {
		b = append(b, ", pidfd="...)
		b = appendPtr(b, u(8))
	}
	if flags&(0x1000000|0x200000) != 0 {
		b = append(b, ", child_tid="...)
		b = appendPtr(b, u(16))
	}
	if flags&0x100000 != 0 {
		b = append(b, ", parent_tid="...)
		b = appendPtr(b, u(24))
	}
	b = append(b, ", exit_signal="...)
	if sig := u(32); sig != 0 {
		b = appendSignal(b, int32(sig))
	} else {
		b = append(b, '0')
	}
	b = append(b, ", stack="...)
	b = appendPtr(b, u(40))
	b = append(b, ", stack_size="...)
	b = appendHex(b, u(48))
	if flags&0x80000 != 0 {
		b = append(b, ", tls="...)
		b = appendPtr(b, u(56))
	}
	return append(b, '}')
}

// appendExitPrefix appends what strace prints at a call's exit before the
// arguments that remain: clone3's " => {parent_tid=[N]}".
func (d *decoder) appendExitPrefix(b []byte, c *Call) []byte {
	if c.Name != "clone3" || c.Exit == nil || IsError(c.Exit.Ret) {
		return b
	}
	data := captureData(c.Enter, 0, format.CaptureStruct)
	if len(data) < 8 || le.Uint64(data)&0x100000 == 0 {
		return b
	}
	b = append(b, " => {parent_tid=["...)
	b = strconv.AppendInt(b, c.Exit.Ret, 10)
	return append(b, "]}"...)
}
