package analyze

import (
	"strconv"

	"github.com/trecdev/trec/format"
)

// PlacementReport says where the recorder placed the program's threads:
// trec stats' placement section, from the trace's header and trailer.
// Threads count once each; stops are counted by the adaptive placement
// alone.
type PlacementReport struct {
	// Mode is the header's placement: "adaptive", "pin" or "none".
	Mode string `json:"mode"`
	// CPU is the recorder's CPU, -1 when it was not pinned.
	CPU int32 `json:"cpu"`
	// ThreadsTracerCPU ran on the recorder's CPU only, ThreadsOwnCPUs on
	// the CPUs they would have had only, ThreadsMoved in both places;
	// ThreadsOwnMask set their own CPU mask.
	ThreadsTracerCPU uint32 `json:"threads_tracer_cpu"`
	ThreadsOwnCPUs   uint32 `json:"threads_own_cpus"`
	ThreadsMoved     uint32 `json:"threads_moved"`
	ThreadsOwnMask   uint32 `json:"threads_own_mask"`
	// MovesOff and MovesBack count the moves off the recorder's CPU and
	// back.
	MovesOff  uint64 `json:"moves_off"`
	MovesBack uint64 `json:"moves_back"`
	// StopsTracerCPU and StopsOwnCPUs count the stops taken while the
	// thread was on the recorder's CPU and on its own CPUs.
	StopsTracerCPU uint64 `json:"stops_tracer_cpu"`
	StopsOwnCPUs   uint64 `json:"stops_own_cpus"`
	// Reservations counts the times the recorder's CPU was kept for the
	// threads on it, the others running on their own CPUs without it,
	// and ReservedNs how long in all.
	Reservations uint64 `json:"reservations"`
	ReservedNs   uint64 `json:"reserved_ns"`
}

// placementReport returns the placement section of a trace whose trailer
// counts its threads, nil for another.
func placementReport(h *format.Header, tr *format.Trailer) *PlacementReport {
	pl := tr.GetPlacement()
	if pl == nil {
		return nil
	}
	o := h.GetOptions()
	return &PlacementReport{
		Mode: format.PlacementMode(o), CPU: o.GetCpu(),
		ThreadsTracerCPU: pl.GetThreadsTracerCpu(), ThreadsOwnCPUs: pl.GetThreadsOwnCpus(),
		ThreadsMoved: pl.GetThreadsMoved(), ThreadsOwnMask: pl.GetThreadsOwnMask(),
		MovesOff: pl.GetMovesOff(), MovesBack: pl.GetMovesBack(),
		StopsTracerCPU: pl.GetStopsTracerCpu(), StopsOwnCPUs: pl.GetStopsOwnCpus(),
		Reservations: pl.GetReservations(), ReservedNs: pl.GetReservedNs(),
	}
}

// appendText appends the placement section as trec stats prints it.
func (p *PlacementReport) appendText(b []byte) []byte {
	u := func(b []byte, v uint64, what string) []byte {
		b = strconv.AppendUint(b, v, 10)
		return append(b, what...)
	}
	b = append(b, "\nplacement\n  "...)
	switch p.Mode {
	case "none":
		b = append(b, "left to the kernel (--no-pin)\n"...)
	case "pin":
		b = append(b, "every thread with the recorder on CPU "...)
		b = strconv.AppendInt(b, int64(p.CPU), 10)
		b = append(b, " (--pin)\n"...)
	default:
		b = append(b, "adaptive: the recorder on CPU "...)
		b = strconv.AppendInt(b, int64(p.CPU), 10)
		b = append(b, ", each thread with it or on its own CPUs\n"...)
	}
	b = append(b, "  threads: "...)
	b = u(b, uint64(p.ThreadsTracerCPU), " on the recorder's CPU, ")
	b = u(b, uint64(p.ThreadsOwnCPUs), " on their own CPUs, ")
	b = u(b, uint64(p.ThreadsMoved), " in both, ")
	b = u(b, uint64(p.ThreadsOwnMask), " set their own mask\n")
	if p.Mode == "adaptive" {
		b = append(b, "  moves:   "...)
		b = u(b, p.MovesOff, " off the recorder's CPU, ")
		b = u(b, p.MovesBack, " back\n")
		b = append(b, "  stops:   "...)
		b = u(b, p.StopsTracerCPU, " on the recorder's CPU, ")
		b = u(b, p.StopsOwnCPUs, " on their own CPUs\n")
		if p.Reservations > 0 {
			b = append(b, "  kept:    the recorder's CPU for the threads on it, "...)
			if p.Reservations == 1 {
				b = append(b, "once, "...)
			} else {
				b = u(b, p.Reservations, " times, ")
			}
			b = strconv.AppendFloat(b, float64(p.ReservedNs)/1e9, 'f', 3, 64)
			b = append(b, " s in all\n"...)
		}
	}
	return b
}
