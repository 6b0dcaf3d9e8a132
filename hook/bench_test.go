package hook

import (
	"testing"
)

// BenchmarkSandboxEnter prices the sandbox's decision on one call with a
// relative path and a dirfd, as tar makes them, against a policy of a few
// rules: the cost a --sandbox adds to a stop besides the readlinks a live
// Call makes (which the recorder caches).
func BenchmarkSandboxEnter(b *testing.B) {
	sb, err := ParseSandbox("p", []byte("deny $HOME/.ssh/**\nallow read /usr/**\nallow read /etc/**\nallow /tmp/**\n"),
		PolicyEnv{Home: "/home/u"})
	if err != nil {
		b.Fatal(err)
	}
	c := newCall(b, "newfstatat", 5, "stdio.h", 0, atNofollow)
	c.fds[5] = "/usr/include"
	ch, err := NewChain(c.table, sb)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if d := ch.Enter(c); d.Skip {
			b.Fatal("denied")
		}
	}
}
