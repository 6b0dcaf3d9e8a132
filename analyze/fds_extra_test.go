package analyze

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/trecdev/trec/format"
)

// fdProbe asks the walker, at the exit of each call, what fds want refer
// to and whether fd 30 is known closed.
type fdProbe struct {
	w      *Walker
	want   map[int64]string // fd: target, asked after the call that made it
	got    map[int64]string
	closed []bool // FDClosed(30) after each call
}

func (p *fdProbe) SyscallEnter(*Call)  {}
func (p *fdProbe) Event(*format.Event) {}
func (p *fdProbe) SyscallExit(c *Call) {
	for fd := range p.want {
		if info, ok := p.w.FD(c.Pid, fd); ok && p.got[fd] == "" {
			p.got[fd] = info.Target
		}
	}
	p.closed = append(p.closed, p.w.FDClosed(c.Pid, 30))
}

// oldRecorder drops the captures a recorder before the iovec arrays'
// took: the links of fds SCM_RIGHTS brought and of fds ioctls returned.
type oldRecorder struct{ r *format.Reader }

func (o oldRecorder) Next() (*format.Event, error) {
	e, err := o.r.Next()
	if e == nil || e.Kind != format.KindSyscallExit || (e.Nr != 47 && e.Nr != 16) { // recvmsg, ioctl
		return e, err
	}
	keep := e.Captures[:0]
	for _, cp := range e.Captures {
		if cp.Kind != format.CaptureIovecArray && cp.Kind != format.CaptureFD {
			keep = append(keep, cp)
		}
	}
	e.Captures = keep
	return e, err
}

// The fds that recvmsg's SCM_RIGHTS and TIOCGPTPEER make are in the fd
// table with what they refer to, and the table stays whole; a recorder
// that did not read them leaves it incomplete instead of claiming fds
// closed that may be open.
func TestFDsPassedAndFromIoctl(t *testing.T) {
	for _, old := range []bool{false, true} {
		f, err := os.Open(filepath.Join("..", "testdata", "traces", "decoders.trc"))
		if err != nil {
			t.Fatal(err)
		}
		r, err := format.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		w, err := NewWalker(r.Header(), nil, WalkerOptions{TrackFDs: true})
		if err != nil {
			t.Fatal(err)
		}
		p := &fdProbe{w: w, want: map[int64]string{7: "", 11: ""}, got: map[int64]string{}}
		var src EventSource = r
		if old {
			src = oldRecorder{r}
		}
		if err := w.Walk(src, p); err != io.EOF {
			t.Fatal(err)
		}
		f.Close()
		last := p.closed[len(p.closed)-1]
		switch {
		case !old && (p.got[7] != "pipe:[1152736]" || p.got[11] != "/dev/pts/0"):
			t.Errorf("fd 7 (SCM_RIGHTS) %q, fd 11 (TIOCGPTPEER) %q; want the pipe and /dev/pts/0", p.got[7], p.got[11])
		case !old && !last:
			t.Errorf("the fd table is not whole at the end, with every new fd read")
		case old && last:
			t.Errorf("a recorder that did not read the passed fds: fd 30 still known closed")
		}
	}
}
