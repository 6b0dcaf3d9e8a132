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

func (m *multiString) String() string { return strings.Join(m.vals, " ") }

// Set adds a value; it ignores aliasCopy.
func (m *multiString) Set(v string) error {
	if v != aliasCopy {
		m.vals = append(m.vals, v)
	}
	return nil
}

// aliasCopy is what Serialize returns. urfave/cli copies a flag's value to
// the flag's other names through Serialize and Set; the names share one
// multiString, so the copy must change nothing (no argument holds a NUL).
const aliasCopy = "\x00alias"

// Serialize implements cli.Serializer.
func (m *multiString) Serialize() string { return aliasCopy }

// filterFlags are the flags every trace-reading command takes.
func filterFlags() []cli.Flag {
	return []cli.Flag{
		&cli.GenericFlag{Name: "e", Value: &multiString{}, Category: catFilter, Usage: "qualifier `EXPR`, repeatable: trace=SET (syscall names, %classes " +
			"such as %file, %net, %process, %desc, %memory, ! to negate), status=LIST (successful, failed, unfinished, " +
			"unavailable, detached), signal=SET (SIGTERM or TERM, numbers, all, none, ! to negate)"},
		&cli.BoolFlag{Name: "z", Aliases: []string{"successful-only"}, Usage: "keep only the calls that succeeded (-e status=successful)", Category: catFilter},
		&cli.BoolFlag{Name: "Z", Aliases: []string{"failed-only"}, Usage: "keep only the calls that failed (-e status=failed)", Category: catFilter},
		&cli.StringSliceFlag{Name: "pid", Aliases: []string{"p"}, Usage: "keep process or thread `PID`: every process that had that pid, or with PID@START the one that started at START (as stats lists it); repeatable", Category: catFilter},
		&cli.StringSliceFlag{Name: "pid-tree", Usage: "keep process `PID` (or PID@START) and its descendants (repeatable)", Category: catFilter},
		&cli.GenericFlag{Name: "comm", Value: &multiString{}, Usage: "keep the processes running program `NAME` (a glob; repeatable)", Category: catFilter},
		&cli.GenericFlag{Name: "path", Aliases: []string{"P"}, Value: &multiString{}, Usage: "keep calls naming `PATH`, directly or through an fd (a glob; repeatable)", Category: catFilter},
		&cli.StringFlag{Name: "since", Usage: "keep what happened from `OFFSET` after the trace start (1.5s, 200ms)", Category: catFilter},
		&cli.StringFlag{Name: "until", Usage: "keep what happened up to `OFFSET` after the trace start", Category: catFilter},
	}
}

// withFilterFlags appends the filter flags to a command's own.
func withFilterFlags(own ...cli.Flag) []cli.Flag { return append(own, filterFlags()...) }

// strs returns the values of a repeatable string flag.
func strs(c *cli.Context, name string) []string {
	if m, ok := c.Generic(name).(*multiString); ok {
		return m.vals
	}
	return nil
}

// filterOptions reads the filter flags. strace's -e quiet= qualifiers,
// which shape dump's output rather than select, come back apart.
func filterOptions(c *cli.Context) (opts analyze.FilterOptions, quiet []string, err error) {
	var exprs []string
	for _, e := range strs(c, "e") {
		if v, ok := strings.CutPrefix(e, "quiet="); ok {
			quiet = append(quiet, v)
		} else if v, ok := strings.CutPrefix(e, "q="); ok {
			quiet = append(quiet, v)
		} else {
			exprs = append(exprs, e)
		}
	}
	switch {
	case c.Bool("z") && c.Bool("Z"):
		return opts, nil, usagef("-z and -Z: use one (-e status=successful,failed keeps both)")
	case c.Bool("z"):
		exprs = append(exprs, "status=successful")
	case c.Bool("Z"):
		exprs = append(exprs, "status=failed")
	}
	return analyze.FilterOptions{
		Exprs:    exprs,
		Pids:     c.StringSlice("pid"),
		PidTrees: c.StringSlice("pid-tree"),
		Comms:    strs(c, "comm"),
		Paths:    strs(c, "path"),
		Since:    c.String("since"),
		Until:    c.String("until"),
	}, quiet, nil
}

// session is an open trace with its filter and walker.
type session struct {
	in     *traceInput
	filter *analyze.Filter
	walker *analyze.Walker
	// quiet are the -e quiet= lists, for dump.
	quiet []string
}

// openSession opens the trace named on the command line, parses the filter
// flags against its architecture and builds a walker.
func openSession(c *cli.Context, trackFDs bool) (*session, error) {
	fo, quiet, err := filterOptions(c)
	if err != nil {
		return nil, err
	}
	if len(quiet) > 0 && c.Command.Name != "dump" {
		return nil, usagef("-e quiet=%s: only trec dump prints the lines it hides", quiet[0])
	}
	if err := fo.Check(); err != nil {
		return nil, usage(err)
	}
	in, err := openTraceSpooled(c, readsTwice(c, fo))
	if err != nil {
		return nil, err
	}
	return newSession(c, in, fo, quiet, trackFDs)
}

// readsTwice reports whether the command reads a trace twice: filter and
// export drop what the calls they keep do not refer to (see refine).
func readsTwice(c *cli.Context, fo analyze.FilterOptions) bool {
	return (c.Command.Name == "filter" || c.Command.Name == "export") && selectsCalls(fo)
}

// newSession parses the filter options against the architecture of the
// open trace in and builds a walker; on an error it closes in.
func newSession(c *cli.Context, in *traceInput, fo analyze.FilterOptions, quiet []string, trackFDs bool) (*session, error) {
	h := in.Reader.Header()
	tab, err := analyze.TableFor(h)
	if err != nil {
		in.file.Close()
		return nil, fmt.Errorf("%s: %w", in.name, err)
	}
	f, err := analyze.ParseFilter(tab, fo)
	if err != nil {
		in.file.Close()
		return nil, usage(err)
	}
	for _, w := range f.Warnings() {
		fmt.Fprintf(c.App.ErrWriter, "trec: warning: %s\n", w)
	}
	w, err := analyze.NewWalker(h, f, analyze.WalkerOptions{TrackFDs: trackFDs})
	if err != nil {
		in.file.Close()
		return nil, fmt.Errorf("%s: %w", in.name, err)
	}
	return &session{in: in, filter: f, walker: w, quiet: quiet}, nil
}

// selectsCalls reports whether filter options keep some calls of a
// process and not others, as Filter.SelectsCalls does once parsed.
func selectsCalls(fo analyze.FilterOptions) bool {
	for _, e := range fo.Exprs {
		if !strings.HasPrefix(e, "signal=") && !strings.HasPrefix(e, "signals=") && !strings.HasPrefix(e, "s=") {
			return true
		}
	}
	return len(fo.Paths) > 0
}

// refine prepares the session to keep, of the events that are not calls,
// only those the kept calls refer to, when the filter selects calls: the
// processes that made them, the clones and execs on the way to them, their
// exits. It reads the trace once to find them and opens it again for the
// walk that follows, with a new reader and walker; refs.Keep wraps the
// visitor of that walk. refs is nil when there is nothing to drop.
func (s *session) refine(trackFDs bool) (refs *analyze.Refs, err error) {
	if !s.filter.SelectsCalls() {
		return nil, nil
	}
	refs = analyze.NewRefs()
	err = s.walker.Walk(s.in.Reader, refs.Collect())
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, format.ErrTruncated) {
		s.in.file.Close()
		return nil, fmt.Errorf("%s: %w", s.in.name, err)
	}
	again, err := s.in.reread()
	if err != nil {
		return nil, err
	}
	if s.in.spool == nil {
		s.in.file.Close()
	}
	f := s.filter.Clone()
	w, err := analyze.NewWalker(again.Reader.Header(), f, analyze.WalkerOptions{TrackFDs: trackFDs})
	if err != nil {
		again.file.Close()
		return nil, fmt.Errorf("%s: %w", s.in.name, err)
	}
	s.in, s.filter, s.walker = again, f, w
	return refs, nil
}

// keeping wraps v with refs.Keep, when refine returned refs.
func keeping(refs *analyze.Refs, v analyze.Visitor) analyze.Visitor {
	if refs == nil {
		return v
	}
	return refs.Keep(v)
}

// warnUnmatched says, after a walk, which parts of the filter matched
// nothing in the trace.
func (s *session) warnUnmatched(c *cli.Context) {
	for _, w := range s.filter.Unmatched() {
		fmt.Fprintf(c.App.ErrWriter, "trec: warning: %s\n", w)
	}
}

// walk reads the whole trace into v, showing progress on a terminal, and
// returns the reader's final error for in.finish.
func (s *session) walk(c *cli.Context, v analyze.Visitor) error {
	src, done := s.source(c)
	defer done()
	return s.walker.Walk(src, v)
}

// source returns the session's events, with progress shown on a terminal;
// call done when the walk ends.
func (s *session) source(c *cli.Context) (src analyze.EventSource, done func()) {
	if p := newProgress(c.App.ErrWriter, s.in); p != nil {
		return p, p.done
	}
	return s.in.Reader, func() {}
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
		Description: "Kept calls are written whole (enter and exit); the header is copied and the filter " +
			"appended to its derived filters. With a filter on calls (-e trace=, -e status=, -z, -Z, -P), " +
			"the other events are kept for the processes that made a kept call: their execs, exits and " +
			"signals, and the clones that lead to them. With -e status= a call is decided at its exit, " +
			"so its enter is written just before its exit.",
		ArgsUsage: "FILE",
		Args:      true,
		Flags: withFilterFlags(
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the trace to `OUT`, required (- for standard output)", Category: catOutput},
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
	if !c.IsSet("output") {
		return usagef("-o OUT is required: the trace to write (usage: %s)", usageLine(c.Command))
	}
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
	refs, err := s.refine(false)
	if err != nil {
		tw.Close(nil)
		file.discard()
		return err
	}
	rerr := s.walk(c, keeping(refs, cp))
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
