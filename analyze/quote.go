package analyze

// appendQuoted appends data as a strace quoted string: printable ASCII as
// is, \t \n \v \f \r \" \\ escaped, other bytes in octal (\0, \177, or three
// digits when a digit follows). At most limit bytes are printed; when data
// was cut (more, or len(data) > limit) "..." follows the closing quote.
func appendQuoted(b []byte, data []byte, limit int, more bool) []byte {
	if limit >= 0 && len(data) > limit {
		data = data[:limit]
		more = true
	}
	b = append(b, '"')
	b = appendEscaped(b, data, false)
	b = append(b, '"')
	if more {
		b = append(b, "..."...)
	}
	return b
}

// appendEscaped appends data with appendQuoted's escapes, without quotes;
// angles also escapes < and > in octal, as strace does in the fd paths it
// prints between them.
func appendEscaped(b []byte, data []byte, angles bool) []byte {
	for i, c := range data {
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case angles && (c == '<' || c == '>'):
			b = appendOctal(b, data, i)
		case c >= ' ' && c < 0x7f:
			b = append(b, c)
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\v':
			b = append(b, '\\', 'v')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\r':
			b = append(b, '\\', 'r')
		default:
			b = appendOctal(b, data, i)
		}
	}
	return b
}

// appendOctal appends data[i] as an octal escape: as few digits as it
// takes, three when a digit follows.
func appendOctal(b []byte, data []byte, i int) []byte {
	c := data[i]
	b = append(b, '\\')
	if i+1 < len(data) && data[i+1] >= '0' && data[i+1] <= '7' {
		b = append(b, '0'+c>>6, '0'+(c>>3)&7)
	} else if c>>3 != 0 {
		if c>>6 != 0 {
			b = append(b, '0'+c>>6)
		}
		b = append(b, '0'+(c>>3)&7)
	}
	return append(b, '0'+c&7)
}

// appendHexQuoted appends data as a quoted string of \x escapes, as strace
// prints binary data such as getrandom's.
func appendHexQuoted(b []byte, data []byte, limit int, more bool) []byte {
	const hex = "0123456789abcdef"
	if limit >= 0 && len(data) > limit {
		data = data[:limit]
		more = true
	}
	b = append(b, '"')
	for _, c := range data {
		b = append(b, '\\', 'x', hex[c>>4], hex[c&0xf])
	}
	b = append(b, '"')
	if more {
		b = append(b, "..."...)
	}
	return b
}

// quotedByte decodes the byte of a strace quoted string that starts at
// s[i] (inside the quotes): a plain byte or an escape (\n, \177, \x7f).
// next is where the following byte starts; ok is false at the closing
// quote or a malformed escape.
func quotedByte(s []byte, i int) (c byte, next int, ok bool) {
	if i >= len(s) || s[i] == '"' {
		return 0, i, false
	}
	if s[i] != '\\' {
		return s[i], i + 1, true
	}
	if i+1 >= len(s) {
		return 0, i, false
	}
	e := s[i+1]
	i += 2
	switch e {
	case 'n':
		return '\n', i, true
	case 't':
		return '\t', i, true
	case 'r':
		return '\r', i, true
	case 'v':
		return '\v', i, true
	case 'f':
		return '\f', i, true
	case 'x':
		if i+2 > len(s) {
			return 0, i, false
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		return hi<<4 | lo, i + 2, ok1 && ok2
	case '0', '1', '2', '3', '4', '5', '6', '7':
		v := uint(e - '0')
		for k := 0; k < 2 && i < len(s) && s[i] >= '0' && s[i] <= '7'; k++ {
			v = v*8 + uint(s[i]-'0')
			i++
		}
		return byte(v), i, true
	}
	return e, i, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// appendHexStrings appends line with its quoted strings in hexadecimal, as
// strace prints them under -x (a string with a byte that is neither
// printable nor \t \n \v \f \r) or -xx (every string). What fds refer to,
// between <>, is left as it is.
func appendHexStrings(dst, line []byte, mode HexMode) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(line); {
		switch line[i] {
		case '<':
			j := i + 1
			for j < len(line) && line[j] != '>' {
				j++
			}
			dst = append(dst, line[i:min(j+1, len(line))]...)
			i = j + 1
			continue
		case '"':
		default:
			dst = append(dst, line[i])
			i++
			continue
		}
		start := i + 1
		end, needs := start, mode == HexAll
		for {
			c, next, ok := quotedByte(line, end)
			if !ok {
				break
			}
			if c >= 0x7f || (c < ' ' && (c < '\t' || c > '\r')) {
				needs = true
			}
			end = next
		}
		if end >= len(line) || line[end] != '"' {
			// Not a string strace printed: copy the rest.
			return append(dst, line[i:]...)
		}
		if !needs {
			dst = append(dst, line[i:end+1]...)
		} else {
			dst = append(dst, '"')
			for k := start; ; {
				c, next, ok := quotedByte(line, k)
				if !ok {
					break
				}
				dst = append(dst, '\\', 'x', hex[c>>4], hex[c&0xf])
				k = next
			}
			dst = append(dst, '"')
		}
		i = end + 1
	}
	return dst
}
