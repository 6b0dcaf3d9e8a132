package hook

import (
	"encoding/binary"
	"fmt"

	"github.com/trecdev/trec/sysent"
)

// Access says whether a call reads what a path names or changes it.
type Access uint8

// The accesses. Write covers every change: creating, truncating,
// renaming, removing, changing modes, owners, times or attributes,
// mounting.
const (
	Read Access = 1 << iota
	Write
)

func (a Access) String() string {
	switch a {
	case Read:
		return "read"
	case Write:
		return "write"
	}
	return fmt.Sprintf("access(%d)", uint8(a))
}

// PathArg is one path argument of a call and how the call uses it.
type PathArg struct {
	// Arg is the index of the argument; Addr its value, the address of
	// the string.
	Arg  int
	Addr uint64
	// DirFD is the index of the dirfd argument a relative path is
	// resolved against, -1 for the working directory.
	DirFD int
	// Access says whether the call reads or writes what the path names.
	Access Access
	// Follow is set when a symbolic link in the last component is
	// followed (open without O_NOFOLLOW, stat); unset when the call acts
	// on the link itself (lstat, unlink, rename, O_NOFOLLOW).
	Follow bool
	// Empty is set when an empty path (or a NULL one, for utimensat and
	// fanotify_mark) names the dirfd itself (AT_EMPTY_PATH).
	Empty bool
	// InRoot is openat2's RESOLVE_IN_ROOT: absolute paths and ".." stay
	// under the dirfd.
	InRoot bool
}

// Linux constants of the flags that decide how a path is used; the same on
// x86_64 and aarch64 unless noted.
const (
	oAccMode        = 3
	oCreat          = 0o100
	oExcl           = 0o200
	oTrunc          = 0o1000
	oNofollowX86    = 0o400000
	oNofollowARM64  = 0o100000
	atNofollow      = 0x100
	atFollow        = 0x400
	atEmptyPath     = 0x1000
	umountNofollow  = 0x8
	inDontFollow    = 0x02000000
	fanDontFollow   = 0x4
	fspickNofollow  = 0x2
	fspickEmptyPath = 0x8
	moveFSymlinks   = 0x1
	moveFEmptyPath  = 0x4
	moveTSymlinks   = 0x10
	moveTEmptyPath  = 0x40
	msBind          = 0x1000
	msMove          = 0x2000
	resolveInRoot   = 0x10
	openHowSize     = 24
)

// accessRule says how to tell a path's Access.
type accessRule uint8

const (
	accRead accessRule = iota
	accWrite
	accOpen    // from open flags in argument flags
	accOpenHow // from openat2's struct open_how, argument flags
)

// followRule says when the last component's symlink is followed.
type followRule uint8

const (
	followAlways  followRule = iota
	followNever              //
	followUnless             // unless bit flag of argument flags is set
	followIf                 // only if bit flag of argument flags is set
	followOpen               // unless O_NOFOLLOW, or O_CREAT|O_EXCL
	followOpenHow            // as followOpen, from struct open_how
)

// pathRule describes one path argument of a syscall.
type pathRule struct {
	arg, dirfd int8
	access     accessRule
	follow     followRule
	// flags is the argument holding the flags follow, access and empty
	// read; -1 for none.
	flags int8
	bit   uint64
	// empty is the flag bit that makes an empty path name the dirfd
	// (AT_EMPTY_PATH and its cousins), 0 for none; emptyAlways is set
	// for calls where "" or NULL always does.
	empty       uint64
	emptyAlways bool
	// onlyIf, when not zero, is a flag bit of argument flags without
	// which the argument is not a path (mount's source).
	onlyIf uint64
}

func r(arg, dirfd int8, acc accessRule, fol followRule) pathRule {
	return pathRule{arg: arg, dirfd: dirfd, access: acc, follow: fol, flags: -1}
}

// withFlags returns p reading flags from argument arg, with bit for
// followUnless or followIf and empty for the empty-path flag.
func (p pathRule) withFlags(arg int8, bit, empty uint64) pathRule {
	p.flags, p.bit, p.empty = arg, bit, empty
	return p
}

// pathRules are the path arguments of every syscall that takes one, by
// name. symlink's first argument is what the link will hold, not a path
// the call resolves, and is not listed. TestPathRules checks the table
// against package sysent.
var pathRules = map[string][]pathRule{
	"open":     {r(0, -1, accOpen, followOpen).withFlags(1, 0, 0)},
	"creat":    {r(0, -1, accWrite, followAlways)},
	"openat":   {r(1, 0, accOpen, followOpen).withFlags(2, 0, 0)},
	"openat2":  {r(1, 0, accOpenHow, followOpenHow).withFlags(2, 0, 0)},
	"stat":     {r(0, -1, accRead, followAlways)},
	"lstat":    {r(0, -1, accRead, followNever)},
	"statfs":   {r(0, -1, accRead, followAlways)},
	"access":   {r(0, -1, accRead, followAlways)},
	"truncate": {r(0, -1, accWrite, followAlways)},
	"chdir":    {r(0, -1, accRead, followAlways)},
	"chroot":   {r(0, -1, accRead, followAlways)},
	"rename":   {r(0, -1, accWrite, followNever), r(1, -1, accWrite, followNever)},
	"mkdir":    {r(0, -1, accWrite, followNever)},
	"rmdir":    {r(0, -1, accWrite, followNever)},
	"mknod":    {r(0, -1, accWrite, followNever)},
	"link":     {r(0, -1, accWrite, followNever), r(1, -1, accWrite, followNever)},
	"unlink":   {r(0, -1, accWrite, followNever)},
	"symlink":  {r(1, -1, accWrite, followNever)},
	"readlink": {r(0, -1, accRead, followNever)},
	"chmod":    {r(0, -1, accWrite, followAlways)},
	"chown":    {r(0, -1, accWrite, followAlways)},
	"lchown":   {r(0, -1, accWrite, followNever)},
	"utime":    {r(0, -1, accWrite, followAlways)},
	"utimes":   {r(0, -1, accWrite, followAlways)},
	"execve":   {r(0, -1, accRead, followAlways)},
	"uselib":   {r(0, -1, accRead, followAlways)},
	"acct":     {r(0, -1, accWrite, followAlways)},
	"swapon":   {r(0, -1, accWrite, followAlways)},
	"swapoff":  {r(0, -1, accWrite, followAlways)},
	"quotactl": {r(1, -1, accWrite, followAlways)},

	"getxattr":     {r(0, -1, accRead, followAlways)},
	"lgetxattr":    {r(0, -1, accRead, followNever)},
	"listxattr":    {r(0, -1, accRead, followAlways)},
	"llistxattr":   {r(0, -1, accRead, followNever)},
	"setxattr":     {r(0, -1, accWrite, followAlways)},
	"lsetxattr":    {r(0, -1, accWrite, followNever)},
	"removexattr":  {r(0, -1, accWrite, followAlways)},
	"lremovexattr": {r(0, -1, accWrite, followNever)},

	"newfstatat": {r(1, 0, accRead, followUnless).withFlags(3, atNofollow, atEmptyPath)},
	"statx":      {r(1, 0, accRead, followUnless).withFlags(2, atNofollow, atEmptyPath)},
	"faccessat":  {r(1, 0, accRead, followAlways)},
	"faccessat2": {r(1, 0, accRead, followUnless).withFlags(3, atNofollow, atEmptyPath)},
	"mkdirat":    {r(1, 0, accWrite, followNever)},
	"mknodat":    {r(1, 0, accWrite, followNever)},
	"unlinkat":   {r(1, 0, accWrite, followNever)},
	"symlinkat":  {r(2, 1, accWrite, followNever)},
	"readlinkat": {{arg: 1, dirfd: 0, access: accRead, follow: followNever, flags: -1, emptyAlways: true}},
	"fchmodat":   {r(1, 0, accWrite, followAlways)},
	"fchmodat2":  {r(1, 0, accWrite, followUnless).withFlags(3, atNofollow, atEmptyPath)},
	"fchownat":   {r(1, 0, accWrite, followUnless).withFlags(4, atNofollow, atEmptyPath)},
	"futimesat":  {r(1, 0, accWrite, followAlways)},
	"utimensat": {{arg: 1, dirfd: 0, access: accWrite, follow: followUnless, flags: 3, bit: atNofollow,
		empty: atEmptyPath, emptyAlways: true}},
	"renameat":  {r(1, 0, accWrite, followNever), r(3, 2, accWrite, followNever)},
	"renameat2": {r(1, 0, accWrite, followNever), r(3, 2, accWrite, followNever)},
	"linkat": {
		r(1, 0, accWrite, followIf).withFlags(4, atFollow, atEmptyPath),
		r(3, 2, accWrite, followNever),
	},
	"execveat":          {r(1, 0, accRead, followUnless).withFlags(4, atNofollow, atEmptyPath)},
	"name_to_handle_at": {r(1, 0, accRead, followIf).withFlags(4, atFollow, atEmptyPath)},
	"open_tree":         {r(1, 0, accRead, followUnless).withFlags(2, atNofollow, atEmptyPath)},
	"open_tree_attr":    {r(1, 0, accRead, followUnless).withFlags(2, atNofollow, atEmptyPath)},
	"mount_setattr":     {r(1, 0, accWrite, followUnless).withFlags(2, atNofollow, atEmptyPath)},
	"fspick":            {r(1, 0, accWrite, followUnless).withFlags(2, fspickNofollow, fspickEmptyPath)},
	"move_mount": {
		r(1, 0, accWrite, followIf).withFlags(4, moveFSymlinks, moveFEmptyPath),
		r(3, 2, accWrite, followIf).withFlags(4, moveTSymlinks, moveTEmptyPath),
	},
	"getxattrat":    {r(1, 0, accRead, followUnless).withFlags(2, atNofollow, atEmptyPath)},
	"listxattrat":   {r(1, 0, accRead, followUnless).withFlags(2, atNofollow, atEmptyPath)},
	"setxattrat":    {r(1, 0, accWrite, followUnless).withFlags(2, atNofollow, atEmptyPath)},
	"removexattrat": {r(1, 0, accWrite, followUnless).withFlags(2, atNofollow, atEmptyPath)},
	"file_getattr":  {r(1, 0, accRead, followUnless).withFlags(4, atNofollow, atEmptyPath)},
	"file_setattr":  {r(1, 0, accWrite, followUnless).withFlags(4, atNofollow, atEmptyPath)},
	"fanotify_mark": {{arg: 4, dirfd: 3, access: accRead, follow: followUnless, flags: 1, bit: fanDontFollow,
		emptyAlways: true}},
	"inotify_add_watch": {r(1, -1, accRead, followUnless).withFlags(2, inDontFollow, 0)},
	"mount": {
		{arg: 0, dirfd: -1, access: accRead, follow: followAlways, flags: 3, onlyIf: msBind | msMove},
		r(1, -1, accWrite, followAlways),
	},
	"umount2":    {r(0, -1, accWrite, followUnless).withFlags(1, umountNofollow, 0)},
	"pivot_root": {r(0, -1, accWrite, followAlways), r(1, -1, accWrite, followAlways)},
}

// PathSyscalls returns the syscalls of t that take a path.
func PathSyscalls(t *sysent.Table) sysent.Set {
	names := make([]string, 0, len(pathRules))
	for name := range pathRules {
		names = append(names, name)
	}
	return setOf(t, names...)
}

// PathArgs appends the path arguments of c to dst, with how the call uses
// each, and returns it. openat2's access and flags come from its struct
// open_how in the program's memory; an error says it could not be read.
func PathArgs(dst []PathArg, c Call) ([]PathArg, error) {
	sc := c.Syscall()
	if sc == nil {
		return dst, nil
	}
	rules := pathRules[sc.Name]
	for _, pr := range rules {
		var flags uint64
		if pr.flags >= 0 {
			flags = c.Arg(int(pr.flags))
		}
		if pr.onlyIf != 0 && flags&pr.onlyIf == 0 {
			continue
		}
		p := PathArg{Arg: int(pr.arg), Addr: c.Arg(int(pr.arg)), DirFD: int(pr.dirfd), Empty: pr.emptyAlways}
		if pr.empty != 0 && flags&pr.empty != 0 {
			p.Empty = true
		}
		var resolve uint64
		if pr.access == accOpenHow {
			b, err := c.Mem().ReadBytes(flags, openHowSize)
			if err != nil {
				return dst, fmt.Errorf("openat2's open_how: %w", err)
			}
			flags, resolve = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[16:])
			p.InRoot = resolve&resolveInRoot != 0
		}
		switch pr.access {
		case accRead:
			p.Access = Read
		case accWrite:
			p.Access = Write
		default:
			p.Access = openAccess(flags)
		}
		switch pr.follow {
		case followAlways:
			p.Follow = true
		case followUnless:
			p.Follow = flags&pr.bit == 0
		case followIf:
			p.Follow = flags&pr.bit != 0
		case followOpen, followOpenHow:
			p.Follow = flags&oNofollow(c.Table()) == 0 && flags&(oCreat|oExcl) != oCreat|oExcl
		}
		dst = append(dst, p)
	}
	return dst, nil
}

// openAccess tells a read from a write by open flags: writing, creating or
// truncating is a write.
func openAccess(flags uint64) Access {
	if flags&oAccMode != 0 || flags&(oCreat|oTrunc) != 0 {
		return Write
	}
	return Read
}

func oNofollow(t *sysent.Table) uint64 {
	if t.Arch() == sysent.ARM64 {
		return oNofollowARM64
	}
	return oNofollowX86
}
