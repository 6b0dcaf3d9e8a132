package analyze

import (
	"encoding/base64"
	"strconv"
	"unicode/utf8"
)

// The JSON value of an argument is read back from the strace notation the
// decoder printed, so every decoder, present and future, has one: a
// decoder prints strace's text, and notationJSON turns each form of that
// notation (strings, numbers, flags, constants, fds, structs, arrays,
// sockaddrs, conditions) into data. What it does not recognize becomes
// the text of that part as a JSON string, so the output is always valid
// JSON. format/JSON.md lists the mapping.

// valueHint says what the argument's kind tells about its text.
type valueHint uint8

const (
	hintNone valueHint = iota
	// hintFlags: a flags argument, an array even with one name.
	hintFlags
	// hintFD: an fd, an object even without a path.
	hintFD
)

// maxNotationDepth bounds the nesting notationJSON follows; deeper parts
// become text.
const maxNotationDepth = 32

// notation parses one argument's strace text into JSON. Its buffers are
// reused from call to call.
type notation struct {
	s     []byte
	i     int
	depth int
	// scratch holds a string's bytes; quote an fd path requoted; addr
	// the address of an inet_pton.
	scratch, quote, addr []byte
	// truncated is set when a top-level string was followed by "...".
	truncated bool
}

// appendJSON appends the JSON value of text to b.
func (n *notation) appendJSON(b []byte, text []byte, hint valueHint) []byte {
	n.s, n.i, n.depth, n.truncated = text, 0, 0, false
	start := len(b)
	var ok bool
	if n.keyAhead() {
		// clone's "child_stack=NULL, flags=..." is one argument.
		b = append(b, '{')
		b, ok = n.members(b, 0)
		b = append(b, '}')
	} else {
		b, ok = n.value(b, hint, true)
		n.skipSpace()
		ok = ok && n.i == len(n.s)
	}
	if !ok {
		b = appendJSONString(b[:start], text)
	}
	return b
}

func (n *notation) peek() byte {
	if n.i < len(n.s) {
		return n.s[n.i]
	}
	return 0
}

func (n *notation) skipSpace() {
	for n.i < len(n.s) && n.s[n.i] == ' ' {
		n.i++
	}
	// Comments are left out: "0x55d4 /* 12 entries */".
	if n.has("/*") {
		for k := n.i + 2; k+1 < len(n.s); k++ {
			if n.s[k] == '*' && n.s[k+1] == '/' {
				n.i = k + 2
				n.skipSpace()
				return
			}
		}
	}
}

// has reports whether the text at the current position starts with p.
func (n *notation) has(p string) bool {
	return len(n.s)-n.i >= len(p) && string(n.s[n.i:n.i+len(p)]) == p
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdent(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ident returns the identifier at the current position and moves past it.
func (n *notation) ident() []byte {
	j := n.i
	if j >= len(n.s) || !isIdentStart(n.s[j]) {
		return nil
	}
	for j < len(n.s) && isIdent(n.s[j]) {
		j++
	}
	id := n.s[n.i:j]
	n.i = j
	return id
}

// keyAhead reports whether the text at the current position is "key=".
func (n *notation) keyAhead() bool {
	j := n.i
	if j >= len(n.s) || !isIdentStart(n.s[j]) {
		return false
	}
	for j < len(n.s) && isIdent(n.s[j]) {
		j++
	}
	return j < len(n.s) && n.s[j] == '=' && (j+1 >= len(n.s) || n.s[j+1] != '=')
}

// value appends one value. A part that does not parse is the caller's to
// replace with text.
func (n *notation) value(b []byte, hint valueHint, top bool) ([]byte, bool) {
	if n.depth >= maxNotationDepth {
		return b, false
	}
	n.depth++
	defer func() { n.depth-- }()
	n.skipSpace()
	start := len(b)
	var ok bool
	switch c := n.peek(); {
	case c == '"' || (c == '@' && n.i+1 < len(n.s) && n.s[n.i+1] == '"'):
		b, ok = n.str(b, top)
	case c == '{':
		n.i++
		b = append(b, '{')
		b, ok = n.members(b, '}')
		if ok && n.peek() == '}' {
			n.i++
			b = append(b, '}')
		} else {
			ok = false
		}
	case c == '[':
		b, ok = n.array(b)
	case c == '~' && n.i+1 < len(n.s) && n.s[n.i+1] == '[':
		n.i++
		b = append(b, `{"all_but":`...)
		b, ok = n.array(b)
		b = append(b, '}')
	case c == '-' || isDigit(c) || isIdentStart(c):
		b, ok = n.scalar(b, hint)
	}
	if !ok {
		return b[:start], false
	}
	// A value the kernel changed: "16 => 110".
	n.skipSpace()
	if n.has("=> ") {
		n.i += 3
		in := append(n.scratch[:0], b[start:]...)
		b = append(b[:start], `{"in":`...)
		b = append(b, in...)
		b = append(b, `,"out":`...)
		n.scratch = in
		var ok2 bool
		if b, ok2 = n.value(b, hint, false); !ok2 {
			return b[:start], false
		}
		b = append(b, '}')
	}
	return b, true
}

// str appends a quoted string, possibly preceded by @ (an abstract
// socket name) and followed by "..." (cut).
func (n *notation) str(b []byte, top bool) ([]byte, bool) {
	raw := n.scratch[:0]
	if n.peek() == '@' {
		raw = append(raw, '@')
		n.i++
	}
	n.i++ // the opening quote
	for {
		c, next, ok := quotedByte(n.s, n.i)
		if !ok {
			break
		}
		raw = append(raw, c)
		n.i = next
	}
	if n.peek() != '"' {
		return b, false
	}
	n.i++
	n.scratch = raw
	if n.has("...") {
		n.i += 3
		if top {
			n.truncated = true
		}
	}
	return appendBytesJSON(b, raw), true
}

// appendBytesJSON appends data as a JSON string when it is valid UTF-8,
// else as {"base64": "..."}.
func appendBytesJSON(b []byte, data []byte) []byte {
	if utf8.Valid(data) {
		return appendJSONString(b, data)
	}
	b = append(b, `{"base64":"`...)
	b = base64.StdEncoding.AppendEncode(b, data)
	return append(b, `"}`...)
}

// array appends "[a, b]" or "[A B]" (a signal set) as a JSON array;
// strace's "..." for elements not printed is left out.
func (n *notation) array(b []byte) ([]byte, bool) {
	n.i++ // [
	b = append(b, '[')
	for first := true; ; first = false {
		more, ok := n.more(']')
		if !ok {
			return b, false
		}
		if !more {
			n.i++
			return append(b, ']'), true
		}
		if !first {
			b = append(b, ',')
		}
		b = n.element(b, hintNone, ']')
	}
}

// more moves past the spaces, commas and strace's "..." (elements not
// printed) before the next element of a list that ends with end (0: at the
// end of the text). It returns false at the list's end, which it leaves to
// the caller; ok is false when the text ends first.
func (n *notation) more(end byte) (more, ok bool) {
	for {
		n.skipSpace()
		switch {
		case n.i >= len(n.s):
			return false, end == 0
		case n.peek() == end:
			return false, true
		case n.has("..."):
			n.i += 3
		case n.peek() == ',':
			n.i++
		default:
			return true, true
		}
	}
}

// element appends one array element or member value, or its text when it
// does not parse.
func (n *notation) element(b []byte, hint valueHint, end byte) []byte {
	start, at := len(b), n.i
	b, ok := n.value(b, hint, false)
	if ok {
		// value stops after the spaces that follow it; in a signal set
		// they separate elements.
		spaced := n.i > at && n.s[n.i-1] == ' '
		if c := n.peek(); n.i >= len(n.s) || c == ',' || c == end || (end == ']' && spaced) {
			return b
		}
	}
	n.i = at
	stop := n.partEnd(end)
	if stop == at && at < len(n.s) && n.s[at] != end && n.s[at] != ',' {
		// A stray closing bracket: take it into the text, to move on.
		stop++
	}
	b = appendJSONString(b[:start], trimSpace(n.s[at:stop]))
	n.i = stop
	return b
}

// partEnd returns where the part starting at the current position ends: at
// the next ',' or the closing end outside quotes and brackets.
func (n *notation) partEnd(end byte) int {
	depth := 0
	for j := n.i; j < len(n.s); j++ {
		switch c := n.s[j]; c {
		case '"':
			for j++; j < len(n.s) && n.s[j] != '"'; j++ {
				if n.s[j] == '\\' {
					j++
				}
			}
		case '{', '[', '(':
			depth++
		case '}', ']', ')':
			if depth == 0 {
				return j
			}
			depth--
		case ',':
			if depth == 0 {
				return j
			}
		}
	}
	return len(n.s)
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}

// sockaddrKeys rename a sockaddr's fields to the JSON conventions'.
var sockaddrKeys = map[string]string{
	"sa_family": "family", "sin_port": "port", "sin6_port": "port", "sin_addr": "addr",
	"sin6_addr": "addr", "sin6_flowinfo": "flowinfo", "sin6_scope_id": "scope_id",
	"sun_path": "path", "nl_pid": "pid", "nl_groups": "groups", "sa_data": "data",
}

// flagsKey reports whether a struct field of this name holds flags.
func flagsKey(k []byte) bool {
	s := string(k)
	return s == "flags" || s == "events" || s == "revents" || hasSuffix(s, "_flags") || hasSuffix(s, "mask")
}

func hasSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}

// members appends the members of a struct up to end (0: the end of the
// text) without the braces: "key=value", strace's inet_pton(AF_INET6,
// "::1", &sin6_addr) and C conditions "WIFEXITED(s) && WEXITSTATUS(s) ==
// 0".
func (n *notation) members(b []byte, end byte) ([]byte, bool) {
	first, sock := true, false
	for {
		if more, ok := n.more(end); !more {
			return b, ok
		}
		at := n.i
		key := n.ident()
		if key == nil {
			return b, false
		}
		switch {
		case n.peek() == '=' && !n.has("=="):
			n.i++
			if first && string(key) == "sa_family" {
				sock = true
			}
			b = n.key(b, key, sock, first)
			hint := hintNone
			if flagsKey(key) {
				hint = hintFlags
			}
			b = n.element(b, hint, end)
		case n.peek() == '(' && string(key) == "inet_pton":
			var ok bool
			if b, ok = n.inetPton(b, sock, first); !ok {
				return b, false
			}
		case n.peek() == '(':
			n.i = at
			var ok bool
			if b, ok = n.condition(b, first); !ok {
				return b, false
			}
		default:
			return b, false
		}
		first = false
	}
}

// key appends a member's key and colon.
func (n *notation) key(b []byte, key []byte, sock, first bool) []byte {
	if !first {
		b = append(b, ',')
	}
	if sock {
		if k, ok := sockaddrKeys[string(key)]; ok {
			return append(appendJSONString(b, k), ':')
		}
	}
	return append(appendJSONString(b, key), ':')
}

// inetPton appends strace's inet_pton(AF_INET6, "::1", &sin6_addr) as the
// member sin6_addr.
func (n *notation) inetPton(b []byte, sock, first bool) ([]byte, bool) {
	n.i++ // (
	if n.ident() == nil || !n.has(", ") {
		return b, false
	}
	n.i += 2
	mark := len(b)
	b, ok := n.str(b, false)
	if !ok || !n.has(", &") {
		return b[:mark], false
	}
	n.addr = append(n.addr[:0], b[mark:]...)
	b = b[:mark]
	n.i += 3
	field := n.ident()
	if field == nil || n.peek() != ')' {
		return b, false
	}
	n.i++
	b = n.key(b, field, sock, first)
	return append(b, n.addr...), true
}

// condition appends the terms of a C condition as members: F(s) is
// "F": true, F(s) == V is "F": V.
func (n *notation) condition(b []byte, first bool) ([]byte, bool) {
	for {
		name := n.ident()
		if name == nil || n.peek() != '(' {
			return b, false
		}
		// The argument, "s", says nothing.
		for n.i < len(n.s) && n.s[n.i] != ')' {
			n.i++
		}
		if n.i >= len(n.s) {
			return b, false
		}
		n.i++
		b = n.key(b, name, false, first)
		first = false
		if n.has(" == ") {
			n.i += 4
			var ok bool
			if b, ok = n.value(b, hintNone, false); !ok {
				return b, false
			}
		} else {
			b = append(b, "true"...)
		}
		n.skipSpace()
		if !n.has("&& ") {
			return b, true
		}
		n.i += 3
		n.skipSpace()
	}
}

// scalar appends a number, a constant, a flag combination, an fd with its
// path, or a function-like form (htons(80), makedev(1, 3)).
func (n *notation) scalar(b []byte, hint valueHint) ([]byte, bool) {
	start := len(b)
	at := n.i
	if isIdentStart(n.peek()) {
		id := n.ident()
		switch {
		case n.peek() == '(':
			return n.call(b, id)
		case n.peek() == '<' && string(id) == "AT_FDCWD":
			return n.fd(b, atFDCWD)
		case n.peek() == '|' || n.has("<<"):
			n.i = at
			return n.flags(b)
		case string(id) == "NULL":
			return append(b, "null"...), true
		}
		if hint == hintFlags {
			b = append(b, '[')
			b = appendJSONString(b, id)
			return append(b, ']'), true
		}
		if hint == hintFD && string(id) == "AT_FDCWD" {
			return append(b, `{"fd":-100}`...), true
		}
		return appendJSONString(b, id), true
	}
	v, neg, ok := n.number()
	if !ok {
		return b[:start], false
	}
	switch {
	case n.has("<<"):
		// A shifted value among flags: 21<<MAP_HUGE_SHIFT, 1<<TCP_LISTEN.
		n.i = at
		return n.flags(b)
	case n.peek() == '<':
		fd := int64(v)
		if neg {
			fd = -fd
		}
		return n.fd(b, fd)
	case n.peek() == '|':
		n.i = at
		return n.flags(b)
	case hint == hintFlags:
		if v == 0 {
			return append(b, "[]"...), true
		}
		b = append(b, '[')
		b = appendJSONString(b, n.s[at:n.i])
		return append(b, ']'), true
	case hint == hintFD:
		b = append(b, `{"fd":`...)
		b = appendSigned(b, v, neg)
		return append(b, '}'), true
	}
	return appendSigned(b, v, neg), true
}

func appendSigned(b []byte, v uint64, neg bool) []byte {
	if neg {
		b = append(b, '-')
	}
	return strconv.AppendUint(b, v, 10)
}

// number reads a decimal, hex (0x1f) or octal (0644) number, and a product
// (8192*1024) as strace prints resource limits.
func (n *notation) number() (v uint64, neg bool, ok bool) {
	if n.peek() == '-' {
		neg = true
		n.i++
	}
	j := n.i
	base := 10
	switch {
	case n.has("0x"):
		base = 16
		j += 2
	case n.peek() == '0' && n.i+1 < len(n.s) && isDigit(n.s[n.i+1]):
		base = 8
	}
	k := j
	for k < len(n.s) && (isDigit(n.s[k]) || (base == 16 && ((n.s[k]|0x20) >= 'a' && (n.s[k]|0x20) <= 'f'))) {
		k++
	}
	if k == j {
		return 0, false, false
	}
	v, err := strconv.ParseUint(string(n.s[j:k]), base, 64)
	if err != nil {
		return 0, false, false
	}
	n.i = k
	if n.peek() == '*' && !neg {
		n.i++
		w, _, ok := n.number()
		if !ok {
			return 0, false, false
		}
		v *= w
	}
	// A number glued to letters (1s, 0x1fULL) is not one.
	if isIdentStart(n.peek()) {
		return 0, false, false
	}
	return v, neg, true
}

// flags appends "A|B|0x10" as ["A","B","0x10"].
func (n *notation) flags(b []byte) ([]byte, bool) {
	b = append(b, '[')
	for first := true; ; first = false {
		j := n.flagEnd(n.i)
		if j == n.i {
			return b, false
		}
		if !first {
			b = append(b, ',')
		}
		b = appendJSONString(b, n.s[n.i:j])
		n.i = j
		if n.peek() != '|' {
			return append(b, ']'), true
		}
		n.i++
	}
}

// fd appends an fd with what it refers to: 3</etc/passwd> or
// 5</tmp/x>(deleted).
// flagEnd returns where the flag starting at i ends: a name, a number, or
// a shift of them (21<<MAP_HUGE_SHIFT, 1<<(INET_DIAG_INFO-1)).
func (n *notation) flagEnd(i int) int {
	for i < len(n.s) && (isIdent(n.s[i]) || n.s[i] == '-') {
		i++
	}
	if i+2 >= len(n.s) || n.s[i] != '<' || n.s[i+1] != '<' {
		return i
	}
	j := i + 2
	if n.s[j] == '(' {
		for j < len(n.s) && n.s[j] != ')' {
			j++
		}
		if j == len(n.s) {
			return i
		}
		return j + 1
	}
	for j < len(n.s) && isIdent(n.s[j]) {
		j++
	}
	if j == i+2 {
		return i
	}
	return j
}

func (n *notation) fd(b []byte, fd int64) ([]byte, bool) {
	n.i++ // <
	j := n.i
	for j < len(n.s) && n.s[j] != '>' {
		j++
	}
	if j >= len(n.s) {
		return b, false
	}
	b = append(b, `{"fd":`...)
	b = strconv.AppendInt(b, fd, 10)
	b = append(b, `,"path":`...)
	// The path is escaped as strace escapes a string's content.
	saved, savedI := n.s, n.i
	n.quote = append(n.quote[:0], '"')
	n.quote = append(n.quote, saved[savedI:j]...)
	n.quote = append(n.quote, '"')
	n.s, n.i = n.quote, 0
	var ok bool
	b, ok = n.str(b, false)
	n.s, n.i = saved, j+1
	if !ok {
		return b, false
	}
	if n.has("(deleted)") {
		n.i += len("(deleted)")
		b = append(b, `,"deleted":true`...)
	}
	return append(b, '}'), true
}

// call appends a function-like form: htons(80) and friends are their
// value, inet_addr("1.2.3.4") its string, makedev(1, 3) a device number.
func (n *notation) call(b []byte, name []byte) ([]byte, bool) {
	n.i++ // (
	start := len(b)
	var ok bool
	switch string(name) {
	case "htons", "htonl", "ntohs", "ntohl", "inet_addr", "if_nametoindex":
		b, ok = n.value(b, hintNone, false)
	case "inet_pton":
		// An attribute's address, without the field strace names in a
		// struct: inet_pton(AF_INET6, "::1").
		if n.ident() != nil && n.has(", ") {
			n.i += 2
			b, ok = n.str(b, false)
		}
	case "_IOC":
		// An ioctl request no name is known for.
		b = append(b, `{"dir":`...)
		b, ok = n.flags(b)
		for _, key := range []string{`,"type":`, `,"nr":`, `,"size":`} {
			if !ok || !n.has(", ") {
				ok = false
				break
			}
			n.i += 2
			b = append(b, key...)
			b, ok = n.value(b, hintNone, false)
		}
		b = append(b, '}')
	case "makedev":
		b = append(b, `{"major":`...)
		if b, ok = n.value(b, hintNone, false); ok && n.has(", ") {
			n.i += 2
			b = append(b, `,"minor":`...)
			b, ok = n.value(b, hintNone, false)
			b = append(b, '}')
		} else {
			ok = false
		}
	}
	if !ok || n.peek() != ')' {
		return b[:start], false
	}
	n.i++
	return b, true
}
