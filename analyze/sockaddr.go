package analyze

import (
	"encoding/binary"
	"net/netip"
	"strconv"
)

// Address families decoded here.
const (
	afUnix    = 1
	afInet    = 2
	afInet6   = 10
	afNetlink = 16
)

// appendSockaddr appends a short form of a sockaddr for listing peers:
// 93.184.216.34:80, [::1]:443, /run/x.sock, @abstract, netlink:0.
func appendSockaddr(b []byte, sa []byte) []byte {
	if len(sa) < 2 {
		return append(b, "?"...)
	}
	fam := binary.LittleEndian.Uint16(sa)
	switch fam {
	case afInet:
		if len(sa) >= 8 {
			addr := netip.AddrFrom4([4]byte(sa[4:8]))
			return netip.AddrPortFrom(addr, binary.BigEndian.Uint16(sa[2:])).AppendTo(b)
		}
	case afInet6:
		if len(sa) >= 24 {
			addr := netip.AddrFrom16([16]byte(sa[8:24]))
			return netip.AddrPortFrom(addr, binary.BigEndian.Uint16(sa[2:])).AppendTo(b)
		}
	case afUnix:
		p := sa[2:]
		if len(p) == 0 {
			return append(b, "unix:unnamed"...)
		}
		if p[0] == 0 {
			b = append(b, '@')
			return append(b, p[1:]...)
		}
		return append(b, cstring(p)...)
	case afNetlink:
		b = append(b, "netlink:"...)
		if len(sa) >= 8 {
			b = strconv.AppendUint(b, uint64(binary.LittleEndian.Uint32(sa[4:])), 10)
		}
		return b
	}
	b = append(b, "family "...)
	return strconv.AppendUint(b, uint64(fam), 10)
}

// appendSockaddrStrace appends a sockaddr as strace prints it:
// {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("1.2.3.4")}.
func appendSockaddrStrace(b []byte, sa []byte) []byte {
	if len(sa) < 2 {
		return append(b, "{}"...)
	}
	fam := binary.LittleEndian.Uint16(sa)
	b = append(b, "{sa_family="...)
	b = appendEnum(b, socketFamilies, uint64(fam))
	switch fam {
	case afInet:
		if len(sa) >= 8 {
			b = append(b, ", sin_port=htons("...)
			b = strconv.AppendUint(b, uint64(binary.BigEndian.Uint16(sa[2:])), 10)
			b = append(b, "), sin_addr=inet_addr(\""...)
			b = netip.AddrFrom4([4]byte(sa[4:8])).AppendTo(b)
			b = append(b, "\")"...)
		}
	case afInet6:
		if len(sa) >= 24 {
			b = append(b, ", sin6_port=htons("...)
			b = strconv.AppendUint(b, uint64(binary.BigEndian.Uint16(sa[2:])), 10)
			b = append(b, "), sin6_flowinfo=htonl("...)
			b = strconv.AppendUint(b, uint64(binary.BigEndian.Uint32(sa[4:])), 10)
			b = append(b, "), inet_pton(AF_INET6, \""...)
			b = netip.AddrFrom16([16]byte(sa[8:24])).AppendTo(b)
			b = append(b, "\", &sin6_addr)"...)
			if len(sa) >= 28 {
				b = append(b, ", sin6_scope_id="...)
				b = strconv.AppendUint(b, uint64(binary.LittleEndian.Uint32(sa[24:])), 10)
			}
		}
	case afUnix:
		p := sa[2:]
		if len(p) > 0 {
			b = append(b, ", sun_path="...)
			if p[0] == 0 {
				b = append(b, '@')
				b = appendQuoted(b, p[1:], len(p), false)
			} else {
				b = appendQuoted(b, cstring(p), len(p), false)
			}
		}
	case afNetlink:
		if len(sa) >= 12 {
			b = append(b, ", nl_pid="...)
			b = strconv.AppendUint(b, uint64(binary.LittleEndian.Uint32(sa[4:])), 10)
			b = append(b, ", nl_groups="...)
			g := strconv.FormatUint(uint64(binary.LittleEndian.Uint32(sa[8:])), 16)
			for i := len(g); i < 8; i++ {
				b = append(b, '0')
			}
			b = append(b, g...)
		}
	default:
		b = append(b, ", sa_data="...)
		b = appendQuoted(b, sa[2:], len(sa), false)
	}
	return append(b, '}')
}

// cstring returns b up to its first NUL.
func cstring(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}
