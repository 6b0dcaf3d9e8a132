package format

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/trecdev/trec/format/tracepb"
)

// encoder turns events into length-delimited records. It keeps the state the
// delta encoding needs and reuses its buffers so that encoding allocates
// nothing in steady state.
type encoder struct {
	lastTime int64
	lastTid  int32
	body     []byte
	signal   tracepb.Signal
	clone    tracepb.Clone
	exec     tracepb.Exec
	exit     tracepb.Exit
	hook     tracepb.HookAction
	attach   tracepb.Attach
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

// appendEvent appends the length-delimited record for e to b.
func (c *encoder) appendEvent(b []byte, e *Event) ([]byte, error) {
	if !e.Kind.Valid() {
		return b, fmt.Errorf("encode event: invalid kind %d", e.Kind)
	}
	var err error
	c.body, err = c.appendEventBody(c.body[:0], e)
	if err != nil {
		return b, fmt.Errorf("encode %v event: %w", e.Kind, err)
	}
	b = protowire.AppendVarint(b, uint64(len(c.body)))
	return append(b, c.body...), nil
}

// decoder turns records back into events, undoing the delta encoding.
type decoder struct {
	lastTime int64
	lastTid  int32
	caps     []Capture
}
