package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"
	"google.golang.org/protobuf/proto"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
)

// multiString is a repeatable string flag whose values are never split at
// commas: "-e trace=open,close" is one value.
type multiString struct{ vals []string }

func (m *multiString) Set(v string) error { m.vals = append(m.vals, v); return nil }
func (m *multiString) String() string     { return strings.Join(m.vals, " ") }

// filterFlags are the flags every trace-reading command takes.
func filterFlags() []cli.Flag {
	return []cli.Flag{
		&cli.GenericFlag{Name: "e", Value: &multiString{}, Usage: "qualifier `EXPR`: trace=SET (names, %classes, !negation) or status=successful,failed,unfinished,unavailable,detached; repeatable"},
		&cli.StringSliceFlag{Name: "pid", Aliases: []string{"p"}, Usage: "keep process or thread `PID`: every process that had that pid, or with PID@START the one that started at START (as stats lists it); repeatable"},
		&cli.StringSliceFlag{Name: "pid-tree", Usage: "keep process `PID` (or PID@START) and its descendants (repeatable)"},
		&cli.GenericFlag{Name: "path", Aliases: []string{"P"}, Value: &multiString{}, Usage: "keep calls naming `PATH` directly or through an fd; glob patterns allowed (repeatable)"},
		&cli.StringFlag{Name: "since", Usage: "keep what happened from `OFFSET` after the trace start (1.5s, 200ms)"},
		&cli.StringFlag{Name: "until", Usage: "keep what happened up to `OFFSET` after the trace start"},
	}
}

// withFilterFlags appends the filter flags to a command's own.
func withFilterFlags(own ...cli.Flag) []cli.Flag { return append(own, filterFlags()...) }

// filterOptions reads the filter flags.
func filterOptions(c *cli.Context) analyze.FilterOptions {
	strs := func(name string) []string {
		if m, ok := c.Generic(name).(*multiString); ok {
			return m.vals
		}
		return nil
	}
	return analyze.FilterOptions{
		Exprs:    strs("e"),
		Pids:     c.StringSlice("pid"),
		PidTrees: c.StringSlice("pid-tree"),
		Paths:    strs("path"),
		Since:    c.String("since"),
		Until:    c.String("until"),
	}
}

// session is an open trace with its filter and walker.
type session struct {
	in     *traceInput
	filter *analyze.Filter
	walker *analyze.Walker
}

// openSession opens the trace named on the command line, parses the filter
// flags against its architecture and builds a walker.
func openSession(c *cli.Context, trackFDs bool) (*session, error) {
	if c.NArg() > 1 && strings.HasPrefix(c.Args().Get(1), "-") && c.Args().Get(1) != stdinName {
		// urfave/cli stops parsing flags at the first argument.
		return nil, fmt.Errorf("flag %s after the trace file: put flags before FILE", c.Args().Get(1))
	}
	opts := filterOptions(c)
	if err := opts.Check(); err != nil {
		return nil, err
	}
	in, err := openTrace(c)
	if err != nil {
		return nil, err
	}
	h := in.Reader.Header()
	tab, err := analyze.TableFor(h)
	if err != nil {
		in.file.Close()
		return nil, fmt.Errorf("%s: %w", in.name, err)
	}
	f, err := analyze.ParseFilter(tab, opts)
	if err != nil {
		in.file.Close()
		return nil, err
	}
	w, err := analyze.NewWalker(h, f, analyze.WalkerOptions{TrackFDs: trackFDs})
	if err != nil {
		in.file.Close()
		return nil, fmt.Errorf("%s: %w", in.name, err)
	}
	return &session{in: in, filter: f, walker: w}, nil
}

// walk reads the whole trace into v, showing progress on a terminal, and
// returns the reader's final error for in.finish.
func (s *session) walk(c *cli.Context, v analyze.Visitor) error {
	src := analyze.EventSource(s.in.Reader)
	if p := newProgress(c.App.ErrWriter, s.in); p != nil {
		defer p.done()
		src = p
	}
	return s.walker.Walk(src, v)
}

// progress shows how much of a trace has been read, on a terminal only.
type progress struct {
	r     *format.Reader
	w     io.Writer
	name  string
	size  int64
	n     int
	last  time.Time
	shown bool
}

// newProgress returns a progress wrapper of in's reader when stderr is a
// terminal and the input's size is known, else nil.
func newProgress(stderr io.Writer, in *traceInput) *progress {
	f, ok := stderr.(*os.File)
	if !ok || in.size <= 0 {
		return nil
	}
	if _, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS); err != nil {
		return nil
	}
	return &progress{r: in.Reader, w: stderr, name: in.name, size: in.size, last: time.Now()}
}

// Next implements analyze.EventSource.
func (p *progress) Next() (*format.Event, error) {
	p.n++
	if p.n&0xffff == 0 {
		if now := time.Now(); now.Sub(p.last) >= 200*time.Millisecond {
			p.last = now
			off := p.r.Offset()
			fmt.Fprintf(p.w, "\rtrec: reading %s: %3d%% (%s of %s)\x1b[K", p.name,
				off*100/p.size, mib(off), mib(p.size))
			p.shown = true
		}
	}
	return p.r.Next()
}

func (p *progress) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func filterCommand() *cli.Command {
	return &cli.Command{
		Name:  "filter",
		Usage: "write the calls and events a filter keeps to a smaller, valid trace",
		Description: "Kept calls are written whole (enter and exit), with the clone, exec, exit and signal\n" +
			"events of the kept processes; the header is copied and the filter appended to its\n" +
			"derived filters. With -e status= a call is decided at its exit, so its enter is\n" +
			"written just before its exit rather than at its own time.",
		ArgsUsage: "FILE",
		Args:      true,
		Flags: withFilterFlags(
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "write the trace to `OUT` (- for stdout)"},
		),
		Action: runFilter,
	}
}

// traceCopier is a Visitor that writes what it is given to a trace: the
// enter and exit of each kept call, and each kept event, whole.
type traceCopier struct {
	w   *format.Writer
	err error
}

func (t *traceCopier) write(e *format.Event) {
	if t.err == nil {
		t.err = t.w.Write(e)
	}
}

func (t *traceCopier) SyscallEnter(c *analyze.Call) { t.write(c.Enter) }

func (t *traceCopier) SyscallExit(c *analyze.Call) {
	if !c.Announced && c.Enter != nil {
		// A -e status= filter decided at the exit: the enter goes just
		// before it.
		t.write(c.Enter)
	}
	if c.Exit != nil {
		t.write(c.Exit)
	}
}

func (t *traceCopier) Event(e *format.Event) { t.write(e) }

// Err returns the first write error; the walk stops at it.
func (t *traceCopier) Err() error { return t.err }

func runFilter(c *cli.Context) error {
	s, err := openSession(c, false)
	if err != nil {
		return err
	}
	outName := c.String("output")
	file, out, err := s.createOutput(c, outName)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		s.in.file.Close()
		file.discard()
		return err
	}
	h := proto.Clone(s.in.Reader.Header()).(*format.Header)
	if h.Options == nil {
		h.Options = &format.Options{}
	}
	expr := s.filter.String()
	if expr == "" {
		expr = "all"
	}
	h.Options.DerivedFilters = append(h.Options.DerivedFilters, expr)
	tw, err := format.NewWriter(out, h, format.WriterOptions{})
	if err != nil {
		return fail(fmt.Errorf("%s: %w", outName, err))
	}
	cp := &traceCopier{w: tw}
	rerr := s.walk(c, cp)
	if cp.err != nil {
		tw.Close(nil)
		return fail(writeError(outName, cp.err))
	}
	var tr *format.Trailer
	if t := s.in.Reader.Trailer(); t != nil {
		tr = proto.Clone(t).(*format.Trailer)
	} else if errors.Is(rerr, format.ErrTruncated) {
		// The output must not read as complete: it keeps the mark.
		tr = &format.Trailer{Truncated: true, EndTime: s.walker.EndTime()}
	}
	if err := tw.Close(tr); err != nil {
		return fail(writeError(outName, err))
	}
	return file.commit(c, s.in, rerr)
}
