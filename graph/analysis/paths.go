package analysis

import (
	"container/heap"
	"context"
	"fmt"
	"slices"

	"github.com/chipgraph/chipgraph/graph"
)

// Limits on path queries: deeper or more numerous requests are rejected as
// Invalid rather than left to run long.
const (
	MaxDepth = 20  // the largest maxDepth DependencyPaths and Upstream accept
	MaxPaths = 100 // the largest k DependencyPaths accepts
)

// DependencyPaths returns up to k shortest simple paths from one node to
// another along dependency edges (see the package comment for the edges and
// their directions), at most maxDepth edges long, reading the graph at asOf
// (zero: today). Paths are distinct as node sequences (parallel edges between
// two nodes count once, explained by one edge) and ordered by length, then
// by the IDs along them, so equal queries give equal answers. No path is an
// empty result, not an error. Unknown IDs fail with graph.NotFound; maxDepth
// outside 1..MaxDepth or k outside 1..MaxPaths with graph.Invalid.
//
// It is Yen's algorithm on the part of the graph that lies on some path of
// at most maxDepth edges (found by a bounded breadth-first search from `from`
// and one back from `to`), with each spur path the lexicographically smallest
// shortest one, found by an ordered breadth-first search pruned by the
// distance to `to`. Once ctx is done the search stops with ctx's error.
func (e *Engine) DependencyPaths(ctx context.Context, from, to graph.ID, maxDepth, k int, asOf graph.Date) ([]Path, error) {
	const op = "analysis.DependencyPaths"
	if maxDepth < 1 || maxDepth > MaxDepth {
		return nil, graph.Errorf(graph.Invalid, op, "maxDepth %d out of range 1..%d", maxDepth, MaxDepth)
	}
	if k < 1 || k > MaxPaths {
		return nil, graph.Errorf(graph.Invalid, op, "k %d out of range 1..%d", k, MaxPaths)
	}
	fi, err := e.index(op, from)
	if err != nil {
		return nil, err
	}
	ti, err := e.index(op, to)
	if err != nil {
		return nil, err
	}
	asOf = dateOr(asOf)
	if fi == ti {
		return []Path{{Nodes: []graph.ID{from}}}, nil
	}
	lg, err := e.buildLocal(ctx, fi, ti, maxDepth, asOf)
	if lg == nil || err != nil {
		return nil, err
	}
	y := &yen{lg: lg, maxDepth: maxDepth, ctx: ctx}
	found, err := y.run(k)
	if err != nil {
		return nil, err
	}
	var out []Path
	for _, p := range found {
		out = append(out, lg.path(e, p))
	}
	return out, nil
}

// index resolves an ID to a node index, or a NotFound error.
func (e *Engine) index(op string, id graph.ID) (int32, error) {
	i, ok := e.s.Index(id)
	if !ok {
		return 0, graph.Errorf(graph.NotFound, op, "no node %s", id)
	}
	return i, nil
}

// local is the part of the dependency graph a path query can use: the nodes
// within maxDepth steps of the source that are also within maxDepth - depth
// steps of the target, renumbered 0..n-1 (0 is the source) with their steps.
type local struct {
	glob   []int32 // local -> snapshot index
	off    []int32 // CSR over adj
	adj    []walk  // walk.to holds a local index; ordered by snapshot index of the neighbour
	h      []int32 // steps to the target (-1: cannot reach it)
	target int32
}

// buildLocal returns nil when no path of at most maxDepth steps exists, and
// ctx's error once it is done.
func (e *Engine) buildLocal(ctx context.Context, src, dst int32, maxDepth int, asOf graph.Date) (*local, error) {
	m := e.getMarks()
	defer e.putMarks(m)
	group := e.firmGroup(src, asOf)
	lg := &local{glob: []int32{src}, off: []int32{0}}
	depth := []int32{0}
	m.set(src, 0)
	var buf []walk
	for i := 0; i < len(lg.glob); i++ {
		if i%stopEvery == stopEvery-1 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		u := lg.glob[i]
		if int(depth[i]) < maxDepth && u != dst {
			buf = e.pathSteps(buf[:0], u, dst, asOf, group)
			for _, w := range buf {
				li, ok := m.get(w.to)
				if !ok {
					li = int32(len(lg.glob))
					m.set(w.to, li)
					lg.glob = append(lg.glob, w.to)
					depth = append(depth, depth[i]+1)
				}
				w.to = li
				lg.adj = append(lg.adj, w)
			}
		}
		lg.off = append(lg.off, int32(len(lg.adj)))
	}
	t, ok := m.get(dst)
	if !ok {
		return nil, nil
	}
	lg.target = t

	// Distances to the target, backwards over the local steps.
	n := len(lg.glob)
	roff := make([]int32, n+1)
	for _, w := range lg.adj {
		roff[w.to+1]++
	}
	for i := range n {
		roff[i+1] += roff[i]
	}
	radj := make([]int32, len(lg.adj))
	pos := append([]int32(nil), roff[:n]...)
	for u := range n {
		for _, w := range lg.adj[lg.off[u]:lg.off[u+1]] {
			radj[pos[w.to]] = int32(u)
			pos[w.to]++
		}
	}
	lg.h = make([]int32, n)
	for i := range lg.h {
		lg.h[i] = -1
	}
	lg.h[t] = 0
	queue := []int32{t}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, u := range radj[roff[v]:roff[v+1]] {
			if lg.h[u] < 0 && depth[u]+lg.h[v]+1 <= int32(maxDepth) {
				lg.h[u] = lg.h[v] + 1
				queue = append(queue, u)
			}
		}
	}
	if lg.h[0] < 0 {
		return nil, nil
	}
	return lg, nil
}

// pathSteps appends the steps from u that a path to dst may take, sorted by
// neighbour: those to nodes that have steps of their own, and the one to dst;
// dead ends (a supplier of an item, a leaf input) lie on no path to dst.
// When the search starts at a firm (group is set), firms of its group have
// steps of their own that the split does not know of, so every step is
// taken there.
func (e *Engine) pathSteps(buf []walk, u, dst int32, asOf graph.Date, group map[int32]bool) []walk {
	if group != nil {
		buf = e.stepsFrom(buf, u, asOf, group[u])
		sortWalks(buf)
		return buf
	}
	buf = e.visibleSteps(buf, e.liveDeps(u), asOf)
	dead := e.deadDeps(u)
	i, found := slices.BinarySearchFunc(dead, dst, func(st step, v int32) int { return int(st.to) - int(v) })
	if !found {
		return buf
	}
	j := i
	for j < len(dead) && dead[j].to == dst {
		j++
	}
	n := len(buf)
	if buf = e.visibleSteps(buf, dead[i:j], asOf); len(buf) > n {
		w := buf[n]
		k, _ := slices.BinarySearchFunc(buf[:n], dst, func(a walk, v int32) int { return int(a.to) - int(v) })
		copy(buf[k+1:], buf[k:n])
		buf[k] = w
	}
	return buf
}

// path turns a local node sequence into a Path.
func (lg *local) path(e *Engine, seq []int32) Path {
	p := Path{Nodes: make([]graph.ID, len(seq)), Length: len(seq) - 1}
	for i, v := range seq {
		p.Nodes[i] = e.s.Node(lg.glob[v]).ID
	}
	for i := 0; i+1 < len(seq); i++ {
		for _, w := range lg.adj[lg.off[seq[i]]:lg.off[seq[i]+1]] {
			if w.to == seq[i+1] {
				w.to = lg.glob[w.to]
				p.Edges = append(p.Edges, e.pathEdge(lg.glob[seq[i]], w))
				break
			}
		}
	}
	return p
}

// yen holds the state of Yen's k-shortest-paths search over a local graph.
type yen struct {
	lg       *local
	maxDepth int
	ctx      context.Context // checked before each spur search

	gen     int32
	seen    []int32 // == gen: visited in the current search
	banned  []int32 // == gen: on the current root path
	parent  []int32
	removed map[int32]bool
}

func (y *yen) run(k int) ([][]int32, error) {
	n := len(y.lg.glob)
	y.seen, y.banned, y.parent = make([]int32, n), make([]int32, n), make([]int32, n)
	first := y.spur(0, nil, y.maxDepth)
	if first == nil {
		return nil, y.ctx.Err()
	}
	found := [][]int32{first}
	known := map[string]bool{key(first): true}
	cands := &pathHeap{lg: y.lg}
	for len(found) < k {
		prev := found[len(found)-1]
		for i := 0; i+1 < len(prev); i++ {
			if err := y.ctx.Err(); err != nil {
				return nil, err
			}
			root := prev[:i+1]
			y.removed = map[int32]bool{}
			for _, p := range found {
				if len(p) > i+1 && equal(p[:i+1], root) {
					y.removed[p[i+1]] = true
				}
			}
			sp := y.spur(prev[i], root[:i], y.maxDepth-i)
			if sp == nil {
				continue
			}
			c := append(append([]int32(nil), root[:i]...), sp...)
			if kc := key(c); !known[kc] {
				known[kc] = true
				heap.Push(cands, c)
			}
		}
		if cands.Len() == 0 {
			break
		}
		found = append(found, heap.Pop(cands).([]int32))
	}
	return found, nil
}

// spur returns the lexicographically smallest (by snapshot index) among the
// shortest paths from src to the target that avoid the banned nodes, do not
// start with a step to a removed node, and are at most budget steps long.
func (y *yen) spur(src int32, banned []int32, budget int) []int32 {
	lg := y.lg
	if lg.h[src] < 0 || int(lg.h[src]) > budget {
		return nil
	}
	for b := int(lg.h[src]); b <= budget; b++ {
		y.gen++
		for _, v := range banned {
			y.banned[v] = y.gen
		}
		y.seen[src] = y.gen
		layer := []int32{src}
		for g := 0; g < b && len(layer) > 0; g++ {
			var next []int32
			for _, u := range layer {
				for _, w := range lg.adj[lg.off[u]:lg.off[u+1]] {
					v := w.to
					if y.seen[v] == y.gen || y.banned[v] == y.gen || (g == 0 && y.removed[v]) {
						continue
					}
					if lg.h[v] < 0 || g+1+int(lg.h[v]) > b {
						continue
					}
					y.seen[v], y.parent[v] = y.gen, u
					if v == lg.target {
						var rev []int32
						for x := v; x != src; x = y.parent[x] {
							rev = append(rev, x)
						}
						p := append(make([]int32, 0, len(rev)+1), src)
						for i := len(rev) - 1; i >= 0; i-- {
							p = append(p, rev[i])
						}
						return p
					}
					next = append(next, v)
				}
			}
			layer = next
		}
	}
	return nil
}

func equal(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func key(p []int32) string { return fmt.Sprint(p) }

// pathHeap orders candidate paths by length, then by the snapshot indexes
// (ID order) along them.
type pathHeap struct {
	lg *local
	ps [][]int32
}

func (h *pathHeap) Len() int { return len(h.ps) }
func (h *pathHeap) Less(i, j int) bool {
	a, b := h.ps[i], h.ps[j]
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	for x := range a {
		if a[x] != b[x] {
			return h.lg.glob[a[x]] < h.lg.glob[b[x]]
		}
	}
	return false
}
func (h *pathHeap) Swap(i, j int) { h.ps[i], h.ps[j] = h.ps[j], h.ps[i] }
func (h *pathHeap) Push(x any)    { h.ps = append(h.ps, x.([]int32)) }
func (h *pathHeap) Pop() any {
	x := h.ps[len(h.ps)-1]
	h.ps = h.ps[:len(h.ps)-1]
	return x
}

// pathTree holds, for one source that is not a firm, the first path of
// DependencyPaths(source, v, maxDepth, 1) for every v at once: a
// breadth-first search that visits each node's neighbours in index (ID)
// order reaches every node first along its lexicographically smallest
// shortest path, since its queue stays ordered by the paths to what it
// holds. Many path queries from one item (the knock-outs of an item) then
// cost one search.
type pathTree struct {
	e     *Engine
	src   int32
	asOf  graph.Date
	reach map[int32]walk // node -> the step that first reached it
}

// newPathTree searches from src (not a firm: a firm's paths depend on its
// group, see firmGroup) up to maxDepth steps.
func (e *Engine) newPathTree(src int32, maxDepth int, asOf graph.Date) *pathTree {
	t := &pathTree{e: e, src: src, asOf: asOf, reach: map[int32]walk{}}
	type at struct{ v, depth int32 }
	queue := []at{{src, 0}}
	var buf []walk
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if int(u.depth) >= maxDepth {
			continue
		}
		buf = e.visibleSteps(buf[:0], e.liveDeps(u.v), asOf)
		buf = e.visibleSteps(buf, e.deadDeps(u.v), asOf)
		sortWalks(buf)
		for _, w := range buf {
			if _, seen := t.reach[w.to]; seen || w.to == src {
				continue
			}
			t.reach[w.to] = walk{edge: w.edge, to: u.v, rev: w.rev} // to: the node it came from
			if !e.deadEnd(w.to) {
				queue = append(queue, at{w.to, u.depth + 1})
			}
		}
	}
	return t
}

// path returns the path to dst, or false if none was found.
func (t *pathTree) path(dst int32) (Path, bool) {
	if dst == t.src {
		return Path{Nodes: []graph.ID{t.e.s.Node(dst).ID}}, true
	}
	if _, ok := t.reach[dst]; !ok {
		return Path{}, false
	}
	var seq []int32
	for v := dst; v != t.src; v = t.reach[v].to {
		seq = append(seq, v)
	}
	seq = append(seq, t.src)
	slices.Reverse(seq)
	p := Path{Nodes: make([]graph.ID, len(seq)), Length: len(seq) - 1}
	for i, v := range seq {
		p.Nodes[i] = t.e.s.Node(v).ID
	}
	for _, v := range seq[1:] {
		st := t.reach[v]
		p.Edges = append(p.Edges, t.e.pathEdge(st.to, walk{edge: st.edge, to: v, rev: st.rev}))
	}
	return p, true
}
