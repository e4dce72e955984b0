package analysis

import (
	"slices"
	"sort"
	"sync"

	"github.com/chipgraph/chipgraph/graph"
)

// Engine answers analysis queries over one Snapshot. NewEngine indexes the
// snapshot once; the Engine then caches what is expensive and shared between
// requests (the whole-graph chokepoint table, per as-of epoch). An Engine is
// safe for concurrent use; a server keeps one per snapshot and drops it with
// the snapshot.
type Engine struct {
	s *graph.Snapshot

	kord []uint8                  // per edge: its kind's ordinal (position in graph.EdgeKinds, +1)
	ord  map[graph.EdgeKind]uint8 // kind -> ordinal
	sup  uint8                    // ord[graph.Supplies], read per step (a map lookup there was 12% of a path query)

	// In-edges of every node sorted by (kind ordinal, from): in(i, k) is a
	// contiguous range found by binary search. graph.Snapshot.In is sorted by
	// from, which mixes kinds.
	inOff, inEdges []int32

	// Dependency steps of every node (see the package comment), sorted by
	// (neighbour, edge): a CSR like the snapshot's own.
	depOff []int32
	dep    []step
	// depMid splits each node's steps: dep[depOff[u]:depMid[u]] lead to
	// nodes that have steps of their own, dep[depMid[u]:depOff[u+1]] to
	// dead ends (suppliers, makers, leaf inputs); each part sorted by
	// (neighbour, edge). Path searches skip the dead ends but their target.
	depMid []int32

	events  []int32      // control-event nodes
	bounds  []graph.Date // sorted dates at which anything the chokepoint table reads can change
	fbounds []graph.Date // sorted dates at which anything the feasibility evaluation reads can change

	mu     sync.Mutex
	tables map[int]*tableSlot // chokepoint tables by epoch (index into bounds)
	fifo   []int              // epochs in insertion order, for eviction
	feas   map[int]*feasCache // settled feasibility results by epoch (index into fbounds)
	ffifo  []int
	kos    koCache   // complete knock-out answers (see Knockouts)
	nec    necShared // the knock-out questions' necessity graphs (see sharedKnockouts)

	pool sync.Pool // *marks sized to the snapshot
}

// step is one dependency step: edge e leads to node to. It carries what a
// walk reads of the edge (validity, kind, share year), so that walking does
// not touch the large graph.Edge structs.
type step struct {
	e, to  int32
	vf, vt graph.Date
	year   int16
	kind   uint8 // kind ordinal
	rev    bool  // walked against the edge's direction
}

func (e *Engine) newStep(ed, to int32, rev bool) step {
	x := e.s.Edge(ed)
	return step{e: ed, to: to, vf: x.ValidFrom, vt: x.ValidTo, year: int16(x.Year), kind: e.kord[ed], rev: rev}
}

// maxTables bounds the chokepoint-table cache: a handful of as-of dates are
// in use at any time (today, a dashboard's pinned dates, a researcher's
// comparison). Large graphs keep fewer (see tableBudget).
const maxTables = 16

// tableBudget is the memory the cached chokepoint tables of one Engine may
// take, roughly: a table costs some 300 bytes per input and 8 per node.
const tableBudget = 256 << 20

func (e *Engine) tableLimit() int {
	per := 300*len(e.s.OfKind(graph.KindInput)) + 8*e.s.NumNodes() + 1
	return max(2, min(maxTables, tableBudget/per))
}

// NewEngine indexes s. It takes O(E log d) time and about 16 bytes per edge.
func NewEngine(s *graph.Snapshot) *Engine {
	e := &Engine{s: s, tables: map[int]*tableSlot{}, feas: map[int]*feasCache{},
		nec: necShared{graphs: map[necKey]*necessity{}, token: make(chan struct{}, 1)}}
	n, m := s.NumNodes(), s.NumEdges()
	e.ord = make(map[graph.EdgeKind]uint8, len(graph.EdgeKinds))
	for i, k := range graph.EdgeKinds {
		e.ord[k] = uint8(i + 1)
	}
	e.sup = e.ord[graph.Supplies]
	e.kord = make([]uint8, m)
	for i := range m {
		e.kord[i] = e.ord[s.Edge(int32(i)).Kind]
	}

	e.inOff = make([]int32, n+1)
	e.inEdges = make([]int32, 0, m)
	for i := range n {
		start := len(e.inEdges)
		e.inEdges = append(e.inEdges, s.In(int32(i))...)
		seg := e.inEdges[start:]
		slices.SortStableFunc(seg, func(a, b int32) int { return int(e.kord[a]) - int(e.kord[b]) })
		e.inOff[i+1] = int32(len(e.inEdges))
	}

	e.depOff = make([]int32, n+1)
	for i := range n {
		u := int32(i)
		start := len(e.dep)
		for _, ed := range s.Out(u) {
			if forwardDep(s.Edge(ed).Kind) {
				_, to := s.Ends(ed)
				e.dep = append(e.dep, e.newStep(ed, to, false))
			}
		}
		for _, ed := range e.in(u, graph.Makes) {
			from, _ := s.Ends(ed)
			e.dep = append(e.dep, e.newStep(ed, from, true))
		}
		for _, ed := range e.in(u, graph.Supplies) {
			from, _ := s.Ends(ed)
			e.dep = append(e.dep, e.newStep(ed, from, true))
		}
		slices.SortFunc(e.dep[start:], func(a, b step) int {
			if a.to != b.to {
				return int(a.to) - int(b.to)
			}
			return int(a.e) - int(b.e)
		})
		e.depOff[i+1] = int32(len(e.dep))
	}
	e.dep = slices.Clip(e.dep)
	e.depMid = make([]int32, n)
	for i := range n {
		seg := e.dep[e.depOff[i]:e.depOff[i+1]]
		slices.SortStableFunc(seg, func(a, b step) int { return b2i(e.deadEnd(a.to)) - b2i(e.deadEnd(b.to)) })
		live, _ := slices.BinarySearchFunc(seg, true, func(st step, _ bool) int { return b2i(e.deadEnd(st.to)) - 1 })
		e.depMid[i] = e.depOff[i] + int32(live)
	}

	e.events = s.OfKind(graph.KindControlEvent)
	e.bounds = e.epochBounds()
	e.fbounds = e.feasBounds()
	e.pool.New = func() any { return newMarks(n) }
	return e
}

// Snapshot returns the snapshot the engine reads.
func (e *Engine) Snapshot() *graph.Snapshot { return e.s }

// forwardDep reports whether kind is a dependency edge walked in its stored
// direction.
func forwardDep(k graph.EdgeKind) bool {
	switch k {
	case graph.Requires, graph.InstanceOf, graph.TypeOf, graph.FabricatedAt, graph.EquippedWith:
		return true
	}
	return false
}

// out returns node i's out-edges of kind k (Snapshot.Out is sorted by kind).
func (e *Engine) out(i int32, k graph.EdgeKind) []int32 {
	out := e.s.Out(i)
	lo := sort.Search(len(out), func(j int) bool { return e.s.Edge(out[j]).Kind >= k })
	hi := lo
	for hi < len(out) && e.s.Edge(out[hi]).Kind == k {
		hi++
	}
	return out[lo:hi]
}

// in returns node i's in-edges of kind k, sorted by source node.
func (e *Engine) in(i int32, k graph.EdgeKind) []int32 {
	in := e.inEdges[e.inOff[i]:e.inOff[i+1]]
	o := e.ord[k]
	lo := sort.Search(len(in), func(j int) bool { return e.kord[in[j]] >= o })
	hi := lo
	for hi < len(in) && e.kord[in[hi]] == o {
		hi++
	}
	return in[lo:hi]
}

// liveDeps returns node u's dependency steps to nodes that have steps of
// their own, deadDeps those to dead ends (visible or not), each sorted by
// (neighbour, edge).
func (e *Engine) liveDeps(u int32) []step { return e.dep[e.depOff[u]:e.depMid[u]] }
func (e *Engine) deadDeps(u int32) []step { return e.dep[e.depMid[u]:e.depOff[u+1]] }

// deadEnd reports whether node v has no dependency steps (firm steps aside).
func (e *Engine) deadEnd(v int32) bool { return e.depOff[v] == e.depOff[v+1] }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func visible(ed *graph.Edge, day graph.Date) bool { return graph.Within(day, ed.ValidFrom, ed.ValidTo) }

// pick chooses the step that stands for a run of parallel steps to one
// neighbour at asOf: for SUPPLIES rows (a share time series) the row whose
// share counts (latest year <= asOf's year, else the earliest year); else the
// first visible edge. It returns the position in run, or -1 if none is
// visible.
func (e *Engine) pick(run []step, asOf graph.Date) int {
	first, sup, early := -1, -1, -1
	y := int16(asOf.Year())
	supOrd := e.sup
	for i := range run {
		st := &run[i]
		if !graph.Within(asOf, st.vf, st.vt) {
			continue
		}
		if st.kind != supOrd {
			if first < 0 {
				first = i
			}
			continue
		}
		if st.year <= y && (sup < 0 || st.year >= run[sup].year) {
			sup = i
		}
		if early < 0 || st.year < run[early].year {
			early = i
		}
	}
	switch {
	case sup >= 0:
		return sup
	case early >= 0:
		return early
	}
	return first
}

// dateOr returns d, or today when d is zero.
func dateOr(d graph.Date) graph.Date {
	if d == 0 {
		return graph.Today()
	}
	return d
}

// marks is per-query scratch sized to the snapshot: generation-stamped so
// that it never needs clearing.
type marks struct {
	gen   uint32
	stamp []uint32
	val   []int32
}

func newMarks(n int) *marks { return &marks{stamp: make([]uint32, n), val: make([]int32, n)} }

func (e *Engine) getMarks() *marks {
	m := e.pool.Get().(*marks)
	m.gen++
	if m.gen == 0 { // wrapped: clear once every 2^32 uses
		clear(m.stamp)
		m.gen = 1
	}
	return m
}

func (e *Engine) putMarks(m *marks) { e.pool.Put(m) }

func (m *marks) has(i int32) bool { return m.stamp[i] == m.gen }

func (m *marks) get(i int32) (int32, bool) {
	if m.stamp[i] != m.gen {
		return 0, false
	}
	return m.val[i], true
}

func (m *marks) set(i, v int32) { m.stamp[i], m.val[i] = m.gen, v }
