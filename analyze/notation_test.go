package analyze

import (
	"encoding/json"
	"testing"
)

// Each form of strace's notation that the decoders print, and its JSON
// value. A decoder that prints a new form adds its case here.
func TestNotationJSON(t *testing.T) {
	for _, tc := range []struct {
		text string
		hint valueHint
		want string
	}{
		{`"/etc/passwd"`, hintNone, `"/etc/passwd"`},
		{`"\177ELF\2\1\1\0\0"...`, hintNone, "\"\x7fELF\\u0002\\u0001\\u0001\\u0000\\u0000\""},
		{`"\177ELF\2\1\1\0\0\377"...`, hintNone, `{"base64":"f0VMRgIBAQAA/w=="}`},
		{`"caf\303\251\n\t\"q\\"`, hintNone, `"café\n\t\"q\\"`},
		{`"\x00\xff"`, hintNone, `{"base64":"AP8="}`},
		{`""`, hintNone, `""`},
		{`NULL`, hintNone, `null`},
		{`-1`, hintNone, `-1`},
		{`42`, hintNone, `42`},
		{`0x7ffd5e1c2000`, hintNone, `140726182354944`},
		{`0644`, hintNone, `420`},
		{`0`, hintNone, `0`},
		{`8192*1024`, hintNone, `8388608`},
		{`0x55d4c8a3e2a0 /* 12 entries */`, hintNone, `94372387611296`},
		{`O_RDONLY|O_CLOEXEC`, hintFlags, `["O_RDONLY","O_CLOEXEC"]`},
		{`O_RDONLY`, hintFlags, `["O_RDONLY"]`},
		{`0`, hintFlags, `[]`},
		{`0x80`, hintFlags, `["0x80"]`},
		{`MAP_PRIVATE|0x100000`, hintNone, `["MAP_PRIVATE","0x100000"]`},
		{`MAP_PRIVATE|MAP_HUGETLB|21<<MAP_HUGE_SHIFT`, hintFlags, `["MAP_PRIVATE","MAP_HUGETLB","21<<MAP_HUGE_SHIFT"]`},
		{`1<<TCP_LISTEN`, hintNone, `["1<<TCP_LISTEN"]`},
		{`1<<(INET_DIAG_MEMINFO-1)|1<<(INET_DIAG_INFO-1)`, hintNone, `["1<<(INET_DIAG_MEMINFO-1)","1<<(INET_DIAG_INFO-1)"]`},
		{`B38400<<IBSHIFT|CS8`, hintNone, `["B38400<<IBSHIFT","CS8"]`},
		{`if_nametoindex("lo")`, hintNone, `"lo"`},
		{`inet_pton(AF_INET6, "::1")`, hintNone, `"::1"`},
		{`_IOC(_IOC_READ|_IOC_WRITE, 0x64, 0x1, 0x10)`, hintNone, `{"dir":["_IOC_READ","_IOC_WRITE"],"type":100,"nr":1,"size":16}`},
		{`_IOC(_IOC_NONE, 0x54, 0x7f, 0)`, hintNone, `{"dir":["_IOC_NONE"],"type":84,"nr":127,"size":0}`},
		{`{ifi_family=AF_UNSPEC, ifi_index=if_nametoindex("eth0")}`, hintNone, `{"ifi_family":"AF_UNSPEC","ifi_index":"eth0"}`},
		{`SEEK_SET`, hintNone, `"SEEK_SET"`},
		{`AT_FDCWD`, hintFD, `{"fd":-100}`},
		{`AT_FDCWD</home/me>`, hintFD, `{"fd":-100,"path":"/home/me"}`},
		{`3`, hintFD, `{"fd":3}`},
		{`3</etc/passwd>`, hintFD, `{"fd":3,"path":"/etc/passwd"}`},
		{`4<pipe:[4321]>`, hintNone, `{"fd":4,"path":"pipe:[4321]"}`},
		{`5</tmp/a\76b>(deleted)`, hintFD, `{"fd":5,"path":"/tmp/a>b","deleted":true}`},
		{`[3<pipe:[1]>, 4<pipe:[1]>]`, hintNone, `[{"fd":3,"path":"pipe:[1]"},{"fd":4,"path":"pipe:[1]"}]`},
		{`{st_mode=S_IFREG|0644, st_size=3, ...}`, hintNone, `{"st_mode":["S_IFREG","0644"],"st_size":3}`},
		{`{st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}`, hintNone, `{"st_mode":["S_IFCHR","0666"],"st_rdev":{"major":1,"minor":3}}`},
		{`{tv_sec=1, tv_nsec=500}`, hintNone, `{"tv_sec":1,"tv_nsec":500}`},
		{`[{tv_sec=1, tv_nsec=2}, {tv_sec=3, tv_nsec=4}]`, hintNone, `[{"tv_sec":1,"tv_nsec":2},{"tv_sec":3,"tv_nsec":4}]`},
		{`{sa_handler=SIG_IGN, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=0x7f3a1c2b1e3d}`, hintNone,
			`{"sa_handler":"SIG_IGN","sa_mask":[],"sa_flags":["SA_RESTORER"],"sa_restorer":139887557418557}`},
		{`[USR1 CHLD]`, hintNone, `["USR1","CHLD"]`},
		{`~[KILL STOP]`, hintNone, `{"all_but":["KILL","STOP"]}`},
		{`[]`, hintNone, `[]`},
		{`{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("1.2.3.4")}`, hintNone,
			`{"family":"AF_INET","port":80,"addr":"1.2.3.4"}`},
		{`{sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}`, hintNone,
			`{"family":"AF_INET6","port":53,"flowinfo":0,"addr":"::1","scope_id":0}`},
		{`{sa_family=AF_UNIX, sun_path=@"abs-x"}`, hintNone, `{"family":"AF_UNIX","path":"@abs-x"}`},
		{`{sa_family=AF_UNIX, sun_path="/run/x.sock"}`, hintNone, `{"family":"AF_UNIX","path":"/run/x.sock"}`},
		{`{sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}`, hintNone, `{"family":"AF_NETLINK","pid":0,"groups":0}`},
		{`[16 => 110]`, hintNone, `[{"in":16,"out":110}]`},
		{`{tv_sec=1, tv_nsec=0} => {tv_sec=0, tv_nsec=5}`, hintNone, `{"in":{"tv_sec":1,"tv_nsec":0},"out":{"tv_sec":0,"tv_nsec":5}}`},
		{`[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]`, hintNone, `[{"WIFEXITED":true,"WEXITSTATUS":0}]`},
		{`[{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL && WCOREDUMP(s)}]`, hintNone, `[{"WIFSIGNALED":true,"WTERMSIG":"SIGKILL","WCOREDUMP":true}]`},
		{`["ls", "-l"]`, hintNone, `["ls","-l"]`},
		{`["a", "b", ...]`, hintNone, `["a","b"]`},
		{`[{iov_base="hello", iov_len=5}]`, hintNone, `[{"iov_base":"hello","iov_len":5}]`},
		{`child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x10`, hintNone,
			`{"child_stack":null,"flags":["CLONE_CHILD_CLEARTID","CLONE_CHILD_SETTID","SIGCHLD"],"child_tidptr":16}`},
		{`{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}`, hintNone, `{"rlim_cur":8388608,"rlim_max":"RLIM64_INFINITY"}`},
		{`{sysname="Linux", nodename="box", ...}`, hintNone, `{"sysname":"Linux","nodename":"box"}`},
		{`{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=3, si_uid=0, si_status=0}`, hintNone,
			`{"si_signo":"SIGCHLD","si_code":"CLD_EXITED","si_pid":3,"si_uid":0,"si_status":0}`},
		{`{msg_flags=0, stx_mask=STATX_TYPE}`, hintNone, `{"msg_flags":[],"stx_mask":["STATX_TYPE"]}`},
		// Forms without a mapping keep their text, in place.
		{`BAR(_IOC_READ, 0x54, 0x1, 0x4)`, hintNone, `"BAR(_IOC_READ, 0x54, 0x1, 0x4)"`},
		{`[1, FOO(2) + 3, 4]`, hintNone, `[1,"FOO(2) + 3",4]`},
		{`{a=1, b=x y z, c=3}`, hintNone, `{"a":1,"b":"x y z","c":3}`},
		{`1 2`, hintNone, `"1 2"`},
		{`[1, ) 2]`, hintNone, `[1,")",2]`},
	} {
		var n notation
		got := string(n.appendJSON(nil, []byte(tc.text), tc.hint))
		if got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.text, got, tc.want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("%s: invalid JSON %s", tc.text, got)
		}
	}
}

// The notation parser never fails and always writes valid JSON.
func FuzzNotationJSON(f *testing.F) {
	for _, s := range []string{`"a\1"...`, `{a=[1, 2], b=c|d}`, `3</x>`, `[{W(s) && X(s) == 1}]`, `~[1 2]`, `{sa_family=AF_INET6, inet_pton(AF_INET6, "::1", &sin6_addr)}`, `1 => 2`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var n notation
		for _, h := range []valueHint{hintNone, hintFlags, hintFD} {
			if out := n.appendJSON(nil, []byte(s), h); !json.Valid(out) {
				t.Fatalf("%q: invalid JSON %s", s, out)
			}
		}
	})
}
