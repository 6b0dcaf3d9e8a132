package analyze

import (
	"encoding/binary"
	"net"
	"net/netip"
	"os"
	"strconv"
)

// Netlink message types below NLMSG_MIN_TYPE, the same in every protocol.
const (
	nlmsgError   = 2
	nlmsgDone    = 3
	nlmsgMinType = 16
	nlmsgHdrLen  = 16
	nlaHdrLen    = 4
	nlmFRequest  = 1
	nlmFCapped   = 0x100
)

var netlinkTypes = xlat{{1, "NLMSG_NOOP"}, {2, "NLMSG_ERROR"}, {3, "NLMSG_DONE"}, {4, "NLMSG_OVERRUN"}}

var netlinkFlags = xlat{
	{0x1, "NLM_F_REQUEST"}, {0x2, "NLM_F_MULTI"}, {0x4, "NLM_F_ACK"}, {0x8, "NLM_F_ECHO"},
	{0x10, "NLM_F_DUMP_INTR"}, {0x20, "NLM_F_DUMP_FILTERED"},
}

var netlinkGetFlags = xlat{{0x300, "NLM_F_DUMP"}, {0x100, "NLM_F_ROOT"}, {0x200, "NLM_F_MATCH"}, {0x400, "NLM_F_ATOMIC"}}

var netlinkNewFlags = xlat{{0x100, "NLM_F_REPLACE"}, {0x200, "NLM_F_EXCL"}, {0x400, "NLM_F_CREATE"}, {0x800, "NLM_F_APPEND"}}

var netlinkDeleteFlags = xlat{{0x100, "NLM_F_NONREC"}, {0x200, "NLM_F_BULK"}}

var netlinkAckFlags = xlat{{0x100, "NLM_F_CAPPED"}, {0x200, "NLM_F_ACK_TLVS"}}

// nlRouteTypes are the RTM_* message types.
var nlRouteTypes = xlat{
	{16, "RTM_NEWLINK"}, {17, "RTM_DELLINK"}, {18, "RTM_GETLINK"}, {19, "RTM_SETLINK"},
	{20, "RTM_NEWADDR"}, {21, "RTM_DELADDR"}, {22, "RTM_GETADDR"}, {24, "RTM_NEWROUTE"},
	{25, "RTM_DELROUTE"}, {26, "RTM_GETROUTE"}, {28, "RTM_NEWNEIGH"}, {29, "RTM_DELNEIGH"},
	{30, "RTM_GETNEIGH"}, {32, "RTM_NEWRULE"}, {33, "RTM_DELRULE"}, {34, "RTM_GETRULE"},
	{36, "RTM_NEWQDISC"}, {37, "RTM_DELQDISC"}, {38, "RTM_GETQDISC"}, {40, "RTM_NEWTCLASS"},
	{41, "RTM_DELTCLASS"}, {42, "RTM_GETTCLASS"}, {44, "RTM_NEWTFILTER"}, {45, "RTM_DELTFILTER"},
	{46, "RTM_GETTFILTER"}, {48, "RTM_NEWACTION"}, {49, "RTM_DELACTION"}, {50, "RTM_GETACTION"},
	{52, "RTM_NEWPREFIX"}, {58, "RTM_GETMULTICAST"}, {62, "RTM_GETANYCAST"}, {64, "RTM_NEWNEIGHTBL"},
	{66, "RTM_GETNEIGHTBL"}, {67, "RTM_SETNEIGHTBL"}, {68, "RTM_NEWNDUSEROPT"}, {72, "RTM_NEWADDRLABEL"},
	{73, "RTM_DELADDRLABEL"}, {74, "RTM_GETADDRLABEL"}, {78, "RTM_GETDCB"}, {79, "RTM_SETDCB"},
	{80, "RTM_NEWNETCONF"}, {81, "RTM_DELNETCONF"}, {82, "RTM_GETNETCONF"}, {84, "RTM_NEWMDB"},
	{85, "RTM_DELMDB"}, {86, "RTM_GETMDB"}, {88, "RTM_NEWNSID"}, {89, "RTM_DELNSID"},
	{90, "RTM_GETNSID"}, {92, "RTM_NEWSTATS"}, {94, "RTM_GETSTATS"}, {96, "RTM_NEWCACHEREPORT"},
	{100, "RTM_NEWCHAIN"}, {101, "RTM_DELCHAIN"}, {102, "RTM_GETCHAIN"}, {104, "RTM_NEWNEXTHOP"},
	{105, "RTM_DELNEXTHOP"}, {106, "RTM_GETNEXTHOP"}, {108, "RTM_NEWLINKPROP"}, {109, "RTM_DELLINKPROP"},
	{110, "RTM_GETLINKPROP"}, {112, "RTM_NEWVLAN"}, {113, "RTM_DELVLAN"}, {114, "RTM_GETVLAN"},
	{116, "RTM_NEWNEXTHOPBUCKET"}, {117, "RTM_DELNEXTHOPBUCKET"}, {118, "RTM_GETNEXTHOPBUCKET"},
}

var nlSockDiagTypes = xlat{{18, "TCPDIAG_GETSOCK"}, {19, "DCCPDIAG_GETSOCK"}, {20, "SOCK_DIAG_BY_FAMILY"}, {21, "SOCK_DESTROY"}}

// appendNetlink appends the netlink messages in data as strace decodes
// them, for a socket of netlink protocol proto; more says that data was
// cut.
func (d *decoder) appendNetlink(b []byte, proto int, data []byte, more bool) []byte {
	msgLen := func(p []byte) uint64 { return uint64(le.Uint32(p)) }
	return d.appendAligned(b, data, nlmsgHdrLen, msgLen, more, func(b, msg []byte) []byte {
		return d.appendNlmsg(b, proto, msg, more)
	})
}

// appendAligned appends the elements of data, each a header of hdrLen
// bytes that starts with its length (lenOf reads it) and a payload, the
// next one 4-aligned after it, as strace prints netlink messages and
// attributes: one alone, several in [], "..." past strLen of them, and
// bytes too few for a header quoted. elem appends one element, from data
// that holds it and what follows it.
func (d *decoder) appendAligned(b, data []byte, hdrLen int, lenOf func([]byte) uint64, more bool, elem func(b, data []byte) []byte) []byte {
	isArray := false
	for i := 0; ; i++ {
		if len(data) < hdrLen {
			b = appendHexQuoted(b, data, d.strLen, more)
			break
		}
		if i == d.strLen {
			b = append(b, "..."...)
			break
		}
		n := lenOf(data)
		var next []byte
		if aligned := (n + 3) &^ 3; n >= uint64(hdrLen) && uint64(len(data)) > aligned {
			next = data[aligned:]
		}
		if !isArray && next != nil {
			b = append(b, '[')
			isArray = true
		}
		b = elem(b, data)
		if next == nil {
			break
		}
		b = append(b, ", "...)
		data = next
	}
	if isArray {
		b = append(b, ']')
	}
	return b
}

// appendNlmsg appends one message, its header and payload: data holds it
// and what may follow it.
func (d *decoder) appendNlmsg(b []byte, proto int, data []byte, more bool) []byte {
	hlen, typ, flags := le.Uint32(data), le.Uint16(data[4:]), le.Uint16(data[6:])
	n := min(int(hlen), len(data))
	if n > nlmsgHdrLen {
		b = append(b, '[')
	}
	b = append(b, "{nlmsg_len="...)
	b = appendUint(b, uint64(hlen))
	b = append(b, ", nlmsg_type="...)
	b = appendNlmsgType(b, proto, typ)
	b = append(b, ", nlmsg_flags="...)
	b = appendNlmsgFlags(b, proto, typ, flags)
	b = append(b, ", nlmsg_seq="...)
	b = appendUint(b, uint64(le.Uint32(data[8:])))
	b = append(b, ", nlmsg_pid="...)
	b = appendUint(b, uint64(le.Uint32(data[12:])))
	b = append(b, '}')
	if n > nlmsgHdrLen {
		b = append(b, ", "...)
		b = d.appendNlPayload(b, proto, typ, flags, data[nlmsgHdrLen:n], more && n == len(data))
		b = append(b, ']')
	}
	return b
}

func appendNlmsgType(b []byte, proto int, typ uint16) []byte {
	if typ >= nlmsgMinType {
		switch proto {
		case netlinkRoute:
			return appendXval(b, nlRouteTypes, uint64(typ), "RTM_???")
		case netlinkSockDiag:
			return appendXval(b, nlSockDiagTypes, uint64(typ), "SOCK_DIAG_???")
		}
	}
	return appendXval(b, netlinkTypes, uint64(typ), "NLMSG_???")
}

func appendNlmsgFlags(b []byte, proto int, typ, flags uint16) []byte {
	var table xlat
	switch {
	case typ < nlmsgMinType:
		if typ == nlmsgError {
			table = netlinkAckFlags
		}
	case proto == netlinkRoute:
		switch {
		case typ == 49: // RTM_DELACTION
			table = netlinkGetFlags
		case typ&3 == 0:
			table = netlinkNewFlags
		case typ&3 == 1:
			table = netlinkDeleteFlags
		case typ&3 == 2:
			table = netlinkGetFlags
		}
	case proto == netlinkSockDiag:
		table = netlinkGetFlags
	}
	v := uint64(flags)
	if v == 0 {
		return append(b, '0')
	}
	start := len(b)
	for _, x := range [2]xlat{netlinkFlags, table} {
		for _, e := range x {
			if v&e.val == e.val {
				if len(b) > start {
					b = append(b, '|')
				}
				b = append(b, e.name...)
				v &^= e.val
			}
		}
	}
	switch {
	case v != 0 && len(b) > start:
		b = append(b, '|')
		b = appendHex(b, v)
	case v != 0:
		b = appendComment(appendHex(b, v), "NLM_F_???")
	}
	return b
}

// appendNlPayload appends a message's payload.
func (d *decoder) appendNlPayload(b []byte, proto int, typ, flags uint16, p []byte, more bool) []byte {
	if typ == nlmsgError {
		return d.appendNlmsgerr(b, proto, p, flags&nlmFCapped != 0, more)
	}
	if typ >= nlmsgMinType && len(p) >= 1 {
		switch proto {
		case netlinkRoute:
			return d.appendRtnl(b, typ, p, more)
		case netlinkSockDiag:
			return d.appendSockDiag(b, flags, p, more)
		}
	}
	if typ == nlmsgDone && len(p) == 4 {
		return strconv.AppendInt(b, int64(int32(le.Uint32(p))), 10)
	}
	return appendHexQuoted(b, p, d.strLen, more)
}

// appendNlmsgerr appends struct nlmsgerr: the error and the request it
// answers, and the extended ack's attributes.
func (d *decoder) appendNlmsgerr(b []byte, proto int, p []byte, capped, more bool) []byte {
	if len(p) < 4+nlmsgHdrLen {
		return appendHexQuoted(b, p, d.strLen, more)
	}
	errno := int32(le.Uint32(p))
	msg := p[4:]
	mlen := max(nlmsgHdrLen, int(le.Uint32(msg)))
	if capped {
		mlen = nlmsgHdrLen
	}
	payload := min(len(msg), mlen)
	if len(msg) > payload {
		b = append(b, '[')
	}
	b = append(b, "{error="...)
	if errno < 0 {
		if n := ErrnoName(int(-errno)); n != "" {
			b = append(b, '-')
			b = append(b, n...)
		} else {
			b = strconv.AppendInt(b, int64(errno), 10)
		}
	} else {
		b = strconv.AppendInt(b, int64(errno), 10)
	}
	b = append(b, ", msg="...)
	b = d.appendNlmsg(b, proto, msg[:payload], false)
	b = append(b, '}')
	if len(msg) > payload {
		b = append(b, ", "...)
		b = d.appendNlattrs(b, msg[payload:], nlmsgerrAttrs, "NLMSGERR_ATTR_???", nil, more)
		b = append(b, ']')
	}
	return b
}

var nlmsgerrAttrs = xlat{
	{0, "NLMSGERR_ATTR_UNUSED"}, {1, "NLMSGERR_ATTR_MSG"}, {2, "NLMSGERR_ATTR_OFFS"},
	{3, "NLMSGERR_ATTR_COOKIE"}, {4, "NLMSGERR_ATTR_POLICY"}, {5, "NLMSGERR_ATTR_MISS_TYPE"},
	{6, "NLMSGERR_ATTR_MISS_NEST"},
}

// nlaValue decodes one attribute's value; ok is false to print its bytes.
type nlaValue func(b []byte, typ uint16, v []byte) ([]byte, bool)

// appendNlattrs appends a list of attributes as strace does:
// [[{nla_len=8, nla_type=IFLA_MTU}, 65536], ...].
func (d *decoder) appendNlattrs(b []byte, data []byte, names xlat, dflt string, value nlaValue, more bool) []byte {
	attrLen := func(p []byte) uint64 { return uint64(le.Uint16(p)) }
	return d.appendAligned(b, data, nlaHdrLen, attrLen, more, func(b, data []byte) []byte {
		alen, typ := le.Uint16(data), le.Uint16(data[2:])
		n := min(int(alen), len(data))
		if n > nlaHdrLen {
			b = append(b, '[')
		}
		b = append(b, "{nla_len="...)
		b = appendUint(b, uint64(alen))
		b = append(b, ", nla_type="...)
		if typ&0x8000 != 0 {
			b = append(b, "NLA_F_NESTED|"...)
		}
		if typ&0x4000 != 0 {
			b = append(b, "NLA_F_NET_BYTEORDER|"...)
		}
		b = appendXval(b, names, uint64(typ&0x3fff), dflt)
		b = append(b, '}')
		if n > nlaHdrLen {
			b = append(b, ", "...)
			v := data[nlaHdrLen:n]
			done := false
			if value != nil {
				b, done = value(b, typ&0x3fff, v)
			}
			if !done {
				b = appendHexQuoted(b, v, d.strLen, more && n == len(data))
			}
			b = append(b, ']')
		}
		return b
	})
}

// nlaString decodes a NUL-terminated string attribute.
func nlaString(b []byte, v []byte) []byte {
	return appendQuoted(b, cstring(v), -1, false)
}

// nlaU32 decodes a 32-bit attribute in decimal.
func nlaU32(b []byte, v []byte) ([]byte, bool) {
	if len(v) < 4 {
		return b, false
	}
	return appendUint(b, uint64(le.Uint32(v))), true
}

// nlaU8 decodes an 8-bit attribute in decimal.
func nlaU8(b []byte, v []byte) ([]byte, bool) {
	if len(v) < 1 {
		return b, false
	}
	return appendUint(b, uint64(v[0])), true
}

// appendInetAddr appends an address of family fam as strace prints one in
// a struct: inet_addr("127.0.0.1"), inet_pton(AF_INET6, "::1").
func appendInetAddr(b []byte, fam uint8, v []byte) ([]byte, bool) {
	switch {
	case fam == afInet && len(v) >= 4:
		b = append(b, "inet_addr(\""...)
		b = netip.AddrFrom4([4]byte(v[:4])).AppendTo(b)
		return append(b, "\")"...), true
	case fam == afInet6 && len(v) >= 16:
		b = append(b, "inet_pton(AF_INET6, \""...)
		b = netip.AddrFrom16([16]byte(v[:16])).AppendTo(b)
		return append(b, "\")"...), true
	}
	return b, false
}

// appendInetField appends a struct's address field as strace does:
// idiag_src=inet_addr("127.0.0.1"), inet_pton(AF_INET6, "::1", &idiag_src).
func appendInetField(b []byte, fam uint8, v []byte, name string) []byte {
	switch {
	case fam == afInet && len(v) >= 4:
		b = append(b, name...)
		b = append(b, '=')
		b, _ = appendInetAddr(b, fam, v)
		return b
	case fam == afInet6 && len(v) >= 16:
		b = append(b, "inet_pton(AF_INET6, \""...)
		b = netip.AddrFrom16([16]byte(v[:16])).AppendTo(b)
		b = append(b, "\", &"...)
		b = append(b, name...)
		return append(b, ')')
	}
	b = append(b, name...)
	b = append(b, '=')
	return appendHexQuoted(b, v, -1, false)
}

var addrFamilies = xlat{
	{0, "AF_UNSPEC"}, {1, "AF_UNIX"}, {2, "AF_INET"}, {3, "AF_AX25"}, {4, "AF_IPX"}, {5, "AF_APPLETALK"},
	{6, "AF_NETROM"}, {7, "AF_BRIDGE"}, {8, "AF_ATMPVC"}, {9, "AF_X25"}, {10, "AF_INET6"}, {11, "AF_ROSE"},
	{12, "AF_DECnet"}, {13, "AF_NETBEUI"}, {14, "AF_SECURITY"}, {15, "AF_KEY"}, {16, "AF_NETLINK"},
	{17, "AF_PACKET"}, {18, "AF_ASH"}, {19, "AF_ECONET"}, {20, "AF_ATMSVC"}, {21, "AF_RDS"}, {22, "AF_SNA"},
	{23, "AF_IRDA"}, {24, "AF_PPPOX"}, {25, "AF_WANPIPE"}, {26, "AF_LLC"}, {27, "AF_IB"}, {28, "AF_MPLS"},
	{29, "AF_CAN"}, {30, "AF_TIPC"}, {31, "AF_BLUETOOTH"}, {32, "AF_IUCV"}, {33, "AF_RXRPC"},
	{34, "AF_ISDN"}, {35, "AF_PHONET"}, {36, "AF_IEEE802154"}, {37, "AF_CAIF"}, {38, "AF_ALG"},
	{39, "AF_NFC"}, {40, "AF_VSOCK"}, {41, "AF_KCM"}, {42, "AF_QIPCRTR"}, {43, "AF_SMC"}, {44, "AF_XDP"},
	{45, "AF_MCTP"},
}

// appendFamilyHead appends the start of a netlink payload struct, its
// first field the address family: "{ifa_family=AF_INET, ". ok is false
// when p holds fewer than size bytes, the struct then ended as strace
// ends it: "...}".
func appendFamilyHead(b []byte, field string, p []byte, size int) ([]byte, bool) {
	b = append(b, field...)
	b = appendXval(b, addrFamilies, uint64(p[0]), "AF_???")
	b = append(b, ", "...)
	if len(p) < size {
		return append(b, "...}"...), false
	}
	return b, true
}

// appendNlFamily appends a message of a type without a decoder here:
// {family=AF_INET, data="\x..."}.
func (d *decoder) appendNlFamily(b []byte, p []byte, more bool) []byte {
	b = append(b, "{family="...)
	b = appendXval(b, addrFamilies, uint64(p[0]), "AF_???")
	if len(p) > 1 {
		b = append(b, ", data="...)
		b = appendHexQuoted(b, p[1:], d.strLen, more)
	}
	return append(b, '}')
}

// appendRtnl appends the payload of a NETLINK_ROUTE message.
func (d *decoder) appendRtnl(b []byte, typ uint16, p []byte, more bool) []byte {
	switch {
	case typ >= 16 && typ <= 19:
		return d.appendIfinfomsg(b, p, more)
	case typ >= 20 && typ <= 22, typ == 58, typ == 62:
		return d.appendIfaddrmsg(b, p, more)
	case typ >= 24 && typ <= 26:
		return d.appendRtmsg(b, p, more)
	}
	return d.appendNlFamily(b, p, more)
}

var arpHardwareTypes = xlat{
	{0, "ARPHRD_NETROM"}, {1, "ARPHRD_ETHER"}, {2, "ARPHRD_EETHER"}, {3, "ARPHRD_AX25"}, {4, "ARPHRD_PRONET"},
	{5, "ARPHRD_CHAOS"}, {6, "ARPHRD_IEEE802"}, {7, "ARPHRD_ARCNET"}, {8, "ARPHRD_APPLETLK"},
	{15, "ARPHRD_DLCI"}, {19, "ARPHRD_ATM"}, {23, "ARPHRD_METRICOM"}, {24, "ARPHRD_IEEE1394"},
	{27, "ARPHRD_EUI64"}, {32, "ARPHRD_INFINIBAND"}, {256, "ARPHRD_SLIP"}, {257, "ARPHRD_CSLIP"},
	{258, "ARPHRD_SLIP6"}, {259, "ARPHRD_CSLIP6"}, {260, "ARPHRD_RSRVD"}, {264, "ARPHRD_ADAPT"},
	{270, "ARPHRD_ROSE"}, {271, "ARPHRD_X25"}, {272, "ARPHRD_HWX25"}, {280, "ARPHRD_CAN"},
	{290, "ARPHRD_MCTP"}, {512, "ARPHRD_PPP"}, {513, "ARPHRD_CISCO"}, {516, "ARPHRD_LAPB"},
	{517, "ARPHRD_DDCMP"}, {518, "ARPHRD_RAWHDLC"}, {519, "ARPHRD_RAWIP"}, {768, "ARPHRD_TUNNEL"},
	{769, "ARPHRD_TUNNEL6"}, {770, "ARPHRD_FRAD"}, {771, "ARPHRD_SKIP"}, {772, "ARPHRD_LOOPBACK"},
	{773, "ARPHRD_LOCALTLK"}, {774, "ARPHRD_FDDI"}, {775, "ARPHRD_BIF"}, {776, "ARPHRD_SIT"},
	{777, "ARPHRD_IPDDP"}, {778, "ARPHRD_IPGRE"}, {779, "ARPHRD_PIMREG"}, {780, "ARPHRD_HIPPI"},
	{781, "ARPHRD_ASH"}, {782, "ARPHRD_ECONET"}, {783, "ARPHRD_IRDA"}, {784, "ARPHRD_FCPP"},
	{785, "ARPHRD_FCAL"}, {786, "ARPHRD_FCPL"}, {787, "ARPHRD_FCFABRIC"}, {800, "ARPHRD_IEEE802_TR"},
	{801, "ARPHRD_IEEE80211"}, {802, "ARPHRD_IEEE80211_PRISM"}, {803, "ARPHRD_IEEE80211_RADIOTAP"},
	{804, "ARPHRD_IEEE802154"}, {805, "ARPHRD_IEEE802154_MONITOR"}, {820, "ARPHRD_PHONET"},
	{821, "ARPHRD_PHONET_PIPE"}, {822, "ARPHRD_CAIF"}, {823, "ARPHRD_IP6GRE"}, {824, "ARPHRD_NETLINK"},
	{825, "ARPHRD_6LOWPAN"}, {826, "ARPHRD_VSOCKMON"}, {0xfffe, "ARPHRD_NONE"}, {0xffff, "ARPHRD_VOID"},
}

var ifFlags = xlat{
	{1 << 0, "IFF_UP"}, {1 << 1, "IFF_BROADCAST"}, {1 << 2, "IFF_DEBUG"}, {1 << 3, "IFF_LOOPBACK"},
	{1 << 4, "IFF_POINTOPOINT"}, {1 << 5, "IFF_NOTRAILERS"}, {1 << 6, "IFF_RUNNING"}, {1 << 7, "IFF_NOARP"},
	{1 << 8, "IFF_PROMISC"}, {1 << 9, "IFF_ALLMULTI"}, {1 << 10, "IFF_MASTER"}, {1 << 11, "IFF_SLAVE"},
	{1 << 12, "IFF_MULTICAST"}, {1 << 13, "IFF_PORTSEL"}, {1 << 14, "IFF_AUTOMEDIA"}, {1 << 15, "IFF_DYNAMIC"},
	{1 << 16, "IFF_LOWER_UP"}, {1 << 17, "IFF_DORMANT"}, {1 << 18, "IFF_ECHO"},
}

var rtnlLinkAttrs = xlat{
	{0, "IFLA_UNSPEC"}, {1, "IFLA_ADDRESS"}, {2, "IFLA_BROADCAST"}, {3, "IFLA_IFNAME"}, {4, "IFLA_MTU"},
	{5, "IFLA_LINK"}, {6, "IFLA_QDISC"}, {7, "IFLA_STATS"}, {8, "IFLA_COST"}, {9, "IFLA_PRIORITY"},
	{10, "IFLA_MASTER"}, {11, "IFLA_WIRELESS"}, {12, "IFLA_PROTINFO"}, {13, "IFLA_TXQLEN"}, {14, "IFLA_MAP"},
	{15, "IFLA_WEIGHT"}, {16, "IFLA_OPERSTATE"}, {17, "IFLA_LINKMODE"}, {18, "IFLA_LINKINFO"},
	{19, "IFLA_NET_NS_PID"}, {20, "IFLA_IFALIAS"}, {21, "IFLA_NUM_VF"}, {22, "IFLA_VFINFO_LIST"},
	{23, "IFLA_STATS64"}, {24, "IFLA_VF_PORTS"}, {25, "IFLA_PORT_SELF"}, {26, "IFLA_AF_SPEC"},
	{27, "IFLA_GROUP"}, {28, "IFLA_NET_NS_FD"}, {29, "IFLA_EXT_MASK"}, {30, "IFLA_PROMISCUITY"},
	{31, "IFLA_NUM_TX_QUEUES"}, {32, "IFLA_NUM_RX_QUEUES"}, {33, "IFLA_CARRIER"}, {34, "IFLA_PHYS_PORT_ID"},
	{35, "IFLA_CARRIER_CHANGES"}, {36, "IFLA_PHYS_SWITCH_ID"}, {37, "IFLA_LINK_NETNSID"},
	{38, "IFLA_PHYS_PORT_NAME"}, {39, "IFLA_PROTO_DOWN"}, {40, "IFLA_GSO_MAX_SEGS"}, {41, "IFLA_GSO_MAX_SIZE"},
	{42, "IFLA_PAD"}, {43, "IFLA_XDP"}, {44, "IFLA_EVENT"}, {45, "IFLA_NEW_NETNSID"}, {46, "IFLA_IF_NETNSID"},
	{47, "IFLA_CARRIER_UP_COUNT"}, {48, "IFLA_CARRIER_DOWN_COUNT"}, {49, "IFLA_NEW_IFINDEX"},
	{50, "IFLA_MIN_MTU"}, {51, "IFLA_MAX_MTU"}, {52, "IFLA_PROP_LIST"}, {53, "IFLA_ALT_IFNAME"},
	{54, "IFLA_PERM_ADDRESS"}, {55, "IFLA_PROTO_DOWN_REASON"}, {56, "IFLA_PARENT_DEV_NAME"},
	{57, "IFLA_PARENT_DEV_BUS_NAME"}, {58, "IFLA_GRO_MAX_SIZE"}, {59, "IFLA_TSO_MAX_SIZE"},
	{60, "IFLA_TSO_MAX_SEGS"}, {61, "IFLA_ALLMULTI"},
}

var rtextFilters = xlat{
	{1 << 0, "RTEXT_FILTER_VF"}, {1 << 1, "RTEXT_FILTER_BRVLAN"}, {1 << 2, "RTEXT_FILTER_BRVLAN_COMPRESSED"},
	{1 << 3, "RTEXT_FILTER_SKIP_STATS"}, {1 << 4, "RTEXT_FILTER_MRP"}, {1 << 5, "RTEXT_FILTER_CFM_CONFIG"},
	{1 << 6, "RTEXT_FILTER_CFM_STATUS"}, {1 << 7, "RTEXT_FILTER_MST"},
}

// linkStatsFields are the fields of struct rtnl_link_stats64; struct
// rtnl_link_stats has the first 24 as 32-bit words.
var linkStatsFields = [...]string{
	"rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_errors", "tx_errors", "rx_dropped",
	"tx_dropped", "multicast", "collisions", "rx_length_errors", "rx_over_errors", "rx_crc_errors",
	"rx_frame_errors", "rx_fifo_errors", "rx_missed_errors", "tx_aborted_errors", "tx_carrier_errors",
	"tx_fifo_errors", "tx_heartbeat_errors", "tx_window_errors", "rx_compressed", "tx_compressed",
	"rx_nohandler", "rx_otherhost_dropped",
}

// appendLinkStats appends the counters of an IFLA_STATS (word 4) or
// IFLA_STATS64 (word 8) attribute, as many as v holds of the known ones.
func appendLinkStats(b []byte, v []byte, word int) ([]byte, bool) {
	n := min(len(v)/word, len(linkStatsFields))
	if word == 4 {
		n = min(n, 24)
	}
	if n < 23 {
		return b, false
	}
	b = append(b, '{')
	for j := 0; j < n; j++ {
		if j > 0 {
			b = append(b, ", "...)
		}
		b = append(b, linkStatsFields[j]...)
		b = append(b, '=')
		if word == 4 {
			b = appendUint(b, uint64(le.Uint32(v[4*j:])))
		} else {
			b = appendUint(b, le.Uint64(v[8*j:]))
		}
	}
	return append(b, '}'), true
}

// appendMAC appends a hardware address: 1e:70:99:0c:ce:f5.
func appendMAC(b []byte, v []byte) []byte {
	const hex = "0123456789abcdef"
	for j, x := range v {
		if j > 0 {
			b = append(b, ':')
		}
		b = append(b, hex[x>>4], hex[x&0xf])
	}
	return b
}

// ifinfoValue decodes the IFLA_* attributes of simple types.
func ifinfoValue(b []byte, typ uint16, v []byte) ([]byte, bool) {
	switch typ {
	case 1, 2, 54: // ADDRESS, BROADCAST, PERM_ADDRESS
		return appendMAC(b, v), true
	case 7: // STATS
		return appendLinkStats(b, v, 4)
	case 23: // STATS64
		return appendLinkStats(b, v, 8)
	case 3, 6, 20, 38, 53, 56, 57: // IFNAME, QDISC, IFALIAS, PHYS_PORT_NAME, ALT_IFNAME, PARENT_DEV_*
		return nlaString(b, v), true
	case 4, 5, 10, 13, 21, 27, 30, 31, 32, 35, 40, 41, 47, 48, 50, 51, 58, 59, 60, 61:
		return nlaU32(b, v)
	case 16, 17, 33, 39: // OPERSTATE, LINKMODE, CARRIER, PROTO_DOWN
		return nlaU8(b, v)
	case 29: // EXT_MASK
		if len(v) < 4 {
			return b, false
		}
		return appendFlagsDflt(b, rtextFilters, uint64(le.Uint32(v)), "RTEXT_FILTER_???"), true
	}
	return b, false
}

// appendIfinfomsg appends struct ifinfomsg and its attributes.
func (d *decoder) appendIfinfomsg(b []byte, p []byte, more bool) []byte {
	b, ok := appendFamilyHead(b, "{ifi_family=", p, 16)
	if !ok {
		return b
	}
	index := uint64(le.Uint32(p[4:]))
	if name := linkName(p[16:]); name != nil && index != 0 {
		// What an index names, for the messages and calls that follow.
		if d.ifNames == nil {
			d.ifNames = map[uint64]string{}
		}
		if old, ok := d.ifNames[index]; !ok || old != string(name) {
			d.ifNames[index] = string(name)
		}
	}
	b = append(b, "ifi_type="...)
	b = appendXval(b, arpHardwareTypes, uint64(le.Uint16(p[2:])), "ARPHRD_???")
	b = append(b, ", ifi_index="...)
	b = d.appendIfindex(b, index)
	b = append(b, ", ifi_flags="...)
	b = appendFlagsDflt(b, ifFlags, uint64(le.Uint32(p[8:])), "IFF_???")
	b = append(b, ", ifi_change="...)
	b = appendHex(b, uint64(le.Uint32(p[12:])))
	b = append(b, '}')
	if len(p) > 16 {
		b = append(b, ", "...)
		b = d.appendNlattrs(b, p[16:], rtnlLinkAttrs, "IFLA_???", ifinfoValue, more)
	}
	return b
}

var ifaddrFlags = xlat{
	{0x1, "IFA_F_SECONDARY"}, {0x2, "IFA_F_NODAD"}, {0x4, "IFA_F_OPTIMISTIC"}, {0x8, "IFA_F_DADFAILED"},
	{0x10, "IFA_F_HOMEADDRESS"}, {0x20, "IFA_F_DEPRECATED"}, {0x40, "IFA_F_TENTATIVE"},
	{0x80, "IFA_F_PERMANENT"}, {0x100, "IFA_F_MANAGETEMPADDR"}, {0x200, "IFA_F_NOPREFIXROUTE"},
	{0x400, "IFA_F_MCAUTOJOIN"}, {0x800, "IFA_F_STABLE_PRIVACY"},
}

var routingScopes = xlat{{0, "RT_SCOPE_UNIVERSE"}, {200, "RT_SCOPE_SITE"}, {253, "RT_SCOPE_LINK"}, {254, "RT_SCOPE_HOST"}, {255, "RT_SCOPE_NOWHERE"}}

var rtnlAddrAttrs = xlat{
	{0, "IFA_UNSPEC"}, {1, "IFA_ADDRESS"}, {2, "IFA_LOCAL"}, {3, "IFA_LABEL"}, {4, "IFA_BROADCAST"},
	{5, "IFA_ANYCAST"}, {6, "IFA_CACHEINFO"}, {7, "IFA_MULTICAST"}, {8, "IFA_FLAGS"}, {9, "IFA_RT_PRIORITY"},
	{10, "IFA_TARGET_NETNSID"}, {11, "IFA_PROTO"},
}

// appendScope appends a routing scope: its name, or the number.
func appendScope(b []byte, v uint64) []byte {
	if n, ok := routingScopes.lookup(v); ok {
		return append(b, n...)
	}
	return appendUint(b, v)
}

// appendIfaddrmsg appends struct ifaddrmsg and its attributes.
func (d *decoder) appendIfaddrmsg(b []byte, p []byte, more bool) []byte {
	fam := p[0]
	b, ok := appendFamilyHead(b, "{ifa_family=", p, 8)
	if !ok {
		return b
	}
	b = append(b, "ifa_prefixlen="...)
	b = appendUint(b, uint64(p[1]))
	b = append(b, ", ifa_flags="...)
	b = appendFlagsDflt(b, ifaddrFlags, uint64(p[2]), "IFA_F_???")
	b = append(b, ", ifa_scope="...)
	b = appendScope(b, uint64(p[3]))
	b = append(b, ", ifa_index="...)
	b = d.appendIfindex(b, uint64(le.Uint32(p[4:])))
	b = append(b, '}')
	if len(p) > 8 {
		b = append(b, ", "...)
		b = d.appendNlattrs(b, p[8:], rtnlAddrAttrs, "IFA_???", func(b []byte, typ uint16, v []byte) ([]byte, bool) {
			switch typ {
			case 1, 2, 4, 5, 7: // ADDRESS, LOCAL, BROADCAST, ANYCAST, MULTICAST
				return appendInetAddr(b, fam, v)
			case 3: // LABEL
				return nlaString(b, v), true
			case 6: // CACHEINFO
				if len(v) < 16 {
					return b, false
				}
				for j, name := range [...]string{"{ifa_prefered=", ", ifa_valid=", ", cstamp=", ", tstamp="} {
					b = append(b, name...)
					b = appendUint(b, uint64(le.Uint32(v[4*j:])))
				}
				return append(b, '}'), true
			case 8: // FLAGS
				if len(v) < 4 {
					return b, false
				}
				return appendFlagsDflt(b, ifaddrFlags, uint64(le.Uint32(v)), "IFA_F_???"), true
			case 9: // RT_PRIORITY
				return nlaU32(b, v)
			}
			return b, false
		}, more)
	}
	return b
}

var routingTypes = xlat{
	{0, "RTN_UNSPEC"}, {1, "RTN_UNICAST"}, {2, "RTN_LOCAL"}, {3, "RTN_BROADCAST"}, {4, "RTN_ANYCAST"},
	{5, "RTN_MULTICAST"}, {6, "RTN_BLACKHOLE"}, {7, "RTN_UNREACHABLE"}, {8, "RTN_PROHIBIT"},
	{9, "RTN_THROW"}, {10, "RTN_NAT"}, {11, "RTN_XRESOLVE"},
}

var routingProtocols = xlat{
	{0, "RTPROT_UNSPEC"}, {1, "RTPROT_REDIRECT"}, {2, "RTPROT_KERNEL"}, {3, "RTPROT_BOOT"},
	{4, "RTPROT_STATIC"}, {8, "RTPROT_GATED"}, {9, "RTPROT_RA"}, {10, "RTPROT_MRT"}, {11, "RTPROT_ZEBRA"},
	{12, "RTPROT_BIRD"}, {13, "RTPROT_DNROUTED"}, {14, "RTPROT_XORP"}, {15, "RTPROT_NTK"},
	{16, "RTPROT_DHCP"}, {17, "RTPROT_MROUTED"}, {18, "RTPROT_KEEPALIVED"}, {42, "RTPROT_BABEL"},
	{99, "RTPROT_OPENR"}, {186, "RTPROT_BGP"}, {187, "RTPROT_ISIS"}, {188, "RTPROT_OSPF"},
	{189, "RTPROT_RIP"}, {192, "RTPROT_EIGRP"},
}

var routingTables = xlat{{0, "RT_TABLE_UNSPEC"}, {252, "RT_TABLE_COMPAT"}, {253, "RT_TABLE_DEFAULT"}, {254, "RT_TABLE_MAIN"}, {255, "RT_TABLE_LOCAL"}}

var rtnlRouteAttrs = xlat{
	{0, "RTA_UNSPEC"}, {1, "RTA_DST"}, {2, "RTA_SRC"}, {3, "RTA_IIF"}, {4, "RTA_OIF"}, {5, "RTA_GATEWAY"},
	{6, "RTA_PRIORITY"}, {7, "RTA_PREFSRC"}, {8, "RTA_METRICS"}, {9, "RTA_MULTIPATH"}, {10, "RTA_PROTOINFO"},
	{11, "RTA_FLOW"}, {12, "RTA_CACHEINFO"}, {13, "RTA_SESSION"}, {14, "RTA_MP_ALGO"}, {15, "RTA_TABLE"},
	{16, "RTA_MARK"}, {17, "RTA_MFC_STATS"}, {18, "RTA_VIA"}, {19, "RTA_NEWDST"}, {20, "RTA_PREF"},
	{21, "RTA_ENCAP_TYPE"}, {22, "RTA_ENCAP"}, {23, "RTA_EXPIRES"}, {24, "RTA_PAD"}, {25, "RTA_UID"},
	{26, "RTA_TTL_PROPAGATE"}, {27, "RTA_IP_PROTO"}, {28, "RTA_SPORT"}, {29, "RTA_DPORT"}, {30, "RTA_NH_ID"},
}

var routingFlags = xlat{
	{0x100, "RTM_F_NOTIFY"}, {0x200, "RTM_F_CLONED"}, {0x400, "RTM_F_EQUALIZE"}, {0x800, "RTM_F_PREFIX"},
	{0x1000, "RTM_F_LOOKUP_TABLE"}, {0x2000, "RTM_F_FIB_MATCH"}, {0x4000, "RTM_F_OFFLOAD"},
	{0x8000, "RTM_F_TRAP"}, {0x20000000, "RTM_F_OFFLOAD_FAILED"},
}

// appendRtmsg appends struct rtmsg and its attributes.
func (d *decoder) appendRtmsg(b []byte, p []byte, more bool) []byte {
	fam := p[0]
	b, ok := appendFamilyHead(b, "{rtm_family=", p, 12)
	if !ok {
		return b
	}
	b = append(b, "rtm_dst_len="...)
	b = appendUint(b, uint64(p[1]))
	b = append(b, ", rtm_src_len="...)
	b = appendUint(b, uint64(p[2]))
	b = append(b, ", rtm_tos="...)
	b = appendFlagsDflt(b, ipTOS, uint64(p[3]), "IPTOS_TOS_???")
	b = append(b, ", rtm_table="...)
	if n, ok := routingTables.lookup(uint64(p[4])); ok {
		b = append(b, n...)
	} else {
		b = appendUint(b, uint64(p[4]))
	}
	b = append(b, ", rtm_protocol="...)
	b = appendXval(b, routingProtocols, uint64(p[5]), "RTPROT_???")
	b = append(b, ", rtm_scope="...)
	b = appendScope(b, uint64(p[6]))
	b = append(b, ", rtm_type="...)
	b = appendXval(b, routingTypes, uint64(p[7]), "RTN_???")
	b = append(b, ", rtm_flags="...)
	b = appendFlagsDflt(b, routingFlags, uint64(le.Uint32(p[8:])), "RTM_F_???")
	b = append(b, '}')
	if len(p) > 12 {
		b = append(b, ", "...)
		b = d.appendNlattrs(b, p[12:], rtnlRouteAttrs, "RTA_???", func(b []byte, typ uint16, v []byte) ([]byte, bool) {
			switch typ {
			case 1, 2, 5, 7: // DST, SRC, GATEWAY, PREFSRC
				return appendInetAddr(b, fam, v)
			case 6, 15, 16: // PRIORITY, TABLE, MARK
				return nlaU32(b, v)
			}
			return b, false
		}, more)
	}
	return b
}

var ipTOS = xlat{{0x10, "IPTOS_LOWDELAY"}, {0x08, "IPTOS_THROUGHPUT"}, {0x04, "IPTOS_RELIABILITY"}, {0x02, "IPTOS_MINCOST"}}

var tcpStates = xlat{
	{1, "TCP_ESTABLISHED"}, {2, "TCP_SYN_SENT"}, {3, "TCP_SYN_RECV"}, {4, "TCP_FIN_WAIT1"},
	{5, "TCP_FIN_WAIT2"}, {6, "TCP_TIME_WAIT"}, {7, "TCP_CLOSE"}, {8, "TCP_CLOSE_WAIT"},
	{9, "TCP_LAST_ACK"}, {10, "TCP_LISTEN"}, {11, "TCP_CLOSING"}, {12, "TCP_NEW_SYN_RECV"},
}

var inetDiagAttrs = xlat{
	{0, "INET_DIAG_NONE"}, {1, "INET_DIAG_MEMINFO"}, {2, "INET_DIAG_INFO"}, {3, "INET_DIAG_VEGASINFO"},
	{4, "INET_DIAG_CONG"}, {5, "INET_DIAG_TOS"}, {6, "INET_DIAG_TCLASS"}, {7, "INET_DIAG_SKMEMINFO"},
	{8, "INET_DIAG_SHUTDOWN"}, {9, "INET_DIAG_DCTCPINFO"}, {10, "INET_DIAG_PROTOCOL"},
	{11, "INET_DIAG_SKV6ONLY"}, {12, "INET_DIAG_LOCALS"}, {13, "INET_DIAG_PEERS"}, {14, "INET_DIAG_PAD"},
	{15, "INET_DIAG_MARK"}, {16, "INET_DIAG_BBRINFO"}, {17, "INET_DIAG_CLASS_ID"}, {18, "INET_DIAG_MD5SIG"},
	{19, "INET_DIAG_ULP_INFO"}, {20, "INET_DIAG_SK_BPF_STORAGES"}, {21, "INET_DIAG_CGROUP_ID"},
	{22, "INET_DIAG_SOCKOPT"},
}

var inetDiagReqAttrs = xlat{{0, "INET_DIAG_REQ_NONE"}, {1, "INET_DIAG_REQ_BYTECODE"}, {2, "INET_DIAG_REQ_SK_BPF_STORAGES"}, {3, "INET_DIAG_REQ_PROTOCOL"}}

// appendSockDiag appends the payload of a NETLINK_SOCK_DIAG message: the
// inet requests and replies, others as their family and bytes.
func (d *decoder) appendSockDiag(b []byte, flags uint16, p []byte, more bool) []byte {
	fam := p[0]
	if (fam != afInet && fam != afInet6) || len(p) < 2 {
		return d.appendNlFamily(b, p, more)
	}
	if flags&nlmFRequest != 0 {
		b, ok := appendFamilyHead(b, "{sdiag_family=", p, 56)
		if !ok {
			return b
		}
		b = append(b, "sdiag_protocol="...)
		b = appendEnum(b, ipProtos, uint64(p[1]))
		b = append(b, ", idiag_ext="...)
		b = appendDiagExt(b, uint64(p[2]))
		b = append(b, ", idiag_states="...)
		b = appendTCPStateBits(b, uint64(le.Uint32(p[4:])))
		b = append(b, ", id="...)
		b = d.appendInetDiagSockid(b, fam, p[8:56])
		b = append(b, '}')
		if len(p) > 56 {
			b = append(b, ", "...)
			b = d.appendNlattrs(b, p[56:], inetDiagReqAttrs, "INET_DIAG_REQ_???", nil, more)
		}
		return b
	}
	b, ok := appendFamilyHead(b, "{idiag_family=", p, 72)
	if !ok {
		return b
	}
	b = append(b, "idiag_state="...)
	b = appendXval(b, tcpStates, uint64(p[1]), "TCP_???")
	b = append(b, ", idiag_timer="...)
	b = appendUint(b, uint64(p[2]))
	b = append(b, ", idiag_retrans="...)
	b = appendUint(b, uint64(p[3]))
	b = append(b, ", id="...)
	b = d.appendInetDiagSockid(b, fam, p[4:52])
	for _, f := range [...]struct {
		name string
		off  int
	}{{"idiag_expires", 52}, {"idiag_rqueue", 56}, {"idiag_wqueue", 60}, {"idiag_uid", 64}, {"idiag_inode", 68}} {
		b = append(b, ", "...)
		b = append(b, f.name...)
		b = append(b, '=')
		b = appendUint(b, uint64(le.Uint32(p[f.off:])))
	}
	b = append(b, '}')
	if len(p) > 72 {
		b = append(b, ", "...)
		b = d.appendNlattrs(b, p[72:], inetDiagAttrs, "INET_DIAG_???", func(b []byte, typ uint16, v []byte) ([]byte, bool) {
			switch typ {
			case 5, 6, 8, 10, 11: // TOS, TCLASS, SHUTDOWN, PROTOCOL, SKV6ONLY
				return nlaU8(b, v)
			case 15, 17: // MARK, CLASS_ID
				return nlaU32(b, v)
			case 4: // CONG
				return nlaString(b, v), true
			case 21: // CGROUP_ID
				if len(v) < 8 {
					return b, false
				}
				return appendUint(b, le.Uint64(v)), true
			case 22: // SOCKOPT
				if len(v) < 2 {
					return b, false
				}
				return appendDiagSockopt(b, uint16(v[0])|uint16(v[1])<<8), true
			}
			return b, false
		}, more)
	}
	return b
}

// appendDiagExt appends inet_diag_req_v2's idiag_ext bits as strace does:
// 1<<(INET_DIAG_MEMINFO-1)|...
func appendDiagExt(b []byte, v uint64) []byte {
	return appendShiftFlags(b, v, 8, func(bit int) (string, bool) {
		if n, ok := inetDiagAttrs.lookup(uint64(bit + 1)); ok {
			return "1<<(" + n + "-1)", true
		}
		return "", false
	}, "1<<INET_DIAG_???-1")
}

// appendTCPStateBits appends a mask of TCP states: 1<<TCP_LISTEN|...
func appendTCPStateBits(b []byte, v uint64) []byte {
	return appendShiftFlags(b, v, 32, func(bit int) (string, bool) {
		if n, ok := tcpStates.lookup(uint64(bit)); ok {
			return "1<<" + n, true
		}
		return "", false
	}, "1<<TCP_???")
}

// appendShiftFlags appends the bits set among the first n of v by the
// names name gives them, the others in hex, with dflt's comment when no
// bit has a name.
func appendShiftFlags(b []byte, v uint64, n int, name func(bit int) (string, bool), dflt string) []byte {
	if v == 0 {
		return append(b, '0')
	}
	start := len(b)
	for bit := 0; bit < n; bit++ {
		if v&(1<<bit) == 0 {
			continue
		}
		s, ok := name(bit)
		if !ok {
			continue
		}
		if len(b) > start {
			b = append(b, '|')
		}
		b = append(b, s...)
		v &^= 1 << bit
	}
	switch {
	case v != 0 && len(b) > start:
		b = append(b, '|')
		b = appendHex(b, v)
	case v != 0:
		b = appendComment(appendHex(b, v), dflt)
	}
	return b
}

// appendInetDiagSockid appends struct inet_diag_sockid.
func (d *decoder) appendInetDiagSockid(b []byte, fam uint8, id []byte) []byte {
	b = append(b, "{idiag_sport=htons("...)
	b = appendUint(b, uint64(binary.BigEndian.Uint16(id)))
	b = append(b, "), idiag_dport=htons("...)
	b = appendUint(b, uint64(binary.BigEndian.Uint16(id[2:])))
	b = append(b, "), "...)
	b = appendInetField(b, fam, id[4:20], "idiag_src")
	b = append(b, ", "...)
	b = appendInetField(b, fam, id[20:36], "idiag_dst")
	b = append(b, ", idiag_if="...)
	b = d.appendIfindex(b, uint64(le.Uint32(id[36:])))
	b = append(b, ", idiag_cookie=["...)
	b = appendUint(b, uint64(le.Uint32(id[40:])))
	b = append(b, ", "...)
	b = appendUint(b, uint64(le.Uint32(id[44:])))
	return append(b, "]}"...)
}

// linkName returns the IFLA_IFNAME an RTM_*LINK message's attributes
// hold, or nil.
func linkName(attrs []byte) []byte {
	for len(attrs) >= nlaHdrLen {
		alen, typ := int(le.Uint16(attrs)), le.Uint16(attrs[2:])&0x3fff
		if alen < nlaHdrLen || alen > len(attrs) {
			return nil
		}
		if typ == 3 {
			return cstring(attrs[nlaHdrLen:alen])
		}
		attrs = attrs[min((alen+3)&^3, len(attrs)):]
	}
	return nil
}

// appendIfindex appends an interface index as strace does, by the name
// the trace's own RTM_NEWLINK messages gave it: if_nametoindex("lo").
func (d *decoder) appendIfindex(b []byte, index uint64) []byte {
	if index == 0 {
		return append(b, '0')
	}
	name, ok := d.ifNames[index]
	if !ok && d.host != "" {
		name, ok = d.hostIfName(index)
	}
	if ok && name != "" {
		b = append(b, "if_nametoindex("...)
		b = appendQuoted(b, []byte(name), -1, false)
		return append(b, ')')
	}
	return appendUint(b, index)
}

// diagSockoptBits are the bit fields of struct inet_diag_sockopt.
var diagSockoptBits = [...]string{
	"recverr", "is_icsk", "freebind", "hdrincl", "mc_loop", "transparent", "mc_all", "nodefrag",
	"bind_address_no_port", "recverr_rfc4884", "defer_connect",
}

// appendDiagSockopt appends the set fields of struct inet_diag_sockopt:
// {is_icsk=1, mc_loop=1}.
func appendDiagSockopt(b []byte, v uint16) []byte {
	b = append(b, '{')
	first := true
	for bit, name := range diagSockoptBits {
		if v&(1<<bit) == 0 {
			continue
		}
		if !first {
			b = append(b, ", "...)
		}
		first = false
		b = append(b, name...)
		b = append(b, "=1"...)
	}
	if rest := v >> len(diagSockoptBits); rest != 0 {
		if !first {
			b = append(b, ", "...)
		}
		b = append(b, "unused="...)
		b = appendHex(b, uint64(rest))
	}
	return append(b, '}')
}

// hostIfName returns the name this host gives interface index when the
// trace was recorded here, and remembers it (or its absence).
func (d *decoder) hostIfName(index uint64) (string, bool) {
	if d.ifNames == nil {
		d.ifNames = map[uint64]string{}
	}
	name := ""
	if here, err := os.Hostname(); err == nil && here == d.host {
		if ifc, err := net.InterfaceByIndex(int(index)); err == nil {
			name = ifc.Name
		}
	}
	d.ifNames[index] = name
	return name, true
}
