package hook

import (
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
)

// maxLinks is the kernel's limit on the symbolic links one resolution
// follows (MAXSYMLINKS).
const maxLinks = 40

// atFDCWD is AT_FDCWD, the dirfd that means the working directory.
const atFDCWD = -100

var (
	// ErrNoPath is returned, wrapped, when a path argument names an
	// object that has no path: an fd of a pipe, a socket or an anonymous
	// inode.
	ErrNoPath = errors.New("names no path")
	errLoop   = errors.New("too many levels of symbolic links")
	errEmpty  = errors.New("empty path")
)

// Resolve returns the absolute path, in the program's view of the file
// system, that the path argument p names when it holds name, resolved as
// the kernel resolves it:
//
//   - a relative name against p's dirfd, or the working directory;
//   - every symbolic link followed through Call.Readlink, the last
//     component's only when p.Follow is set or the name ends in a slash,
//     up to the kernel's 40 links;
//   - ".." taken after the links before it, so "link/.." is the link
//     target's parent, and never above the root;
//   - /proc/self and /proc/thread-self as the calling process and thread,
//     and the magic links under /proc/PID (fd/N, cwd, root, exe) as what
//     they refer to; one that refers to no path (a pipe, a socket) ends
//     the resolution at the link;
//   - with p.InRoot (openat2's RESOLVE_IN_ROOT), absolute names, absolute
//     link targets and ".." stay under the dirfd.
//
// The other RESOLVE_ flags only make the kernel refuse more: the result is
// the path the kernel would use if it accepted. An error wrapping
// ErrUnavailable means the Call lacked what resolving needs; ErrNoPath, that
// the argument names an fd without a path (AT_EMPTY_PATH on a pipe);
// other errors, that the kernel will fail the call (a bad dirfd, a loop).
func Resolve(c Call, p PathArg, name string) (string, error) {
	cur, root, err := start(c, p, name)
	if err != nil || name == "" {
		return cur, err
	}
	return walk(c, cur, root, name, p.Follow)
}

// Absolute returns the absolute path that p names when it holds name,
// without following symbolic links: name joined to the directory it is
// relative to and cleaned, ".." removing the component before it.
func Absolute(c Call, p PathArg, name string) (string, error) {
	cur, root, err := start(c, p, name)
	if err != nil || name == "" {
		return cur, err
	}
	if name[0] == '/' {
		name = name[1:]
	}
	abs := path.Clean(cur + "/" + name)
	if root != "/" && !under(abs, root) {
		return root, nil
	}
	return abs, nil
}

// start returns the directory name is relative to and the root of its
// resolution; for an empty name, what the dirfd names.
func start(c Call, p PathArg, name string) (cur, root string, err error) {
	root = "/"
	if p.InRoot {
		if root, err = dirPath(c, p.DirFD); err != nil {
			return "", "", err
		}
	}
	switch {
	case name == "":
		if !p.Empty {
			return "", "", errEmpty
		}
		cur, err = dirPath(c, p.DirFD)
		return cur, root, err
	case name[0] == '/':
		return root, root, nil
	}
	cur, err = dirPath(c, p.DirFD)
	return cur, root, err
}

// dirPath returns the path of the directory a dirfd argument (index i, -1
// for none) names.
func dirPath(c Call, i int) (string, error) {
	fd := atFDCWD
	if i >= 0 {
		fd = int(int32(c.Arg(i)))
	}
	var s string
	var err error
	if fd == atFDCWD {
		s, err = c.Cwd()
	} else {
		s, err = c.FDPath(fd)
	}
	if err != nil {
		return "", fmt.Errorf("fd %d: %w", fd, err)
	}
	if s == "" || s[0] != '/' {
		return "", fmt.Errorf("fd %d (%s): %w", fd, s, ErrNoPath)
	}
	return s, nil
}

// walk resolves rest, component by component, from directory cur.
func walk(c Call, cur, root, rest string, follow bool) (string, error) {
	links := 0
	for {
		for len(rest) > 0 && rest[0] == '/' {
			rest = rest[1:]
		}
		if rest == "" {
			return cur, nil
		}
		name, after, slash := strings.Cut(rest, "/")
		rest = after
		switch name {
		case ".":
			continue
		case "..":
			if cur != root {
				cur = parent(cur)
			}
			continue
		}
		next := join(cur, name)
		if !slash && !follow {
			cur = next
			continue
		}
		target, err := readlink(c, next)
		if errors.Is(err, ErrNotLink) {
			cur = next
			continue
		}
		if err != nil {
			return "", err
		}
		if links++; links > maxLinks {
			return "", fmt.Errorf("%s: %w", next, errLoop)
		}
		if target == "" || (target[0] != '/' && strings.HasPrefix(next, "/proc/") && strings.Contains(target, ":")) {
			// A magic link to something without a path: the call acts
			// on what it refers to, known by the link's name.
			if rest == "" {
				return next, nil
			}
			return path.Clean(next + "/" + rest), nil
		}
		if target[0] == '/' {
			cur = root
		}
		if rest != "" {
			target += "/" + rest
		}
		rest = target
	}
}

// readlink is Call.Readlink with /proc/self and /proc/thread-self as the
// calling process and thread, which a tracer reading /proc would see as
// itself.
func readlink(c Call, p string) (string, error) {
	switch p {
	case "/proc/self":
		return strconv.Itoa(c.Pid()), nil
	case "/proc/thread-self":
		return strconv.Itoa(c.Pid()) + "/task/" + strconv.Itoa(c.Tid()), nil
	}
	return c.Readlink(p)
}

func join(dir, name string) string {
	if name == "" {
		return dir
	}
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

func parent(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/"
	}
	return p[:i]
}

// under reports whether p is dir or inside it.
func under(p, dir string) bool {
	if dir == "/" {
		return true
	}
	return p == dir || (strings.HasPrefix(p, dir) && p[len(dir)] == '/')
}
