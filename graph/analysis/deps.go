package analysis

import (
	"slices"

	"github.com/chipgraph/chipgraph/graph"
)

// walk is one visible step of a dependency walk: edge leads to node to,
// against the edge's stored direction when rev is set.
type walk struct {
	edge int32
	to   int32
	rev  bool
}

// stepsFrom appends the visible dependency steps from u at asOf to buf, one
// per neighbour (parallel edges collapse into the one pick chooses), in no
// particular order. When group is set and u is a firm, the firm steps (to
// what it makes, the fabs it operates and its subsidiaries) are added too.
func (e *Engine) stepsFrom(buf []walk, u int32, asOf graph.Date, group bool) []walk {
	start := len(buf)
	buf = e.visibleSteps(buf, e.liveDeps(u), asOf)
	buf = e.visibleSteps(buf, e.deadDeps(u), asOf)
	if !group || e.s.Node(u).Kind != graph.KindFirm {
		return buf
	}
	for _, ed := range e.out(u, graph.Makes) {
		if visible(e.s.Edge(ed), asOf) {
			_, to := e.s.Ends(ed)
			buf = append(buf, walk{ed, to, false})
		}
	}
	for _, k := range []graph.EdgeKind{graph.OperatedBy, graph.SubsidiaryOf} {
		for _, ed := range e.in(u, k) {
			if visible(e.s.Edge(ed), asOf) {
				from, _ := e.s.Ends(ed)
				buf = append(buf, walk{ed, from, true})
			}
		}
	}
	seg := buf[start:]
	sortWalks(seg)
	seg = slices.CompactFunc(seg, func(a, b walk) bool { return a.to == b.to })
	return buf[:start+len(seg)]
}

// visibleSteps appends to buf one walk per neighbour of ds (sorted by
// neighbour) that has a step visible at asOf.
func (e *Engine) visibleSteps(buf []walk, ds []step, asOf graph.Date) []walk {
	for i := 0; i < len(ds); {
		j := i + 1
		for j < len(ds) && ds[j].to == ds[i].to {
			j++
		}
		if j == i+1 { // the common case: one edge to this neighbour
			if st := &ds[i]; graph.Within(asOf, st.vf, st.vt) {
				buf = append(buf, walk{st.e, st.to, st.rev})
			}
		} else if p := e.pick(ds[i:j], asOf); p >= 0 {
			st := &ds[i+p]
			buf = append(buf, walk{st.e, st.to, st.rev})
		}
		i = j
	}
	return buf
}

// sortWalks orders walks by neighbour, then edge.
func sortWalks(seg []walk) {
	slices.SortFunc(seg, func(a, b walk) int {
		if a.to != b.to {
			return int(a.to) - int(b.to)
		}
		return int(a.edge) - int(b.edge)
	})
}

// firmGroup returns the firms whose firm steps a walk from root may take:
// root and its subsidiaries, transitively (nil unless root is a firm).
func (e *Engine) firmGroup(root int32, asOf graph.Date) map[int32]bool {
	if e.s.Node(root).Kind != graph.KindFirm {
		return nil
	}
	g := map[int32]bool{root: true}
	queue := []int32{root}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		for _, ed := range e.in(f, graph.SubsidiaryOf) {
			if !visible(e.s.Edge(ed), asOf) {
				continue
			}
			if sub, _ := e.s.Ends(ed); !g[sub] {
				g[sub] = true
				queue = append(queue, sub)
			}
		}
	}
	return g
}

// PathEdge is one step of a dependency path, explained. From and To are in
// the direction the path is walked; Reversed says the step walks the stored
// edge backwards (an item to its maker along MAKES, to its supplier along
// SUPPLIES, a firm to its fab along OPERATED_BY, to its subsidiary along
// SUBSIDIARY_OF). The remaining fields are the stored edge's.
type PathEdge struct {
	From, To graph.ID
	Kind     graph.EdgeKind
	Reversed bool

	// SUPPLIES: the supplier's share in percent in the row that counts at
	// asOf (nil when unknown), the year it refers to and its basis
	// ("firm-hq", "country-hq", "capacity", "aggregate").
	Share *float64
	Year  int
	Basis string

	Group string // REQUIRES: the OR-group; "" when the requirement is mandatory
	Node  string // FABRICATED_AT: the process node

	ValidFrom, ValidTo graph.Date
	Sources            []graph.ID
	Note               string
}

// Path is a dependency path: Nodes[0] is where it starts, Edges[i] joins
// Nodes[i] and Nodes[i+1], and Length is len(Edges).
type Path struct {
	Nodes  []graph.ID
	Edges  []PathEdge
	Length int
}

// pathEdge explains the step w taken from node from.
func (e *Engine) pathEdge(from int32, w walk) PathEdge {
	ed := e.s.Edge(w.edge)
	pe := PathEdge{
		From: e.s.Node(from).ID, To: e.s.Node(w.to).ID, Kind: ed.Kind, Reversed: w.rev,
		Group: ed.Group, Node: ed.Node, ValidFrom: ed.ValidFrom, ValidTo: ed.ValidTo,
		Sources: ed.Sources, Note: ed.Note,
	}
	if ed.Kind == graph.Supplies {
		pe.Year, pe.Basis = ed.Year, ed.Basis
		if ed.HasShare() {
			pe.Share = ptr(ed.Share)
		}
	}
	return pe
}

// edgeWalk explains edge ed walked from node from (either direction).
func (e *Engine) edgeWalk(from int32, ed int32) PathEdge {
	f, t := e.s.Ends(ed)
	if f == from {
		return e.pathEdge(from, walk{ed, t, false})
	}
	return e.pathEdge(from, walk{ed, f, true})
}

func ptr[T any](v T) *T { return &v }
