package format

import "github.com/trecdev/trec/format/tracepb"

// Version is the format version this package writes and the newest it reads.
const Version = 1

// Magic is the four bytes that identify a trec trace inside its leading
// zstd skippable frame.
const Magic = "TREC"

// Header describes a recording; it is the first record of every trace.
type Header = tracepb.Header

// Options are the recording options stored in a Header.
type Options = tracepb.Options

// Trailer closes a trace that ended cleanly.
type Trailer = tracepb.Trailer

// StartState is what a program inherited, as a replayable recording's
// header keeps it.
type StartState = tracepb.StartState

// Placement counts where a recording's threads ran (Trailer.placement).
type Placement = tracepb.Placement

// PlacementMode returns the placement o records ("adaptive", "pin" or
// "none"), or, for a trace from before it was recorded, the one its CPU
// implies: "pin" when it names one, "none" otherwise.
func PlacementMode(o *Options) string {
	if p := o.GetPlacement(); p != "" {
		return p
	}
	if o.GetCpu() >= 0 {
		return "pin"
	}
	return "none"
}
