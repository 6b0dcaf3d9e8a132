package replay

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/hook"
)

// renameExchange is renameat2's RENAME_EXCHANGE.
const renameExchange = 2

// maxCachedLinks bounds the cache of the file system's links; it is
// emptied when full, so memory stays flat over any trace.
const maxCachedLinks = 1 << 16

// link is what is known of one path: a symbolic link and its target, or
// not a link (a file, a directory, nothing).
type link struct {
	target string
	isLink bool
}

// links answers hook.Call.Readlink for a recording: from the links the
// program made and removed during it, from the recorded processes' /proc
// magic links, and from the file system under root.
type links struct {
	// fs is set when the file system's links are read, under prefix
	// (the root without its trailing slash); noFS says why they are not.
	fs     bool
	prefix string
	noFS   string
	cache  map[string]link
	// made holds what the program's own calls (symlink, unlink, rename,
	// ...) left at a path, which the file system may no longer show.
	made map[string]link
	args []hook.PathArg
}

// newLinks returns links that read the file system under root, or, when
// root is "", no links of the file system, for the reason why.
func newLinks(root, why string) *links {
	return &links{fs: root != "", prefix: strings.TrimRight(root, "/"), noFS: why,
		cache: map[string]link{}, made: map[string]link{}}
}

func (l *links) readlink(c *recordedCall, p string) (string, error) {
	if rest, ok := strings.CutPrefix(p, "/proc/"); ok {
		if target, err, ok := l.proc(c, rest); ok {
			return target, err
		}
	}
	if k, ok := l.made[p]; ok {
		return k.result()
	}
	if !l.fs {
		return "", fmt.Errorf("is %s a symbolic link? %s: %w", p, l.noFS, hook.ErrUnavailable)
	}
	k, ok := l.cache[p]
	if !ok {
		if len(l.cache) >= maxCachedLinks {
			clear(l.cache)
		}
		t, err := os.Readlink(l.prefix + p)
		k = link{target: t, isLink: err == nil}
		l.cache[p] = k
	}
	return k.result()
}

// result is what Readlink returns for k. The error is the bare sentinel:
// Resolve asks for every component of every path and only tests it.
func (k link) result() (string, error) {
	if !k.isLink {
		return "", hook.ErrNotLink
	}
	return k.target, nil
}

// proc answers for /proc/PID/... (rest is what follows /proc/) from the
// trace when PID is a number; ok is false for the rest of /proc, which is
// the same on every Linux and read from the file system.
func (l *links) proc(c *recordedCall, rest string) (target string, err error, ok bool) {
	pidText, sub, _ := strings.Cut(rest, "/")
	pid, perr := strconv.ParseInt(pidText, 10, 32)
	if perr != nil {
		return "", nil, false
	}
	r := c.r
	if int(pid) != c.pid && r.w.Process(int32(pid)).Serial == 0 {
		return "", fmt.Errorf("/proc/%d: process %d is not in the recording at this point: %w", pid, pid, hook.ErrUnavailable), true
	}
	if t, ok := strings.CutPrefix(sub, "task/"); ok {
		_, sub, _ = strings.Cut(t, "/")
	}
	notLink := fmt.Errorf("/proc/%s: %w", rest, hook.ErrNotLink)
	switch {
	case sub == "cwd":
		target, err = r.cwd(int32(pid))
	case sub == "root":
		target = "/"
	case strings.HasPrefix(sub, "fd/"):
		fd, ferr := strconv.Atoi(sub[len("fd/"):])
		if ferr != nil || fd < 0 {
			return "", notLink, true
		}
		target, err = r.fdPath(int32(pid), fd)
		switch {
		case errors.Is(err, hook.ErrUnavailable):
			err = fmt.Errorf("/proc/%s: %w", rest, err)
		case err != nil:
			err = notLink
		}
	case sub == "exe" || strings.HasPrefix(sub, "ns/") || strings.HasPrefix(sub, "map_files/"):
		err = fmt.Errorf("/proc/%s: the recording does not hold what it links to: %w", rest, hook.ErrUnavailable)
	default:
		err = notLink
	}
	return target, err, true
}

// track follows a successful call c that makes, removes or moves a path,
// which may be a symbolic link: what the program left there is known from
// the trace even once the file system no longer shows it. name is the
// syscall's name; c is at its exit, with the walker's state as the call
// found it.
func (l *links) track(c *recordedCall, name string) {
	args, err := hook.PathArgs(l.args[:0], c)
	l.args = args
	if err != nil || len(args) == 0 {
		return
	}
	abs := func(i int) string {
		if i >= len(args) {
			return ""
		}
		s, err := c.Mem().ReadString(args[i].Addr, pathMax)
		if err != nil || s == "" {
			return ""
		}
		// The path of the link itself: its directory resolved as the
		// kernel does, its last component not followed.
		a, err := hook.Resolve(c, args[i], s)
		if err != nil {
			return ""
		}
		return a
	}
	switch name {
	case "symlink", "symlinkat":
		if p := abs(0); p != "" {
			if cp := find(c.enter, 0, format.CaptureString); cp != nil && !cp.Truncated() {
				l.made[p] = link{target: string(cp.Data), isLink: true}
			} else {
				delete(l.made, p)
			}
		}
	case "unlink", "unlinkat", "rmdir":
		// Only the program's own links need forgetting: what the file
		// system holds is read from it.
		if p := abs(0); p != "" {
			if _, ok := l.made[p]; ok {
				l.made[p] = link{}
			}
		}
	case "rename", "renameat", "renameat2":
		from, to := abs(0), abs(1)
		if from == "" || to == "" {
			return
		}
		kf, okf := l.made[from]
		kt, okt := l.made[to]
		move := func(dst string, k link, ok bool) {
			if ok {
				l.made[dst] = k
			} else {
				delete(l.made, dst)
			}
		}
		move(to, kf, okf)
		switch {
		case name == "renameat2" && c.Arg(4)&renameExchange != 0:
			move(from, kt, okt)
		case okf:
			l.made[from] = link{}
		}
	}
}
