package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
)

func infoCommand() *cli.Command {
	return &cli.Command{
		Name:      "info",
		Usage:     "describe a trace: the command, host, recording options, event counts, whether it is complete",
		ArgsUsage: "FILE",
		Args:      true,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object (format/JSON.md)", Category: catOutput},
		},
		Action: runInfo,
	}
}

// traceInfo is trec info's report; its JSON form is info --json.
type traceInfo struct {
	File          string         `json:"file"`
	FormatVersion uint32         `json:"format_version"`
	TrecVersion   string         `json:"trec_version"`
	ReaderVersion string         `json:"reader_version"`
	Argv          []string       `json:"argv"`
	Cwd           string         `json:"cwd"`
	Hostname      string         `json:"hostname"`
	Kernel        string         `json:"kernel_release"`
	Arch          string         `json:"arch"`
	PageSize      uint32         `json:"page_size"`
	Clock         string         `json:"clock"`
	StartUnixNs   int64          `json:"start_unix_ns"`
	TracerPid     *int32         `json:"tracer_pid"`
	Attached      []int32        `json:"attached"`
	AttachedProcs []attachedInfo `json:"attached_processes"`
	Detached      *uint32        `json:"detached"`
	EndReason     *string        `json:"end_reason"`
	Options       infoOptions    `json:"options"`
	Complete      bool           `json:"complete"`
	Events        uint64         `json:"events"`
	EventsByKind  map[string]int `json:"events_by_kind"`
	DurationNs    int64          `json:"duration_ns"`
	Processes     int            `json:"processes"`
	Threads       int            `json:"threads"`
	ExitStatus    *int32         `json:"exit_status"`
	size          int64
}

// attachedInfo is a process an attached recording began with.
type attachedInfo struct {
	Pid  int32    `json:"pid"`
	Argv []string `json:"argv"`
	Cwd  string   `json:"cwd"`
	Exe  string   `json:"exe"`
}

type infoOptions struct {
	Filter         string   `json:"filter"`
	CaptureSize    uint64   `json:"capture_size"`
	Seccomp        bool     `json:"seccomp"`
	CPU            int32    `json:"cpu"`
	Placement      string   `json:"placement"`
	Hooks          []string `json:"hooks"`
	DerivedFilters []string `json:"derived_filters"`
}

// kindKeys name the event kinds in events_by_kind.
var kindKeys = map[format.Kind]string{
	format.KindSyscallEnter: "syscall_enter", format.KindSyscallExit: "syscall_exit",
	format.KindSignal: "signal", format.KindStop: "stop", format.KindClone: "clone",
	format.KindExec: "exec", format.KindExit: "exit", format.KindHook: "hook",
	format.KindAttach: "attach", format.KindDetach: "detach",
}

func runInfo(c *cli.Context) error {
	in, err := openTrace(c)
	if err != nil {
		return err
	}
	h := in.Reader.Header()
	o := h.GetOptions()
	ti := &traceInfo{
		File: in.name, FormatVersion: h.GetFormatVersion(), TrecVersion: h.GetTrecVersion(), ReaderVersion: version,
		Argv: nonNil(h.GetArgv()), Cwd: h.GetCwd(), Hostname: h.GetHostname(), Kernel: h.GetKernelRelease(),
		Arch: h.GetArch(), PageSize: h.GetPageSize(), Clock: h.GetClock(), StartUnixNs: h.GetStartUnixNano(),
		Attached: nonNil(h.GetAttached()), AttachedProcs: []attachedInfo{},
		Options: infoOptions{
			Filter: o.GetFilter(), CaptureSize: o.GetCaptureSize(), Seccomp: o.GetSeccomp(), CPU: o.GetCpu(), Placement: format.PlacementMode(o),
			Hooks: nonNil(o.GetHooks()), DerivedFilters: nonNil(o.GetDerivedFilters()),
		},
		EventsByKind: map[string]int{},
		size:         in.size,
	}
	for _, p := range h.GetAttachedProcesses() {
		ti.AttachedProcs = append(ti.AttachedProcs, attachedInfo{Pid: p.Pid, Argv: nonNil(p.Argv), Cwd: p.Cwd, Exe: p.Exe})
	}
	if ti.Arch == "" {
		ti.Arch = "x86_64"
	}

	if p := h.GetTracerPid(); p != 0 {
		ti.TracerPid = &p
	}
	for _, k := range kindKeys {
		ti.EventsByKind[k] = 0
	}
	// The walker counts processes and threads as pids and tids with a
	// lifetime: one the kernel reused counts again.
	w, err := analyze.NewWalker(h, nil, analyze.WalkerOptions{})
	if err != nil {
		in.file.Close()
		return fmt.Errorf("%s: %w", in.name, err)
	}
	var rerr error
	for {
		e, err := in.Reader.Next()
		if err != nil {
			rerr = err
			break
		}
		ti.Events++
		ti.EventsByKind[kindKeys[e.Kind]]++
		ti.DurationNs = max(ti.DurationNs, e.Time)
		w.Step(e, ignore{})
	}
	ti.Processes, ti.Threads = w.Processes(), w.Threads()
	if t := in.Reader.Trailer(); t != nil {
		// A copy of a cut trace (filter) is not complete either.
		ti.Complete = !t.GetTruncated()
		if ti.Complete {
			st := t.GetExitStatus()
			ti.ExitStatus = &st
		}
		detached, reason := t.GetDetached(), t.GetEndReason()
		ti.Detached, ti.EndReason = &detached, &reason
		ti.DurationNs = max(ti.DurationNs, t.GetEndTime())
		// The program could not install the filter the header announced.
		ti.Options.Seccomp = ti.Options.Seccomp && t.GetSeccompFallback() == ""
	}
	if errors.Is(rerr, io.EOF) || errors.Is(rerr, format.ErrTruncated) {
		// A cut trace is what info is asked about: say so in the report,
		// not as a warning.
		in.file.Close()
	} else if err := in.finish(c, rerr); err != nil {
		return err
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, ti)
	}
	_, err = io.WriteString(c.App.Writer, ti.text())
	return err
}

// ignore is a Visitor that takes nothing.
type ignore struct{}

func (ignore) SyscallEnter(*analyze.Call) {}
func (ignore) SyscallExit(*analyze.Call)  {}
func (ignore) Event(*format.Event)        {}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// text is trec info's report as lines of "key  value".
func (ti *traceInfo) text() string {
	var b strings.Builder
	line := func(k, format string, args ...any) {
		fmt.Fprintf(&b, "%-13s %s\n", k, fmt.Sprintf(format, args...))
	}
	file := ti.File
	if ti.size > 0 {
		file += " (" + byteSize(ti.size) + ")"
	}
	line("file", "%s, format version %d", file, ti.FormatVersion)
	if len(ti.Argv) > 0 {
		line("command", "%s", analyze.ShellJoin(ti.Argv))
	}
	for _, p := range ti.AttachedProcs {
		line("attached to", "%d %s", p.Pid, analyze.ShellJoin(p.Argv))
	}
	if len(ti.AttachedProcs) == 0 && len(ti.Attached) > 0 {
		line("attached to", "%v", ti.Attached)
	}
	line("cwd", "%s", ti.Cwd)
	start := time.Unix(0, ti.StartUnixNs)
	line("started", "%s", start.Format("2006-01-02 15:04:05.000000 -0700"))
	line("host", "%s, Linux %s, %s, page size %d", ti.Hostname, ti.Kernel, ti.Arch, ti.PageSize)
	by := "trec " + ti.TrecVersion
	if ti.TracerPid != nil {
		by += fmt.Sprintf(" (pid %d)", *ti.TracerPid)
	}
	line("recorded by", "%s", by)
	opts := []string{fmt.Sprintf("capture size %d", ti.Options.CaptureSize)}
	if f := ti.Options.Filter; f != "" {
		how := "filtered in the recorder"
		if ti.Options.Seccomp {
			how = "seccomp"
		}
		opts = append(opts, fmt.Sprintf("-e trace=%s (%s)", f, how))
	}
	switch {
	case ti.Options.CPU < 0:
		opts = append(opts, "not pinned")
	case ti.Options.Placement == "adaptive":
		opts = append(opts, fmt.Sprintf("adaptive placement, recorder on CPU %d", ti.Options.CPU))
	default:
		opts = append(opts, fmt.Sprintf("pinned to CPU %d", ti.Options.CPU))
	}
	line("options", "%s", strings.Join(opts, ", "))
	for _, h := range ti.Options.Hooks {
		line("hook", "%s", h)
	}
	for _, f := range ti.Options.DerivedFilters {
		line("filtered by", "trec filter %s", f)
	}
	if ti.Complete {
		line("complete", "yes")
	} else {
		line("complete", "no: the recording was cut short; every event up to its last frame is here")
	}
	k := ti.EventsByKind
	events := fmt.Sprintf("%d: %d syscall entries, %d exits, %d signals, %d stops, %d clones, %d execs, %d exits of threads and processes, %d hook actions",
		ti.Events, k["syscall_enter"], k["syscall_exit"], k["signal"], k["stop"], k["clone"], k["exec"], k["exit"], k["hook"])
	if k["attach"]+k["detach"] > 0 {
		events += fmt.Sprintf(", %d attaches, %d detaches", k["attach"], k["detach"])
	}
	line("events", "%s", events)
	line("duration", "%.6f s", float64(ti.DurationNs)/1e9)
	line("processes", "%d (%d threads)", ti.Processes, ti.Threads)
	switch {
	case ti.EndReason != nil && *ti.EndReason != "":
		line("ended", "%s; threads detached: %d", *ti.EndReason, *ti.Detached)
	case ti.ExitStatus != nil:
		line("exit status", "%d", *ti.ExitStatus)
	default:
		line("exit status", "unknown")
	}
	line("read by", "trec %s", ti.ReaderVersion)
	return b.String()
}
