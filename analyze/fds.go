package analyze

import (
	"encoding/binary"
	"path"
	"slices"
	"strings"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// fdKind says what an fd refers to.
type fdKind uint8

const (
	fdUnknown fdKind = iota
	fdFile
	fdPipeEnd
	fdSock
	fdAnonInode
)

// fdEntry is what the trace tells of one open fd.
type fdEntry struct {
	open    bool
	kind    fdKind
	cloexec bool
	// path is the file's path as the calls name it (made absolute), or
	// "pipe", "socket", "anon_inode:[...]"; "" when only link is known.
	path string
	// link is what the recorder read of /proc/PID/fd ("/usr/lib/libc.so.6"
	// where path says "/lib/libc.so.6", "pipe:[4321]"), without the
	// " (deleted)" that deleted says; "" in traces without it.
	link    string
	deleted bool
	// peer is the decoded address a socket is connected to.
	peer string
	// sock is what strace -yy shows of a socket: TCP:[a->b]. sockIno is
	// the inode of a Unix socket whose peer was not known when the
	// recorder asked (a connect the server has not accepted yet).
	sock    string
	sockIno uint64
	// family and proto are a socket's, as socket() made it; family is 0
	// when unknown.
	family uint16
	proto  int32
	// since is the end of the call that made the entry, 0 when it is not
	// known: a close entered before it closed an earlier entry, and a call
	// entered before it found the entry gone keeps, or none.
	since int64
}

// goneEntry is an entry that a close, or a call that put another in its
// place, took from its fd while calls of other threads were in flight.
type goneEntry struct {
	fdEntry
	// until is the last time a call could enter and find it: the entry
	// time of the close, or the end of the call that replaced it.
	until int64
}

// target is what strace -y shows of the fd: the link when the recorder
// read one, else the path.
func (e *fdEntry) target() string {
	if e.link != "" {
		return e.link
	}
	return e.path
}

// name is the fd's file as -P and the per-file statistics know it: the
// path the calls named, else the link.
func (e *fdEntry) name() string {
	if e.path != "" {
		return e.path
	}
	return e.link
}

// setLink records what the recorder read of the fd.
func (t *fdTracker) setLink(e *fdEntry, link []byte) {
	link, e.deleted = cutDeleted(link)
	e.kind, e.link = linkKind(link), t.str(link)
}

// cutDeleted splits the " (deleted)" the kernel appends to the link of an
// unlinked file.
func cutDeleted(link []byte) ([]byte, bool) {
	const suffix = " (deleted)"
	if n := len(link) - len(suffix); n > 0 && string(link[n:]) == suffix {
		return link[:n], true
	}
	return link, false
}

// smallFDs is how many fds a table keeps in a slice; higher ones go in a map.
const smallFDs = 256

// fdTable is the fd table of one process (shared by processes created with
// CLONE_FILES), with its working directory.
type fdTable struct {
	small [smallFDs]fdEntry
	big   map[int64]*fdEntry
	cwd   string
	// cwdLost is set when a chdir or fchdir went where the trace does not
	// tell: cwd is then the one before it.
	cwdLost bool
	// complete is set while the table holds every open fd: it started
	// from the fds the recorder listed at the program's exec, and no call
	// since may have made one the trace does not show.
	complete bool
	// gone keeps, by fd, the last goneKeep entries taken from it while
	// another call was in flight, oldest first: what that call's fd
	// referred to when it entered.
	gone map[int64][]goneEntry
}

// goneKeep is how many entries taken from one fd are kept: a call in
// flight while its fd number changed hands more often than that
// (other threads opening and closing it again and again) names no file.
const goneKeep = 4

func (t *fdTable) get(fd int64) *fdEntry {
	if fd >= 0 && fd < smallFDs {
		if e := &t.small[fd]; e.open {
			return e
		}
		return nil
	}
	return t.big[fd]
}

// at returns the entry of fd for a call entered at time when: the
// current one unless it was made after when and an entry taken from the fd
// since was there then.
func (t *fdTable) at(fd int64, when int64) *fdEntry {
	e := t.get(fd)
	if (e == nil || e.since > when) && len(t.gone) > 0 {
		if g := t.wentAt(fd, when); g != nil {
			return &g.fdEntry
		}
	}
	return e
}

// wentAt returns the entry taken from fd that a call entered at when
// found, or nil.
func (t *fdTable) wentAt(fd, when int64) *goneEntry {
	gs := t.gone[fd]
	for i := len(gs) - 1; i >= 0; i-- {
		if g := &gs[i]; g.since <= when && when <= g.until {
			return g
		}
	}
	return nil
}

func (t *fdTable) set(fd int64, e fdEntry) {
	e.open = true
	if fd >= 0 && fd < smallFDs {
		t.small[fd] = e
		return
	}
	if fd < 0 {
		return
	}
	if t.big == nil {
		t.big = map[int64]*fdEntry{}
	}
	ep := new(fdEntry)
	*ep = e
	t.big[fd] = ep
}

// install puts e, made by a call that ended at made, on fd. keep keeps the
// entry it replaces for the calls in flight.
func (t *fdTable) install(fd int64, e fdEntry, made int64, keep bool) {
	if old := t.get(fd); old != nil && keep {
		t.retire(fd, old, made)
	}
	e.since = made
	t.set(fd, e)
}

// close applies a close of fd entered at entered. The kernel frees the
// number as the close begins: an entry made by a call that ended since is
// another file, and stays. keep keeps the closed entry for the calls in
// flight.
func (t *fdTable) close(fd int64, entered int64, keep bool) {
	if e := t.get(fd); e != nil && e.since <= entered {
		if keep {
			t.retire(fd, e, entered)
		}
		t.del(fd)
		return
	}
	// The entry the close took was kept when another call took its
	// place or closed it; no call entered after the close found it.
	if g := t.wentAt(fd, entered); g != nil {
		g.until = entered
	}
}

// retire keeps entry e of fd for the calls entered up to until.
func (t *fdTable) retire(fd int64, e *fdEntry, until int64) {
	if t.gone == nil {
		t.gone = map[int64][]goneEntry{}
	}
	gs := t.gone[fd]
	if len(gs) == goneKeep {
		gs = append(gs[:0], gs[1:]...)
	}
	t.gone[fd] = append(gs, goneEntry{fdEntry: *e, until: until})
}

func (t *fdTable) del(fd int64) {
	if fd >= 0 && fd < smallFDs {
		t.small[fd] = fdEntry{}
		return
	}
	delete(t.big, fd)
}

func (t *fdTable) copy() *fdTable {
	c := &fdTable{small: t.small, cwd: t.cwd, cwdLost: t.cwdLost, complete: t.complete}
	if len(t.big) > 0 {
		c.big = make(map[int64]*fdEntry, len(t.big))
		for k, v := range t.big {
			e := *v
			c.big[k] = &e
		}
	}
	return c
}

// dropCloexec closes the close-on-exec fds, as a successful execve does.
func (t *fdTable) dropCloexec() {
	for i := range t.small {
		if t.small[i].cloexec {
			t.small[i] = fdEntry{}
		}
	}
	for k, v := range t.big {
		if v.cloexec {
			delete(t.big, k)
		}
	}
	for k, gs := range t.gone {
		if gs = slices.DeleteFunc(gs, func(g goneEntry) bool { return g.cloexec }); len(gs) == 0 {
			delete(t.gone, k)
		} else {
			t.gone[k] = gs
		}
	}
}

// fdTracker follows the fd tables of every process of a trace from the
// recorded opens, dups, closes, pipes, sockets, execs and forks.
type fdTracker struct {
	initCwd string
	scratch []byte
	procs   map[int32]*fdTable
	intern  map[string]string
	lastPid int32
	last    *fdTable

	// unixPeers pairs the inodes of connected Unix sockets, as the
	// recorder saw them at either end.
	unixPeers map[uint64]uint64
}

func newFDTracker(cwd string) *fdTracker {
	return &fdTracker{procs: map[int32]*fdTable{}, intern: map[string]string{}, lastPid: -1, initCwd: cwd, unixPeers: map[uint64]uint64{}}
}

// table returns the fd table of process pid, creating it.
func (t *fdTracker) table(pid int32) *fdTable {
	if pid == t.lastPid {
		return t.last
	}
	ft := t.procs[pid]
	if ft == nil {
		ft = &fdTable{cwd: t.initCwd}
		t.procs[pid] = ft
	}
	t.lastPid, t.last = pid, ft
	return ft
}

// lookup returns the entry of fd in process pid for a call entered at
// time at, or nil.
func (t *fdTracker) lookup(pid int32, fd int64, at int64) *fdEntry {
	return t.table(pid).at(fd, at)
}

// str interns b.
func (t *fdTracker) str(b []byte) string {
	if s, ok := t.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	t.intern[s] = s
	return s
}

// resolve returns p made absolute against dirfd (or the cwd), interned,
// for a call entered at time at.
func (t *fdTracker) resolve(ft *fdTable, dirfd int64, hasDirfd bool, p []byte, at int64) string {
	if len(p) > 0 && p[0] == '/' {
		return t.str(p)
	}
	base := ft.cwd
	if hasDirfd && int32(dirfd) != atFDCWD {
		base = ""
		if e := ft.at(dirfd, at); e != nil && e.kind == fdFile {
			base = e.name()
		}
	}
	if base == "" {
		return t.str(p)
	}
	b := append(t.scratch[:0], base...)
	if b[len(b)-1] != '/' {
		b = append(b, '/')
	}
	b = append(b, p...)
	t.scratch = b
	if !isClean(p) {
		return t.str([]byte(path.Clean(string(b))))
	}
	return t.str(b)
}

// argPath returns the path argument of call c made absolute against the
// working directory or the dirfd, interned; "" when the call has none or
// it is empty (AT_EMPTY_PATH names the dirfd's file).
func (t *fdTracker) argPath(c *Call) string {
	ci := c.info
	if ci.pathArg < 0 {
		return ""
	}
	p := captureData(c.Enter, int(ci.pathArg), format.CaptureString)
	switch {
	case len(p) == 0:
		return ""
	case p[0] == '/':
		return t.str(p)
	}
	return t.resolve(t.table(c.Pid), int64(int32(c.Enter.Args[0])), ci.dirfdArg >= 0, p, c.Start())
}

// isClean reports whether relative path p has no empty, "." or ".."
// element and no trailing slash, so that joining it needs no cleaning.
func isClean(p []byte) bool {
	start := 0
	for i := 0; i <= len(p); i++ {
		if i < len(p) && p[i] != '/' {
			continue
		}
		switch string(p[start:i]) {
		case "", ".", "..":
			return false
		}
		start = i + 1
	}
	return true
}

// clone records a new thread or process: it shares its parent's table
// when created with CLONE_FILES, else gets a copy.
func (t *fdTracker) clone(parentPid, childPid int32, c *format.Clone) {
	if parentPid == childPid {
		return
	}
	pt := t.table(parentPid)
	share := c.Kind == format.CloneThread || (c.Flags&cloneFile != 0 && c.Kind != format.CloneFork && c.Kind != format.CloneVfork)
	if share {
		t.procs[childPid] = pt
	} else {
		t.procs[childPid] = pt.copy()
	}
	t.lastPid = -1
}

// exec applies the successful execve e to its process. The exec that
// starts a trace tells what the fds the program started with refer to.
func (t *fdTracker) exec(e *format.Event) {
	ft := t.table(e.Pid)
	ft.dropCloexec()
	t.startFDs(ft, e)
}

// attach sets the fd table and working directory of a process an attached
// recording began with, from the captures of its first KIND_ATTACH event.
func (t *fdTracker) attach(e *format.Event) {
	ft := t.table(e.Pid)
	t.startFDs(ft, e)
	if cwd := fdLink(e, int64(format.CwdIndex)); cwd != nil {
		ft.cwd = t.str(cwd)
	}
}

// startFDs sets what the fds a process starts with refer to, from the
// links and sockets event e captured.
func (t *fdTracker) startFDs(ft *fdTable, e *format.Event) {
	for i := range e.Captures {
		if cp := &e.Captures[i]; cp.Kind == format.CaptureFD && cp.Index != format.CwdIndex {
			var fe fdEntry
			t.setLink(&fe, cp.Data)
			if data := sockCapture(e, int64(cp.Index)); data != nil {
				t.setSock(&fe, data, nil)
			}
			ft.set(int64(cp.Index), fe)
			ft.complete = true
		}
	}
}

// fdLink returns what the recorder read of fd at event e (a CaptureFD), or
// nil; fd int64(format.CwdIndex) asks for the working directory.
func fdLink(e *format.Event, fd int64) []byte {
	if e == nil || fd < 0 || fd > int64(format.CwdIndex) {
		return nil
	}
	for i := range e.Captures {
		if cp := &e.Captures[i]; cp.Kind == format.CaptureFD && int64(cp.Index) == fd {
			return cp.Data
		}
	}
	return nil
}

// linkKind tells what kind of fd a /proc/PID/fd link names: a path, a
// pipe, a socket, or another object of the kernel (anon_inode:[eventfd],
// net:[4026531840]).
func linkKind(link []byte) fdKind {
	s := string(link)
	switch {
	case strings.HasPrefix(s, "/"):
		return fdFile
	case strings.HasPrefix(s, "pipe:"):
		return fdPipeEnd
	case strings.HasPrefix(s, "socket:"):
		return fdSock
	}
	return fdAnonInode
}

// exit forgets a process that ended.
func (t *fdTracker) exit(pid int32) {
	delete(t.procs, pid)
	t.lastPid = -1
}

// update applies a completed call to its process's fd table. inFlight
// says whether calls of other threads are in flight: an entry that c takes
// from an fd is then kept for them.
func (t *fdTracker) update(c *Call, inFlight bool) {
	ci := c.info
	if c.Exit == nil || c.Enter == nil || (ci.op == fdNone && (ci.sys == nil || ci.sys.Ret != sysent.RetFD)) {
		return
	}
	ret := c.Exit.Ret
	args := &c.Enter.Args
	ft := t.table(c.Pid)
	if fd, e, ok := t.produced(c, ft); ok {
		ft.install(fd, e, c.EndTime, inFlight)
		return
	}
	start := c.Start()
	switch ci.op {
	case fdClose:
		ft.close(int64(int32(args[0])), start, inFlight)
	case fdCloseRange:
		if ret != 0 {
			return
		}
		lo, hi := args[0], args[1]
		if hi-lo > 1<<16 {
			hi = lo + 1<<16
		}
		for fd := lo; fd <= hi && fd < 1<<31; fd++ {
			if args[2]&4 == 0 {
				ft.close(int64(fd), start, inFlight)
			} else if e := ft.at(int64(fd), start); e != nil {
				e.cloexec = true
			}
		}
	}
	if ci.op == fdConnect && (ret == 0 || ret == -errInProgress) {
		// A non-blocking connect is under way: the socket has its peer.
		fd := int64(int32(args[0]))
		sa := captureData(c.Enter, 1, format.CaptureSockaddr)
		if e := ft.at(fd, start); e != nil && len(sa) > 0 {
			e.peer = t.str(appendSockaddr(nil, sa))
		}
		t.applySocks(c, ft, sa)
		return
	}
	if IsError(ret) {
		return
	}
	switch ci.op {
	case fdFcntl:
		if args[1] == 2 { // F_SETFD
			if e := ft.at(int64(int32(args[0])), start); e != nil {
				e.cloexec = args[2]&1 != 0
			}
		}
	case fdPipe, fdSocketpair:
		arg, kind, name := 0, fdPipeEnd, "pipe"
		flags := args[1]
		if ci.op == fdSocketpair {
			arg, kind, name, flags = 3, fdSock, "socket", args[1]
		}
		if ci.name == "pipe" {
			flags = 0
		}
		fds := captureData(c.Exit, arg, format.CaptureStruct)
		if len(fds) >= 8 {
			for i := 0; i < 2; i++ {
				fd := int64(int32(binary.LittleEndian.Uint32(fds[4*i:])))
				e := fdEntry{kind: kind, path: name, cloexec: flags&oCloexec != 0}
				if link := fdLink(c.Exit, fd); link != nil {
					t.setLink(&e, link)
				}
				if data := sockCapture(c.Exit, fd); data != nil {
					t.setSock(&e, data, nil)
				}
				ft.install(fd, e, c.EndTime, inFlight)
			}
		}
	case fdRecvmsg:
		if !t.received(c, ft, inFlight) {
			ft.complete = false
		}
	case fdIoctl:
		// An fd an ioctl returned (produced took those the recorder
		// read).
		if ret > 0 {
			ft.complete = false
		}
	case fdBind:
		t.applySocks(c, ft, nil)
	case fdUnlink:
		// The kernel shows an open file that lost its name as
		// "(deleted)": so does -y.
		if p := captureData(c.Enter, int(ci.pathArg), format.CaptureString); p != nil {
			dirfd := int64(int32(args[max(ci.dirfdArg, 0)]))
			t.unlinked(t.resolve(ft, dirfd, ci.dirfdArg >= 0, p, start))
			// The same name under the directory fd's resolved path.
			if ci.dirfdArg >= 0 && len(p) > 0 && p[0] != '/' {
				if d := ft.at(dirfd, start); d != nil && d.kind == fdFile && d.link != "" {
					t.unlinked(path.Join(d.link, string(p)))
				}
			}
		}
	case fdUnseen:
		if makesUnseenFD(c) {
			ft.complete = false
		}
	case fdChdir, fdFchdir:
		cwd := t.changedDir(c, ft)
		if cwd != "" {
			ft.cwd = cwd
		}
		ft.cwdLost = cwd == ""
	}
}

// received adds the fds that a recvmsg's SCM_RIGHTS messages brought,
// as the recorder read them, and reports whether it read them all: a
// recorder older than the iovec arrays' capture read none, and one out of
// room for the event, or with the control data cut, may have missed some.
func (t *fdTracker) received(c *Call, ft *fdTable, inFlight bool) bool {
	links := 0
	for i := range c.Exit.Captures {
		cp := &c.Exit.Captures[i]
		if cp.Kind != format.CaptureFD {
			continue
		}
		e := fdEntry{cloexec: c.Enter.Args[2]&msgCmsgCloexec != 0}
		t.setLink(&e, cp.Data)
		ft.install(int64(cp.Index), e, c.EndTime, inFlight)
		links++
	}
	ctl := findCapture(c.Exit, 1, format.CaptureBuffer)
	switch {
	case findCapture(c.Exit, 1, format.CaptureIovecArray) == nil:
		return false
	case ctl == nil:
		return true // no control data, no fds
	}
	return ctl.Size == 0 && links >= passedFDs(ctl.Data)
}

// passedFDs counts the fds that the SCM_RIGHTS messages of control data
// ctl carry.
func passedFDs(ctl []byte) int {
	n := 0
	for len(ctl) >= 16 {
		l := le.Uint64(ctl)
		if l < 16 || l > uint64(len(ctl)) {
			break
		}
		if le.Uint32(ctl[8:]) == solSocket && le.Uint32(ctl[12:]) == 1 { // SCM_RIGHTS
			n += int(l-16) / 4
		}
		if l = (l + 7) &^ 7; l >= uint64(len(ctl)) {
			break
		}
		ctl = ctl[l:]
	}
	return n
}

// clonePidfd is CLONE_PIDFD.
const clonePidfd = 0x1000

// makesUnseenFD reports whether the successful call c, of an fdUnseen
// syscall, may have made an fd that neither its result nor the recorder's
// links show: fds passed with SCM_RIGHTS, a pidfd from clone.
func makesUnseenFD(c *Call) bool {
	switch c.info.name {
	case "clone":
		return c.Enter.Args[0]&clonePidfd != 0
	case "clone3":
		args := captureData(c.Enter, 0, format.CaptureStruct)
		return len(args) < 8 || binary.LittleEndian.Uint64(args)&clonePidfd != 0
	}
	return true
}

// changedDir returns the working directory after a successful chdir or
// fchdir c: what the recorder read, else the path or the fd's target as
// the trace knows them; "" when it does not.
func (t *fdTracker) changedDir(c *Call, ft *fdTable) string {
	if link := fdLink(c.Exit, int64(format.CwdIndex)); link != nil {
		return t.str(link)
	}
	if c.info.op == fdFchdir {
		if e := ft.at(int64(int32(c.Enter.Args[0])), c.Start()); e != nil && e.kind == fdFile {
			return e.target()
		}
		return ""
	}
	if p := captureData(c.Enter, int(c.info.pathArg), format.CaptureString); p != nil {
		return t.resolve(ft, 0, false, p, c.Start())
	}
	return ""
}

// unlinked marks the open fds of every process whose file was named abs
// as deleted.
func (t *fdTracker) unlinked(abs string) {
	mark := func(e *fdEntry) {
		if e.open && e.kind == fdFile && (e.link == abs || e.path == abs) {
			e.deleted = true
		}
	}
	seen := map[*fdTable]bool{}
	for _, ft := range t.procs {
		if seen[ft] {
			continue
		}
		seen[ft] = true
		for i := range ft.small {
			mark(&ft.small[i])
		}
		for _, e := range ft.big {
			mark(e)
		}
		for _, gs := range ft.gone {
			for i := range gs {
				mark(&gs[i].fdEntry)
			}
		}
	}
}

// produced returns the fd a successful call c creates as its return value
// and what it refers to; ok is false for calls that create none. What the
// recorder read of the new fd (a CaptureFD on the exit) wins over what the
// call's arguments tell: it is what strace -y prints.
func (t *fdTracker) produced(c *Call, ft *fdTable) (fd int64, e fdEntry, ok bool) {
	fd, e, ok = t.fromCall(c, ft)
	if !ok && c.info.op == fdNone && c.Exit != nil && !IsError(c.Exit.Ret) {
		// A call the tracker has no rule for (pidfd_getfd) that the
		// recorder saw create an fd.
		fd, ok = c.Exit.Ret, fdLink(c.Exit, c.Exit.Ret) != nil
	}
	if ok {
		if link := fdLink(c.Exit, fd); link != nil {
			t.setLink(&e, link)
		}
		if data := sockCapture(c.Exit, fd); data != nil {
			t.setSock(&e, data, nil)
		}
	}
	return fd, e, ok
}

// fromCall is produced from the call's arguments alone.
func (t *fdTracker) fromCall(c *Call, ft *fdTable) (fd int64, e fdEntry, ok bool) {
	ci := c.info
	if c.Exit == nil || c.Enter == nil || IsError(c.Exit.Ret) {
		return 0, e, false
	}
	ret := c.Exit.Ret
	args := &c.Enter.Args
	switch ci.op {
	case fdOpen:
		e = fdEntry{kind: fdFile}
		if p := captureData(c.Enter, int(ci.pathArg), format.CaptureString); p != nil {
			e.path = t.resolve(ft, int64(int32(args[0])), ci.dirfdArg >= 0, p, c.Start())
		}
		var flags uint64
		switch {
		case ci.name == "openat2":
			// struct open_how starts with the u64 flags.
			if how := captureData(c.Enter, 2, format.CaptureStruct); len(how) >= 8 {
				flags = binary.LittleEndian.Uint64(how)
			}
		case ci.name != "creat" && ci.pathArg >= 0 && ci.pathArg < 5:
			flags = args[ci.pathArg+1]
		}
		e.cloexec = flags&oCloexec != 0
		return ret, e, true
	case fdDup:
		// A dup of an fd the trace does not know is open, unknown.
		if old := ft.at(int64(int32(args[0])), c.Start()); old != nil {
			e = *old
		}
		e.cloexec = ci.name == "dup3" && args[2]&oCloexec != 0
		return ret, e, true
	case fdFcntl:
		if args[1] != 0 && args[1] != 1030 { // F_DUPFD, F_DUPFD_CLOEXEC
			return 0, e, false
		}
		if old := ft.at(int64(int32(args[0])), c.Start()); old != nil {
			e = *old
		}
		e.cloexec = args[1] == 1030
		return ret, e, true
	case fdSocket:
		return ret, fdEntry{kind: fdSock, path: "socket", cloexec: args[1]&oCloexec != 0, family: uint16(args[0]), proto: int32(args[2])}, true
	case fdIoctl:
		// A request that returns an fd (TIOCGPTPEER): the recorder read
		// what it refers to.
		if fdLink(c.Exit, ret) == nil {
			return 0, e, false
		}
		return ret, e, true
	case fdAccept:
		e = fdEntry{kind: fdSock, path: "socket"}
		if ci.name == "accept4" {
			e.cloexec = args[3]&oCloexec != 0
		}
		if sa := captureData(c.Exit, 1, format.CaptureSockaddr); len(sa) > 0 {
			e.peer = t.str(appendSockaddr(nil, sa))
		}
		return ret, e, true
	case fdAnon:
		return ret, fdEntry{kind: fdAnonInode, path: ci.anon, cloexec: anonCloexec(ci.name, args)}, true
	case fdMemfd:
		name := captureData(c.Enter, 0, format.CaptureString)
		b := append([]byte("/memfd:"), name...)
		return ret, fdEntry{kind: fdFile, path: t.str(b), deleted: true, cloexec: args[1]&1 != 0}, true
	}
	return 0, e, false
}

// anonCloexec reports whether an anonymous-inode fd was created with its
// close-on-exec flag.
func anonCloexec(name string, args *[6]uint64) bool {
	switch name {
	case "eventfd2", "timerfd_create", "inotify_init1", "epoll_create1":
		if name == "epoll_create1" || name == "inotify_init1" {
			return args[0]&oCloexec != 0
		}
		return args[1]&oCloexec != 0
	case "signalfd4":
		return args[3]&oCloexec != 0
	}
	return false
}

// captureData returns the data of the first capture of e for argument arg
// of the given kind, or nil.
func captureData(e *format.Event, arg int, kind format.CaptureKind) []byte {
	if e == nil || arg < 0 {
		return nil
	}
	for i := range e.Captures {
		c := &e.Captures[i]
		if int(c.Arg) == arg && c.Kind == kind {
			if c.Data == nil {
				return []byte{}
			}
			return c.Data
		}
	}
	return nil
}

// findCapture returns the first capture of e for argument arg of the given
// kind, or nil.
func findCapture(e *format.Event, arg int, kind format.CaptureKind) *format.Capture {
	if e == nil {
		return nil
	}
	for i := range e.Captures {
		c := &e.Captures[i]
		if int(c.Arg) == arg && c.Kind == kind {
			return c
		}
	}
	return nil
}
