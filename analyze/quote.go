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
