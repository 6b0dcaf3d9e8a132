package hook_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/trecdev/trec/hook"
	"github.com/trecdev/trec/record"
	"github.com/trecdev/trec/sysent"
)

// shortReads makes every third read of one fd return at most one byte, the
// short reads pipes and sockets give and programs must handle: it lowers
// the read's count before the call runs.
type shortReads struct {
	fd        int
	reads     int
	shortened int
}

func (h *shortReads) Name() string { return "short-reads" }

func (h *shortReads) Syscalls(t *sysent.Table) (sysent.Set, error) { return sysent.ParseSet(t, "read") }

func (h *shortReads) Enter(c hook.Call) hook.Action {
	if int(int32(c.Arg(0))) != h.fd || c.Arg(2) < 2 {
		return hook.Action{}
	}
	if h.reads++; h.reads%3 != 0 {
		return hook.Action{}
	}
	h.shortened++
	return hook.SetArg(2, 1)
}

func (h *shortReads) Exit(hook.Call) hook.Action { return hook.Action{} }

// A custom hook recorded with: dd copies eight 4-byte blocks of its input,
// and two of its reads come back short.
func Example() {
	dir, _ := os.MkdirTemp("", "trec-example")
	defer os.RemoveAll(dir)
	in, _ := os.Create(filepath.Join(dir, "in"))
	in.WriteString("abcdefghijklmnopqrstuvwxyz0123456789")
	in.Seek(0, io.SeekStart)
	out, _ := os.Create(filepath.Join(dir, "out"))
	h := &shortReads{fd: 0}
	res, err := record.Run(context.Background(), record.Options{
		Argv:  []string{"dd", "bs=4", "count=8", "status=none"},
		Stdin: in, Stdout: out,
		Hooks: []hook.Hook{h},
	}, io.Discard)
	if err != nil {
		fmt.Println(err)
		return
	}
	copied, _ := os.ReadFile(out.Name())
	fmt.Printf("%s\n%d short reads, exit status %d\n", copied, h.shortened, res.ExitStatus)
	// Output:
	// abcdefghijklmnopqrstuvwxyz
	// 2 short reads, exit status 0
}
