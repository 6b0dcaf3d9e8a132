package analyze

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// Syscall numbers of x86_64 used by the decoders' synthetic traces.
const (
	nrReadv        = 19
	nrIoctl        = 16
	nrRecvmsg      = 47
	nrGetdents64   = 217
	nrRtSigreturn  = 15
	nrNanosleep    = 35
	nrPrctl        = 157
	nrSchedGetaff  = 204
	nrMmap         = 9
	nrClockNsleep  = 230
	nrEpollWait    = 232
	nrEpollCtl     = 233
	nrSetsockopt   = 54
	nrPoll         = 7
	nrFcntlNr      = 72
	nrSocketNr     = 41
	nrSendtoNr     = 44
	nrPidfdGetfdNr = 438
)

// iovecs returns a struct iovec array: base, length pairs.
func iovecs(pairs ...uint64) string {
	var b []byte
	for _, v := range pairs {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	return string(b)
}

func withIndexCap(e ev, arg uint8, kind format.CaptureKind, index uint32, data string) ev {
	e.Captures = append(e.Captures, format.Capture{Arg: arg, Kind: kind, Index: index, Data: []byte(data)})
	return e
}

func u32s(vs ...uint32) string {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return string(b)
}

// dirents returns n linux_dirent64 records of 24 bytes.
func dirents(n int) string {
	var b []byte
	for i := range n {
		rec := make([]byte, 24)
		binary.LittleEndian.PutUint64(rec, uint64(i+1))
		binary.LittleEndian.PutUint16(rec[16:], 24)
		rec[19] = 'a'
		b = append(b, rec...)
	}
	return string(b)
}

// Traces recorded before the extra captures print as they did: what the
// new captures tell is missing, not misread.
func TestDumpWithoutExtraCaptures(t *testing.T) {
	evs := []ev{
		enter(1, 10, 10, nrReadv, 3, 0x1000, 2),
		withIndexCap(exit(2, 10, 10, nrReadv, 3), 1, format.CaptureIovec, 0, "vm\n"),
		enter(3, 10, 10, nrGetdents64, 3, 0x2000, 32768),
		func() ev {
			e := withCap(exit(4, 10, 10, nrGetdents64, 240), 1, format.CaptureBuffer, dirents(2))
			e.Captures[0].Size = 240
			return e
		}(),
		enter(5, 10, 10, nrRtSigreturn),
		exit(6, 10, 10, nrRtSigreturn, 0),
		enter(7, 10, 10, nrIoctl, 1, 0x5401, 0x3000),
		exit(8, 10, 10, nrIoctl, 0),
		{Kind: format.KindSignal, Time: 9000, Tid: 10, Pid: 10, Signal: format.Signal{Signo: 17, Code: 1, SenderPid: 11, Status: 0}},
	}
	checkLines(t, "old trace", dump(t, evs, FilterOptions{}, DumpOptions{}), `
readv(3, [{iov_base="vm\n", iov_len=3}], 2) = 3
getdents64(3, 0x2000 /* 2+ entries */, 32768) = 240
rt_sigreturn()                          = 0
ioctl(1, TCGETS, 0x3000)                = 0
--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=11, si_uid=0, si_status=0} ---
`)
}

func TestDumpExtraCaptures(t *testing.T) {
	siginfo := make([]byte, 48)
	binary.LittleEndian.PutUint32(siginfo, 17)
	binary.LittleEndian.PutUint32(siginfo[8:], 1)
	binary.LittleEndian.PutUint32(siginfo[16:], 11)
	binary.LittleEndian.PutUint64(siginfo[32:], 3)
	binary.LittleEndian.PutUint64(siginfo[40:], 150)
	termios := u32s(0x500, 0x5, 0xbf, 0x8a3b) + "\x00" + string(make([]byte, 19))
	cmsg := string(binary.LittleEndian.AppendUint64(nil, 20)) + u32s(1, 1, 5) + "\x00\x00\x00\x00"
	msghdr := iovecs(0, 0, 0x5000, 1, 0x6000, 24) + u32s(0, 0)
	evs := []ev{
		enter(1, 10, 10, nrReadv, 3, 0x1000, 3),
		withCap(withIndexCap(exit(2, 10, 10, nrReadv, 3), 1, format.CaptureIovec, 0, "vm\n"), 1, format.CaptureIovecArray, iovecs(0x7000, 100, 0, 0, 0x8000, 50)),
		enter(3, 10, 10, nrGetdents64, 3, 0x2000, 32768),
		withCap(func() ev {
			e := withCap(exit(4, 10, 10, nrGetdents64, 240), 1, format.CaptureBuffer, dirents(1))
			e.Captures[0].Size = 240
			return e
		}(), 1, format.CaptureCount, u32s(10)),
		enter(5, 10, 10, nrGetdents64, 3, 0x2000, 32768),
		exit(6, 10, 10, nrGetdents64, 0),
		withCap(enter(7, 10, 10, nrRtSigreturn), 0, format.CaptureSigmask, "\x00\x40\x00\x00\x00\x00\x00\x00"),
		exit(8, 10, 10, nrRtSigreturn, 0),
		enter(9, 10, 10, nrIoctl, 1, 0x5401, 0x3000),
		withCap(exit(10, 10, 10, nrIoctl, 0), 2, format.CaptureStruct, termios),
		withCap(ev{Kind: format.KindSignal, Time: 11000, Tid: 10, Pid: 10, Signal: format.Signal{Signo: 17, Code: 1, SenderPid: 11}}, 0, format.CaptureSiginfo, string(siginfo)),
		enter(12, 10, 10, nrIoctl, 3, 0x80047807, 0x3000),
		exit(13, 10, 10, nrIoctl, -25),
		enter(14, 10, 10, nrMmap, 0, 2<<20, 3, 0x40022|21<<26, 0xffffffff, 0),
		exit(15, 10, 10, nrMmap, -12),
		enter(16, 10, 10, nrPrctl, 36, 1, 0, 0, 0),
		exit(17, 10, 10, nrPrctl, 0),
		enter(18, 10, 10, nrPrctl, 0x7777, 1, 0, 3, 0),
		exit(19, 10, 10, nrPrctl, -22),
		enter(20, 10, 10, nrNanosleep, 0x4000, 0x4010),
		exit(21, 10, 10, nrNanosleep, 0),
		withCap(enter(22, 10, 10, nrRecvmsg, 4, 0x9000, 0), 1, format.CaptureStruct, msghdr),
		withCap(withCap(withCap(withIndexCap(exit(23, 10, 10, nrRecvmsg, 2), 1, format.CaptureIovec, 0, "hi"), 1, format.CaptureStruct, msghdr), 1, format.CaptureBuffer, cmsg), 1, format.CaptureIovecArray, iovecs(0x5100, 8)),
		enter(24, 10, 10, nrSchedGetaff, 0, 128, 0xa000),
		withCap(exit(25, 10, 10, nrSchedGetaff, 8), 2, format.CaptureBuffer, "\x05\x00\x00\x00\x00\x00\x00\x00"),
		withCap(enter(26, 10, 10, nrEpollCtl, 5, 1, 4, 0xb000), 3, format.CaptureStruct, u32s(1|1<<31, 4, 0)),
		exit(27, 10, 10, nrEpollCtl, 0),
		withCap(enter(28, 10, 10, nrEpollCtl, 5, 2, 4, 0xb000), 3, format.CaptureStruct, u32s(0x2000ffff, 7, 0)),
		exit(29, 10, 10, nrEpollCtl, 0),
	}
	checkLines(t, "extra captures", dump(t, evs, FilterOptions{}, DumpOptions{}), `
readv(3, [{iov_base="vm\n", iov_len=100}, {iov_base=NULL, iov_len=0}, {iov_base="", iov_len=50}], 3) = 3
getdents64(3, 0x2000 /* 10 entries */, 32768) = 240
getdents64(3, 0x2000 /* 0 entries */, 32768) = 0
rt_sigreturn({mask=[TERM]})             = 0
ioctl(1, TCGETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}) = 0
--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=11, si_uid=0, si_status=0, si_utime=3 /* 0.03 s */, si_stime=150 /* 1.50 s */} ---
ioctl(3, _IOC(_IOC_READ, 0x78, 0x7, 0x4), 0x3000) = -1 ENOTTY (Inappropriate ioctl for device)
mmap(NULL, 2097152, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|21<<MAP_HUGE_SHIFT, -1, 0) = -1 ENOMEM (Cannot allocate memory)
prctl(PR_SET_CHILD_SUBREAPER, 1)        = 0
prctl(0x7777 /* PR_??? */, 0x1, 0, 0x3, 0) = -1 EINVAL (Invalid argument)
nanosleep(0x4000, 0x4010)               = 0
recvmsg(4, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="hi", iov_len=8}], msg_iovlen=1, msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[5]}], msg_controllen=24, msg_flags=0}, 0) = 2
sched_getaffinity(0, 128, [0 2])        = 8
epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLIN|EPOLLET, data={u32=4, u64=4}}) = 0
epoll_ctl(5, EPOLL_CTL_DEL, 4, 0xb000)  = 0
`)
}

func TestDecodeFlagsAndNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  []byte
		want string
	}{
		{"ioctl known", appendIoctlReq(nil, 0x5413), "TIOCGWINSZ"},
		{"ioctl twice named", appendIoctlReq(nil, 0x5402), "SNDCTL_TMR_START or TCSETS"},
		{"ioctl none", appendIoctlReq(nil, 0x547f), "_IOC(_IOC_NONE, 0x54, 0x7f, 0)"},
		{"ioctl rw", appendIoctlReq(nil, 0xc0106401), "_IOC(_IOC_READ|_IOC_WRITE, 0x64, 0x1, 0x10)"},
		{"mmap type only", appendMmapFlags(nil, 0x2), "MAP_PRIVATE"},
		{"mmap shared validate", appendMmapFlags(nil, 0x3|0x80000), "MAP_SHARED_VALIDATE|MAP_SYNC"},
		{"mode pad", appendMode(nil, 7), "007"},
		{"file mode suid", appendFileMode(nil, 0o104755), "S_IFREG|S_ISUID|0755"},
		{"file mode sticky dir", appendFileMode(nil, 0o41777), "S_IFDIR|S_ISVTX|0777"},
		{"clock ticks", appendClockT(nil, 1), "1 /* 0.01 s */"},
		{"clock zero", appendClockT(nil, 0), "0"},
		{"xval unknown", appendXval(nil, prDumpable, 7, "SUID_DUMP_???"), "0x7 /* SUID_DUMP_??? */"},
		{"flags unknown", appendFlagsDflt(nil, pollFlags, 0x4000, "POLL???"), "0x4000 /* POLL??? */"},
		{"flags known and not", appendFlagsDflt(nil, pollFlags, 0x4001, "POLL???"), "POLLIN|0x4000"},
		{"cap", appendCap(nil, 21), "CAP_SYS_ADMIN"},
		{"cap unknown", appendCap(nil, 63), "0x3f /* CAP_??? */"},
		{"tcp states", appendTCPStateBits(nil, 1<<10|1<<1), "1<<TCP_ESTABLISHED|1<<TCP_LISTEN"},
		{"diag ext", appendDiagExt(nil, 1|1<<2), "1<<(INET_DIAG_MEMINFO-1)|1<<(INET_DIAG_VEGASINFO-1)"},
		{"errno 95", []byte(ErrnoName(95)), "EOPNOTSUPP"},
	} {
		if string(tc.got) != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, tc.got, tc.want)
		}
	}
}

// A netlink request and the kernel's refusal, as ip and ss exchange them.
func TestNetlink(t *testing.T) {
	d := decoder{arch: sysent.X86_64, strLen: DefaultStrLen}
	req := u32s(32) + "\x12\x00\x01\x03" + u32s(1, 0) + "\x00\x00\x00\x00" + u32s(0, 0, 0)
	if got := string(d.appendNetlink(nil, netlinkRoute, []byte(req), false)); got != `[{nlmsg_len=32, nlmsg_type=RTM_GETLINK, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP, nlmsg_seq=1, nlmsg_pid=0}, {ifi_family=AF_UNSPEC, ifi_type=ARPHRD_NETROM, ifi_index=0, ifi_flags=0, ifi_change=0}]` {
		t.Errorf("RTM_GETLINK: %s", got)
	}
	inner := u32s(20) + "\x16\x00\x05\x00" + u32s(2, 0) + "\x02\x00\x00\x00"
	errMsg := u32s(40) + "\x02\x00\x00\x00" + u32s(2, 77) + u32s(uint32(0xffffffa1)) + inner
	if got := string(d.appendNetlink(nil, netlinkRoute, []byte(errMsg), false)); got != `[{nlmsg_len=40, nlmsg_type=NLMSG_ERROR, nlmsg_flags=0, nlmsg_seq=2, nlmsg_pid=77}, {error=-EOPNOTSUPP, msg=[{nlmsg_len=20, nlmsg_type=RTM_GETADDR, nlmsg_flags=NLM_F_REQUEST|NLM_F_ACK, nlmsg_seq=2, nlmsg_pid=0}, {ifa_family=AF_INET, ...}]}]` {
		t.Errorf("NLMSG_ERROR: %s", got)
	}
	done := u32s(20) + "\x03\x00\x02\x00" + u32s(1, 77) + u32s(0)
	if got := string(d.appendNetlink(nil, netlinkRoute, []byte(done), false)); got != `[{nlmsg_len=20, nlmsg_type=NLMSG_DONE, nlmsg_flags=NLM_F_MULTI, nlmsg_seq=1, nlmsg_pid=77}, 0]` {
		t.Errorf("NLMSG_DONE: %s", got)
	}
}

// The decoders read captures a damaged or hostile trace may hold: any
// bytes, any length. They print what they can and never panic.
func TestDecodersSurviveGarbage(t *testing.T) {
	tab := sysent.ForArch(sysent.X86_64)
	rng := rand.New(rand.NewPCG(16, 16))
	kinds := []format.CaptureKind{format.CaptureString, format.CaptureBuffer, format.CaptureIovec,
		format.CaptureSockaddr, format.CaptureStruct, format.CaptureFD, format.CaptureIovecArray,
		format.CaptureCount, format.CaptureSiginfo, format.CaptureSigmask}
	garbage := func() string {
		n := []int{0, 1, 3, 4, 7, 8, 15, 16, 17, 24, 31, 48, 56, 64, 100, 120, 200}[rng.IntN(17)]
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
			if rng.IntN(3) == 0 {
				b[i] = []byte{0, 0xff, 0x10, 0x14}[rng.IntN(4)]
			}
		}
		return string(b)
	}
	var evs []ev
	us := int64(1)
	for name := range decKinds {
		sc, ok := tab.ByName(name)
		if !ok {
			continue
		}
		for round := 0; round < 40; round++ {
			var args [6]uint64
			for i := range args {
				args[i] = []uint64{0, 1, 2, 3, 0x5401, 0x5441, 0x1000, ^uint64(0), uint64(rng.Uint32())}[rng.IntN(9)]
			}
			in := enter(us, 10, 10, int32(sc.Nr), args[:]...)
			out := exit(us+1, 10, 10, int32(sc.Nr), []int64{0, 1, 2, 8, -4, -516, 64}[rng.IntN(7)])
			for range rng.IntN(6) {
				e := &in
				if rng.IntN(2) == 0 {
					e = &out
				}
				*e = withIndexCap(*e, uint8(rng.IntN(6)), kinds[rng.IntN(len(kinds))], uint32(rng.IntN(3)), garbage())
			}
			evs = append(evs, in, out)
			us += 2
		}
	}
	d := decoder{arch: sysent.X86_64, strLen: DefaultStrLen}
	for range 2000 {
		data := []byte(garbage() + garbage())
		if len(data) >= 4 && rng.IntN(2) == 0 {
			// A length that fits, to get past the first header.
			binary.LittleEndian.PutUint32(data, uint32(rng.IntN(len(data)+1)))
		}
		d.appendNetlink(nil, []int{netlinkRoute, netlinkSockDiag}[rng.IntN(2)], data, rng.IntN(2) == 0)
		d.appendCmsgs(nil, &Call{Name: "sendmsg"}, data, uint64(rng.IntN(300)), 0x1000)
		d.appendSiginfoRaw(nil, data)
		appendTermios(nil, data, 0x1000)
		appendPerfEventAttr(nil, data, 0x1000)
	}
	sig := withCap(ev{Kind: format.KindSignal, Time: us * 1000, Tid: 10, Pid: 10, Signal: format.Signal{Signo: 17, Code: 1}}, 0, format.CaptureSiginfo, garbage())
	evs = append(evs, sig)
	for _, opts := range []DumpOptions{{}, {FDPaths: true}, {JSON: true}, {StrLen: StrLenNone}} {
		if out := dump(t, evs, FilterOptions{}, opts); len(out) == 0 {
			t.Errorf("%+v: nothing printed", opts)
		}
	}
}
