package format

import (
	"bytes"
	"io"
	"reflect"
	"testing"
)

// TestHookRoundTrip writes hook records with every field and a trailer with
// hook counts, and reads them back.
func TestHookRoundTrip(t *testing.T) {
	want := []Event{
		{Kind: KindSyscallEnter, Time: 10, Tid: 7, Pid: 7, Nr: 257, Args: [6]uint64{0xffffff9c, 0x1000}},
		{Kind: KindHook, Time: 11, Tid: 7, Pid: 7, Nr: 257, Hook: Hook{Name: "sandbox", Op: HookSkip,
			NewValue: ^uint64(12), Rule: "deny /etc/**", Path: "/etc/shadow"}},
		{Kind: KindHook, Time: 12, Tid: 7, Pid: 7, Nr: 257, Hook: Hook{Name: "map-path", Op: HookSetArg, Arg: 1,
			OldValue: 0x1000, NewValue: 0x7ffc0000, OldData: []byte("/a"), NewData: []byte("/b/a"), Rule: "/a=/b/a"}},
		{Kind: KindHook, Time: 13, Tid: 7, Pid: 7, Nr: 257, Hook: Hook{Name: "inject", Op: HookDelay,
			NewValue: 50e6, Rule: "openat:delay_exit=50ms", Exit: true}},
		{Kind: KindSyscallExit, Time: 14, Tid: 7, Pid: 7, Nr: 257, Ret: -13},
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, sampleHeader(), WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if err := w.Write(&want[i]); err != nil {
			t.Fatal(err)
		}
	}
	counts := []*HookCount{
		{Hook: "sandbox", Seen: 3, Changed: 1},
		{Hook: "sandbox", Rule: "deny /etc/**", Seen: 1, Changed: 1},
		{Hook: "sandbox", Rule: "allow /usr/**", Seen: 2},
	}
	if err := w.Close(&Trailer{EndTime: 20, Hooks: counts}); err != nil {
		t.Fatal(err)
	}
	r, got, err := readAll(buf.Bytes())
	if err != io.EOF {
		t.Fatalf("read: %v", err)
	}
	if !reflect.DeepEqual(normalize(got), normalize(want)) {
		t.Errorf("events:\n got %+v\nwant %+v", got, want)
	}
	tr := r.Trailer()
	if tr == nil || len(tr.Hooks) != len(counts) {
		t.Fatalf("trailer hooks: %v", tr)
	}
	for i, c := range counts {
		g := tr.Hooks[i]
		if g.Hook != c.Hook || g.Rule != c.Rule || g.Seen != c.Seen || g.Changed != c.Changed {
			t.Errorf("hook count %d: got %v, want %v", i, g, c)
		}
	}
}
