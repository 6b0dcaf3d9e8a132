package hook

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"syscall"

	"github.com/trecdev/trec/sysent"
)

// Sandbox is a path policy (trec record --sandbox FILE): a call whose
// path no rule allows fails with EACCES without running. It is not a
// security boundary: see the package documentation.
//
// A policy has one rule a line, "#" starting a comment (at the start of a
// line or after a blank):
//
//	allow PATTERN         reads and writes
//	allow read PATTERN    reads: open read-only, stat, access, readlink, exec, chdir, ...
//	allow write PATTERN   writes: open for writing, creating or truncating, unlink, rename, mkdir, chmod, ...
//	deny PATTERN          neither
//
// The first rule that matches a path and its access decides; when none
// does, the call is denied. Patterns are absolute paths in which $HOME,
// $TMPDIR (/tmp when unset) and $CWD (the program's starting directory)
// expand, "*", "?" and "[...]" match within a component and a "**"
// component matches any number of components: /usr/** is /usr and
// everything under it. Paths are resolved as the kernel will resolve them
// (Resolve) before they are matched; each of a call's paths (rename's two)
// must be allowed.
//
// io_uring_setup fails with ENOSYS under a sandbox: io_uring's operations
// take paths the sandbox cannot see, and programs fall back to plain
// syscalls when io_uring is missing.
type Sandbox struct {
	file  string
	rules []policyRule
	args  []PathArg
	// violations counts the denied calls; first holds the first
	// distinct paths denied.
	violations uint64
	first      []string
}

type policyRule struct {
	allow  bool
	access Access
	pat    pattern
	text   string
}

// PolicyEnv holds the values of the variables a policy may use.
type PolicyEnv struct {
	Home, Tmpdir, Cwd string
}

// Rule texts of the decisions no line of the policy made.
const (
	noRuleRead  = "no rule allows read"
	noRuleWrite = "no rule allows write"
	ioUringRule = "io_uring (its operations bypass the sandbox)"
	// maxFirst is how many denied paths Violations lists.
	maxFirst = 5
)

// ParseSandbox parses the policy src, read from the file named name (for
// error messages). Errors are *SpecError with the line and column.
func ParseSandbox(name string, src []byte, env PolicyEnv) (*Sandbox, error) {
	s := &Sandbox{file: name}
	for i, line := range strings.Split(string(src), "\n") {
		r, col, err := parseRule(line, env)
		if err != nil {
			return nil, &SpecError{Flag: "sandbox", File: name, Line: i + 1, Col: col + 1, Msg: err.Error()}
		}
		if r != nil {
			s.rules = append(s.rules, *r)
		}
	}
	return s, nil
}

// parseRule parses one line; nil for a blank or comment line. On error it
// returns the byte offset of the fault.
func parseRule(line string, env PolicyEnv) (*policyRule, int, error) {
	// A comment starts at a '#' at the start or after a blank.
	for i := 0; i < len(line); i++ {
		if line[i] == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			line = line[:i]
			break
		}
	}
	line = strings.TrimRight(line, " \t\r")
	pos := 0
	word := func() (string, int) {
		for pos < len(line) && (line[pos] == ' ' || line[pos] == '\t') {
			pos++
		}
		start := pos
		for pos < len(line) && line[pos] != ' ' && line[pos] != '\t' {
			pos++
		}
		return line[start:pos], start
	}
	verb, vcol := word()
	if verb == "" {
		return nil, 0, nil
	}
	r := &policyRule{access: Read | Write}
	switch verb {
	case "allow":
		r.allow = true
	case "deny":
	default:
		return nil, vcol, fmt.Errorf("unknown rule %q (want allow, allow read, allow write or deny)", verb)
	}
	save := pos
	w, _ := word()
	switch {
	case r.allow && w == "read":
		r.access = Read
	case r.allow && w == "write":
		r.access = Write
	default:
		pos = save
	}
	for pos < len(line) && (line[pos] == ' ' || line[pos] == '\t') {
		pos++
	}
	if pos == len(line) {
		return nil, pos, errors.New("missing path pattern")
	}
	pcol := pos
	expanded, col, err := expand(line[pos:], env)
	if err != nil {
		return nil, pcol + col, err
	}
	pt, col, err := compilePattern(expanded)
	if err != nil {
		if !strings.HasPrefix(expanded, "/") || expanded != line[pcol:] {
			// The offset is in the expansion: point at the pattern.
			col = 0
		}
		return nil, pcol + col, err
	}
	r.pat = pt
	r.text = strings.TrimSpace(line)
	return r, 0, nil
}

// expand replaces $HOME, $TMPDIR and $CWD (or ${HOME}, ...) in p. On error
// it returns the offset of the variable.
func expand(p string, env PolicyEnv) (string, int, error) {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '\\' && i+1 < len(p) && p[i+1] == '$' {
			// \$ is a literal dollar sign, as path.Match reads \$.
			b.WriteString(`\$`)
			i++
			continue
		}
		if c != '$' {
			b.WriteByte(c)
			continue
		}
		name, n := "", 0
		if strings.HasPrefix(p[i+1:], "{") {
			end := strings.IndexByte(p[i:], '}')
			if end < 0 {
				return "", i, errors.New("unterminated ${")
			}
			name, n = p[i+2:i+end], end
		} else {
			j := i + 1
			for j < len(p) && (p[j] == '_' || p[j] >= 'A' && p[j] <= 'Z' || p[j] >= 'a' && p[j] <= 'z' || p[j] >= '0' && p[j] <= '9') {
				j++
			}
			name, n = p[i+1:j], j-i-1
		}
		var v string
		switch name {
		case "HOME":
			v = env.Home
		case "TMPDIR":
			v = env.Tmpdir
			if v == "" {
				v = "/tmp"
			}
		case "CWD":
			v = env.Cwd
		default:
			return "", i, fmt.Errorf("unknown variable $%s (want $HOME, $TMPDIR or $CWD; \\$ for a dollar sign)", name)
		}
		if v == "" {
			return "", i, fmt.Errorf("$%s is not set", name)
		}
		b.WriteString(strings.TrimRight(v, "/"))
		i += n
	}
	return b.String(), 0, nil
}

// Name returns "sandbox".
func (s *Sandbox) Name() string { return "sandbox" }

// String returns "sandbox FILE".
func (s *Sandbox) String() string { return "sandbox " + s.file }

// Syscalls returns every syscall that takes a path, and io_uring_setup.
func (s *Sandbox) Syscalls(t *sysent.Table) (sysent.Set, error) {
	return union(t, PathSyscalls(t), setOf(t, "io_uring_setup")), nil
}

// Enter checks each path of the call against the policy.
func (s *Sandbox) Enter(c Call) Action {
	sc := c.Syscall()
	if sc != nil && sc.Name == "io_uring_setup" {
		return Fail(syscall.ENOSYS).WithRule(ioUringRule)
	}
	args, err := PathArgs(s.args[:0], c)
	s.args = args
	if err != nil {
		return undecided(err)
	}
	rule := ""
	for _, p := range args {
		name, err := readPath(c, p)
		if err != nil {
			if errors.Is(err, ErrUnavailable) {
				return undecided(err)
			}
			// The kernel cannot read it either: the call fails.
			continue
		}
		if name == "" {
			// The call acts on an open fd (fstat is newfstatat(fd,
			// "", AT_EMPTY_PATH)), not on a path.
			continue
		}
		abs, err := Resolve(c, p, name)
		if err != nil {
			if errors.Is(err, ErrUnavailable) {
				return undecided(err)
			}
			// A bad dirfd, a loop, an fd without a path: the kernel
			// fails the call, or it is not about a path.
			continue
		}
		r := s.decide(abs, p.Access)
		switch {
		case r == nil:
			text := noRuleRead
			if p.Access == Write {
				text = noRuleWrite
			}
			return s.deny(text, abs)
		case !r.allow:
			return s.deny(r.text, abs)
		case rule == "":
			rule = r.text
		}
	}
	return Action{Rule: rule}
}

// Exit does nothing: the sandbox decides at the entry.
func (s *Sandbox) Exit(Call) Action { return Action{} }

func (s *Sandbox) deny(rule, path string) Action {
	s.violations++
	if len(s.first) < maxFirst && !slices.Contains(s.first, path) {
		s.first = append(s.first, path)
	}
	a := Fail(syscall.EACCES).WithRule(rule)
	a.Path = path
	return a
}

// decide returns the first rule that matches path for access, nil for
// none.
func (s *Sandbox) decide(path string, access Access) *policyRule {
	for i := range s.rules {
		r := &s.rules[i]
		if r.access&access != 0 && r.pat.match(path) {
			return r
		}
	}
	return nil
}

// Violations returns how many calls the sandbox denied and the first few
// distinct paths it denied.
func (s *Sandbox) Violations() (uint64, []string) { return s.violations, s.first }

func undecided(err error) Action { return Action{Err: err} }

// readPath reads path argument p: "" for a NULL pointer where NULL names
// the dirfd.
func readPath(c Call, p PathArg) (string, error) {
	if p.Addr == 0 {
		if p.Empty {
			return "", nil
		}
		return "", syscall.EFAULT
	}
	return c.Mem().ReadString(p.Addr, pathMax)
}
