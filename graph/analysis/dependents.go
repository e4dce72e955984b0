package analysis

import (
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
	succOff, succs []int32
}

func (e *Engine) buildItemGraph(asOf graph.Date) (*itemGraph, []int32) {
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
	for _, v := range g.nodes {
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
				continue
			}
			j := slices.Index(groups, edge.Group)
			if j < 0 {
				groups = append(groups, edge.Group)
				grouped = append(grouped, nil)
				j = len(groups) - 1
			}
			grouped[j] = append(grouped[j], local[to])
		}
		for _, alts := range grouped {
			g.alts = append(g.alts, alts...)
			g.altOff = append(g.altOff, int32(len(g.alts)))
		}
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
	return g, local
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

// chunkBits inputs are evaluated together, one bit each in a mask of
// chunkWords words.
const (
	chunkWords = 4
	chunkBits  = chunkWords * 64
)

type mask [chunkWords]uint64

// dependents computes, for each input (in the order given), the number of
// products and inputs that depend on it through a REQUIRES edge and the
// number of those exposed to it (see Chokepoint.Dependents and Exposed).
//
// For a batch of 256 inputs at a time, three bit masks per item are
// propagated over the item graph in reverse topological order: taxo (the
// batch inputs the item is, or is an instance or subtype of), dep (the batch
// inputs it depends on through a REQUIRES edge) and unsat (the batch inputs
// whose removal leaves it unsatisfiable); strongly connected components are
// iterated to their least fixed point. The per-bit counts are summed with
// bit-sliced counters. Batches run in parallel.
func (e *Engine) dependents(asOf graph.Date, inputs []int32) (deps, exposed []int) {
	g, local := e.buildItemGraph(asOf)
	order, start := g.sccs()
	n := len(g.nodes)
	comp := make([]int32, n) // local -> component index
	for c := 0; c+1 < len(start); c++ {
		for _, u := range order[start[c]:start[c+1]] {
			comp[u] = int32(c)
		}
	}
	cyclic := make([]bool, len(start)-1)
	for c := range cyclic {
		if start[c+1]-start[c] > 1 {
			cyclic[c] = true
			continue
		}
		u := order[start[c]]
		cyclic[c] = slices.Contains(g.succs[g.succOff[u]:g.succOff[u+1]], u)
	}

	// Inputs by topological position, so that a batch's work starts at its
	// first input's component: nothing before it can depend on the batch.
	rows := make([]int32, len(inputs))
	for i := range rows {
		rows[i] = int32(i)
	}
	slices.SortFunc(rows, func(a, b int32) int {
		return int(comp[local[inputs[a]]]) - int(comp[local[inputs[b]]])
	})
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
			taxo, dep, unsat := make([]mask, n), make([]mask, n), make([]mask, n)
			bitOf := make([]int32, n)
			for i := range bitOf {
				bitOf[i] = -1
			}
			cleared := int32(0) // positions in order before this are zero in the masks
			dplanes, xplanes := make([][chunkWords]uint64, planeCount), make([][chunkWords]uint64, planeCount)
			for {
				b := int(next.Add(1) - 1)
				if b >= nBatch {
					return
				}
				batch := rows[b*chunkBits : min((b+1)*chunkBits, len(rows))]
				for i, r := range batch {
					bitOf[local[inputs[r]]] = int32(i)
				}
				from := start[comp[local[inputs[batch[0]]]]]
				for _, u := range order[cleared:from] {
					taxo[u], dep[u], unsat[u] = mask{}, mask{}, mask{}
				}
				cleared = from
				for c := comp[order[from]]; int(c)+1 < len(start); c++ {
					members := order[start[c]:start[c+1]]
					if !cyclic[c] {
						g.eval(members[0], bitOf, taxo, dep, unsat)
						continue
					}
					for _, u := range members {
						taxo[u], dep[u], unsat[u] = mask{}, mask{}, mask{}
					}
					for changed := true; changed; {
						changed = false
						for _, u := range members {
							if g.eval(u, bitOf, taxo, dep, unsat) {
								changed = true
							}
						}
					}
				}
				clear(dplanes)
				clear(xplanes)
				for _, u := range order[from:] {
					d := dep[u]
					if bi := bitOf[u]; bi >= 0 {
						d[bi>>6] &^= 1 << (bi & 63)
					}
					for wd := range chunkWords {
						addPlanes(dplanes, wd, d[wd])
						addPlanes(xplanes, wd, d[wd]&unsat[u][wd])
					}
				}
				for i, r := range batch {
					deps[r], exposed[r] = planeCount32(dplanes, i), planeCount32(xplanes, i)
					bitOf[local[inputs[r]]] = -1
				}
			}
		}()
	}
	wg.Wait()
	return deps, exposed
}

// eval recomputes u's masks from its successors and reports a change.
func (g *itemGraph) eval(u int32, bitOf []int32, taxo, dep, unsat []mask) bool {
	var t, d, un mask
	if b := bitOf[u]; b >= 0 {
		t[b>>6] |= 1 << (b & 63)
		un[b>>6] |= 1 << (b & 63)
	}
	for _, p := range g.par[g.parOff[u]:g.parOff[u+1]] {
		for w := range chunkWords {
			t[w] |= taxo[p][w]
			d[w] |= dep[p][w]
			un[w] |= unsat[p][w]
		}
	}
	for _, r := range g.req[g.reqOff[u]:g.reqOff[u+1]] {
		for w := range chunkWords {
			d[w] |= taxo[r][w] | dep[r][w]
		}
	}
	for c := g.clOff[u]; c < g.clOff[u+1]; c++ {
		all := mask{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
		for _, a := range g.alts[g.altOff[c]:g.altOff[c+1]] {
			for w := range chunkWords {
				all[w] &= unsat[a][w]
			}
		}
		for w := range chunkWords {
			un[w] |= all[w]
		}
	}
	changed := t != taxo[u] || d != dep[u] || un != unsat[u]
	taxo[u], dep[u], unsat[u] = t, d, un
	return changed
}

// addPlanes adds the bits of x to 64 bit-sliced counters (word wd of each
// plane holds one bit of every counter).
func addPlanes(planes [][chunkWords]uint64, wd int, x uint64) {
	for i := 0; x != 0; i++ {
		c := planes[i][wd] & x
		planes[i][wd] ^= x
		x = c
	}
}

// planeCount32 reads counter number bit out of the planes.
func planeCount32(planes [][chunkWords]uint64, bit int) int {
	n := 0
	for i := range planes {
		n |= int(planes[i][bit>>6]>>(bit&63)&1) << i
	}
	return n
}
