//go:build linux

package record

import (
	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/sysent"
)

// pathCache remembers what the tracees' fds and working directories name,
// and which paths are or are not symbolic links, so that the hooks' path
// resolution (hook.Resolve) costs a readlink per new fd or directory
// rather than one per call: tar's newfstatat(dirfd, name) on every file
// would otherwise cost a readlink of /proc/TID/fd/N each, as much again as
// the call itself.
//
// Only syscalls of the tracees change what it holds, and the hooker stops
// at every one that can (the invalidators; with a seccomp filter they are
// selected too) and forgets what they may change, at their entry and again
// at their exit. Changes made from outside the recording (another process
// renaming a directory) are not seen: the sandbox is not a security
// boundary (package hook). Processes that share an fd table or a working
// directory without being threads of one process, and any change of root
// or mount namespace, turn the cache off for the rest of the recording.
type pathCache struct {
	on bool
	// kinds is each syscall number's effect on the cache, 0 for none.
	kinds []invalidates
	fds   map[int]map[int]string // pid -> fd -> path
	cwds  map[int]string         // pid -> working directory
	// links holds, for paths known to exist, their target ("" for a
	// path that is not a link).
	links map[string]string
}

// invalidates says what a syscall may change.
type invalidates uint8

const (
	invNone invalidates = iota
	// invFD0, invFD1: the fd in argument 0 (close) or 1 (dup2, dup3).
	invFD0
	invFD1
	// invFDs: every fd of the process (close_range, execve).
	invFDs
	// invCwd: the process's working directory.
	invCwd
	// invPaths: what paths name (rename, rmdir, unlink, mounts).
	invPaths
	// invOff: sharing or namespace changes the cache cannot follow.
	invOff
	// invClone: off when the flags share files or fs across processes,
	// or make a mount namespace.
	invClone
)

// maxCachedLinks bounds the link cache; it is emptied when full.
const maxCachedLinks = 1 << 16

var invalidators = map[string]invalidates{
	"close": invFD0, "dup2": invFD1, "dup3": invFD1,
	"close_range": invFDs, "execve": invFDs, "execveat": invFDs,
	"chdir": invCwd, "fchdir": invCwd,
	"rename": invPaths, "renameat": invPaths, "renameat2": invPaths, "rmdir": invPaths,
	"unlink": invPaths, "unlinkat": invPaths, "mount": invPaths, "umount2": invPaths,
	"move_mount": invPaths, "fsmount": invPaths,
	"chroot": invOff, "pivot_root": invOff, "setns": invOff, "unshare": invOff,
	"clone": invClone, "clone3": invClone,
}

func newPathCache(t *sysent.Table) *pathCache {
	c := &pathCache{on: true, kinds: make([]invalidates, t.Max()),
		fds: map[int]map[int]string{}, cwds: map[int]string{}, links: map[string]string{}}
	for name, k := range invalidators {
		if sc, ok := t.ByName(name); ok {
			c.kinds[sc.Nr] = k
		}
	}
	return c
}

// nrs returns the syscalls the cache must see.
func (c *pathCache) nrs() []int {
	var out []int
	for nr, k := range c.kinds {
		if k != invNone {
			out = append(out, nr)
		}
	}
	return out
}

// invalidates reports whether syscall nr may change what the cache holds.
func (c *pathCache) invalidates(nr int) bool {
	return c.on && nr >= 0 && nr < len(c.kinds) && c.kinds[nr] != invNone
}

// changing forgets what th's current syscall may change.
func (c *pathCache) changing(t *tracer, th *thread) {
	switch c.kinds[th.nr] {
	case invFD0:
		delete(c.fds[th.pid], int(int32(th.args[0])))
	case invFD1:
		delete(c.fds[th.pid], int(int32(th.args[1])))
	case invFDs:
		delete(c.fds, th.pid)
	case invCwd:
		delete(c.cwds, th.pid)
	case invPaths:
		clear(c.fds)
		clear(c.cwds)
		clear(c.links)
	case invOff:
		c.off()
	case invClone:
		flags, ok := t.cloneFlags(th)
		if !ok || flags&unix.CLONE_NEWNS != 0 ||
			flags&unix.CLONE_THREAD == 0 && flags&(unix.CLONE_FILES|unix.CLONE_FS) != 0 {
			c.off()
		}
	}
}

func (c *pathCache) off() {
	c.on = false
	c.fds, c.cwds, c.links = nil, nil, nil
}

// exited forgets process pid.
func (c *pathCache) exited(pid int) {
	if c.on {
		delete(c.fds, pid)
		delete(c.cwds, pid)
	}
}

func (c *pathCache) fd(pid, fd int) (string, bool) {
	if !c.on {
		return "", false
	}
	p, ok := c.fds[pid][fd]
	return p, ok
}

func (c *pathCache) setFD(pid, fd int, p string) {
	if !c.on {
		return
	}
	m := c.fds[pid]
	if m == nil {
		m = map[int]string{}
		c.fds[pid] = m
	}
	m[fd] = p
}

func (c *pathCache) cwd(pid int) (string, bool) {
	if !c.on {
		return "", false
	}
	p, ok := c.cwds[pid]
	return p, ok
}

func (c *pathCache) setCwd(pid int, p string) {
	if c.on {
		c.cwds[pid] = p
	}
}

func (c *pathCache) link(p string) (string, bool) {
	if !c.on {
		return "", false
	}
	target, ok := c.links[p]
	return target, ok
}

func (c *pathCache) setLink(p, target string) {
	if !c.on {
		return
	}
	if len(c.links) >= maxCachedLinks {
		clear(c.links)
	}
	c.links[p] = target
}
