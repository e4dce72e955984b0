package analysis

import (
	"context"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/chipgraph/chipgraph/graph"
)

// itemGraph is the requirement structure of the products and inputs at one
// date, renumbered 0..n-1: taxonomy parents (INSTANCE_OF, TYPE_OF),
// requirements (REQUIRES) and the requirements as AND-clauses of
// OR-alternatives.
type itemGraph struct {
	nodes          []int32 // local -> node
	parOff, par    []int32
	reqOff, req    []int32
	clOff, altOff  []int32
	alts           []int32
	one            []bool // per clause: a one-supply group (see oneSupplyGroups)
	succOff, succs []int32
}

func (e *Engine) buildItemGraph(ctx context.Context, asOf graph.Date, one map[[2]int32]bool) (*itemGraph, []int32, error) {
	s := e.s
	local := make([]int32, s.NumNodes())
	for i := range local {
		local[i] = -1
	}
	g := &itemGraph{}
	for _, k := range []graph.NodeKind{graph.KindInput, graph.KindProduct} {
		for _, v := range s.OfKind(k) {
			local[v] = int32(len(g.nodes))
			g.nodes = append(g.nodes, v)
		}
	}
	n := len(g.nodes)
	g.parOff, g.reqOff, g.clOff = make([]int32, 1, n+1), make([]int32, 1, n+1), make([]int32, 1, n+1)
	g.altOff = []int32{0}
	var groups []string
	var oneOf []bool
	for i, v := range g.nodes {
		if i%stopEvery == 0 && ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		for _, k := range []graph.EdgeKind{graph.InstanceOf, graph.TypeOf} {
			for _, ed := range e.out(v, k) {
				if _, to := s.Ends(ed); local[to] >= 0 && visible(s.Edge(ed), asOf) {
					g.par = append(g.par, local[to])
				}
			}
		}
		g.parOff = append(g.parOff, int32(len(g.par)))
		// Requirements: ungrouped ones are clauses of their own; grouped
		// ones join the clause of their group (alternatives are stored
		// clause by clause, so collect them per group first).
		groups = groups[:0]
		var grouped [][]int32
		for _, ed := range e.out(v, graph.Requires) {
			edge := s.Edge(ed)
			_, to := s.Ends(ed)
			if local[to] < 0 || !visible(edge, asOf) {
				continue
			}
			g.req = append(g.req, local[to])
			if edge.Group == "" {
				g.alts = append(g.alts, local[to])
				g.altOff = append(g.altOff, int32(len(g.alts)))
				g.one = append(g.one, false)
				continue
			}
			j := slices.Index(groups, edge.Group)
			if j < 0 {
				groups = append(groups, edge.Group)
				grouped = append(grouped, nil)
				oneOf = append(oneOf, one[[2]int32{v, to}])
				j = len(groups) - 1
			}
			grouped[j] = append(grouped[j], local[to])
		}
		for j, alts := range grouped {
			g.alts = append(g.alts, alts...)
			g.altOff = append(g.altOff, int32(len(g.alts)))
			g.one = append(g.one, oneOf[j])
		}
		oneOf = oneOf[:0]
		g.reqOff = append(g.reqOff, int32(len(g.req)))
		g.clOff = append(g.clOff, int32(len(g.altOff)-1))
	}
	g.succOff = make([]int32, n+1)
	g.succs = make([]int32, 0, len(g.par)+len(g.req))
	for u := range n {
		g.succs = append(g.succs, g.par[g.parOff[u]:g.parOff[u+1]]...)
		g.succs = append(g.succs, g.req[g.reqOff[u]:g.reqOff[u+1]]...)
		g.succOff[u+1] = int32(len(g.succs))
	}
	return g, local, nil
}

// sccs returns the strongly connected components of the item graph in
// reverse topological order (every component after those it reaches), as
// the nodes in that order and the start of each component in it
// (iterative Tarjan).
func (g *itemGraph) sccs() (order, start []int32) {
	n := len(g.nodes)
	index, low := make([]int32, n), make([]int32, n)
	for i := range index {
		index[i] = -1
	}
	onStack := make([]bool, n)
	var stack []int32
	type frame struct{ v, pos int32 }
	var calls []frame
	counter := int32(0)
	for root := range int32(n) {
		if index[root] >= 0 {
			continue
		}
		index[root], low[root] = counter, counter
		counter++
		stack = append(stack, root)
		onStack[root] = true
		calls = append(calls, frame{root, g.succOff[root]})
		for len(calls) > 0 {
			top := &calls[len(calls)-1]
			v := top.v
			if top.pos < g.succOff[v+1] {
				w := g.succs[top.pos]
				top.pos++
				switch {
				case index[w] < 0:
					index[w], low[w] = counter, counter
					counter++
					stack = append(stack, w)
					onStack[w] = true
					calls = append(calls, frame{w, g.succOff[w]})
				case onStack[w]:
					low[v] = min(low[v], index[w])
				}
				continue
			}
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				u := calls[len(calls)-1].v
				low[u] = min(low[u], low[v])
			}
			if low[v] == index[v] {
				start = append(start, int32(len(order)))
				for {
					x := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[x] = false
					order = append(order, x)
					if x == v {
						break
					}
				}
			}
		}
	}
	start = append(start, int32(len(order)))
	return order, start
}

// chunkBits inputs are evaluated together, one bit each in masks of
// chunkWords words.
const (
	chunkWords = 8
	chunkBits  = chunkWords * 64
)

type mask [chunkWords]uint64

// masks are one item's three masks, side by side so that reading a
// successor costs one trip to memory.
type masks struct{ taxo, dep, unsat mask }

// dependents computes, for each input (in the order given), the number of
// products and inputs that depend on it through a REQUIRES edge and the
// number of those exposed to it (see Chokepoint.Dependents and Exposed).
//
// For a batch of 512 inputs at a time, three bit masks per item are
// propagated over the item graph in reverse topological order: taxo (the
// batch inputs the item is, or is an instance or subtype of), dep (the batch
// inputs it depends on through a REQUIRES edge) and unsat (the batch inputs
// whose removal leaves it unsatisfiable); strongly connected components are
// iterated to their least fixed point. The per-bit counts are summed with
// bit-sliced counters. Items are renumbered in topological order, so a pass
// sweeps memory in order; batches run in parallel.
//
// A clause that is a one-supply group (one[(item, alternative)], see
// oneSupplyGroups) counts as unsatisfied when any of its alternatives (or a
// category one belongs to) is removed.
//
// Once ctx is done the batches stop and it returns ctx's error.
func (e *Engine) dependents(ctx context.Context, asOf graph.Date, inputs []int32, one map[[2]int32]bool) (deps, exposed []int, err error) {
	g0, local, err := e.buildItemGraph(ctx, asOf, one)
	if err != nil {
		return nil, nil, err
	}
	order, start := g0.localityOrder(g0.sccs())
	g := g0.renumber(order)
	n := len(g.nodes)
	comp := make([]int32, n) // position -> component index
	for c := 0; c+1 < len(start); c++ {
		for p := start[c]; p < start[c+1]; p++ {
			comp[p] = int32(c)
		}
	}
	cyclic := make([]bool, len(start)-1)
	for c := range cyclic {
		if start[c+1]-start[c] > 1 {
			cyclic[c] = true
			continue
		}
		u := start[c]
		cyclic[c] = slices.Contains(g.succs[g.succOff[u]:g.succOff[u+1]], u)
	}
	posOf := make([]int32, n) // old local index -> position
	for p, u := range order {
		posOf[u] = int32(p)
	}
	at := func(r int32) int32 { return posOf[local[inputs[r]]] }

	// Inputs by topological position, so that a batch's work starts at its
	// first input: nothing before it can depend on the batch.
	rows := make([]int32, len(inputs))
	for i := range rows {
		rows[i] = int32(i)
	}
	slices.SortFunc(rows, func(a, b int32) int { return int(at(a)) - int(at(b)) })
	deps, exposed = make([]int, len(inputs)), make([]int, len(inputs))
	nBatch := (len(rows) + chunkBits - 1) / chunkBits
	workers := min(runtime.GOMAXPROCS(0), nBatch)
	var next atomic.Int64
	var wg sync.WaitGroup
	planeCount := bits.Len(uint(n)) + 1
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := make([]masks, n)
			bitOf := make([]int32, n)
			for i := range bitOf {
				bitOf[i] = -1
			}
			cleared := int32(0) // positions before this are zero in m
			dplanes, xplanes := make([]mask, planeCount), make([]mask, planeCount)
			for {
				b := int(next.Add(1) - 1)
				if b >= nBatch || ctx.Err() != nil {
					return
				}
				batch := rows[b*chunkBits : min((b+1)*chunkBits, len(rows))]
				for i, r := range batch {
					bitOf[at(r)] = int32(i)
				}
				from := start[comp[at(batch[0])]]
				clear(m[cleared:from])
				cleared = from
				for c := comp[from]; int(c)+1 < len(start); c++ {
					lo, hi := start[c], start[c+1]
					if !cyclic[c] {
						g.eval(lo, bitOf, m)
						continue
					}
					clear(m[lo:hi])
					for changed := true; changed; {
						changed = false
						for u := lo; u < hi; u++ {
							if g.eval(u, bitOf, m) {
								changed = true
							}
						}
					}
				}
				clear(dplanes)
				clear(xplanes)
				for u := from; u < int32(n); u++ {
					d := m[u].dep
					if bi := bitOf[u]; bi >= 0 {
						d[bi>>6] &^= 1 << (bi & 63)
					}
					for wd := range chunkWords {
						addPlanes(dplanes, wd, d[wd])
						addPlanes(xplanes, wd, d[wd]&m[u].unsat[wd])
					}
				}
				for i, r := range batch {
					deps[r], exposed[r] = planeCount32(dplanes, i), planeCount32(xplanes, i)
					bitOf[at(r)] = -1
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return deps, exposed, nil
}

// localityOrder reorders the components (given in reverse topological
// order) by their depth (the longest path to a sink, so that the order stays
// topological) and then by the position of their first member's first
// successor: items of one category, which read the same masks, come
// together, which saves trips to memory when the masks are propagated.
func (g *itemGraph) localityOrder(order, start []int32) ([]int32, []int32) {
	nc := len(start) - 1
	comp := make([]int32, len(g.nodes))
	for c := range nc {
		for _, u := range order[start[c]:start[c+1]] {
			comp[u] = int32(c)
		}
	}
	depth := make([]int32, nc)
	key := make([]int32, nc)
	for c := range nc { // successors' components come first
		key[c] = int32(c)
		for _, u := range order[start[c]:start[c+1]] {
			for _, v := range g.succs[g.succOff[u]:g.succOff[u+1]] {
				if cv := comp[v]; cv != int32(c) {
					depth[c] = max(depth[c], depth[cv]+1)
				}
			}
		}
		if u := order[start[c]]; g.succOff[u] < g.succOff[u+1] {
			key[c] = comp[g.succs[g.succOff[u]]]
		}
	}
	comps := make([]int32, nc)
	for c := range comps {
		comps[c] = int32(c)
	}
	slices.SortStableFunc(comps, func(a, b int32) int {
		if depth[a] != depth[b] {
			return int(depth[a]) - int(depth[b])
		}
		return int(key[a]) - int(key[b])
	})
	no, ns := make([]int32, 0, len(order)), make([]int32, 0, nc+1)
	for _, c := range comps {
		ns = append(ns, int32(len(no)))
		no = append(no, order[start[c]:start[c+1]]...)
	}
	return no, append(ns, int32(len(no)))
}

// renumber returns the graph with node i of the result being node order[i]
// of g (and nodes holding the snapshot indexes in that order).
func (g *itemGraph) renumber(order []int32) *itemGraph {
	n := len(order)
	pos := make([]int32, n)
	for p, u := range order {
		pos[u] = int32(p)
	}
	r := &itemGraph{nodes: make([]int32, n)}
	list := func(off, xs []int32, u int32, dstOff *[]int32, dst *[]int32) {
		for _, v := range xs[off[u]:off[u+1]] {
			*dst = append(*dst, pos[v])
		}
		*dstOff = append(*dstOff, int32(len(*dst)))
	}
	r.parOff, r.reqOff, r.succOff, r.clOff, r.altOff = []int32{0}, []int32{0}, []int32{0}, []int32{0}, []int32{0}
	for p, u := range order {
		r.nodes[p] = g.nodes[u]
		list(g.parOff, g.par, u, &r.parOff, &r.par)
		list(g.reqOff, g.req, u, &r.reqOff, &r.req)
		list(g.succOff, g.succs, u, &r.succOff, &r.succs)
		for c := g.clOff[u]; c < g.clOff[u+1]; c++ {
			for _, a := range g.alts[g.altOff[c]:g.altOff[c+1]] {
				r.alts = append(r.alts, pos[a])
			}
			r.altOff = append(r.altOff, int32(len(r.alts)))
			r.one = append(r.one, g.one[c])
		}
		r.clOff = append(r.clOff, int32(len(r.altOff)-1))
	}
	return r
}

// eval recomputes u's masks from its successors and reports a change.
func (g *itemGraph) eval(u int32, bitOf []int32, m []masks) bool {
	var x masks
	if b := bitOf[u]; b >= 0 {
		x.taxo[b>>6] |= 1 << (b & 63)
		x.unsat[b>>6] |= 1 << (b & 63)
	}
	for _, p := range g.par[g.parOff[u]:g.parOff[u+1]] {
		mp := &m[p]
		for w := range chunkWords {
			x.taxo[w] |= mp.taxo[w]
			x.dep[w] |= mp.dep[w]
			x.unsat[w] |= mp.unsat[w]
		}
	}
	for _, r := range g.req[g.reqOff[u]:g.reqOff[u+1]] {
		mr := &m[r]
		for w := range chunkWords {
			x.dep[w] |= mr.taxo[w] | mr.dep[w]
		}
	}
	for c := g.clOff[u]; c < g.clOff[u+1]; c++ {
		alts := g.alts[g.altOff[c]:g.altOff[c+1]]
		all := m[alts[0]].unsat
		for _, a := range alts[1:] {
			for w := range chunkWords {
				all[w] &= m[a].unsat[w]
			}
		}
		for w := range chunkWords {
			x.unsat[w] |= all[w]
		}
		if g.one[c] {
			for _, a := range alts {
				for w := range chunkWords {
					x.unsat[w] |= m[a].taxo[w]
				}
			}
		}
	}
	changed := x != m[u]
	m[u] = x
	return changed
}

// addPlanes adds the bits of x to 64 bit-sliced counters (word wd of each
// plane holds one bit of every counter).
func addPlanes(planes []mask, wd int, x uint64) {
	for i := 0; x != 0; i++ {
		c := planes[i][wd] & x
		planes[i][wd] ^= x
		x = c
	}
}

// planeCount32 reads counter number bit out of the planes.
func planeCount32(planes []mask, bit int) int {
	n := 0
	for i := range planes {
		n |= int(planes[i][bit>>6]>>(bit&63)&1) << i
	}
	return n
}
