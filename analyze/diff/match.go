package diff

import "strings"

// progKey is what a process ran: every program it exec'd, with argv; full
// says whether argv counts too.
func progKey(p *process, full bool) string {
	var b strings.Builder
	for _, x := range p.execs {
		b.WriteString(x.path)
		b.WriteByte(0)
		if full {
			for _, a := range x.argv {
				b.WriteString(a)
				b.WriteByte(1)
			}
		}
		b.WriteByte(2)
	}
	return b.String()
}

// changed reports whether matched processes ran the same programs with
// different arguments.
func changed(a, b *process) bool { return progKey(a, true) != progKey(b, true) }

// roots returns the processes of a run that have no parent in it, in
// order of creation.
func roots(r *run) []*process {
	var ps []*process
	for _, p := range r.procs {
		if p.parent == nil {
			ps = append(ps, p)
		}
	}
	return ps
}

// matchRuns pairs the processes and threads of a and b: the roots, then
// the children of each matched pair, first by the programs they ran with
// their argv, then by the programs alone (a process whose argv changed),
// each in order of creation; threads of matched processes pair in order of
// creation. It then gives every process and thread its identity in the
// comparison and resolves the pids calls name.
func matchRuns(a, b *run) {
	ra, rb := roots(a), roots(b)
	pairs := matchChildren(ra, rb)
	// The runs' first processes are the programs compared, whatever
	// they ran.
	if len(ra) > 0 && len(rb) > 0 && ra[0].match == nil && rb[0].match == nil {
		link(ra[0], rb[0])
		pairs = append(pairs, [2]*process{ra[0], rb[0]})
	}
	for i := 0; i < len(pairs); i++ {
		pa, pb := pairs[i][0], pairs[i][1]
		pairs = append(pairs, matchChildren(pa.children, pb.children)...)
	}
	var id uint64
	for _, pr := range pairs {
		id++
		pr[0].id, pr[1].id = id, id
		for k := 0; k < len(pr[0].threads) && k < len(pr[1].threads); k++ {
			ta, tb := pr[0].threads[k], pr[1].threads[k]
			ta.match, tb.match = tb, ta
			id++
			ta.id, tb.id = id, id
		}
	}
	unique := func(r *run, side uint64) {
		for _, p := range r.procs {
			if p.match == nil {
				p.id = side | uint64(p.idx)
			}
		}
		for _, t := range r.threads {
			if t.match == nil {
				t.id = side | 1<<40 | uint64(t.idx)
			}
		}
	}
	unique(a, 1<<62)
	unique(b, 1<<61)
	resolveRefs(a.threads)
	resolveRefs(b.threads)
}

func link(a, b *process) { a.match, b.match = b, a }

// matchChildren pairs two lists of sibling processes.
func matchChildren(as, bs []*process) [][2]*process {
	var pairs [][2]*process
	for _, full := range []bool{true, false} {
		queue := map[string][]*process{}
		for _, p := range bs {
			if p.match == nil {
				k := progKey(p, full)
				queue[k] = append(queue[k], p)
			}
		}
		for _, p := range as {
			if p.match != nil {
				continue
			}
			k := progKey(p, full)
			if q := queue[k]; len(q) > 0 {
				link(p, q[0])
				queue[k] = q[1:]
				pairs = append(pairs, [2]*process{p, q[0]})
			}
		}
	}
	return pairs
}
