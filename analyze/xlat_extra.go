package analyze

import "strconv"

// appendXval appends v's name in x, or v in hex followed by strace's
// comment naming the set: 0x3f /* CAP_??? */.
func appendXval(b []byte, x xlat, v uint64, dflt string) []byte {
	if n, ok := x.lookup(v); ok {
		return append(b, n...)
	}
	b = appendHex(b, v)
	return appendComment(b, dflt)
}

// appendFlagsDflt appends v as appendFlags does, with strace's comment
// naming the set when no flag of x is set: 0x8000 /* POLL??? */.
func appendFlagsDflt(b []byte, x xlat, v uint64, dflt string) []byte {
	for _, e := range x {
		if (e.val == 0 && v == 0) || (e.val != 0 && v&e.val == e.val) {
			return appendFlags(b, x, v)
		}
	}
	if v == 0 {
		return append(b, '0')
	}
	b = appendHex(b, v)
	return appendComment(b, dflt)
}

// appendComment appends " /* s */".
func appendComment(b []byte, s string) []byte {
	b = append(b, " /* "...)
	b = append(b, s...)
	return append(b, " */"...)
}

// appendUint appends v in decimal.
func appendUint(b []byte, v uint64) []byte { return strconv.AppendUint(b, v, 10) }

var rwfFlags = xlat{{1, "RWF_HIPRI"}, {2, "RWF_DSYNC"}, {4, "RWF_SYNC"}, {8, "RWF_NOWAIT"}, {16, "RWF_APPEND"}}

var pollFlags = xlat{
	{0x1, "POLLIN"}, {0x2, "POLLPRI"}, {0x4, "POLLOUT"}, {0x8, "POLLERR"}, {0x10, "POLLHUP"},
	{0x20, "POLLNVAL"}, {0x40, "POLLRDNORM"}, {0x80, "POLLRDBAND"}, {0x100, "POLLWRNORM"},
	{0x200, "POLLWRBAND"}, {0x400, "POLLMSG"}, {0x1000, "POLLREMOVE"}, {0x2000, "POLLRDHUP"},
	{0x8000, "POLL_BUSY_LOOP"},
}

var epollEvents = xlat{
	{0x1, "EPOLLIN"}, {0x2, "EPOLLPRI"}, {0x4, "EPOLLOUT"}, {0x8, "EPOLLERR"}, {0x10, "EPOLLHUP"},
	{0x20, "EPOLLNVAL"}, {0x40, "EPOLLRDNORM"}, {0x80, "EPOLLRDBAND"}, {0x100, "EPOLLWRNORM"},
	{0x200, "EPOLLWRBAND"}, {0x400, "EPOLLMSG"}, {0x2000, "EPOLLRDHUP"}, {0x10000000, "EPOLLEXCLUSIVE"},
	{0x20000000, "EPOLLWAKEUP"}, {0x40000000, "EPOLLONESHOT"}, {0x80000000, "EPOLLET"},
}

// socketLevelNames are the SOL_* levels as strace names them; the default
// is "SOL_??".
var socketLevelNames = xlat{
	{0, "SOL_IP"}, {1, "SOL_SOCKET"}, {6, "SOL_TCP"}, {17, "SOL_UDP"}, {40, "AF_VSOCK"}, {41, "SOL_IPV6"},
	{58, "SOL_ICMPV6"}, {100, "SOL_CAN_BASE"}, {101, "SOL_CAN_RAW"}, {132, "SOL_SCTP"}, {136, "SOL_UDPLITE"},
	{255, "SOL_RAW"}, {256, "SOL_IPX"}, {257, "SOL_AX25"}, {258, "SOL_ATALK"}, {259, "SOL_NETROM"},
	{260, "SOL_ROSE"}, {261, "SOL_DECNET"}, {262, "SOL_X25"}, {263, "SOL_PACKET"}, {264, "SOL_ATM"},
	{265, "SOL_AAL"}, {266, "SOL_IRDA"}, {267, "SOL_NETBEUI"}, {268, "SOL_LLC"}, {269, "SOL_DCCP"},
	{270, "SOL_NETLINK"}, {271, "SOL_TIPC"}, {272, "SOL_RXRPC"}, {273, "SOL_PPPOL2TP"},
	{274, "SOL_BLUETOOTH"}, {275, "SOL_PNPIPE"}, {276, "SOL_RDS"}, {277, "SOL_IUCV"}, {278, "SOL_CAIF"},
	{279, "SOL_ALG"}, {280, "SOL_NFC"}, {281, "SOL_KCM"}, {282, "SOL_TLS"}, {283, "SOL_XDP"},
}

// Socket option levels decoded here.
const (
	solIP      = 0
	solSocket  = 1
	solTCP     = 6
	solUDP     = 17
	solIPv6    = 41
	solNetlink = 270
)

// sockOptions are the SOL_SOCKET options of x86_64 and aarch64.
var sockOptions = xlat{
	{1, "SO_DEBUG"}, {2, "SO_REUSEADDR"}, {3, "SO_TYPE"}, {4, "SO_ERROR"}, {5, "SO_DONTROUTE"},
	{6, "SO_BROADCAST"}, {7, "SO_SNDBUF"}, {8, "SO_RCVBUF"}, {9, "SO_KEEPALIVE"}, {10, "SO_OOBINLINE"},
	{11, "SO_NO_CHECK"}, {12, "SO_PRIORITY"}, {13, "SO_LINGER"}, {14, "SO_BSDCOMPAT"}, {15, "SO_REUSEPORT"},
	{16, "SO_PASSCRED"}, {17, "SO_PEERCRED"}, {18, "SO_RCVLOWAT"}, {19, "SO_SNDLOWAT"},
	{20, "SO_RCVTIMEO_OLD"}, {21, "SO_SNDTIMEO_OLD"}, {22, "SO_SECURITY_AUTHENTICATION"},
	{23, "SO_SECURITY_ENCRYPTION_TRANSPORT"}, {24, "SO_SECURITY_ENCRYPTION_NETWORK"},
	{25, "SO_BINDTODEVICE"}, {27, "SO_DETACH_FILTER"}, {28, "SO_PEERNAME"}, {29, "SO_TIMESTAMP_OLD"},
	{30, "SO_ACCEPTCONN"}, {31, "SO_PEERSEC"}, {32, "SO_SNDBUFFORCE"}, {33, "SO_RCVBUFFORCE"},
	{34, "SO_PASSSEC"}, {35, "SO_TIMESTAMPNS_OLD"}, {36, "SO_MARK"}, {37, "SO_TIMESTAMPING_OLD"},
	{38, "SO_PROTOCOL"}, {39, "SO_DOMAIN"}, {40, "SO_RXQ_OVFL"}, {41, "SO_WIFI_STATUS"},
	{42, "SO_PEEK_OFF"}, {43, "SO_NOFCS"}, {44, "SO_LOCK_FILTER"}, {45, "SO_SELECT_ERR_QUEUE"},
	{46, "SO_BUSY_POLL"}, {47, "SO_MAX_PACING_RATE"}, {48, "SO_BPF_EXTENSIONS"}, {49, "SO_INCOMING_CPU"},
	{50, "SO_ATTACH_BPF"}, {51, "SO_ATTACH_REUSEPORT_CBPF"}, {52, "SO_ATTACH_REUSEPORT_EBPF"},
	{53, "SO_CNX_ADVICE"}, {55, "SO_MEMINFO"}, {56, "SO_INCOMING_NAPI_ID"}, {57, "SO_COOKIE"},
	{59, "SO_PEERGROUPS"}, {60, "SO_ZEROCOPY"}, {61, "SO_TXTIME"}, {62, "SO_BINDTOIFINDEX"},
	{63, "SO_TIMESTAMP_NEW"}, {64, "SO_TIMESTAMPNS_NEW"}, {65, "SO_TIMESTAMPING_NEW"},
	{66, "SO_RCVTIMEO_NEW"}, {67, "SO_SNDTIMEO_NEW"}, {68, "SO_DETACH_REUSEPORT_BPF"},
	{69, "SO_PREFER_BUSY_POLL"}, {70, "SO_BUSY_POLL_BUDGET"}, {71, "SO_NETNS_COOKIE"},
	{72, "SO_BUF_LOCK"}, {73, "SO_RESERVE_MEM"}, {74, "SO_TXREHASH"}, {75, "SO_RCVMARK"},
	{76, "SO_PASSPIDFD"}, {77, "SO_PEERPIDFD"},
}

// sockIntOptions are the SOL_SOCKET options whose value strace prints as
// an int: [1].
var sockIntOptions = map[uint64]bool{
	1: true, 2: true, 5: true, 6: true, 7: true, 8: true, 9: true, 10: true, 11: true, 12: true,
	14: true, 15: true, 16: true, 18: true, 19: true, 27: true, 29: true, 30: true, 32: true,
	33: true, 34: true, 35: true, 36: true, 37: true, 40: true, 41: true, 42: true, 43: true,
	44: true, 45: true, 46: true, 49: true, 53: true, 56: true, 60: true, 63: true, 64: true,
	65: true, 68: true, 69: true, 70: true, 73: true, 75: true,
}

var sockIPOptions = xlat{
	{1, "IP_TOS"}, {2, "IP_TTL"}, {3, "IP_HDRINCL"}, {4, "IP_OPTIONS"}, {5, "IP_ROUTER_ALERT"},
	{6, "IP_RECVOPTS"}, {7, "IP_RETOPTS"}, {8, "IP_PKTINFO"}, {9, "IP_PKTOPTIONS"}, {10, "IP_MTU_DISCOVER"},
	{11, "IP_RECVERR"}, {12, "IP_RECVTTL"}, {13, "IP_RECVTOS"}, {14, "IP_MTU"}, {15, "IP_FREEBIND"},
	{16, "IP_IPSEC_POLICY"}, {17, "IP_XFRM_POLICY"}, {18, "IP_PASSSEC"}, {19, "IP_TRANSPARENT"},
	{20, "IP_ORIGDSTADDR"}, {21, "IP_MINTTL"}, {22, "IP_NODEFRAG"}, {23, "IP_CHECKSUM"},
	{24, "IP_BIND_ADDRESS_NO_PORT"}, {25, "IP_RECVFRAGSIZE"}, {26, "IP_RECVERR_RFC4884"},
	{32, "IP_MULTICAST_IF"}, {33, "IP_MULTICAST_TTL"}, {34, "IP_MULTICAST_LOOP"},
	{35, "IP_ADD_MEMBERSHIP"}, {36, "IP_DROP_MEMBERSHIP"}, {37, "IP_UNBLOCK_SOURCE"},
	{38, "IP_BLOCK_SOURCE"}, {39, "IP_ADD_SOURCE_MEMBERSHIP"}, {40, "IP_DROP_SOURCE_MEMBERSHIP"},
	{41, "IP_MSFILTER"}, {42, "MCAST_JOIN_GROUP"}, {43, "MCAST_BLOCK_SOURCE"}, {44, "MCAST_UNBLOCK_SOURCE"},
	{45, "MCAST_LEAVE_GROUP"}, {46, "MCAST_JOIN_SOURCE_GROUP"}, {47, "MCAST_LEAVE_SOURCE_GROUP"},
	{48, "MCAST_MSFILTER"}, {49, "IP_MULTICAST_ALL"}, {50, "IP_UNICAST_IF"},
}

var sockIPv6Options = xlat{
	{1, "IPV6_ADDRFORM"}, {2, "IPV6_2292PKTINFO"}, {3, "IPV6_2292HOPOPTS"}, {4, "IPV6_2292DSTOPTS"},
	{5, "IPV6_2292RTHDR"}, {6, "IPV6_2292PKTOPTIONS"}, {7, "IPV6_CHECKSUM"}, {8, "IPV6_2292HOPLIMIT"},
	{9, "IPV6_NEXTHOP"}, {10, "IPV6_AUTHHDR"}, {11, "IPV6_FLOWINFO"}, {16, "IPV6_UNICAST_HOPS"},
	{17, "IPV6_MULTICAST_IF"}, {18, "IPV6_MULTICAST_HOPS"}, {19, "IPV6_MULTICAST_LOOP"},
	{20, "IPV6_ADD_MEMBERSHIP"}, {21, "IPV6_DROP_MEMBERSHIP"}, {22, "IPV6_ROUTER_ALERT"},
	{23, "IPV6_MTU_DISCOVER"}, {24, "IPV6_MTU"}, {25, "IPV6_RECVERR"}, {26, "IPV6_V6ONLY"},
	{27, "IPV6_JOIN_ANYCAST"}, {28, "IPV6_LEAVE_ANYCAST"}, {29, "IPV6_MULTICAST_ALL"},
	{30, "IPV6_ROUTER_ALERT_ISOLATE"}, {31, "IPV6_RECVERR_RFC4884"}, {32, "IPV6_FLOWLABEL_MGR"},
	{33, "IPV6_FLOWINFO_SEND"}, {34, "IPV6_IPSEC_POLICY"}, {35, "IPV6_XFRM_POLICY"}, {36, "IPV6_HDRINCL"},
	{42, "MCAST_JOIN_GROUP"}, {43, "MCAST_BLOCK_SOURCE"}, {44, "MCAST_UNBLOCK_SOURCE"},
	{45, "MCAST_LEAVE_GROUP"}, {46, "MCAST_JOIN_SOURCE_GROUP"}, {47, "MCAST_LEAVE_SOURCE_GROUP"},
	{48, "MCAST_MSFILTER"}, {49, "IPV6_RECVPKTINFO"}, {50, "IPV6_PKTINFO"}, {51, "IPV6_RECVHOPLIMIT"},
	{52, "IPV6_HOPLIMIT"}, {53, "IPV6_RECVHOPOPTS"}, {54, "IPV6_HOPOPTS"}, {55, "IPV6_RTHDRDSTOPTS"},
	{56, "IPV6_RECVRTHDR"}, {57, "IPV6_RTHDR"}, {58, "IPV6_RECVDSTOPTS"}, {59, "IPV6_DSTOPTS"},
	{60, "IPV6_RECVPATHMTU"}, {61, "IPV6_PATHMTU"}, {62, "IPV6_DONTFRAG"}, {63, "IPV6_USE_MIN_MTU"},
	{66, "IPV6_RECVTCLASS"}, {67, "IPV6_TCLASS"}, {70, "IPV6_AUTOFLOWLABEL"}, {72, "IPV6_ADDR_PREFERENCES"},
	{73, "IPV6_MINHOPCOUNT"}, {74, "IPV6_ORIGDSTADDR"}, {75, "IPV6_TRANSPARENT"}, {76, "IPV6_UNICAST_IF"},
	{77, "IPV6_RECVFRAGSIZE"}, {78, "IPV6_FREEBIND"},
}

var sockTCPOptions = xlat{
	{1, "TCP_NODELAY"}, {2, "TCP_MAXSEG"}, {3, "TCP_CORK"}, {4, "TCP_KEEPIDLE"}, {5, "TCP_KEEPINTVL"},
	{6, "TCP_KEEPCNT"}, {7, "TCP_SYNCNT"}, {8, "TCP_LINGER2"}, {9, "TCP_DEFER_ACCEPT"},
	{10, "TCP_WINDOW_CLAMP"}, {11, "TCP_INFO"}, {12, "TCP_QUICKACK"}, {13, "TCP_CONGESTION"},
	{14, "TCP_MD5SIG"}, {15, "TCP_COOKIE_TRANSACTIONS"}, {16, "TCP_THIN_LINEAR_TIMEOUTS"},
	{17, "TCP_THIN_DUPACK"}, {18, "TCP_USER_TIMEOUT"}, {19, "TCP_REPAIR"}, {20, "TCP_REPAIR_QUEUE"},
	{21, "TCP_QUEUE_SEQ"}, {22, "TCP_REPAIR_OPTIONS"}, {23, "TCP_FASTOPEN"}, {24, "TCP_TIMESTAMP"},
	{25, "TCP_NOTSENT_LOWAT"}, {26, "TCP_CC_INFO"}, {27, "TCP_SAVE_SYN"}, {28, "TCP_SAVED_SYN"},
	{29, "TCP_REPAIR_WINDOW"}, {30, "TCP_FASTOPEN_CONNECT"}, {31, "TCP_ULP"}, {32, "TCP_MD5SIG_EXT"},
	{33, "TCP_FASTOPEN_KEY"}, {34, "TCP_FASTOPEN_NO_COOKIE"}, {35, "TCP_ZEROCOPY_RECEIVE"},
	{36, "TCP_INQ"}, {37, "TCP_TX_DELAY"},
}

var sockUDPOptions = xlat{
	{1, "UDP_CORK"}, {100, "UDP_ENCAP"}, {101, "UDP_NO_CHECK6_TX"}, {102, "UDP_NO_CHECK6_RX"},
	{103, "UDP_SEGMENT"}, {104, "UDP_GRO"},
}

var sockNetlinkOptions = xlat{
	{1, "NETLINK_ADD_MEMBERSHIP"}, {2, "NETLINK_DROP_MEMBERSHIP"}, {3, "NETLINK_PKTINFO"},
	{4, "NETLINK_BROADCAST_ERROR"}, {5, "NETLINK_NO_ENOBUFS"}, {6, "NETLINK_RX_RING"},
	{7, "NETLINK_TX_RING"}, {8, "NETLINK_LISTEN_ALL_NSID"}, {9, "NETLINK_LIST_MEMBERSHIPS"},
	{10, "NETLINK_CAP_ACK"}, {11, "NETLINK_EXT_ACK"}, {12, "NETLINK_GET_STRICT_CHK"},
}

var netlinkProtocols = xlat{
	{0, "NETLINK_ROUTE"}, {1, "NETLINK_UNUSED"}, {2, "NETLINK_USERSOCK"}, {3, "NETLINK_FIREWALL"},
	{4, "NETLINK_SOCK_DIAG"}, {5, "NETLINK_NFLOG"}, {6, "NETLINK_XFRM"}, {7, "NETLINK_SELINUX"},
	{8, "NETLINK_ISCSI"}, {9, "NETLINK_AUDIT"}, {10, "NETLINK_FIB_LOOKUP"}, {11, "NETLINK_CONNECTOR"},
	{12, "NETLINK_NETFILTER"}, {13, "NETLINK_IP6_FW"}, {14, "NETLINK_DNRTMSG"},
	{15, "NETLINK_KOBJECT_UEVENT"}, {16, "NETLINK_GENERIC"}, {18, "NETLINK_SCSITRANSPORT"},
	{19, "NETLINK_ECRYPTFS"}, {20, "NETLINK_RDMA"}, {21, "NETLINK_CRYPTO"}, {22, "NETLINK_SMC"},
}

// Netlink protocols with decoders here.
const (
	netlinkRoute    = 0
	netlinkSockDiag = 4
)

var scmTypes = xlat{
	{1, "SCM_RIGHTS"}, {2, "SCM_CREDENTIALS"}, {3, "SCM_SECURITY"}, {41, "SO_WIFI_STATUS"}, {61, "SO_TXTIME"},
	{29, "SO_TIMESTAMP_OLD"}, {35, "SO_TIMESTAMPNS_OLD"}, {37, "SO_TIMESTAMPING_OLD"},
	{63, "SO_TIMESTAMP_NEW"}, {64, "SO_TIMESTAMPNS_NEW"}, {65, "SO_TIMESTAMPING_NEW"},
	{0x36, "SCM_TIMESTAMPING_OPT_STATS"}, {0x3a, "SCM_TIMESTAMPING_PKTINFO"},
}

var ipCmsgTypes = xlat{
	{1, "IP_TOS"}, {2, "IP_TTL"}, {6, "IP_RECVOPTS"}, {7, "IP_RETOPTS"}, {8, "IP_PKTINFO"},
	{11, "IP_RECVERR"}, {20, "IP_ORIGDSTADDR"}, {23, "IP_CHECKSUM"}, {3, "SCM_SECURITY"},
}

var prctlOptionNames = xlat{
	{1, "PR_SET_PDEATHSIG"}, {2, "PR_GET_PDEATHSIG"}, {3, "PR_GET_DUMPABLE"}, {4, "PR_SET_DUMPABLE"},
	{5, "PR_GET_UNALIGN"}, {6, "PR_SET_UNALIGN"}, {7, "PR_GET_KEEPCAPS"}, {8, "PR_SET_KEEPCAPS"},
	{9, "PR_GET_FPEMU"}, {10, "PR_SET_FPEMU"}, {11, "PR_GET_FPEXC"}, {12, "PR_SET_FPEXC"},
	{13, "PR_GET_TIMING"}, {14, "PR_SET_TIMING"}, {15, "PR_SET_NAME"}, {16, "PR_GET_NAME"},
	{19, "PR_GET_ENDIAN"}, {20, "PR_SET_ENDIAN"}, {21, "PR_GET_SECCOMP"}, {22, "PR_SET_SECCOMP"},
	{23, "PR_CAPBSET_READ"}, {24, "PR_CAPBSET_DROP"}, {25, "PR_GET_TSC"}, {26, "PR_SET_TSC"},
	{27, "PR_GET_SECUREBITS"}, {28, "PR_SET_SECUREBITS"}, {29, "PR_SET_TIMERSLACK"},
	{30, "PR_GET_TIMERSLACK"}, {31, "PR_TASK_PERF_EVENTS_DISABLE"}, {32, "PR_TASK_PERF_EVENTS_ENABLE"},
	{33, "PR_MCE_KILL"}, {34, "PR_MCE_KILL_GET"}, {35, "PR_SET_MM"}, {36, "PR_SET_CHILD_SUBREAPER"},
	{37, "PR_GET_CHILD_SUBREAPER"}, {38, "PR_SET_NO_NEW_PRIVS"}, {39, "PR_GET_NO_NEW_PRIVS"},
	{40, "PR_GET_TID_ADDRESS"}, {41, "PR_SET_THP_DISABLE"}, {42, "PR_GET_THP_DISABLE"},
	{43, "PR_MPX_ENABLE_MANAGEMENT"}, {44, "PR_MPX_DISABLE_MANAGEMENT"}, {45, "PR_SET_FP_MODE"},
	{46, "PR_GET_FP_MODE"}, {47, "PR_CAP_AMBIENT"}, {50, "PR_SVE_SET_VL"}, {51, "PR_SVE_GET_VL"},
	{52, "PR_GET_SPECULATION_CTRL"}, {53, "PR_SET_SPECULATION_CTRL"}, {54, "PR_PAC_RESET_KEYS"},
	{55, "PR_SET_TAGGED_ADDR_CTRL"}, {56, "PR_GET_TAGGED_ADDR_CTRL"}, {57, "PR_SET_IO_FLUSHER"},
	{58, "PR_GET_IO_FLUSHER"}, {59, "PR_SET_SYSCALL_USER_DISPATCH"}, {60, "PR_PAC_SET_ENABLED_KEYS"},
	{61, "PR_PAC_GET_ENABLED_KEYS"}, {62, "PR_SCHED_CORE"}, {63, "PR_SME_SET_VL"}, {64, "PR_SME_GET_VL"},
	{0x53564d41, "PR_SET_VMA"}, {0x59616d61, "PR_SET_PTRACER"},
}

// capNames are the capabilities, indexed by number.
var capNames = [...]string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
	"CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
	"CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
}

// appendCap appends a capability's name: CAP_NET_ADMIN, 0x3f /* CAP_??? */.
func appendCap(b []byte, v uint64) []byte {
	if v < uint64(len(capNames)) {
		return append(b, capNames[v]...)
	}
	return appendComment(appendHex(b, v), "CAP_???")
}

var prDumpable = xlat{{0, "SUID_DUMP_DISABLE"}, {1, "SUID_DUMP_USER"}, {2, "SUID_DUMP_ROOT"}}

var prCapAmbientOps = xlat{{1, "PR_CAP_AMBIENT_IS_SET"}, {2, "PR_CAP_AMBIENT_RAISE"}, {3, "PR_CAP_AMBIENT_LOWER"}, {4, "PR_CAP_AMBIENT_CLEAR_ALL"}}

var prSetVMAOps = xlat{{0, "PR_SET_VMA_ANON_NAME"}}

var prTSC = xlat{{1, "PR_TSC_ENABLE"}, {2, "PR_TSC_SIGSEGV"}}

var prUnalign = xlat{{1, "PR_UNALIGN_NOPRINT"}, {2, "PR_UNALIGN_SIGBUS"}}

var prSetMMOps = xlat{
	{1, "PR_SET_MM_START_CODE"}, {2, "PR_SET_MM_END_CODE"}, {3, "PR_SET_MM_START_DATA"},
	{4, "PR_SET_MM_END_DATA"}, {5, "PR_SET_MM_START_STACK"}, {6, "PR_SET_MM_START_BRK"},
	{7, "PR_SET_MM_BRK"}, {8, "PR_SET_MM_ARG_START"}, {9, "PR_SET_MM_ARG_END"},
	{10, "PR_SET_MM_ENV_START"}, {11, "PR_SET_MM_ENV_END"}, {12, "PR_SET_MM_AUXV"},
	{13, "PR_SET_MM_EXE_FILE"}, {14, "PR_SET_MM_MAP"}, {15, "PR_SET_MM_MAP_SIZE"},
}

var seccompModes = xlat{{0, "SECCOMP_MODE_DISABLED"}, {1, "SECCOMP_MODE_STRICT"}, {2, "SECCOMP_MODE_FILTER"}}

var secureBits = xlat{
	{1 << 0, "SECBIT_NOROOT"}, {1 << 1, "SECBIT_NOROOT_LOCKED"}, {1 << 2, "SECBIT_NO_SETUID_FIXUP"},
	{1 << 3, "SECBIT_NO_SETUID_FIXUP_LOCKED"}, {1 << 4, "SECBIT_KEEP_CAPS"}, {1 << 5, "SECBIT_KEEP_CAPS_LOCKED"},
	{1 << 6, "SECBIT_NO_CAP_AMBIENT_RAISE"}, {1 << 7, "SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED"},
}

var inotifyMask = xlat{
	{0x1, "IN_ACCESS"}, {0x2, "IN_MODIFY"}, {0x4, "IN_ATTRIB"}, {0x8, "IN_CLOSE_WRITE"},
	{0x10, "IN_CLOSE_NOWRITE"}, {0x20, "IN_OPEN"}, {0x40, "IN_MOVED_FROM"}, {0x80, "IN_MOVED_TO"},
	{0x100, "IN_CREATE"}, {0x200, "IN_DELETE"}, {0x400, "IN_DELETE_SELF"}, {0x800, "IN_MOVE_SELF"},
	{0x2000, "IN_UNMOUNT"}, {0x4000, "IN_Q_OVERFLOW"}, {0x8000, "IN_IGNORED"}, {0x1000000, "IN_ONLYDIR"},
	{0x2000000, "IN_DONT_FOLLOW"}, {0x4000000, "IN_EXCL_UNLINK"}, {0x10000000, "IN_MASK_CREATE"},
	{0x20000000, "IN_MASK_ADD"}, {0x40000000, "IN_ISDIR"}, {0x80000000, "IN_ONESHOT"},
}

var statxAttrs = xlat{
	{0x4, "STATX_ATTR_COMPRESSED"}, {0x10, "STATX_ATTR_IMMUTABLE"}, {0x20, "STATX_ATTR_APPEND"},
	{0x40, "STATX_ATTR_NODUMP"}, {0x800, "STATX_ATTR_ENCRYPTED"}, {0x1000, "STATX_ATTR_AUTOMOUNT"},
	{0x2000, "STATX_ATTR_MOUNT_ROOT"}, {0x100000, "STATX_ATTR_VERITY"}, {0x200000, "STATX_ATTR_DAX"},
}

var ioUringSetupFlags = xlat{
	{1 << 0, "IORING_SETUP_IOPOLL"}, {1 << 1, "IORING_SETUP_SQPOLL"}, {1 << 2, "IORING_SETUP_SQ_AFF"},
	{1 << 3, "IORING_SETUP_CQSIZE"}, {1 << 4, "IORING_SETUP_CLAMP"}, {1 << 5, "IORING_SETUP_ATTACH_WQ"},
	{1 << 6, "IORING_SETUP_R_DISABLED"}, {1 << 7, "IORING_SETUP_SUBMIT_ALL"},
	{1 << 8, "IORING_SETUP_COOP_TASKRUN"}, {1 << 9, "IORING_SETUP_TASKRUN_FLAG"},
	{1 << 10, "IORING_SETUP_SQE128"}, {1 << 11, "IORING_SETUP_CQE32"},
}

var ioUringFeatures = xlat{
	{1 << 0, "IORING_FEAT_SINGLE_MMAP"}, {1 << 1, "IORING_FEAT_NODROP"}, {1 << 2, "IORING_FEAT_SUBMIT_STABLE"},
	{1 << 3, "IORING_FEAT_RW_CUR_POS"}, {1 << 4, "IORING_FEAT_CUR_PERSONALITY"}, {1 << 5, "IORING_FEAT_FAST_POLL"},
	{1 << 6, "IORING_FEAT_POLL_32BITS"}, {1 << 7, "IORING_FEAT_SQPOLL_NONFIXED"}, {1 << 8, "IORING_FEAT_EXT_ARG"},
	{1 << 9, "IORING_FEAT_NATIVE_WORKERS"}, {1 << 10, "IORING_FEAT_RSRC_TAGS"}, {1 << 11, "IORING_FEAT_CQE_SKIP"},
	{1 << 12, "IORING_FEAT_LINKED_FILE"},
}

var lockTypes = xlat{{0, "F_RDLCK"}, {1, "F_WRLCK"}, {2, "F_UNLCK"}, {4, "F_EXLCK"}, {8, "F_SHLCK"}}

var fOwnerTypes = xlat{{0, "F_OWNER_TID"}, {1, "F_OWNER_PID"}, {2, "F_OWNER_PGRP"}}

var fSeals = xlat{{1, "F_SEAL_SEAL"}, {2, "F_SEAL_SHRINK"}, {4, "F_SEAL_GROW"}, {8, "F_SEAL_WRITE"}, {16, "F_SEAL_FUTURE_WRITE"}}

var sigaltstackFlags = xlat{{1, "SS_ONSTACK"}, {2, "SS_DISABLE"}, {1 << 31, "SS_AUTODISARM"}}

var fanClasses = xlat{{0, "FAN_CLASS_NOTIF"}, {4, "FAN_CLASS_CONTENT"}, {8, "FAN_CLASS_PRE_CONTENT"}}

var fanInitFlags = xlat{
	{0x1, "FAN_CLOEXEC"}, {0x2, "FAN_NONBLOCK"}, {0x10, "FAN_UNLIMITED_QUEUE"}, {0x20, "FAN_UNLIMITED_MARKS"},
	{0x40, "FAN_ENABLE_AUDIT"}, {0x80, "FAN_REPORT_PIDFD"}, {0x100, "FAN_REPORT_TID"}, {0x200, "FAN_REPORT_FID"},
	{0x400, "FAN_REPORT_DIR_FID"}, {0x800, "FAN_REPORT_NAME"}, {0x1000, "FAN_REPORT_TARGET_FID"},
}

var perfEventOpenFlags = xlat{{1, "PERF_FLAG_FD_NO_GROUP"}, {2, "PERF_FLAG_FD_OUTPUT"}, {4, "PERF_FLAG_PID_CGROUP"}, {8, "PERF_FLAG_FD_CLOEXEC"}}

var perfTypes = xlat{
	{0, "PERF_TYPE_HARDWARE"}, {1, "PERF_TYPE_SOFTWARE"}, {2, "PERF_TYPE_TRACEPOINT"},
	{3, "PERF_TYPE_HW_CACHE"}, {4, "PERF_TYPE_RAW"}, {5, "PERF_TYPE_BREAKPOINT"},
}

var perfAttrSizes = xlat{
	{64, "PERF_ATTR_SIZE_VER0"}, {72, "PERF_ATTR_SIZE_VER1"}, {80, "PERF_ATTR_SIZE_VER2"},
	{96, "PERF_ATTR_SIZE_VER3"}, {104, "PERF_ATTR_SIZE_VER4"}, {112, "PERF_ATTR_SIZE_VER5"},
	{120, "PERF_ATTR_SIZE_VER6"}, {128, "PERF_ATTR_SIZE_VER7"},
}

var perfSWIDs = xlat{
	{0, "PERF_COUNT_SW_CPU_CLOCK"}, {1, "PERF_COUNT_SW_TASK_CLOCK"}, {2, "PERF_COUNT_SW_PAGE_FAULTS"},
	{3, "PERF_COUNT_SW_CONTEXT_SWITCHES"}, {4, "PERF_COUNT_SW_CPU_MIGRATIONS"},
	{5, "PERF_COUNT_SW_PAGE_FAULTS_MIN"}, {6, "PERF_COUNT_SW_PAGE_FAULTS_MAJ"},
	{7, "PERF_COUNT_SW_ALIGNMENT_FAULTS"}, {8, "PERF_COUNT_SW_EMULATION_FAULTS"},
	{9, "PERF_COUNT_SW_DUMMY"}, {10, "PERF_COUNT_SW_BPF_OUTPUT"}, {11, "PERF_COUNT_SW_CGROUP_SWITCHES"},
}

var perfHWIDs = xlat{
	{0, "PERF_COUNT_HW_CPU_CYCLES"}, {1, "PERF_COUNT_HW_INSTRUCTIONS"}, {2, "PERF_COUNT_HW_CACHE_REFERENCES"},
	{3, "PERF_COUNT_HW_CACHE_MISSES"}, {4, "PERF_COUNT_HW_BRANCH_INSTRUCTIONS"},
	{5, "PERF_COUNT_HW_BRANCH_MISSES"}, {6, "PERF_COUNT_HW_BUS_CYCLES"},
	{7, "PERF_COUNT_HW_STALLED_CYCLES_FRONTEND"}, {8, "PERF_COUNT_HW_STALLED_CYCLES_BACKEND"},
	{9, "PERF_COUNT_HW_REF_CPU_CYCLES"},
}

var perfSampleFormat = xlat{
	{1 << 0, "PERF_SAMPLE_IP"}, {1 << 1, "PERF_SAMPLE_TID"}, {1 << 2, "PERF_SAMPLE_TIME"},
	{1 << 3, "PERF_SAMPLE_ADDR"}, {1 << 4, "PERF_SAMPLE_READ"}, {1 << 5, "PERF_SAMPLE_CALLCHAIN"},
	{1 << 6, "PERF_SAMPLE_ID"}, {1 << 7, "PERF_SAMPLE_CPU"}, {1 << 8, "PERF_SAMPLE_PERIOD"},
	{1 << 9, "PERF_SAMPLE_STREAM_ID"}, {1 << 10, "PERF_SAMPLE_RAW"}, {1 << 11, "PERF_SAMPLE_BRANCH_STACK"},
	{1 << 12, "PERF_SAMPLE_REGS_USER"}, {1 << 13, "PERF_SAMPLE_STACK_USER"}, {1 << 14, "PERF_SAMPLE_WEIGHT"},
	{1 << 15, "PERF_SAMPLE_DATA_SRC"}, {1 << 16, "PERF_SAMPLE_IDENTIFIER"}, {1 << 17, "PERF_SAMPLE_TRANSACTION"},
	{1 << 18, "PERF_SAMPLE_REGS_INTR"}, {1 << 19, "PERF_SAMPLE_PHYS_ADDR"}, {1 << 20, "PERF_SAMPLE_AUX"},
	{1 << 21, "PERF_SAMPLE_CGROUP"}, {1 << 22, "PERF_SAMPLE_DATA_PAGE_SIZE"},
	{1 << 23, "PERF_SAMPLE_CODE_PAGE_SIZE"}, {1 << 24, "PERF_SAMPLE_WEIGHT_STRUCT"},
}

var perfReadFormat = xlat{
	{1 << 0, "PERF_FORMAT_TOTAL_TIME_ENABLED"}, {1 << 1, "PERF_FORMAT_TOTAL_TIME_RUNNING"},
	{1 << 2, "PERF_FORMAT_ID"}, {1 << 3, "PERF_FORMAT_GROUP"}, {1 << 4, "PERF_FORMAT_LOST"},
}

// perfAttrFlags are the bit fields of perf_event_attr's flag word, in
// order from bit 0; precise_ip takes bits 15 and 16.
var perfAttrFlags = [...]string{
	"disabled", "inherit", "pinned", "exclusive", "exclude_user", "exclude_kernel", "exclude_hv",
	"exclude_idle", "mmap", "comm", "freq", "inherit_stat", "enable_on_exec", "task", "watermark",
	"precise_ip", "", "mmap_data", "sample_id_all", "exclude_host", "exclude_guest",
	"exclude_callchain_kernel", "exclude_callchain_user", "mmap2", "comm_exec", "use_clockid",
	"context_switch", "write_backward", "namespaces", "ksymbol", "bpf_event", "aux_output", "cgroup",
	"text_poke", "build_id", "inherit_thread", "remove_on_exec", "sigtrap",
}

var preciseIPDesc = [...]string{"arbitrary skid", "constant skid", "requested to have 0 skid", "must have 0 skid"}

var statfsFlags = xlat{
	{0x20, "ST_VALID"}, {0x1, "ST_RDONLY"}, {0x2, "ST_NOSUID"}, {0x4, "ST_NODEV"}, {0x8, "ST_NOEXEC"},
	{0x10, "ST_SYNCHRONOUS"}, {0x40, "ST_MANDLOCK"}, {0x400, "ST_NOATIME"}, {0x800, "ST_NODIRATIME"},
	{0x1000, "ST_RELATIME"}, {0x2000, "ST_NOSYMFOLLOW"},
}

// fsMagics are the file system types of statfs most often met.
var fsMagics = xlat{
	{0x0000ef53, "EXT2_SUPER_MAGIC"}, {0x01021994, "TMPFS_MAGIC"}, {0x00009fa0, "PROC_SUPER_MAGIC"},
	{0x62656572, "SYSFS_MAGIC"}, {0x63677270, "CGROUP2_SUPER_MAGIC"}, {0x0027e0eb, "CGROUP_SUPER_MAGIC"},
	{0x00001cd1, "DEVPTS_SUPER_MAGIC"}, {0x794c7630, "OVERLAYFS_SUPER_MAGIC"}, {0x9123683e, "BTRFS_SUPER_MAGIC"},
	{0x58465342, "XFS_SUPER_MAGIC"}, {0x00006969, "NFS_SUPER_MAGIC"}, {0x73717368, "SQUASHFS_MAGIC"},
	{0x65735546, "FUSE_SUPER_MAGIC"}, {0x65735543, "FUSE_CTL_SUPER_MAGIC"}, {0x01021997, "V9FS_MAGIC"},
	{0x858458f6, "RAMFS_MAGIC"}, {0x958458f6, "HUGETLBFS_MAGIC"}, {0x64626720, "DEBUGFS_MAGIC"},
	{0x74726163, "TRACEFS_MAGIC"}, {0x73636673, "SECURITYFS_MAGIC"}, {0xcafe4a11, "BPF_FS_MAGIC"},
	{0x6e736673, "NSFS_MAGIC"}, {0x00000187, "AUTOFS_SUPER_MAGIC"}, {0x00009660, "ISOFS_SUPER_MAGIC"},
	{0x00004d44, "MSDOS_SUPER_MAGIC"}, {0x2011bab0, "EXFAT_SUPER_MAGIC"}, {0xf2f52010, "F2FS_SUPER_MAGIC"},
	{0x2fc12fc1, "ZFS_SUPER_MAGIC"}, {0x0000517b, "SMB_SUPER_MAGIC"}, {0x00c36400, "CEPH_SUPER_MAGIC"},
	{0x09041934, "ANON_INODE_FS_MAGIC"}, {0x50495045, "PIPEFS_MAGIC"}, {0x534f434b, "SOCKFS_MAGIC"},
	{0x62646576, "BDEVFS_MAGIC"}, {0x62656570, "CONFIGFS_MAGIC"}, {0xde5e81e4, "EFIVARFS_MAGIC"},
	{0x6165676c, "PSTOREFS_MAGIC"}, {0x42494e4d, "BINFMTFS_MAGIC"}, {0xe0f5e1e2, "EROFS_SUPER_MAGIC_V1"},
	{0x5a3c69f0, "AAFS_MAGIC"}, {0xf97cff8c, "SELINUX_MAGIC"}, {0x444d4142, "DMA_BUF_MAGIC"},
	{0x5345434d, "SECRETMEM_MAGIC"}, {0x6c6f6f70, "BINDERFS_SUPER_MAGIC"},
}
