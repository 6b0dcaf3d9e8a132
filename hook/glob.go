package hook

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// pattern is a compiled path pattern of a sandbox policy: an absolute
// path whose components may hold the wildcards of path.Match (*, ?,
// [...], \ escapes), none of which crosses a slash, and whose components
// may be "**", which matches any number of components, none included. So
// /usr/** matches /usr itself and everything under it.
type pattern struct {
	segs []seg
	// prefix, when set, is the whole pattern for DIR/** with a literal
	// DIR (exact, for a literal pattern): no component matching needed.
	prefix string
	exact  bool
	any    bool
	// lead is what every path the pattern matches starts with, for the
	// others: a path without it is rejected before the components are
	// matched. Empty when it would be only "/".
	lead string
}

type seg struct {
	s   string
	lit bool
	// all is set for "**".
	all bool
}

// compilePattern compiles p, an absolute path. On error it returns the
// byte offset in p of the fault.
func compilePattern(p string) (pattern, int, error) {
	if !strings.HasPrefix(p, "/") {
		return pattern{}, 0, errors.New("pattern must be an absolute path")
	}
	var pt pattern
	lit := true
	off := 1
	for _, s := range strings.Split(p[1:], "/") {
		start := off
		off += len(s) + 1
		switch {
		case s == "":
			continue
		case s == "." || s == "..":
			return pattern{}, start, errors.New(`"." and ".." are not allowed in a pattern`)
		case s == "**":
			pt.segs = append(pt.segs, seg{s: s, all: true})
			lit = false
			continue
		case strings.Contains(s, "**"):
			return pattern{}, start + strings.Index(s, "**"), errors.New(`"**" must be a whole path component`)
		}
		if _, err := path.Match(s, ""); err != nil {
			return pattern{}, start, fmt.Errorf("bad wildcard in %q", s)
		}
		l := !strings.ContainsAny(s, `*?[\`)
		lit = lit && l
		pt.segs = append(pt.segs, seg{s: s, lit: l})
	}
	n := len(pt.segs)
	switch {
	case n == 1 && pt.segs[0].all:
		pt.any = true
	case lit:
		pt.exact = true
		pt.prefix = segsPath(pt.segs)
	case n > 0 && pt.segs[n-1].all && literal(pt.segs[:n-1]):
		pt.prefix = segsPath(pt.segs[:n-1])
	default:
		pt.lead = leadOf(pt.segs)
	}
	return pt, 0, nil
}

// leadOf returns the literal start of the paths segs match, a pattern
// that is neither literal nor DIR/**: its literal components, each
// followed by a slash (another component follows: a "**" that is not
// last stands before one), then the literal bytes the first wildcard
// component starts with, escapes taken as the bytes they escape.
func leadOf(segs []seg) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		if s.lit {
			b.WriteString(s.s)
			continue
		}
		if s.all {
			break
		}
		for i := 0; i < len(s.s); i++ {
			c := s.s[i]
			if c == '\\' {
				// path.Match accepted the component: an escape is
				// followed by the byte it escapes.
				i++
				c = s.s[i]
			} else if c == '*' || c == '?' || c == '[' {
				break
			}
			b.WriteByte(c)
		}
		break
	}
	if b.Len() <= 1 {
		return ""
	}
	return b.String()
}

func literal(segs []seg) bool {
	for _, s := range segs {
		if !s.lit {
			return false
		}
	}
	return true
}

func segsPath(segs []seg) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(s.s)
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// match reports whether the absolute, clean path p matches.
func (pt *pattern) match(p string) bool {
	switch {
	case pt.any:
		return true
	case pt.exact:
		return p == pt.prefix
	case pt.prefix != "":
		return under(p, pt.prefix)
	case !strings.HasPrefix(p, pt.lead):
		return false
	}
	return matchSegs(pt.segs, strings.TrimPrefix(p, "/"))
}

// matchSegs matches the components of rest, a path without its leading
// slash, against segs.
func matchSegs(segs []seg, rest string) bool {
	for i, s := range segs {
		if s.all {
			tail := segs[i+1:]
			if len(tail) == 0 {
				return true
			}
			for {
				if matchSegs(tail, rest) {
					return true
				}
				j := strings.IndexByte(rest, '/')
				if j < 0 {
					return false
				}
				rest = rest[j+1:]
			}
		}
		if rest == "" {
			return false
		}
		name, after, _ := strings.Cut(rest, "/")
		if s.lit {
			if name != s.s {
				return false
			}
		} else if ok, _ := path.Match(s.s, name); !ok {
			return false
		}
		rest = after
	}
	return rest == ""
}
