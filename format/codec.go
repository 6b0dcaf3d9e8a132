package format

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/trecdev/trec/format/tracepb"
)

// encoder turns events into length-delimited records. It keeps the state the
// delta encoding needs and reuses one Record so that encoding allocates
// nothing in steady state.
type encoder struct {
	lastTime int64
	lastTid  int32
	rec      tracepb.Record
	caps     []*tracepb.Capture
	signal   tracepb.Signal
	clone    tracepb.Clone
	exec     tracepb.Exec
	exit     tracepb.Exit
	hook     tracepb.HookAction
}

var (
	sizeOpts    = proto.MarshalOptions{}
	marshalOpts = proto.MarshalOptions{UseCachedSize: true}
)

// appendRecord appends m to b with the varint length prefix of
// encoding/protodelim. protodelim.MarshalTo allocates per call; this is the
// same framing without the allocations (TestFramingMatchesProtodelim).
func appendRecord(b []byte, m proto.Message) ([]byte, error) {
	n := sizeOpts.Size(m)
	b = protowire.AppendVarint(b, uint64(n))
	return marshalOpts.MarshalAppend(b, m)
}

// appendEvent appends the record for e to b.
func (c *encoder) appendEvent(b []byte, e *Event) ([]byte, error) {
	if e.Kind == KindInvalid || e.Kind > KindStop {
		return b, fmt.Errorf("encode event: invalid kind %d", e.Kind)
	}
	r := &c.rec
	r.Kind = tracepb.Kind(e.Kind)
	r.TimeDelta = e.Time - c.lastTime
	c.lastTime = e.Time
	r.Tid = 0
	if e.Tid != c.lastTid {
		r.Tid = e.Tid
		c.lastTid = e.Tid
	}
	r.Pid = 0
	if e.Pid != e.Tid {
		r.Pid = e.Pid
	}
	r.Nr, r.Ret = 0, 0
	r.Args = r.Args[:0]
	r.Signal, r.Clone, r.Exec, r.Exit, r.Hook = nil, nil, nil, nil, nil
	switch e.Kind {
	case KindSyscallEnter:
		r.Nr = e.Nr
		r.Args = append(r.Args, e.Args[:]...)
	case KindSyscallExit:
		r.Nr = e.Nr
		r.Ret = e.Ret
	case KindSignal, KindStop:
		c.signal = tracepb.Signal{
			Signo: e.Signal.Signo, Code: e.Signal.Code, Errno: e.Signal.Errno,
			SenderPid: e.Signal.SenderPid, SenderUid: e.Signal.SenderUid,
			Addr: e.Signal.Addr, Status: e.Signal.Status,
		}
		r.Signal = &c.signal
	case KindClone:
		c.clone = tracepb.Clone{Child: e.Clone.Child, Kind: tracepb.CloneKind(e.Clone.Kind), Flags: e.Clone.Flags}
		r.Clone = &c.clone
	case KindExec:
		c.exec = tracepb.Exec{Path: e.Exec.Path, Argv: e.Exec.Argv, OldTid: e.Exec.OldTid}
		r.Exec = &c.exec
	case KindExit:
		c.exit = tracepb.Exit{Code: e.Exit.Code, Signal: e.Exit.Signal, CoreDumped: e.Exit.CoreDumped, Thread: e.Exit.Thread}
		r.Exit = &c.exit
	case KindHook:
		r.Nr = e.Nr
		c.hook = tracepb.HookAction{
			Name: e.Hook.Name, Op: tracepb.HookOp(e.Hook.Op), Arg: uint32(e.Hook.Arg),
			OldValue: e.Hook.OldValue, NewValue: e.Hook.NewValue,
			OldData: e.Hook.OldData, NewData: e.Hook.NewData,
		}
		r.Hook = &c.hook
	}
	for len(c.caps) < len(e.Captures) {
		c.caps = append(c.caps, new(tracepb.Capture))
	}
	r.Captures = c.caps[:len(e.Captures)]
	for i := range e.Captures {
		src := &e.Captures[i]
		dst := r.Captures[i]
		dst.Arg = uint32(src.Arg)
		dst.Kind = tracepb.CaptureKind(src.Kind)
		dst.Index = src.Index
		dst.Data = src.Data
		dst.Size = 0
		if src.Size > uint64(len(src.Data)) {
			dst.Size = src.Size
		}
	}
	return appendRecord(b, r)
}

// decoder turns records back into events, undoing the delta encoding.
type decoder struct {
	lastTime int64
	lastTid  int32
	caps     []Capture
}

// event fills e from the event record r.
func (d *decoder) event(r *tracepb.Record, e *Event) error {
	k := Kind(r.Kind)
	if k == KindInvalid || k > KindStop {
		return fmt.Errorf("unknown record kind %d", r.Kind)
	}
	*e = Event{Kind: k}
	d.lastTime += r.TimeDelta
	e.Time = d.lastTime
	if r.Tid != 0 {
		d.lastTid = r.Tid
	}
	e.Tid = d.lastTid
	e.Pid = e.Tid
	if r.Pid != 0 {
		e.Pid = r.Pid
	}
	e.Nr = r.Nr
	e.Ret = r.Ret
	copy(e.Args[:], r.Args)
	if len(r.Captures) > 0 {
		d.caps = d.caps[:0]
		for _, c := range r.Captures {
			if c.Arg > 5 {
				return fmt.Errorf("capture of argument %d", c.Arg)
			}
			d.caps = append(d.caps, Capture{
				Arg: uint8(c.Arg), Kind: CaptureKind(c.Kind), Index: c.Index,
				Data: c.Data, Size: c.Size,
			})
		}
		e.Captures = d.caps
	}
	if s := r.Signal; s != nil {
		e.Signal = Signal{
			Signo: s.Signo, Code: s.Code, Errno: s.Errno, SenderPid: s.SenderPid,
			SenderUid: s.SenderUid, Addr: s.Addr, Status: s.Status,
		}
	}
	if c := r.Clone; c != nil {
		e.Clone = Clone{Child: c.Child, Kind: CloneKind(c.Kind), Flags: c.Flags}
	}
	if x := r.Exec; x != nil {
		e.Exec = Exec{Path: x.Path, Argv: x.Argv, OldTid: x.OldTid}
	}
	if x := r.Exit; x != nil {
		e.Exit = Exit{Code: x.Code, Signal: x.Signal, CoreDumped: x.CoreDumped, Thread: x.Thread}
	}
	if h := r.Hook; h != nil {
		if h.Arg > 5 {
			return fmt.Errorf("hook on argument %d", h.Arg)
		}
		e.Hook = Hook{
			Name: h.Name, Op: HookOp(h.Op), Arg: uint8(h.Arg), OldValue: h.OldValue,
			NewValue: h.NewValue, OldData: h.OldData, NewData: h.NewData,
		}
	}
	return nil
}
