package hook

import (
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"syscall"

	"github.com/trecdev/trec/sysent"
)

// Deny fails every call of a set without running it (trec record --deny
// SET[:errno=ERRNO]); the errno is EPERM unless given. The call is not
// replaced by another: socket(2) under --deny %network returns -1 EPERM,
// never an fd. exit, exit_group and rt_sigreturn are never denied: a
// program cannot go on after them, and would loop.
type Deny struct {
	rules []denyRule
}

type denyRule struct {
	text  string
	set   sysent.Set
	errno syscall.Errno
}

// ParseDeny parses deny specs for the syscalls of t. Errors are
// *SpecError.
func ParseDeny(t *sysent.Table, specs []string) (*Deny, error) {
	d := &Deny{}
	for _, spec := range specs {
		setText, opt, hasOpt := strings.Cut(spec, ":")
		fail := func(col int, msg string) error {
			return &SpecError{Flag: "deny", Spec: spec, Col: col + 1, Msg: msg}
		}
		if setText == "" {
			return nil, fail(0, "missing syscall set")
		}
		set, err := sysent.ParseSet(t, setText)
		if err != nil {
			return nil, fail(0, err.Error())
		}
		r := denyRule{text: spec, set: set, errno: syscall.EPERM}
		if hasOpt {
			val, ok := strings.CutPrefix(opt, "errno=")
			col := len(setText) + 1
			if !ok {
				return nil, fail(col, fmt.Sprintf("%q: want errno=ERRNO", opt))
			}
			e, ok := parseErrno(val)
			if !ok {
				return nil, fail(col+len("errno="), fmt.Sprintf("unknown errno %q", val))
			}
			r.errno = e
		}
		d.rules = append(d.rules, r)
	}
	return d, nil
}

// undeniable are the calls after which a program cannot go on.
var undeniable = []string{"exit", "exit_group", "rt_sigreturn"}

// Name returns "deny".
func (d *Deny) Name() string { return "deny" }

// String returns the specs, as given.
func (d *Deny) String() string {
	specs := make([]string, len(d.rules))
	for i, r := range d.rules {
		specs[i] = r.text
	}
	return specList("deny", specs)
}

// Syscalls returns the syscalls the specs select.
func (d *Deny) Syscalls(t *sysent.Table) (sysent.Set, error) {
	var sets []sysent.Set
	for _, r := range d.rules {
		sets = append(sets, r.set)
	}
	return union(t, sets...), nil
}

// Enter fails the call.
func (d *Deny) Enter(c Call) Action {
	if sc := c.Syscall(); sc != nil {
		for _, n := range undeniable {
			if sc.Name == n {
				return Action{}
			}
		}
	}
	nr := c.Nr()
	for i := range d.rules {
		if r := &d.rules[i]; r.set.Has(nr) {
			return Fail(r.errno).WithRule(r.text)
		}
	}
	return Action{}
}

// Exit does nothing.
func (d *Deny) Exit(Call) Action { return Action{} }

// RedirectFD moves the writes of one fd to another (trec record
// --redirect-fd FROM:TO): the fd argument of write, writev, pwrite64,
// pwritev, pwritev2, and the output fd of sendfile, splice, tee and
// copy_file_range.
type RedirectFD struct {
	rules []redirect
}

type redirect struct {
	text     string
	from, to int32
}

// writeFDArg is the argument holding the fd a call writes to.
var writeFDArg = map[string]int{
	"write": 0, "writev": 0, "pwrite64": 0, "pwritev": 0, "pwritev2": 0,
	"sendfile": 0, "splice": 2, "tee": 1, "copy_file_range": 2,
}

// ParseRedirectFD parses FROM:TO specs. Errors are *SpecError.
func ParseRedirectFD(specs []string) (*RedirectFD, error) {
	rd := &RedirectFD{}
	for _, spec := range specs {
		a, b, ok := strings.Cut(spec, ":")
		from, err1 := strconv.ParseInt(a, 10, 32)
		to, err2 := strconv.ParseInt(b, 10, 32)
		col := 0
		switch {
		case !ok:
			return nil, &SpecError{Flag: "redirect-fd", Spec: spec, Col: 1, Msg: "want FROM:TO, two fd numbers"}
		case err1 != nil || from < 0:
		case err2 != nil || to < 0:
			col = len(a) + 1
		default:
			rd.rules = append(rd.rules, redirect{text: spec, from: int32(from), to: int32(to)})
			continue
		}
		return nil, &SpecError{Flag: "redirect-fd", Spec: spec, Col: col + 1, Msg: "want FROM:TO, two fd numbers"}
	}
	return rd, nil
}

// Name returns "redirect-fd".
func (rd *RedirectFD) Name() string { return "redirect-fd" }

// String returns the specs, as given.
func (rd *RedirectFD) String() string {
	var specs []string
	for _, r := range rd.rules {
		specs = append(specs, r.text)
	}
	return specList("redirect-fd", specs)
}

// Syscalls returns the write family.
func (rd *RedirectFD) Syscalls(t *sysent.Table) (sysent.Set, error) {
	names := make([]string, 0, len(writeFDArg))
	for n := range writeFDArg {
		names = append(names, n)
	}
	return setOf(t, names...), nil
}

// Enter rewrites the fd a call writes to.
func (rd *RedirectFD) Enter(c Call) Action {
	sc := c.Syscall()
	if sc == nil {
		return Action{}
	}
	i, ok := writeFDArg[sc.Name]
	if !ok {
		return Action{}
	}
	fd := int32(c.Arg(i))
	for _, r := range rd.rules {
		if r.from == fd {
			return SetArg(i, uint64(r.to)).WithRule(r.text)
		}
	}
	return Action{}
}

// Exit does nothing.
func (rd *RedirectFD) Exit(Call) Action { return Action{} }

// MapPath rewrites path arguments (trec record --map-path FROM=TO): a
// path at or under FROM, made absolute against its dirfd or the working
// directory and cleaned, is replaced by the same place under TO, for every
// syscall that takes a path. Symbolic links are not followed: FROM is
// usually a directory that does not exist.
type MapPath struct {
	rules []mapping
	args  []PathArg
}

type mapping struct {
	text, from, to string
}

// ParseMapPath parses FROM=TO specs; both must be absolute. Errors are
// *SpecError.
func ParseMapPath(specs []string) (*MapPath, error) {
	m := &MapPath{}
	for _, spec := range specs {
		from, to, ok := strings.Cut(spec, "=")
		fail := func(col int, msg string) error {
			return &SpecError{Flag: "map-path", Spec: spec, Col: col + 1, Msg: msg}
		}
		switch {
		case !ok:
			return nil, fail(0, "want FROM=TO, two absolute paths")
		case !path.IsAbs(from):
			return nil, fail(0, "FROM must be an absolute path")
		case !path.IsAbs(to):
			return nil, fail(len(from)+1, "TO must be an absolute path")
		}
		m.rules = append(m.rules, mapping{text: spec, from: path.Clean(from), to: path.Clean(to)})
	}
	return m, nil
}

// Name returns "map-path".
func (m *MapPath) Name() string { return "map-path" }

// String returns the specs, as given.
func (m *MapPath) String() string {
	var specs []string
	for _, r := range m.rules {
		specs = append(specs, r.text)
	}
	return specList("map-path", specs)
}

// Syscalls returns every syscall that takes a path.
func (m *MapPath) Syscalls(t *sysent.Table) (sysent.Set, error) { return PathSyscalls(t), nil }

// Enter rewrites the call's paths under a FROM.
func (m *MapPath) Enter(c Call) Action {
	args, err := PathArgs(m.args[:0], c)
	m.args = args
	if err != nil {
		return undecided(err)
	}
	var a Action
	for _, p := range args {
		if p.Addr == 0 {
			continue
		}
		name, err := c.Mem().ReadString(p.Addr, pathMax)
		if err != nil || name == "" {
			if errors.Is(err, ErrUnavailable) {
				return undecided(err)
			}
			continue
		}
		var abs string
		if name[0] == '/' && !p.InRoot {
			abs = path.Clean(name)
		} else if abs, err = Absolute(c, p, name); err != nil {
			if errors.Is(err, ErrUnavailable) {
				return undecided(err)
			}
			continue
		}
		for _, r := range m.rules {
			if !under(abs, r.from) {
				continue
			}
			mapped := r.to + abs[len(r.from):]
			if r.from == "/" {
				mapped = path.Join(r.to, abs)
			}
			if strings.HasSuffix(name, "/") && !strings.HasSuffix(mapped, "/") {
				// A trailing slash asks for a directory.
				mapped += "/"
			}
			b := SetArgString(p.Arg, mapped)
			a.Args = append(a.Args, b.Args...)
			if a.Rule == "" {
				a.Rule = r.text
			}
			break
		}
	}
	return a
}

// Exit does nothing.
func (m *MapPath) Exit(Call) Action { return Action{} }
