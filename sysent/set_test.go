package sysent

import (
	"fmt"
	"slices"
	"testing"
)

func mustParse(t *testing.T, tab *Table, expr string) Set {
	t.Helper()
	s, err := ParseSet(tab, expr)
	if err != nil {
		t.Fatalf("ParseSet(%q): %v", expr, err)
	}
	if s.String() != expr {
		t.Errorf("ParseSet(%q).String() = %q", expr, s.String())
	}
	return s
}

func names(tab *Table, s Set) []string {
	var out []string
	for _, nr := range s.Nrs() {
		out = append(out, tab.Name(nr))
	}
	return out
}

func TestParseSetNames(t *testing.T) {
	x86 := ForArch(X86_64)
	s := mustParse(t, x86, "open,read,,close,")
	if got := names(x86, s); !slices.Equal(got, []string{"read", "open", "close"}) {
		t.Errorf("names = %v", got)
	}
	if s.Len() != 3 || !s.Has(0) || !s.Has(2) || !s.Has(3) || s.Has(1) || s.Has(-1) || s.Has(x86.Max()) || s.Has(1000) {
		t.Errorf("Len %d, Has wrong for %q", s.Len(), s)
	}
	if s.All() || s.Rest() {
		t.Error("a list of three is All or Rest")
	}
	// Numbers, and the same expression on another arch.
	s = mustParse(t, x86, "257,1")
	if !slices.Equal(s.Nrs(), []int{1, 257}) {
		t.Errorf("Nrs = %v", s.Nrs())
	}
	arm := ForArch(ARM64)
	if s := mustParse(t, arm, "openat,read"); !slices.Equal(s.Nrs(), []int{56, 63}) {
		t.Errorf("aarch64 Nrs = %v", s.Nrs())
	}
}

func TestParseSetClasses(t *testing.T) {
	x86 := ForArch(X86_64)
	file := mustParse(t, x86, "%file")
	for _, name := range []string{"open", "openat", "stat", "execve", "newfstatat", "statx", "getcwd"} {
		if sc, _ := x86.ByName(name); !file.Has(sc.Nr) {
			t.Errorf("%%file lacks %s", name)
		}
	}
	for _, name := range []string{"read", "close", "socket", "mmap"} {
		if sc, _ := x86.ByName(name); file.Has(sc.Nr) {
			t.Errorf("%%file has %s", name)
		}
	}
	// Every member of a class set has the class, and every syscall
	// with the class is a member.
	for i, cname := range classNames {
		s := mustParse(t, x86, cname)
		for sc := range x86.All() {
			if s.Has(sc.Nr) != (sc.Class&(1<<i) != 0) {
				t.Errorf("%s: Has(%s) = %v, class %v", cname, sc.Name, s.Has(sc.Nr), sc.Class)
			}
		}
		if s.Len() == 0 {
			t.Errorf("%s is empty", cname)
		}
	}
	// Aliases and strace's legacy names without %.
	net := mustParse(t, x86, "%network")
	for _, expr := range []string{"%net", "network"} {
		if s := mustParse(t, x86, expr); !slices.Equal(s.Nrs(), net.Nrs()) {
			t.Errorf("%s differs from %%network", expr)
		}
	}
	stat := mustParse(t, x86, "%%stat")
	if got := names(x86, stat); !slices.Equal(got, []string{"stat", "fstat", "lstat", "newfstatat", "statx"}) {
		t.Errorf("%%%%stat = %v", got)
	}
	if got := names(x86, mustParse(t, x86, "%pure")); !slices.Equal(got, []string{"getpid", "getuid", "getgid", "geteuid", "getegid", "getppid", "getpgrp", "gettid"}) {
		t.Errorf("%%pure = %v", got)
	}
	mixed := mustParse(t, x86, "%signal,openat")
	if sc, _ := x86.ByName("openat"); !mixed.Has(sc.Nr) {
		t.Errorf("%%signal,openat lacks openat")
	}
	if sc, _ := x86.ByName("kill"); !mixed.Has(sc.Nr) {
		t.Errorf("%%signal,openat lacks kill")
	}
}

func TestParseSetNegation(t *testing.T) {
	x86 := ForArch(X86_64)
	s := mustParse(t, x86, "!open,close")
	if s.Has(2) || s.Has(3) || !s.Has(0) || !s.Has(257) {
		t.Errorf("!open,close: Has wrong")
	}
	if s.Len() != x86.Max()-2 {
		t.Errorf("!open,close: Len %d, want %d", s.Len(), x86.Max()-2)
	}
	// Syscalls newer than the table are traced too: they are not open
	// or close.
	if !s.Rest() || !s.Has(x86.Max()) || !s.Has(100000) || s.Has(-1) {
		t.Error("!open,close does not select unknown numbers")
	}
	if s.All() {
		t.Error("!open,close is All")
	}
	nf := mustParse(t, x86, "!%network")
	if sc, _ := x86.ByName("connect"); nf.Has(sc.Nr) {
		t.Errorf("!%%network has connect")
	}
	if sc, _ := x86.ByName("openat"); !nf.Has(sc.Nr) {
		t.Errorf("!%%network lacks openat")
	}
	// The bits above Max stay clear: Nrs stays below Max.
	if nrs := s.Nrs(); nrs[len(nrs)-1] != x86.Max()-1 {
		t.Errorf("!open,close: last nr %d, Max %d", nrs[len(nrs)-1], x86.Max())
	}
}

func TestParseSetAllNone(t *testing.T) {
	for _, a := range arches {
		tab := ForArch(a)
		all := mustParse(t, tab, "all")
		if !all.All() || all.Len() != tab.Max() || !all.Has(0) || !all.Has(tab.Max()+5) {
			t.Errorf("%v: all: All %v Len %d", a, all.All(), all.Len())
		}
		for _, expr := range []string{"none", "!all"} {
			s := mustParse(t, tab, expr)
			if s.Len() != 0 || s.All() || s.Has(0) || s.Has(tab.Max()+5) || len(s.Nrs()) != 0 {
				t.Errorf("%v: %s selects something", a, expr)
			}
		}
		if s := mustParse(t, tab, "!none"); !s.All() {
			t.Errorf("%v: !none is not All", a)
		}
	}
	var zero Set
	if zero.Has(0) || zero.Len() != 0 || zero.All() {
		t.Error("the zero Set selects something")
	}
}

func TestParseSetRegexp(t *testing.T) {
	x86 := ForArch(X86_64)
	s := mustParse(t, x86, "/^(read|write)v?$")
	if got := names(x86, s); !slices.Equal(got, []string{"read", "write", "readv", "writev"}) {
		t.Errorf("regexp = %v", got)
	}
	if s := mustParse(t, x86, "?/^zzz"); s.Len() != 0 {
		t.Error("?/^zzz matched")
	}
}

func TestParseSetOptional(t *testing.T) {
	x86 := ForArch(X86_64)
	s := mustParse(t, x86, "?foo,read,?%bar")
	if !slices.Equal(s.Nrs(), []int{0}) {
		t.Errorf("?foo,read,?%%bar = %v", s.Nrs())
	}
	// open exists on x86_64 only: "?open" lets one expression serve both.
	if s := mustParse(t, ForArch(ARM64), "?open,openat"); !slices.Equal(s.Nrs(), []int{56}) {
		t.Errorf("aarch64 ?open,openat = %v", s.Nrs())
	}
}

func TestParseSetErrors(t *testing.T) {
	x86 := ForArch(X86_64)
	for expr, want := range map[string]string{
		"foo":          `unknown syscall "foo"`,
		"read,foo":     `unknown syscall "foo"`,
		"!read,foo":    `unknown syscall "foo"`,
		"read,!write":  `unknown syscall "!write"`,
		"%bar":         `unknown class "%bar"`,
		"%file,%bar":   `unknown class "%bar"`,
		"":             `empty syscall set`,
		",":            `empty syscall set`,
		"!":            `empty syscall set`,
		"9999":         `unknown syscall "9999"`,
		"-1":           `unknown syscall "-1"`,
		"/^zzz":        `no syscall matches "/^zzz"`,
		"stat64":       `unknown syscall "stat64"`,
		"/[":           "bad regexp \"/[\": error parsing regexp: missing closing ]: `[`",
		"trace=read":   `unknown syscall "trace=read"`,
		"open close":   `unknown syscall "open close"`,
		"%file|%desc":  `unknown class "%file|%desc"`,
		"read,%net,xx": `unknown syscall "xx"`,
	} {
		_, err := ParseSet(x86, expr)
		if err == nil || err.Error() != want {
			t.Errorf("ParseSet(%q) error = %v, want %s", expr, err, want)
		}
	}
	if _, err := ParseSet(ForArch(ARM64), "open"); err == nil || err.Error() != `unknown syscall "open"` {
		t.Errorf("aarch64 open: %v", err)
	}
}

func ExampleParseSet() {
	tab := ForArch(X86_64)
	s, err := ParseSet(tab, "%%stat,openat")
	if err != nil {
		panic(err)
	}
	for _, nr := range s.Nrs() {
		fmt.Println(nr, tab.Name(nr))
	}
	// Output:
	// 4 stat
	// 5 fstat
	// 6 lstat
	// 257 openat
	// 262 newfstatat
	// 332 statx
}
