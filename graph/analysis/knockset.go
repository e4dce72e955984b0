package analysis

import (
	"math/bits"
	"slices"

	"github.com/chipgraph/chipgraph/graph"
)

// Knock-outs by necessity sets.
//
// A removal changes nothing but atoms of the evaluation (see removal): a
// route (a maker or supplier of an item, removed, or cut with the others
// below the threshold), an in-house maker, a fab, the servicing of an
// installed tool. The legal reach of controls is read without it. So the
// baseline evaluation, written out as an AND/OR graph over its true
// results, says everything: every node is an OR of alternatives, each the
// AND of an atom and some child nodes (obtain, buy, make, a requirement
// clause, the choice of a fab), and the removals that make a node false
// are
//
//	K(node) = ⋂ over its true alternatives (atom's removals ∪ ⋃ K(child))
//
// where an atom's removals are the candidates that take it away. K is the
// greatest solution of these equations: the true sets solve them, and any
// solution is contained in them (by induction on the derivation that
// survives a removal, no solution can hold a removal some derivation
// avoids). So K is computed by iterating down from "every candidate" until
// nothing changes, one pass over the graph per change, and the single
// knock-outs are the union of K over the goals: no evaluation per
// candidate. TestKnockoutsBruteForce checks it against removals applied to
// the data and evaluated from scratch.

// bitset is a set of candidate positions.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) has(i int) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }
func (b bitset) set(i int)      { b[i>>6] |= 1 << (uint(i) & 63) }

func (b bitset) or(o bitset) {
	for i := range b {
		b[i] |= o[i]
	}
}

// none reports whether the set is empty.
func (b bitset) none() bool {
	for _, w := range b {
		if w != 0 {
			return false
		}
	}
	return true
}

func (b bitset) and(o bitset) {
	for i := range b {
		b[i] &= o[i]
	}
}

// fill sets the first n positions.
func (b bitset) fill(n int) {
	for i := range b {
		b[i] = ^uint64(0)
	}
	if r := n & 63; r != 0 {
		b[len(b)-1] = 1<<uint(r) - 1
	}
}

// each calls f for each position set, in ascending order.
func (b bitset) each(f func(int)) {
	for i, w := range b {
		for w != 0 {
			f(i<<6 + bits.TrailingZeros64(w))
			w &= w - 1
		}
	}
}

// Atoms: what a removal can take away from an alternative.
const (
	atomRoute   = iota // sup delivers y (a, b = y, sup)
	atomInHouse        // holder a's group makes b
	atomHeld           // an installed base of tool b at fab a
	atomFab            // fab a
)

type atom struct {
	kind uint8
	a, b int32
}

// Node kinds of the necessity graph: the evaluation's keys, a requirement
// clause of a make node, the fab choice of a make node.
const (
	nodeObtain = modeObtain
	nodeMake   = modeMake
	nodeBuy    = modeBuy
	nodeClause = 3
	nodeFabs   = 4
)

type necNode struct {
	kind    uint8
	x, h    int32 // the item; the holder (the profile for buy)
	cl      *clause
	alts    []necAlt
	parents []int32
	k       bitset // the removals that make it false
}

type necAlt struct {
	atom int32 // position in necessity.atoms; -1: none
	kids []int32
}

// necessity is the baseline evaluation written out as an AND/OR graph (see
// above) and the sets K computed over it.
type necessity struct {
	kn     *knocker
	w      *world
	nodes  []necNode
	keyed  map[uint64]int32
	atoms  []atom
	atomAt map[atom]int32
	abits  []bitset

	cands  []int32          // candidate firms and countries, in index order
	rms    []*removal       // the removal of each candidate
	supBy  map[int32]bitset // supplier -> the candidates removing it
	fabBy  map[int32]bitset // fab -> the candidates removing it
	cutBy  map[int32]bitset // item -> the candidates cutting it (see removal.makers)
	zero   bitset
	inCand map[int32]bool
	walked map[int32]bool // suppliers whose removers were added as candidates

	// order lists the nodes by strongly connected component, children
	// first, as solve met them; compEnd[i] is where component i ends.
	order, compEnd []int32

	makerOf map[[2]int32]bitset // see maker
	cutsOf  map[int32]bitset    // see cutAll
}

// necessity builds the graph of the baseline's true results the goals rely
// on and computes K for each node. It returns false if the evaluation was
// stopped (the context is done).
func (k *knocker) necessity() (*necessity, bool) {
	n := &necessity{kn: k, w: k.legal, keyed: map[uint64]int32{}, atomAt: map[atom]int32{},
		supBy: map[int32]bitset{}, fabBy: map[int32]bitset{}, cutBy: map[int32]bitset{}, inCand: map[int32]bool{},
		makerOf: map[[2]int32]bitset{}, cutsOf: map[int32]bitset{}}
	for _, g := range k.goals {
		n.key(modeObtain, g, k.holder)
	}
	for i := 0; i < len(n.nodes); i++ {
		if i%stopEvery == 0 && n.w.ctx != nil && n.w.ctx.Err() != nil {
			return nil, false
		}
		n.expand(int32(i))
	}
	if n.w.err != nil {
		return nil, false // the baseline stopped: its answers are unreliable
	}
	n.candidates(n.witness())
	n.atomBits()
	n.solve()
	return n, true
}

// key returns the node of an evaluation key, adding it if new.
func (n *necessity) key(mode uint64, x, h int32) int32 {
	k := evalKey(mode, x, h)
	if i, ok := n.keyed[k]; ok {
		return i
	}
	i := n.add(necNode{kind: uint8(mode), x: x, h: h})
	n.keyed[k] = i
	return i
}

func (n *necessity) add(nd necNode) int32 {
	n.nodes = append(n.nodes, nd)
	return int32(len(n.nodes) - 1)
}

func (n *necessity) atom(a atom) int32 {
	if i, ok := n.atomAt[a]; ok {
		return i
	}
	n.atoms = append(n.atoms, a)
	i := int32(len(n.atoms) - 1)
	n.atomAt[a] = i
	return i
}

// expand writes out node i's true alternatives, as eval evaluates them
// (see obtain, buy, canMake, clause, fabUsable), adding the child nodes.
func (n *necessity) expand(i int32) {
	w, base := n.w, n.kn.base
	nd := n.nodes[i]
	var alts []necAlt
	alt := func(a int32, kids ...int32) {
		alts = append(alts, necAlt{atom: a, kids: kids})
		for _, c := range kids {
			n.nodes[c].parents = append(n.nodes[c].parents, i)
		}
	}
	x, h := nd.x, nd.h
	switch nd.kind {
	case nodeObtain:
		if h >= 0 {
			if w.stockpiles && w.stockpiled(x, h) {
				alt(-1)
			}
			for _, hd := range w.installedBase(h)[x] {
				if ok, _, _ := w.installed(hd.fab, hd.tool, hd.ed, h); ok {
					alt(n.atom(atom{atomHeld, hd.fab, hd.tool}))
				}
			}
		}
		p := w.profile(h)
		if ok, _ := base.buy(x, p); ok {
			alt(-1, n.key(modeBuy, x, int32(p)))
		}
		if len(w.house(h)) > 0 {
			for _, d := range w.down(x) {
				if w.makesInHouse(h, d.node) {
					if ok, _ := base.canMake(d.node, h); ok {
						alt(n.atom(atom{atomInHouse, h, d.node}), n.key(modeMake, d.node, h))
					}
				}
			}
		}
		if len(w.house(h)) >= 2 {
			for _, r := range w.sources(x) {
				if r.sup.node != h && w.inHouse(h, r.sup.node) {
					if ok, _ := base.canMake(r.y, r.sup.node); ok {
						alt(n.atom(atom{atomRoute, r.y, r.sup.node}), n.key(modeMake, r.y, r.sup.node))
					}
				}
			}
		}
	case nodeBuy:
		for _, r := range w.sources(x) {
			if len(w.blockersP(r.sup.node, int(h), r.y)) > 0 {
				continue
			}
			if ok, _ := base.canMake(r.y, r.sup.node); ok {
				alt(n.atom(atom{atomRoute, r.y, r.sup.node}), n.key(modeMake, r.y, r.sup.node))
			}
		}
	case nodeMake:
		cls := w.clauses(x)
		kids := make([]int32, 0, len(cls)+1)
		for ci := range cls {
			kids = append(kids, n.add(necNode{kind: nodeClause, x: x, h: h, cl: &cls[ci]}))
		}
		if len(w.fabbedAt(x)) > 0 {
			kids = append(kids, n.add(necNode{kind: nodeFabs, x: x, h: h}))
		}
		alt(-1, kids...)
	case nodeClause:
		// Obtaining includes buying with the holder's profile, which eval's
		// clause tries first: one alternative per required item.
		for _, a := range nd.cl.alts {
			if ok, _ := base.obtain(a.node, h); ok {
				alt(-1, n.key(modeObtain, a.node, h))
			}
		}
	case nodeFabs:
		for _, f := range w.fabbedAt(x) {
			if op := w.operator(f.node); op < 0 || len(w.blockers(op, h, x)) == 0 {
				alt(n.atom(atom{atomFab, f.node, -1}))
			}
		}
	}
	n.nodes[i].alts = alts
}

// candidates collects the suppliers and fabs whose removal matters (those
// of every atom) and, as candidates, the firms and countries that may take
// away an atom of the witness derivation (a superset: each one's removal is
// then expanded exactly, see removalOf). A removal that touches no atom of
// one derivation of the goals leaves that derivation standing, so no other
// firm or country can be a knock-out; and K restricted to the candidates
// is the restriction of K (intersection with a fixed set commutes with the
// equations' unions and intersections).
func (n *necessity) candidates(witness []int32) {
	w, k := n.w, n.kn
	sups, fabs := map[int32]bool{}, map[int32]bool{}
	adding := false // whether what is met is also a candidate
	// seen marks what was visited: in the first pass every atom's
	// suppliers and fabs, in the second (adding) the witness atoms'.
	seen := func(v int32) bool {
		m := sups
		if adding {
			m = n.walked
		}
		if m[v] {
			return true
		}
		m[v] = true
		return false
	}
	var sup func(s int32)
	sup = func(s int32) { // s and whoever removes it: its parents and headquarters countries
		if s < 0 || seen(s) {
			return
		}
		if adding {
			n.cand(s)
		}
		if w.s.Node(s).Kind != graph.KindFirm {
			return
		}
		if adding {
			for _, c := range k.e.outVisible(s, graph.HeadquarteredIn, w.asOf) {
				n.cand(c)
			}
		}
		for _, p := range k.e.outVisible(s, graph.SubsidiaryOf, w.asOf) {
			sup(p)
		}
	}
	fab := func(f int32) {
		if adding {
			if n.walked[f] {
				return
			}
			n.walked[f] = true
			for _, c := range k.e.outVisible(f, graph.LocatedIn, w.asOf) {
				n.cand(c)
			}
		} else {
			if fabs[f] {
				return
			}
			fabs[f] = true
		}
		for _, op := range k.e.outVisible(f, graph.OperatedBy, w.asOf) {
			sup(op)
		}
	}
	makers := func(y int32) {
		for _, sp := range w.makersOf(y) {
			sup(sp.node)
		}
	}
	visit := func(a atom) {
		switch a.kind {
		case atomRoute:
			makers(a.a)
		case atomInHouse:
			makers(a.b)
		case atomHeld:
			fab(a.a)
			for _, r := range w.sources(a.b) {
				makers(r.y)
			}
		case atomFab:
			fab(a.a)
		}
	}
	for _, a := range n.atoms {
		visit(a)
	}
	adding, n.walked = true, map[int32]bool{}
	for _, ai := range witness {
		visit(n.atoms[ai])
	}
	slices.Sort(n.cands)
	n.zero = newBitset(len(n.cands))
	for ci, c := range n.cands {
		rm := k.removalOf([]int32{c})
		n.rms = append(n.rms, rm)
		for s := range rm.sups {
			if sups[s] {
				n.bitsOf(n.supBy, s).set(ci)
			}
		}
		for f := range rm.fabs {
			if fabs[f] {
				n.bitsOf(n.fabBy, f).set(ci)
			}
		}
	}
}

// witness returns the atoms of one well-founded derivation of the goals:
// the least fixed point of the graph (a node holds when every child of one
// of its alternatives does), found by counting each alternative's children
// that do not hold yet, each node taking the first alternative to hold as
// its support. Every node of the graph holds at baseline, so the goals do.
func (n *necessity) witness() []int32 {
	type use struct{ node, alt int32 }
	uses := make([][]use, len(n.nodes))
	left := make([][]int32, len(n.nodes))
	support := make([]int32, len(n.nodes))
	var ready []int32
	for i := range n.nodes {
		support[i] = -1
		nd := &n.nodes[i]
		left[i] = make([]int32, len(nd.alts))
		for ai, a := range nd.alts {
			left[i][ai] = int32(len(a.kids))
			for _, c := range a.kids {
				uses[c] = append(uses[c], use{int32(i), int32(ai)})
			}
			if len(a.kids) == 0 && support[i] < 0 {
				support[i] = int32(ai)
				ready = append(ready, int32(i))
			}
		}
	}
	for len(ready) > 0 {
		c := ready[len(ready)-1]
		ready = ready[:len(ready)-1]
		for _, u := range uses[c] {
			if left[u.node][u.alt]--; left[u.node][u.alt] == 0 && support[u.node] < 0 {
				support[u.node] = u.alt
				ready = append(ready, u.node)
			}
		}
	}
	var atoms []int32
	seen := make([]bool, len(n.nodes))
	var stack []int32
	for _, g := range n.kn.goals {
		stack = append(stack, n.keyed[evalKey(modeObtain, g, n.kn.holder)])
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[i] {
			continue
		}
		seen[i] = true
		if support[i] < 0 {
			// Not derivable in the replay (it should be): every atom then
			// stands in for the derivation, which keeps the answer exact.
			atoms = atoms[:0]
			for ai := range n.atoms {
				atoms = append(atoms, int32(ai))
			}
			return atoms
		}
		a := n.nodes[i].alts[support[i]]
		if a.atom >= 0 {
			atoms = append(atoms, a.atom)
		}
		stack = append(stack, a.kids...)
	}
	return atoms
}

// cand adds a firm or country as a candidate, unless it is the holder's.
func (n *necessity) cand(c int32) {
	if c < 0 || n.inCand[c] || n.kn.exempt[c] {
		return
	}
	if k := n.w.s.Node(c).Kind; k != graph.KindFirm && k != graph.KindCountry {
		return
	}
	n.inCand[c] = true
	n.cands = append(n.cands, c)
}

func (n *necessity) bitsOf(m map[int32]bitset, v int32) bitset {
	b, ok := m[v]
	if !ok {
		b = newBitset(len(n.cands))
		m[v] = b
	}
	return b
}

// of returns the candidates of m[v] (none if absent).
func (n *necessity) of(m map[int32]bitset, v int32) bitset {
	if b, ok := m[v]; ok {
		return b
	}
	return n.zero
}

// cut returns the candidates whose removal takes away some maker of y and
// leaves the others less than the threshold of its market.
func (n *necessity) cut(y int32) bitset {
	if b, ok := n.cutBy[y]; ok {
		return b
	}
	ms := n.w.makersOf(y)
	touch := newBitset(len(n.cands))
	for _, sp := range ms {
		touch.or(n.of(n.supBy, sp.node))
	}
	b := newBitset(len(n.cands))
	touch.each(func(ci int) {
		if n.rms[ci].remaining(n.w, y, ms) < n.kn.threshold {
			b.set(ci)
		}
	})
	n.cutBy[y] = b
	return b
}

// maker returns the candidates that take sp away as a maker or supplier of
// y (see removal.makers): those removing it, and those cutting y, unless
// it is the holder's own.
func (n *necessity) maker(y, sp int32) bitset {
	key := [2]int32{y, sp}
	if b, ok := n.makerOf[key]; ok {
		return b
	}
	b := slices.Clone(n.of(n.supBy, sp))
	if !n.kn.exempt[sp] {
		b.or(n.cut(y))
	}
	n.makerOf[key] = b
	return b
}

// unserviced returns the candidates whose removal leaves tool with no
// route, so its installed base stops counting (see removal.serviced).
func (n *necessity) unserviced(tool int32) bitset {
	rs := n.w.sources(tool)
	if n.kn.keep || len(rs) == 0 {
		return n.zero
	}
	b := newBitset(len(n.cands))
	b.fill(len(n.cands))
	for _, r := range rs {
		b.and(n.maker(r.y, r.sup.node))
	}
	return b
}

// atomBits computes the candidates taking each atom away.
func (n *necessity) atomBits() {
	w := n.w
	n.abits = make([]bitset, len(n.atoms))
	for i, a := range n.atoms {
		var b bitset
		switch a.kind {
		case atomRoute:
			b = n.maker(a.a, a.b)
		case atomInHouse:
			b = newBitset(len(n.cands))
			b.fill(len(n.cands))
			for _, sp := range w.makersOf(a.b) {
				if w.inHouse(a.a, sp.node) {
					b.and(n.maker(a.b, sp.node))
				}
			}
		case atomHeld:
			b = slices.Clone(n.of(n.fabBy, a.a))
			b.or(n.unserviced(a.b))
		case atomFab:
			b = n.of(n.fabBy, a.a)
		}
		n.abits[i] = b
	}
}

// solve computes K as the greatest fixed point, from "every candidate"
// down, one strongly connected component of the graph at a time, children
// first (Tarjan's algorithm emits them in that order): a node outside a
// cycle is computed once, from its children's final sets; the nodes of a
// cycle are revisited until none of their sets shrinks.
func (n *necessity) solve() {
	m := len(n.cands)
	words := (m + 63) / 64
	pool := make([]uint64, words*len(n.nodes)) // one allocation for every set
	for i := range n.nodes {
		n.nodes[i].k = bitset(pool[i*words : (i+1)*words : (i+1)*words])
		n.nodes[i].k.fill(m)
	}
	acc, t := newBitset(m), newBitset(m)
	// eval recomputes node i's set and reports whether it shrank.
	eval := func(i int32) bool {
		nd := &n.nodes[i]
		clear(acc)
		for ai, a := range nd.alts {
			if a.atom >= 0 {
				copy(t, n.abits[a.atom])
			} else {
				clear(t)
			}
			for _, c := range a.kids {
				t.or(n.nodes[c].k)
			}
			if ai == 0 {
				copy(acc, t)
			} else {
				acc.and(t)
			}
		}
		if slices.Equal(acc, nd.k) {
			return false
		}
		copy(nd.k, acc)
		return true
	}
	var work []int32
	inComp := make([]int32, len(n.nodes)) // component number + 1 while it is solved
	comp := int32(0)
	n.components(func(c []int32) {
		comp++
		n.order = append(n.order, c...)
		n.compEnd = append(n.compEnd, int32(len(n.order)))
		if len(c) == 1 && !n.selfLoop(c[0]) {
			eval(c[0])
			return
		}
		for _, i := range c {
			inComp[i] = comp
		}
		work = append(work[:0], c...)
		queued := map[int32]bool{}
		for _, i := range c {
			queued[i] = true
		}
		for len(work) > 0 {
			i := work[len(work)-1]
			work = work[:len(work)-1]
			queued[i] = false
			if !eval(i) {
				continue
			}
			for _, p := range n.nodes[i].parents {
				if inComp[p] == comp && !queued[p] {
					queued[p] = true
					work = append(work, p)
				}
			}
		}
	})
}

// selfLoop reports whether node i is its own child.
func (n *necessity) selfLoop(i int32) bool {
	for _, a := range n.nodes[i].alts {
		if slices.Contains(a.kids, i) {
			return true
		}
	}
	return false
}

// components calls f with each strongly connected component of the graph
// (edges from a node to the children of its alternatives), every component
// after those it reaches: Tarjan's algorithm, iterative.
func (n *necessity) components(f func([]int32)) {
	const unvisited = -1
	index := make([]int32, len(n.nodes))
	low := make([]int32, len(n.nodes))
	onStack := make([]bool, len(n.nodes))
	for i := range index {
		index[i] = unvisited
	}
	type frame struct {
		v      int32
		alt, k int // the next child: alternative alt, kid k
	}
	var stack, comp []int32
	var frames []frame
	next := int32(0)
	for root := range n.nodes {
		if index[root] != unvisited {
			continue
		}
		frames = append(frames[:0], frame{v: int32(root)})
		index[root], low[root] = next, next
		next++
		stack = append(stack, int32(root))
		onStack[root] = true
		for len(frames) > 0 {
			fr := &frames[len(frames)-1]
			v := fr.v
			alts := n.nodes[v].alts
			descended := false
			for fr.alt < len(alts) {
				kids := alts[fr.alt].kids
				if fr.k >= len(kids) {
					fr.alt, fr.k = fr.alt+1, 0
					continue
				}
				c := kids[fr.k]
				fr.k++
				if index[c] == unvisited {
					index[c], low[c] = next, next
					next++
					stack = append(stack, c)
					onStack[c] = true
					frames = append(frames, frame{v: c})
					descended = true
					break
				}
				if onStack[c] {
					low[v] = min(low[v], index[c])
				}
			}
			if descended {
				continue
			}
			if low[v] == index[v] {
				comp = comp[:0]
				for {
					c := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[c] = false
					comp = append(comp, c)
					if c == v {
						break
					}
				}
				f(comp)
			}
			frames = frames[:len(frames)-1]
			if len(frames) > 0 {
				p := frames[len(frames)-1].v
				low[p] = min(low[p], low[v])
			}
		}
	}
}

// knockouts returns the candidates (positions) whose removal makes a goal
// false.
func (n *necessity) knockouts() bitset {
	b := newBitset(len(n.cands))
	for _, g := range n.kn.goals {
		b.or(n.nodes[n.keyed[evalKey(modeObtain, g, n.kn.holder)]].k)
	}
	return b
}

// explain describes the knock-outs kos (candidate positions): the goals
// each fails, what it takes down first (the items that lose a route, an
// in-house maker or a serviced installed base to it, and the fabs it
// removes, where the node relying on them fails), the OR-alternatives it
// cuts together, the share and the path. One pass over the graph serves
// every knock-out.
func (n *necessity) explain(kos bitset) (firms, countries []Knockout) {
	k, e := n.kn, n.kn.e
	down := map[int]map[int32]bool{}
	cut := map[int]map[int32]bool{}
	mark := func(m map[int]map[int32]bool, ci int, v int32) {
		if m[ci] == nil {
			m[ci] = map[int32]bool{}
		}
		m[ci][v] = true
	}
	rel, kpos, w := n.failing(kos)
	if w == 0 {
		return nil, nil // no knock-outs
	}
	t, hit := newBitset(len(n.cands)), newBitset(len(n.cands))
	for i := range n.nodes {
		r := rel[i*w : i*w+w]
		if !anyBit(r) {
			continue
		}
		clear(hit)
		for j, ci := range kpos {
			if r[j>>6]&(1<<(uint(j)&63)) != 0 {
				hit.set(ci)
			}
		}
		nd := &n.nodes[i]
		switch nd.kind {
		case nodeClause:
			for _, a := range nd.cl.alts {
				copy(t, hit)
				t.and(n.cutAll(a.node))
				t.each(func(ci int) { mark(cut, ci, a.node) })
			}
			continue
		case nodeMake:
			continue
		}
		for _, a := range nd.alts {
			if a.atom < 0 {
				continue
			}
			copy(t, hit)
			t.and(n.abits[a.atom])
			v := nd.x
			if at := n.atoms[a.atom]; at.kind == atomFab {
				v = at.a
			}
			t.each(func(ci int) { mark(down, ci, v) })
		}
	}
	kos.each(func(ci int) {
		c := n.cands[ci]
		ko := Knockout{Removed: []graph.ID{e.s.Node(c).ID}, KnocksOut: true}
		for _, g := range k.goals {
			if n.nodes[n.keyed[evalKey(modeObtain, g, k.holder)]].k.has(ci) {
				ko.Fails = append(ko.Fails, e.s.Node(g).ID)
			}
		}
		ds := sortedKeys(down[ci])
		for _, v := range ds {
			ko.TakesDown = append(ko.TakesDown, e.s.Node(v).ID)
		}
		ko.DominatedAlternatives = k.dominated(cut[ci], sortedKeys(cut[ci]))
		ko.AlternativeAlsoDominated = len(ko.DominatedAlternatives) > 0
		k.explainShare(&ko, c, n.rms[ci], ds)
		if e.s.Node(c).Kind == graph.KindCountry {
			countries = append(countries, ko)
		} else {
			firms = append(firms, ko)
		}
	})
	return firms, countries
}

// failing returns, for each node, the knock-outs among kos under which it
// fails on the way down from a goal: a goal fails under the knock-outs in
// its K, and a child of a failing node fails with it under those in the
// child's K. A node false under a removal but not needed by any failing
// parent (another holder's production the goal does not rely on) is left
// out, so that what a knock-out "takes down" is what makes the goal fail.
//
// The sets are over the knock-outs only (kpos lists their candidate
// positions; bit j stands for kpos[j]), w words per node, node v's at
// rel[v*w:(v+1)*w]: a few dozen knock-outs fit one word, where the
// candidates take dozens.
func (n *necessity) failing(kos bitset) (rel []uint64, kpos []int, w int) {
	kos.each(func(ci int) { kpos = append(kpos, ci) })
	w = (len(kpos) + 63) / 64
	if w == 0 {
		return nil, nil, 0
	}
	proj := make([]uint64, len(n.nodes)*w) // K restricted to the knock-outs
	for v := range n.nodes {
		k := n.nodes[v].k
		if k.none() {
			continue
		}
		for j, ci := range kpos {
			if k.has(ci) {
				proj[v*w+j>>6] |= 1 << (uint(j) & 63)
			}
		}
	}
	rel = make([]uint64, len(n.nodes)*w)
	seg := func(b []uint64, v int32) []uint64 { return b[int(v)*w : int(v)*w+w] }
	seed := make([]bool, len(n.nodes))
	for _, g := range n.kn.goals {
		seed[n.keyed[evalKey(modeObtain, g, n.kn.holder)]] = true
	}
	acc := make([]uint64, w)
	// A node fails under what fails a parent (or, for a goal, under every
	// knock-out) and its own K. Components are taken parents first, so
	// every parent outside a node's component is final when the node is
	// read; within a component, what a member gains is passed on to the
	// members it needs until nothing changes.
	pull := func(v int32) {
		pk := seg(proj, v)
		if !anyBit(pk) {
			return
		}
		clear(acc)
		if seed[v] {
			for j := range kpos {
				acc[j>>6] |= 1 << (uint(j) & 63)
			}
		}
		for _, p := range n.nodes[v].parents {
			for i, x := range seg(rel, p) {
				acc[i] |= x
			}
		}
		r := seg(rel, v)
		for i := range acc {
			r[i] = acc[i] & pk[i]
		}
	}
	inComp := make([]int32, len(n.nodes)) // component number + 1 while it is read
	var work, kids []int32
	kidsAt := make([][2]int32, len(n.nodes)) // a member's kids in kids
	for ci := len(n.compEnd) - 1; ci >= 0; ci-- {
		start := int32(0)
		if ci > 0 {
			start = n.compEnd[ci-1]
		}
		c := n.order[start:n.compEnd[ci]]
		for _, v := range c {
			pull(v)
		}
		if len(c) == 1 && !n.selfLoop(c[0]) {
			continue
		}
		id := int32(ci) + 1
		for _, v := range c {
			inComp[v] = id
		}
		// The members' kids in the component that can fail at all, read
		// once: a member is met again each time it gains.
		kids = kids[:0]
		for _, v := range c {
			from := int32(len(kids))
			for _, a := range n.nodes[v].alts {
				for _, u := range a.kids {
					if inComp[u] == id && anyBit(seg(proj, u)) {
						kids = append(kids, u)
					}
				}
			}
			kidsAt[v] = [2]int32{from, int32(len(kids))}
		}
		work = append(work[:0], c...)
		for len(work) > 0 {
			v := work[len(work)-1]
			work = work[:len(work)-1]
			rv := seg(rel, v)
			if !anyBit(rv) {
				continue
			}
			at := kidsAt[v]
			for _, u := range kids[at[0]:at[1]] {
				ru, pk := seg(rel, u), seg(proj, u)
				grew := false
				for i := range rv {
					if add := rv[i] & pk[i] &^ ru[i]; add != 0 {
						ru[i] |= add
						grew = true
					}
				}
				if grew {
					work = append(work, u)
				}
			}
		}
	}
	return rel, kpos, w
}

// anyBit reports whether a word of s is not zero.
func anyBit(s []uint64) bool {
	for _, x := range s {
		if x != 0 {
			return true
		}
	}
	return false
}

// cutAll returns the candidates that take away every route to x (none if
// it has no route).
func (n *necessity) cutAll(x int32) bitset {
	if b, ok := n.cutsOf[x]; ok {
		return b
	}
	rs := n.w.sources(x)
	b := newBitset(len(n.cands))
	if len(rs) > 0 {
		b.fill(len(n.cands))
		for _, r := range rs {
			b.and(n.maker(r.y, r.sup.node))
		}
	}
	n.cutsOf[x] = b
	return b
}
