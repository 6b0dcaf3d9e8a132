package format

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/trecdev/trec/format/tracepb"
)

// The event fields of trace.proto's Record and Capture. Events are encoded
// and decoded here with protowire rather than through the generated code:
// the generic path costs about three times as much per event. The bytes are
// those proto.Marshal writes (fields in number order, proto3 zero values
// omitted, args packed), which TestWireMatchesGenerated checks.
const (
	fKind      = 1
	fTimeDelta = 2
	fTid       = 3
	fPid       = 4
	fNr        = 5
	fArgs      = 6
	fRet       = 7
	fCaptures  = 8
	fSignal    = 10
	fClone     = 11
	fExec      = 12
	fExit      = 13
	fHook      = 14
	fHeader    = 15
	fTrailer   = 16
	fAttach    = 20

	fCapArg   = 1
	fCapKind  = 2
	fCapIndex = 3
	fCapData  = 4
	fCapSize  = 5
)

func appendVarintField(b []byte, num protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func appendSintField(b []byte, num protowire.Number, v int64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, protowire.EncodeZigZag(v))
}

// appendInt32Field encodes an int32 as proto does: negative values take ten
// bytes, sign-extended.
func appendInt32Field(b []byte, num protowire.Number, v int32) []byte {
	return appendVarintField(b, num, uint64(int64(v)))
}

// appendMessageField appends a generated sub-message; only rare events have
// one, so the generic marshaling is fine here.
func appendMessageField(b []byte, num protowire.Number, m proto.Message) ([]byte, error) {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(sizeOpts.Size(m)))
	return marshalOpts.MarshalAppend(b, m)
}

// appendEventBody appends the Record encoding of e (without length prefix).
func (c *encoder) appendEventBody(b []byte, e *Event) ([]byte, error) {
	b = appendVarintField(b, fKind, uint64(e.Kind))
	b = appendSintField(b, fTimeDelta, e.Time-c.lastTime)
	c.lastTime = e.Time
	if e.Tid != c.lastTid {
		b = appendInt32Field(b, fTid, e.Tid)
		c.lastTid = e.Tid
	}
	if e.Pid != e.Tid {
		b = appendInt32Field(b, fPid, e.Pid)
	}
	switch e.Kind {
	case KindSyscallEnter:
		b = appendInt32Field(b, fNr, e.Nr)
		n := 0
		for _, a := range e.Args {
			n += protowire.SizeVarint(a)
		}
		b = protowire.AppendTag(b, fArgs, protowire.BytesType)
		b = protowire.AppendVarint(b, uint64(n))
		for _, a := range e.Args {
			b = protowire.AppendVarint(b, a)
		}
	case KindSyscallExit:
		b = appendInt32Field(b, fNr, e.Nr)
		b = appendSintField(b, fRet, e.Ret)
	case KindHook, KindAttach, KindDetach:
		b = appendInt32Field(b, fNr, e.Nr)
	}
	for i := range e.Captures {
		cp := &e.Captures[i]
		size := uint64(0)
		if cp.Size > uint64(len(cp.Data)) {
			size = cp.Size
		}
		n := 0
		if cp.Arg != 0 {
			n += 1 + protowire.SizeVarint(uint64(cp.Arg))
		}
		if cp.Kind != 0 {
			n += 1 + protowire.SizeVarint(uint64(cp.Kind))
		}
		if cp.Index != 0 {
			n += 1 + protowire.SizeVarint(uint64(cp.Index))
		}
		if len(cp.Data) > 0 {
			n += 1 + protowire.SizeBytes(len(cp.Data))
		}
		if size != 0 {
			n += 1 + protowire.SizeVarint(size)
		}
		b = protowire.AppendTag(b, fCaptures, protowire.BytesType)
		b = protowire.AppendVarint(b, uint64(n))
		b = appendVarintField(b, fCapArg, uint64(cp.Arg))
		b = appendVarintField(b, fCapKind, uint64(cp.Kind))
		b = appendVarintField(b, fCapIndex, uint64(cp.Index))
		if len(cp.Data) > 0 {
			b = protowire.AppendTag(b, fCapData, protowire.BytesType)
			b = protowire.AppendBytes(b, cp.Data)
		}
		b = appendVarintField(b, fCapSize, size)
	}
	var err error
	switch e.Kind {
	case KindSignal, KindStop:
		c.signal = tracepb.Signal{
			Signo: e.Signal.Signo, Code: e.Signal.Code, Errno: e.Signal.Errno,
			SenderPid: e.Signal.SenderPid, SenderUid: e.Signal.SenderUid,
			Addr: e.Signal.Addr, Status: e.Signal.Status,
		}
		b, err = appendMessageField(b, fSignal, &c.signal)
	case KindClone:
		c.clone = tracepb.Clone{Child: e.Clone.Child, Kind: tracepb.CloneKind(e.Clone.Kind), Flags: e.Clone.Flags}
		b, err = appendMessageField(b, fClone, &c.clone)
	case KindExec:
		c.exec = tracepb.Exec{Path: e.Exec.Path, Argv: e.Exec.Argv, OldTid: e.Exec.OldTid, AtRandom: e.Exec.Random, VdsoOff: e.Exec.VdsoOff}
		b, err = appendMessageField(b, fExec, &c.exec)
	case KindExit:
		c.exit = tracepb.Exit{Code: e.Exit.Code, Signal: e.Exit.Signal, CoreDumped: e.Exit.CoreDumped, Thread: e.Exit.Thread}
		b, err = appendMessageField(b, fExit, &c.exit)
	case KindHook:
		c.hook = tracepb.HookAction{
			Name: e.Hook.Name, Op: tracepb.HookOp(e.Hook.Op), Arg: uint32(e.Hook.Arg),
			OldValue: e.Hook.OldValue, NewValue: e.Hook.NewValue,
			OldData: e.Hook.OldData, NewData: e.Hook.NewData,
			Rule: e.Hook.Rule, Path: e.Hook.Path, Exit: e.Hook.Exit,
		}
		b, err = appendMessageField(b, fHook, &c.hook)
	case KindAttach, KindDetach:
		if e.Exec.Path != "" || len(e.Exec.Argv) > 0 {
			c.exec = tracepb.Exec{Path: e.Exec.Path, Argv: e.Exec.Argv}
			if b, err = appendMessageField(b, fExec, &c.exec); err != nil {
				return b, err
			}
		}
		c.attach = tracepb.Attach{InSyscall: e.Attach.InSyscall, Stopped: e.Attach.Stopped}
		b, err = appendMessageField(b, fAttach, &c.attach)
	}
	return b, err
}

var errBadWire = errors.New("malformed record")

// decodeEvent fills e from the body of an event record. Slices in e point
// into body. It returns the record's kind; header and trailer records are
// left to the caller.
func (d *decoder) decodeEvent(body []byte, e *Event) (tracepb.Kind, error) {
	*e = Event{}
	var kind uint64
	var delta int64
	var tid, pid int32
	d.caps = d.caps[:0]
	for len(body) > 0 {
		num, typ, n := protowire.ConsumeTag(body)
		if n < 0 {
			return 0, protowire.ParseError(n)
		}
		body = body[n:]
		switch {
		case typ == protowire.VarintType && num <= fRet && num != fArgs:
			v, n := protowire.ConsumeVarint(body)
			if n < 0 {
				return 0, protowire.ParseError(n)
			}
			body = body[n:]
			switch num {
			case fKind:
				kind = v
			case fTimeDelta:
				delta = protowire.DecodeZigZag(v)
			case fTid:
				tid = int32(v)
			case fPid:
				pid = int32(v)
			case fNr:
				e.Nr = int32(v)
			case fRet:
				e.Ret = protowire.DecodeZigZag(v)
			}
			continue
		case typ == protowire.BytesType && (num == fArgs || num == fCaptures || (num >= fSignal && num <= fTrailer) || num == fAttach):
			v, n := protowire.ConsumeBytes(body)
			if n < 0 {
				return 0, protowire.ParseError(n)
			}
			body = body[n:]
			var err error
			switch num {
			case fArgs:
				err = decodeArgs(v, &e.Args)
			case fCaptures:
				err = d.decodeCapture(v)
			case fSignal:
				var m tracepb.Signal
				if err = proto.Unmarshal(v, &m); err == nil {
					e.Signal = Signal{Signo: m.Signo, Code: m.Code, Errno: m.Errno, SenderPid: m.SenderPid,
						SenderUid: m.SenderUid, Addr: m.Addr, Status: m.Status}
				}
			case fClone:
				var m tracepb.Clone
				if err = proto.Unmarshal(v, &m); err == nil {
					e.Clone = Clone{Child: m.Child, Kind: CloneKind(m.Kind), Flags: m.Flags}
				}
			case fExec:
				var m tracepb.Exec
				if err = proto.Unmarshal(v, &m); err == nil {
					e.Exec = Exec{Path: m.Path, Argv: m.Argv, OldTid: m.OldTid, Random: m.AtRandom, VdsoOff: m.VdsoOff}
				}
			case fExit:
				var m tracepb.Exit
				if err = proto.Unmarshal(v, &m); err == nil {
					e.Exit = Exit{Code: m.Code, Signal: m.Signal, CoreDumped: m.CoreDumped, Thread: m.Thread}
				}
			case fHook:
				var m tracepb.HookAction
				if err = proto.Unmarshal(v, &m); err == nil {
					if m.Arg > 5 {
						return 0, fmt.Errorf("hook on argument %d", m.Arg)
					}
					e.Hook = Hook{Name: m.Name, Op: HookOp(m.Op), Arg: uint8(m.Arg), OldValue: m.OldValue,
						NewValue: m.NewValue, OldData: m.OldData, NewData: m.NewData,
						Rule: m.Rule, Path: m.Path, Exit: m.Exit}
				}
			case fAttach:
				var m tracepb.Attach
				if err = proto.Unmarshal(v, &m); err == nil {
					e.Attach = Attach{InSyscall: m.InSyscall, Stopped: m.Stopped}
				}
			case fHeader, fTrailer:
				// Only header and trailer records carry these; the caller
				// decodes those records whole.
			}
			if err != nil {
				return 0, err
			}
			continue
		}
		// A field this version does not know: skip it, as proto does.
		n = protowire.ConsumeFieldValue(num, typ, body)
		if n < 0 {
			return 0, protowire.ParseError(n)
		}
		body = body[n:]
	}
	k := tracepb.Kind(kind)
	if k == tracepb.Kind_KIND_HEADER || k == tracepb.Kind_KIND_TRAILER {
		return k, nil
	}
	if kind > 255 || !Kind(kind).Valid() {
		return k, fmt.Errorf("unknown record kind %d", kind)
	}
	e.Kind = Kind(kind)
	d.lastTime += delta
	e.Time = d.lastTime
	if tid != 0 {
		d.lastTid = tid
	}
	e.Tid = d.lastTid
	e.Pid = e.Tid
	if pid != 0 {
		e.Pid = pid
	}
	if len(d.caps) > 0 {
		e.Captures = d.caps
	}
	return k, nil
}

func decodeArgs(b []byte, args *[6]uint64) error {
	for i := 0; len(b) > 0; i++ {
		v, n := protowire.ConsumeVarint(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		if i >= len(args) {
			return fmt.Errorf("%w: more than six arguments", errBadWire)
		}
		args[i] = v
		b = b[n:]
	}
	return nil
}

func (d *decoder) decodeCapture(b []byte) error {
	var c Capture
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		switch {
		case typ == protowire.VarintType && num != fCapData:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return protowire.ParseError(n)
			}
			b = b[n:]
			switch num {
			case fCapArg:
				if v > 5 {
					return fmt.Errorf("%w: capture of argument %d", errBadWire, v)
				}
				c.Arg = uint8(v)
			case fCapKind:
				c.Kind = CaptureKind(v)
			case fCapIndex:
				c.Index = uint32(v)
			case fCapSize:
				c.Size = v
			}
			continue
		case typ == protowire.BytesType && num == fCapData:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return protowire.ParseError(n)
			}
			c.Data = v
			b = b[n:]
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
	}
	d.caps = append(d.caps, c)
	return nil
}
