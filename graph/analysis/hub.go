package analysis

import (
	"slices"
)

// Hubs: what a knock-out takes down in the large regions every question
// meets, walked once per necessity graph instead of once per question.
//
// On a large graph most of a question's failing walk (see failing) is the
// same for every question: the candidates that take down most of the graph
// (a monopolist, the United States) fail a region of a few hundred
// thousand nodes, and whatever goal reaches it fails all of it. A hub
// records that once for a candidate c, over G_c (the nodes whose K holds
// c, with the edges between them):
//
//   - its root r (see rootsOf);
//   - its closure, the nodes r reaches in G_c: downward closed, so a walk
//     that enters it stays in it;
//   - its core, the members of the closure that reach r (r alone where G_c
//     has no cycle through r): a walk that meets one reaches r, and so the
//     whole closure;
//   - the marks of the closure's nodes (see marks): what c takes down and
//     cuts there, with how often.
//
// A question's walk stops c at the core, and once it met the core, at the
// closure too (see failing). What c takes down is then what the walk
// marked plus the hub's marks: the nodes it reaches are those it walked
// and the closure. A closure node met before the core is walked as any
// other, so nothing is walked twice. The marks of a node are c's alone (the
// question only chooses which nodes are reached), so the two sets of marks
// are joined as sets.
//
// The closure and the marks hold for as long as the necessity graph: old
// nodes keep their sets and never point to new ones. They are G_c's
// without the holder's exemption, so a special knock-out (one the
// exemption changes) uses its hub as it is only when no node holding again
// under the exemption is in the closure, and otherwise the hub lessened by
// those nodes (see lessened); its marks are corrected where the exemption
// changes them (see hubMarks).
type hub struct {
	root      int32
	in, core  []uint64 // bit sets over the nodes when built
	down, cut counted  // the closure's marks

	// For special knock-outs whose holding nodes lie in the closure (see
	// lessened): the levels of the closure from the root, along the walk's
	// edges, and of the core, along them backwards; nil until needed.
	fwd, back *levels
	lost      []int32    // a lessened hub's: the nodes of the full closure it lost
	best      *heldShare // the candidate's largest share among what it takes down in the closure, once known
}

// heldShare is a share and the item where it is held (-1: none known).
type heldShare struct {
	share float64
	of    int32
}

// levels holds each node's distance from a root in a set, along an
// edge relation: the breadth-first levels of the set's nodes.
type levels struct {
	root  int32
	level []int32 // node -> its level; -1: not in the set (nodes past its end neither)
}

func (l *levels) of(v int32) int32 {
	if int(v) >= len(l.level) {
		return -1
	}
	return l.level[v]
}

// adjacency appends a node's successors (or predecessors) in a set to buf.
type adjacency func(v int32, buf []int32) []int32

// newLevels finds the levels of the nodes r reaches through next.
func newLevels(r int32, nodes int, next adjacency) *levels {
	l := &levels{root: r, level: make([]int32, nodes)}
	for i := range l.level {
		l.level[i] = -1
	}
	l.level[r] = 0
	queue := []int32{r}
	var buf []int32
	for head := 0; head < len(queue); head++ {
		v := queue[head]
		buf = next(v, buf[:0])
		for _, u := range buf {
			if l.level[u] < 0 {
				l.level[u] = l.level[v] + 1
				queue = append(queue, u)
			}
		}
	}
	return l
}

// cutOff returns the nodes of the set the root no longer reaches once the
// nodes gone are taken out (gone ones of the set included); prev gives a
// node's predecessors in the set, next its successors. all reports whether
// the root itself is gone.
//
// A node keeps a path from the root if a predecessor one level up keeps
// one: so only the nodes whose every such predecessor is gone or suspect
// are suspect, found level by level down from the gone nodes. A suspect
// may still be reached sideways, from a node that kept its path: those
// reached so are searched from there, and the other suspects are lost.
func (l *levels) cutOff(gone *nodeSet, suspect, checked *stampSet, prev, next adjacency) (lost []int32, all bool) {
	if gone.has(l.root) {
		return nil, true
	}
	suspect.reset(len(l.level))
	checked.reset(len(l.level))
	var heap []int64 // level<<32 | node, the nodes to check, least level first
	push := func(u int32) { heap = heapPush(heap, int64(l.level[u])<<32|int64(u)) }
	var buf []int32
	below := func(v int32) {
		buf = next(v, buf[:0])
		for _, u := range buf {
			if l.of(u) == l.level[v]+1 && !gone.has(u) && !suspect.has(u) {
				push(u)
			}
		}
	}
	for _, v := range gone.list {
		if l.of(v) >= 0 {
			lost = append(lost, v)
			below(v)
		}
	}
	var suspects []int32
	for len(heap) > 0 {
		var x int64
		x, heap = heapPop(heap)
		u := int32(x)
		if checked.has(u) {
			continue
		}
		checked.add(u)
		kept := false
		buf = prev(u, buf[:0])
		for _, p := range buf {
			if l.of(p) == l.level[u]-1 && !gone.has(p) && !suspect.has(p) {
				kept = true
				break
			}
		}
		if !kept {
			suspect.add(u)
			suspects = append(suspects, u)
			below(u)
		}
	}
	// reached marks the suspects found to be reached sideways (checked is
	// free again: every suspect was checked).
	reached := checked
	reached.reset(len(l.level))
	var stack []int32
	for _, u := range suspects {
		buf = prev(u, buf[:0])
		for _, p := range buf {
			if l.of(p) >= 0 && !gone.has(p) && !suspect.has(p) {
				reached.add(u)
				stack = append(stack, u)
				break
			}
		}
	}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		buf = next(v, buf[:0])
		for _, u := range buf {
			if suspect.has(u) && !reached.has(u) {
				reached.add(u)
				stack = append(stack, u)
			}
		}
	}
	for _, u := range suspects {
		if !reached.has(u) {
			lost = append(lost, u)
		}
	}
	return lost, false
}

// heapPush and heapPop keep h a min-heap.
func heapPush(h []int64, x int64) []int64 {
	h = append(h, x)
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if h[p] <= h[i] {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
	return h
}

func heapPop(h []int64) (int64, []int64) {
	top, last := h[0], len(h)-1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		small, l := i, 2*i+1
		if l < len(h) && h[l] < h[small] {
			small = l
		}
		if r := l + 1; r < len(h) && h[r] < h[small] {
			small = r
		}
		if small == i {
			return top, h
		}
		h[i], h[small] = h[small], h[i]
		i = small
	}
}

// counted is a multiset of items: each item once, sorted, and how often.
type counted struct{ items, times []int32 }

func countOf(s []int32) counted {
	s = slices.Clone(s)
	slices.Sort(s)
	var c counted
	for i, x := range s {
		if i > 0 && x == s[i-1] {
			c.times[len(c.times)-1]++
			continue
		}
		c.items, c.times = append(c.items, x), append(c.times, 1)
	}
	return c
}

// corrected returns c's items once less (minus) and more (plus) are
// counted: those left with a count.
func (c counted) corrected(minus, plus []int32) []int32 {
	times := slices.Clone(c.times)
	at := func(x int32) int {
		i, ok := slices.BinarySearch(c.items, x)
		if !ok {
			return -1
		}
		return i
	}
	for _, x := range minus {
		if i := at(x); i >= 0 {
			times[i]--
		}
	}
	for _, x := range plus { // among c's items: an exemption only takes less away
		if i := at(x); i >= 0 {
			times[i]++
		}
	}
	var out []int32
	for i, x := range c.items {
		if times[i] > 0 {
			out = append(out, x)
		}
	}
	return out
}

// hubMin is the smallest closure kept as a hub (and the smallest graph
// that has hubs): below it the walk a hub saves costs less than the hub.
// Tests lower it to exercise hubs on small graphs.
var hubMin = 4096

func bitHas(s []uint64, v int32) bool {
	i := int(v) >> 6
	return i < len(s) && s[i]>>(uint(v)&63)&1 != 0
}

func (h *hub) has(v int32) bool    { return bitHas(h.in, v) }
func (h *hub) inCore(v int32) bool { return bitHas(h.core, v) }

// hubsFor returns the hubs serving the knock-outs kos in this question
// (nil where none does), building those not tried yet, and trying again
// those last tried on a graph half the size or less: the graph grows with
// the items asked about, and a hub built early covers only what it had.
func (q *question) hubsFor(kos []int32) []*hub {
	n := q.n
	if len(n.nodes) < hubMin {
		return nil // a small graph: none can be kept
	}
	if n.hubs == nil {
		n.hubs, n.hubAt = map[int32]*hub{}, map[int32]int{}
	}
	var todo []int32
	for _, c := range kos {
		if at, tried := n.hubAt[c]; !tried || len(n.nodes) >= 2*at {
			todo = append(todo, c)
		}
	}
	if len(todo) > 0 {
		n.buildHubs(todo)
	}
	out := make([]*hub, len(kos))
	for j, c := range kos {
		h := n.hubs[c]
		if h == nil || !q.special[c] {
			out[j] = h
			continue
		}
		// A special knock-out's nodes that hold again leave its G_c; with
		// none of them in the closure, the closure is all r reaches in
		// what is left, and the core still reaches r.
		inside := false
		for _, v := range q.holds[c].list {
			if h.has(v) {
				inside = true
				break
			}
		}
		if !inside {
			out[j] = h
			continue
		}
		out[j] = q.lessened(h, c)
	}
	return out
}

// lessened returns hub h of special knock-out c without the nodes that
// hold again under the question's exemption: its closure is what the root
// still reaches without them, its core what still reaches the root, and
// lost lists the nodes the closure lost (hubMarks takes their marks away).
// Nil if the root itself holds. Both are found from the levels of the
// closure and the core (found once per hub): only the nodes below the
// holding ones that may have lost their path are searched (see cutOff).
func (q *question) lessened(h *hub, c int32) *hub {
	n := q.n
	kidsIn := func(set []uint64) adjacency {
		return func(v int32, buf []int32) []int32 {
			for _, a := range n.nodes[v].alts {
				for _, u := range a.kids {
					if bitHas(set, u) {
						buf = append(buf, u)
					}
				}
			}
			return buf
		}
	}
	parentsIn := func(set []uint64) adjacency {
		return func(v int32, buf []int32) []int32 {
			for _, p := range n.par[v] {
				if bitHas(set, p.node) {
					buf = append(buf, p.node)
				}
			}
			return buf
		}
	}
	if h.fwd == nil {
		h.fwd = newLevels(h.root, len(n.nodes), kidsIn(h.in))
		h.back = newLevels(h.root, len(n.nodes), parentsIn(h.core))
	}
	gone := q.holds[c]
	lost, all := h.fwd.cutOff(gone, &n.coSuspect, &n.coChecked, parentsIn(h.in), kidsIn(h.in))
	if all {
		return nil
	}
	unreaching, _ := h.back.cutOff(gone, &n.coSuspect, &n.coChecked, kidsIn(h.core), parentsIn(h.core))
	l := &hub{root: h.root, in: slices.Clone(h.in), core: slices.Clone(h.core), down: h.down, cut: h.cut, lost: lost}
	for _, v := range lost {
		l.in[v>>6] &^= 1 << (uint(v) & 63)
		l.core[v>>6] &^= 1 << (uint(v) & 63)
	}
	for _, v := range unreaching {
		l.core[v>>6] &^= 1 << (uint(v) & 63)
	}
	return l
}

// hubMarks returns the marks of special knock-out c over hub h's closure,
// with the exemption: the hub's, less those of the nodes the closure lost
// (see lessened) and of the closure's nodes where the exemption changes
// them (the users of the atoms c takes away only without it, the clauses
// requiring an item whose every route c cuts only without it) as marked
// without it, plus the latter's as marked with it.
func (q *question) hubMarks(h *hub, c int32) (down, cut []int32) {
	n := q.n
	q.exempted()
	seen := &n.seen
	seen.reset(len(n.nodes))
	var at []int32
	add := func(v int32) {
		if h.has(v) && !seen.has(v) {
			seen.add(v)
			at = append(at, v)
		}
	}
	for _, ai := range q.exemptAtoms() {
		if len(n.atomUse[ai]) > 0 && contains(n.abits[ai], c) && !q.atomGone(ai, c) {
			for _, u := range n.atomUse[ai] {
				add(u.node)
			}
		}
	}
	n.indexClauses()
	for y := range q.exItem {
		if len(n.clausesOf[y]) > 0 && contains(n.cutAll(y), c) && !q.cutAllGone(y, c) {
			for _, v := range n.clausesOf[y] {
				add(v)
			}
		}
	}
	bit := []uint64{1}
	one := func(int32) []uint64 { return bit } // marks only reads it
	d0, c0 := n.unexempted().marks([]int32{c}, append(at, h.lost...), one)
	d1, c1 := q.marks([]int32{c}, at, one)
	return h.down.corrected(d0[0], d1[0]), h.cut.corrected(c0[0], c1[0])
}

// indexClauses brings clausesOf up to date: item -> the clause nodes
// requiring it.
func (n *necessity) indexClauses() {
	if n.clausesOf == nil {
		n.clausesOf = map[int32][]int32{}
	}
	for ; n.clausesAt < len(n.nodes); n.clausesAt++ {
		if nd := &n.nodes[n.clausesAt]; nd.kind == nodeClause {
			for _, a := range nd.cl.alts {
				n.clausesOf[a.node] = append(n.clausesOf[a.node], int32(n.clausesAt))
			}
		}
	}
}

// buildHubs tries a hub for each candidate of cs (sorted), recording when
// it tried (hubAt): one walk from every root at once, without exemption. A
// candidate's root is found by rootsOf. A hub whose closure is smaller
// than hubMin is not kept, and an older hub (still true) then stays.
func (n *necessity) buildHubs(cs []int32) {
	for _, c := range cs {
		n.hubAt[c] = len(n.nodes)
	}
	roots := n.rootsOf(cs)
	var with []int32 // the candidates with a root, and theirs
	var rs []int32
	for j, r := range roots {
		if r >= 0 {
			with, rs = append(with, cs[j]), append(rs, r)
		}
	}
	if len(with) == 0 {
		return
	}
	hq := n.unexempted()
	nodes, w, _ := hq.failing(with, rs, nil)
	defer hq.release()
	words := (len(n.nodes) + 63) / 64
	closures := make([][]uint64, len(with))
	sizes := make([]int, len(with))
	for j := range with {
		closures[j] = make([]uint64, words)
	}
	for _, v := range nodes {
		r := n.relBuf[int(v)*w : int(v)*w+w]
		for j := range with {
			if r[j>>6]>>(uint(j)&63)&1 != 0 {
				closures[j][v>>6] |= 1 << (uint(v) & 63)
				sizes[j]++
			}
		}
	}
	down, cut := hq.marks(with, nodes, func(v int32) []uint64 { return n.relBuf[int(v)*w : int(v)*w+w] })
	for j, c := range with {
		if sizes[j] < hubMin {
			continue
		}
		core := n.coreOf(rs[j], closures[j])
		n.hubs[c] = &hub{root: rs[j], in: closures[j], core: core, down: countOf(down[j]), cut: countOf(cut[j])}
	}
}

// coreOf returns the members of closure (r's in G_c) that reach r: a walk
// up from r through parents in the closure (a parent of a closure member
// that is in G_c is in the closure if r reaches it, and only such reach r
// within G_c, since the closure is all r reaches).
func (n *necessity) coreOf(r int32, closure []uint64) []uint64 {
	core := make([]uint64, len(closure))
	core[r>>6] |= 1 << (uint(r) & 63)
	stack := []int32{r}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, p := range n.par[v] {
			if bitHas(closure, p.node) && !bitHas(core, p.node) {
				core[p.node>>6] |= 1 << (uint(p.node) & 63)
				stack = append(stack, p.node)
			}
		}
	}
	return core
}

// unexempted returns a question over n with nobody exempt: its sets are
// the shared ones.
func (n *necessity) unexempted() *question {
	return &question{n: n, k: n.kn, special: map[int32]bool{}, holds: map[int32]*nodeSet{}}
}

// settled returns s sorted, without repeats.
func settled(s []int32) []int32 {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// rootsOf returns, for each candidate of cs (sorted), a node of the cyclic
// component with the most nodes of its G_c, at least hubMin of them; -1 if
// none has as many. G_c's largest strongly connected component lies in one
// such component, and a core is one of them.
func (n *necessity) rootsOf(cs []int32) []int32 {
	roots := make([]int32, len(cs))
	best := make([]int32, len(cs))
	for j := range roots {
		roots[j] = -1
	}
	for ; n.compsSeen < len(n.compEnd); n.compsSeen++ {
		ci := n.compsSeen
		from := int32(0)
		if ci > 0 {
			from = n.compEnd[ci-1]
		}
		if n.cyclic[ci] && int(n.compEnd[ci]-from) >= hubMin {
			n.bigComps = append(n.bigComps, n.candsOf(n.order[from:n.compEnd[ci]]))
		}
	}
	for _, bc := range n.bigComps {
		for j, c := range cs {
			if i, ok := slices.BinarySearch(bc.cands, c); ok {
				if k := bc.counts[i]; int(k) >= hubMin && k > best[j] {
					best[j], roots[j] = k, bc.first[i]
				}
			}
		}
	}
	for j, r := range roots {
		if r >= 0 {
			roots[j] = n.descend(r, cs[j])
		}
	}
	return roots
}

// compCands lists the candidates in the K of a large cyclic component's
// nodes (sorted), how many of its nodes hold each in their K, and the first
// of them: a component's sets never change, so this is found once.
type compCands struct{ cands, counts, first []int32 }

// candsOf counts the candidates over the nodes of one component.
func (n *necessity) candsOf(comp []int32) compCands {
	if len(n.candCount) < n.e.s.NumNodes() {
		n.candCount, n.candFirst = make([]int32, n.e.s.NumNodes()), make([]int32, n.e.s.NumNodes())
	}
	var seen []int32
	for _, v := range comp {
		for _, c := range n.ks[v] {
			if n.candCount[c] == 0 {
				n.candFirst[c] = v
				seen = append(seen, c)
			}
			n.candCount[c]++
		}
	}
	slices.Sort(seen)
	cc := compCands{cands: seen, counts: make([]int32, len(seen)), first: make([]int32, len(seen))}
	for i, c := range seen {
		cc.counts[i], cc.first[i] = n.candCount[c], n.candFirst[c]
		n.candCount[c] = 0
	}
	return cc
}

// descend returns the node below r (in G_c, c's) that r's walk must pass:
// down from r as long as the node has one child in G_c. Nodes for several
// holders share what is below them (obtaining an item by buying it, for
// example), and a walk from another holder meets only the shared part.
func (n *necessity) descend(r, c int32) int32 {
	for steps := 0; steps < len(n.nodes); steps++ {
		next := int32(-1)
		for _, a := range n.nodes[r].alts {
			for _, u := range a.kids {
				if u != next && contains(n.ks[u], c) {
					if next >= 0 {
						return r
					}
					next = u
				}
			}
		}
		if next < 0 || next == r {
			return r
		}
		r = next
	}
	return r
}
