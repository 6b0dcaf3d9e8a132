package format

import (
	"bytes"
	"io"
	"testing"
)

func TestQuickRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, &Header{Argv: []string{"ls"}}, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100000 {
		e := Event{Kind: KindSyscallEnter, Time: int64(i * 1000), Tid: 10 + int32(i%3), Pid: 10, Nr: 1, Args: [6]uint64{1, 0x7ffd12345678, 12}}
		if i%7 == 0 {
			e.Captures = []Capture{{Arg: 1, Kind: CaptureBuffer, Data: []byte("hello world\n")}}
		}
		if err := w.Write(&e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(&Trailer{ExitStatus: 3}); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes, %.2f B/event", buf.Len(), float64(buf.Len())/100000)
	r, err := NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(n, err)
		}
		if e.Time != int64(n*1000) || e.Tid != 10+int32(n%3) || e.Args[1] != 0x7ffd12345678 {
			t.Fatalf("event %d: %+v", n, e)
		}
		if n%7 == 0 && string(e.Captures[0].Data) != "hello world\n" {
			t.Fatalf("event %d captures %+v", n, e.Captures)
		}
		n++
	}
	if n != 100000 || r.Trailer().ExitStatus != 3 || r.Trailer().Events != 100000 {
		t.Fatal(n, r.Trailer())
	}
}
