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
// avoids). So K is computed from "every candidate" down until nothing
// changes, one strongly connected component at a time, and the single
// knock-outs are the union of K over the goals: no evaluation per
// candidate. TestKnockoutsBruteForce checks it against removals applied to
// the data and evaluated from scratch.
//
// The graph and its sets do not depend on the question: a node is an
// evaluation key (mode, item, holder), and its alternatives are what the
// baseline evaluation of the day found true. So one necessity graph serves
// every knock-out question of a day, threshold and installed-base rule
// (see koUniverse): it grows by the nodes a new item reaches and computes K
// for those only (old nodes never point to new ones). The only part of a
// question the sets cannot hold is the holder's exemption (its own group
// and fabs are never removed, see removalOf); the sets are computed
// without it. An exemption only shrinks removals, and it changes the
// removal of few candidates: those that would remove a firm or fab of the
// holder's group, or cut an item the group makes (see special). For every
// other candidate the shared sets are the question's; each of the few is
// decided again with its exempted removal (see deadUnder).

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
	kind uint8
	x, h int32 // the item; the holder (the profile for buy)
	cl   *clause
	alts []necAlt
}

type necAlt struct {
	atom int32 // position in necessity.atoms; -1: none
	kids []int32
}

// necessity is the baseline evaluation written out as an AND/OR graph (see
// above) and the sets K computed over it, for every candidate firm and
// country, with nobody exempt. A set is a sorted list of node indexes of
// candidates.
type necessity struct {
	e         *Engine
	w         *world
	base      *eval     // the baseline evaluation (in w)
	kn        *knocker  // removals without exemption (removalOf)
	threshold float64   // percent (see removal.makers)
	keep      bool      // installed bases stay usable (see removal.serviced)
	nodes     []necNode //
	keyed     map[uint64]int32
	atoms     []atom
	atomAt    map[atom]int32
	abits     [][]int32 // atom -> the candidates taking it away
	ks        [][]int32 // node -> K
	support   []int32   // node -> the alternative of its witness derivation; -1: none
	rank      []int32   // node -> the rank of that derivation (see supports); -1: none
	expanded  int       // nodes [0, expanded) have their alternatives
	solved    int       // nodes [0, solved) have K and support
	visited   int       // atoms [0, visited) had their removers added

	isCand  map[int32]bool
	rms     map[int32]*removal // candidate -> its removal (nobody exempt)
	supBy   map[int32][]int32  // supplier -> the candidates removing it
	fabBy   map[int32][]int32  // fab -> the candidates removing it
	walked  map[int32]bool     // suppliers and fabs whose removers are candidates
	walkedY map[int32]bool     // items whose makers were walked
	cutBy   map[int32][]int32  // item -> the candidates cutting it (see cut)
	makerOf map[[2]int32][]int32
	cutsOf  map[int32][]int32

	// par lists each node's parents (the node and alternative having it as
	// a child), atomUse each atom's users; order lists the nodes by strongly
	// connected component, children first, as solve met them, compEnd[i]
	// where component i ends.
	par     [][]parRef
	atomUse [][]parRef
	order   []int32
	compEnd []int32
	compOf  []int32 // node -> its component
	cyclic  []bool  // component -> whether it has a cycle (more than one node, or a self-loop)

	// Scratch of one question at a time (the caller holds the token or
	// owns the graph): see question.failing.
	relBuf, maskBuf []uint64
	masked, queued  []bool
	due             []uint64   // bit set over the components a walk reached and has not passed yet
	atomMasks       [][]uint64 // atom -> its mask in marks, nil until met
	// deadUnder's and levels.cutOff's sets (see stampSet).
	duQueued, duTold     stampSet
	coSuspect, coChecked stampSet
	seen                 stampSet          // a scratch set for one loop at a time (hubMarks, candidates)
	removers             [][]int32         // atom -> removersOf it, nil until asked
	atomsOfItem          map[int32][]int32 // item -> the atoms indexAtoms files under it, and
	atomsOfFab           map[int32][]int32 // fab -> those filed under it, for atoms [0, atomsIndexed)
	atomsIndexed         int

	hubs        map[int32]*hub    // candidate -> its hub, nil or absent if it has none (see hub)
	hubAt       map[int32]int     // candidate -> the graph's size when a hub was last tried; absent: never
	hubHits     int               // knock-outs answered through a hub (tests count them)
	shareItems  map[int32][]int32 // candidate -> where it may have a known share (see knocker.shareItems)
	bigComps    []compCands       // the large cyclic components among the first compsSeen, in order (see rootsOf)
	compsSeen   int
	candCount   []int32 // candsOf's scratch, over the snapshot's nodes
	candFirst   []int32
	hubLessened int               // of those, through a hub lessened by the holder's exemption (see lessened)
	clausesOf   map[int32][]int32 // item -> the clause nodes requiring it, nodes [0, clausesAt) (see indexClauses)
	clausesAt   int

	kids arena[int32]
	alts arena[necAlt]
	sets arena[int32]
}

// parRef is an alternative of a node.
type parRef struct{ node, alt int32 }

// arena hands out slices of chunks, so that the millions of small slices of
// a large graph take a few allocations. A slice handed out is never grown.
type arena[T any] struct{ free []T }

func (a *arena[T]) take(n int) []T {
	if n > len(a.free) {
		a.free = make([]T, max(n, 1<<14))
	}
	s := a.free[:n:n]
	a.free = a.free[n:]
	return s
}

func (a *arena[T]) of(v []T) []T {
	if len(v) == 0 {
		return nil
	}
	s := a.take(len(v))
	copy(s, v)
	return s
}

// newNecessity returns an empty necessity graph over the baseline base (in
// w), for the threshold and installed-base rule given.
func (e *Engine) newNecessity(w *world, base *eval, threshold float64, keep bool) *necessity {
	n := &necessity{e: e, w: w, base: base, threshold: threshold, keep: keep,
		keyed: map[uint64]int32{}, atomAt: map[atom]int32{}, isCand: map[int32]bool{},
		rms: map[int32]*removal{}, supBy: map[int32][]int32{}, fabBy: map[int32][]int32{},
		walked: map[int32]bool{}, walkedY: map[int32]bool{}, cutBy: map[int32][]int32{},
		makerOf: map[[2]int32][]int32{}, cutsOf: map[int32][]int32{}}
	n.kn = &knocker{e: e, legal: w, base: base, holder: nobody, threshold: threshold, keep: keep, exempt: map[int32]bool{}}
	return n
}

// grow adds the nodes obtain(g, holder) of the goals and whatever they
// reach, and computes K and the witness support of every new node. It
// returns false if the evaluation was stopped (w's context is done); the
// necessity graph must then be dropped.
func (n *necessity) grow(goals []int32, holder int32) bool {
	for _, g := range goals {
		n.key(modeObtain, g, holder)
	}
	for ; n.expanded < len(n.nodes); n.expanded++ {
		if n.expanded%stopEvery == 0 && n.w.ctx != nil && n.w.ctx.Err() != nil {
			return false
		}
		n.expand(int32(n.expanded))
	}
	if n.w.err != nil {
		return false // the baseline stopped: its answers are unreliable
	}
	for ; n.visited < len(n.atoms); n.visited++ {
		n.walk(n.atoms[n.visited], n.walked, n.addCand)
	}
	for i := len(n.abits); i < len(n.atoms); i++ {
		n.abits = append(n.abits, n.atomSet(n.atoms[i]))
	}
	n.solve()
	n.supports()
	n.solved = len(n.nodes)
	return true
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

// node returns the node of an evaluation key, -1 if absent.
func (n *necessity) node(mode uint64, x, h int32) int32 {
	if i, ok := n.keyed[evalKey(mode, x, h)]; ok {
		return i
	}
	return -1
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
	w, base := n.w, n.base
	nd := n.nodes[i]
	var alts []necAlt
	alt := func(a int32, kids ...int32) {
		alts = append(alts, necAlt{atom: a, kids: n.kids.of(kids)})
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
	n.nodes[i].alts = n.alts.of(alts)
	for len(n.par) < len(n.nodes) {
		n.par = append(n.par, nil)
	}
	for len(n.atomUse) < len(n.atoms) {
		n.atomUse = append(n.atomUse, nil)
	}
	for ai, a := range n.nodes[i].alts {
		for _, c := range a.kids {
			n.par[c] = append(n.par[c], parRef{i, int32(ai)})
		}
		if a.atom >= 0 {
			n.atomUse[a.atom] = append(n.atomUse[a.atom], parRef{i, int32(ai)})
		}
	}
}

// walk calls f with the firms and countries that may take atom a away (a
// superset: each one's removal is then expanded exactly, see removalOf):
// the suppliers and operators involved, their parents (a firm's removal
// takes its subsidiaries') and headquarters countries, and the fabs'
// countries. seen marks the suppliers and fabs already walked. A removal
// that touches no atom of a derivation of the goals leaves that derivation
// standing, so no other firm or country can be a knock-out.
func (n *necessity) walk(a atom, seen map[int32]bool, f func(int32)) {
	w, e := n.w, n.e
	var sup func(s int32)
	sup = func(s int32) {
		if s < 0 || seen[s] {
			return
		}
		seen[s] = true
		f(s)
		if w.s.Node(s).Kind != graph.KindFirm {
			return
		}
		for _, c := range e.outVisible(s, graph.HeadquarteredIn, w.asOf) {
			f(c)
		}
		for _, p := range e.outVisible(s, graph.SubsidiaryOf, w.asOf) {
			sup(p)
		}
	}
	fab := func(fb int32) {
		if seen[fb] {
			return
		}
		seen[fb] = true
		for _, c := range e.outVisible(fb, graph.LocatedIn, w.asOf) {
			f(c)
		}
		for _, op := range e.outVisible(fb, graph.OperatedBy, w.asOf) {
			sup(op)
		}
	}
	makers := func(y int32) {
		for _, sp := range w.makersOf(y) {
			sup(sp.node)
		}
	}
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

// walkMakers makes the removers of y's makers and suppliers candidates.
func (n *necessity) walkMakers(y int32) {
	if !n.walkedY[y] {
		n.walkedY[y] = true
		n.walk(atom{kind: atomRoute, a: y}, n.walked, n.addCand)
	}
}

// addCand makes a firm or country a candidate, recording what its removal
// (nobody exempt) takes away.
func (n *necessity) addCand(c int32) {
	if c < 0 || n.isCand[c] {
		return
	}
	if k := n.w.s.Node(c).Kind; k != graph.KindFirm && k != graph.KindCountry {
		return
	}
	n.isCand[c] = true
	rm := n.kn.removalOf([]int32{c})
	n.rms[c] = rm
	for s := range rm.sups {
		n.supBy[s] = insertSorted(n.supBy[s], c)
	}
	for f := range rm.fabs {
		n.fabBy[f] = insertSorted(n.fabBy[f], c)
	}
}

func insertSorted(s []int32, v int32) []int32 {
	i, ok := slices.BinarySearch(s, v)
	if ok {
		return s
	}
	return slices.Insert(s, i, v)
}

// cut returns the candidates whose removal takes away some maker of y and
// leaves the others less than the threshold of its market.
func (n *necessity) cut(y int32) []int32 {
	if b, ok := n.cutBy[y]; ok {
		return b
	}
	n.walkMakers(y)
	ms := n.w.makersOf(y)
	var touch []int32
	for _, sp := range ms {
		touch = append(touch, n.supBy[sp.node]...)
	}
	slices.Sort(touch)
	touch = slices.Compact(touch)
	var b []int32
	for _, c := range touch {
		if n.rms[c].remaining(n.w, y, ms) < n.threshold {
			b = append(b, c)
		}
	}
	n.cutBy[y] = b
	return b
}

// maker returns the candidates that take sp away as a maker or supplier of
// y (see removal.makers): those removing it, and those cutting y.
func (n *necessity) maker(y, sp int32) []int32 {
	key := [2]int32{y, sp}
	if b, ok := n.makerOf[key]; ok {
		return b
	}
	c := n.cut(y) // walks y's makers first: supBy[sp] is then complete
	b := union(nil, n.supBy[sp], c)
	n.makerOf[key] = b
	return b
}

// everyRoute returns the candidates that take away every route to x; none
// if it has no route.
func (n *necessity) everyRoute(rs []route) []int32 {
	if len(rs) == 0 {
		return nil
	}
	b := n.maker(rs[0].y, rs[0].sup.node)
	for _, r := range rs[1:] {
		if len(b) == 0 {
			break
		}
		b = intersect(nil, b, n.maker(r.y, r.sup.node))
	}
	return b
}

// cutAll returns the candidates that take away every route to x (none if
// it has no route).
func (n *necessity) cutAll(x int32) []int32 {
	if b, ok := n.cutsOf[x]; ok {
		return b
	}
	b := n.everyRoute(n.w.sources(x))
	n.cutsOf[x] = b
	return b
}

// atomSet returns the candidates taking atom a away.
func (n *necessity) atomSet(a atom) []int32 {
	w := n.w
	switch a.kind {
	case atomRoute:
		return n.maker(a.a, a.b)
	case atomInHouse:
		var b []int32
		first := true
		for _, sp := range w.makersOf(a.b) {
			if w.inHouse(a.a, sp.node) {
				m := n.maker(a.b, sp.node)
				if first {
					b, first = m, false
				} else {
					b = intersect(nil, b, m)
				}
			}
		}
		if first { // no in-house maker (expand adds none such): as if any removal took it
			return sortedKeys(n.isCand)
		}
		return b
	case atomHeld:
		b := n.fabBy[a.a]
		if !n.keep {
			b = union(nil, b, n.cutAll(a.b))
		}
		return b
	case atomFab:
		return n.fabBy[a.a]
	}
	return nil
}

// solve computes K for the new nodes (from n.solved) as the greatest fixed
// point, from "every candidate" down, one strongly connected component at a
// time, children first (Tarjan's algorithm emits them in that order): a
// node outside a cycle is computed once, from its children's final sets;
// the nodes of a cycle start at "every candidate" (top) and are revisited
// until none of their sets shrinks. Old nodes are final and never point to
// new ones.
func (n *necessity) solve() {
	start := int32(n.solved)
	for len(n.ks) < len(n.nodes) {
		n.ks = append(n.ks, nil)
		n.compOf = append(n.compOf, -1)
	}
	top := map[int32]bool{} // members of the component being solved still at "every candidate"
	var parts [][]int32
	var buf, acc, tmp []int32
	// eval recomputes node i's set and reports whether it changed.
	eval := func(i int32) bool {
		var have bool
		var res []int32 // aliases a stored set, or acc
		for _, a := range n.nodes[i].alts {
			parts = parts[:0]
			if a.atom >= 0 {
				parts = append(parts, n.abits[a.atom])
			}
			isTop := false
			for _, c := range a.kids {
				if top[c] {
					isTop = true
					break
				}
				parts = append(parts, n.ks[c])
			}
			if isTop {
				continue // top: intersecting with it changes nothing
			}
			var t []int32
			t, buf = unionAll(buf, parts)
			if !have {
				acc = append(acc[:0], t...)
				res, have = acc, true
				if len(parts) == 1 || len(t) == 0 {
					res = t // alias the stored set (or nil)
				}
			} else {
				tmp = intersect(tmp[:0], res, t)
				acc, tmp = tmp, acc
				res = acc
			}
			if len(res) == 0 {
				break
			}
		}
		if !have && len(n.nodes[i].alts) > 0 {
			return false // every alternative still top
		}
		was, old := top[i], n.ks[i]
		if !was && slices.Equal(old, res) {
			return false
		}
		delete(top, i)
		if len(res) > 0 && len(res) == len(acc) && &res[0] == &acc[0] {
			res = n.sets.of(res)
		}
		n.ks[i] = res
		return true
	}
	var work []int32
	queued := map[int32]bool{}
	parents := map[int32][]int32{}
	n.components(start, func(c []int32) {
		n.order = append(n.order, c...)
		for _, v := range c {
			n.compOf[v] = int32(len(n.compEnd))
		}
		n.compEnd = append(n.compEnd, int32(len(n.order)))
		cyclic := len(c) > 1 || n.selfLoop(c[0])
		n.cyclic = append(n.cyclic, cyclic)
		if !cyclic {
			eval(c[0])
			return
		}
		in := map[int32]bool{}
		for _, i := range c {
			in[i] = true
			top[i] = true
		}
		clear(parents)
		for _, i := range c {
			for _, a := range n.nodes[i].alts {
				for _, u := range a.kids {
					if in[u] {
						parents[u] = append(parents[u], i)
					}
				}
			}
		}
		work = append(work[:0], c...)
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
			for _, p := range parents[i] {
				if !queued[p] {
					queued[p] = true
					work = append(work, p)
				}
			}
		}
		clear(queued)
		// A member still top has no well-founded derivation (every node
		// holds at baseline, so this should not happen): every candidate
		// then removes it.
		for _, i := range c {
			if top[i] {
				delete(top, i)
				n.ks[i] = sortedKeys(n.isCand)
			}
		}
	})
}

// unionAll returns the union of sorted sets: one of them when the others
// are empty, else a set in buf (returned for reuse).
func unionAll(buf []int32, parts [][]int32) ([]int32, []int32) {
	nonEmpty, last := 0, -1
	for i, p := range parts {
		if len(p) > 0 {
			nonEmpty, last = nonEmpty+1, i
		}
	}
	switch nonEmpty {
	case 0:
		return nil, buf
	case 1:
		return parts[last], buf
	}
	buf = buf[:0]
	for _, p := range parts {
		buf = append(buf, p...)
	}
	slices.Sort(buf)
	buf = slices.Compact(buf)
	return buf, buf
}

// union appends the union of sorted sets a and b to dst; a or b itself when
// the other is empty and dst is.
func union(dst, a, b []int32) []int32 {
	if len(dst) == 0 {
		if len(b) == 0 {
			return a
		}
		if len(a) == 0 {
			return b
		}
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			dst = append(dst, a[i])
			i++
		case a[i] > b[j]:
			dst = append(dst, b[j])
			j++
		default:
			dst = append(dst, a[i])
			i, j = i+1, j+1
		}
	}
	dst = append(dst, a[i:]...)
	return append(dst, b[j:]...)
}

// intersect appends the intersection of sorted sets a and b to dst.
func intersect(dst, a, b []int32) []int32 {
	eachCommon(a, b, func(i, _ int) { dst = append(dst, a[i]) })
	return dst
}

// eachCommon calls f(i, j) for each element common to sorted sets a and
// b, at a[i] and b[j].
func eachCommon(a, b []int32, f func(i, j int)) {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			f(i, j)
			i, j = i+1, j+1
		}
	}
}

func contains(s []int32, v int32) bool {
	_, ok := slices.BinarySearch(s, v)
	return ok
}

// supports finds, for the new nodes, the alternative of a well-founded
// derivation that does not depend on what was asked before: the least
// fixed point by rank (an alternative's rank is one more than its
// children's largest, a node's the least of its alternatives', the first
// such alternative its support), computed level by level as in Knuth's
// generalisation of Dijkstra's algorithm. Old nodes have their ranks.
func (n *necessity) supports() {
	start := int32(n.solved)
	type use struct{ node, alt int32 }
	m := int32(len(n.nodes)) - start
	uses := make([][]use, m)
	left := make([][]int32, m)
	val := make([][]int32, m) // an alternative's rank so far: its finished children's largest + 1
	for len(n.support) < len(n.nodes) {
		n.support = append(n.support, -1)
		n.rank = append(n.rank, -1)
	}
	var levels [][]int32 // rank -> nodes that may finish at it
	push := func(v, r int32) {
		for int32(len(levels)) <= r {
			levels = append(levels, nil)
		}
		levels[r] = append(levels[r], v)
	}
	for i := start; i < int32(len(n.nodes)); i++ {
		nd := &n.nodes[i]
		left[i-start] = make([]int32, len(nd.alts))
		val[i-start] = make([]int32, len(nd.alts))
		best := int32(-1)
		for ai, a := range nd.alts {
			cnt, r := int32(0), int32(0)
			for _, c := range a.kids {
				if c >= start {
					cnt++
					uses[c-start] = append(uses[c-start], use{i, int32(ai)})
				} else {
					r = max(r, n.rank[c]+1)
				}
			}
			left[i-start][ai], val[i-start][ai] = cnt, r
			if cnt == 0 && (best < 0 || r < best) {
				best = r
			}
		}
		if best >= 0 {
			push(i, best)
		}
	}
	for r := int32(0); r < int32(len(levels)); r++ {
		for j := 0; j < len(levels[r]); j++ {
			v := levels[r][j]
			if n.rank[v] >= 0 {
				continue // finished at a lower rank
			}
			n.rank[v] = r
			for ai := range n.nodes[v].alts { // the first alternative of rank r
				if left[v-start][ai] == 0 && val[v-start][ai] == r {
					n.support[v] = int32(ai)
					break
				}
			}
			for _, u := range uses[v-start] {
				ui := u.node - start
				val[ui][u.alt] = max(val[ui][u.alt], r+1)
				if left[ui][u.alt]--; left[ui][u.alt] == 0 && n.rank[u.node] < 0 {
					push(u.node, val[ui][u.alt])
				}
			}
		}
		levels[r] = nil
	}
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

// components calls f with each strongly connected component of the nodes
// from start on (edges from a node to the children of its alternatives;
// older nodes are left out), every component after those it reaches:
// Tarjan's algorithm, iterative.
func (n *necessity) components(start int32, f func([]int32)) {
	const unvisited = -1
	m := int32(len(n.nodes)) - start
	index := make([]int32, m)
	low := make([]int32, m)
	onStack := make([]bool, m)
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
	for root := start; root < start+m; root++ {
		if index[root-start] != unvisited {
			continue
		}
		frames = append(frames[:0], frame{v: root})
		index[root-start], low[root-start] = next, next
		next++
		stack = append(stack, root)
		onStack[root-start] = true
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
				if c < start {
					continue
				}
				if index[c-start] == unvisited {
					index[c-start], low[c-start] = next, next
					next++
					stack = append(stack, c)
					onStack[c-start] = true
					frames = append(frames, frame{v: c})
					descended = true
					break
				}
				if onStack[c-start] {
					low[v-start] = min(low[v-start], index[c-start])
				}
			}
			if descended {
				continue
			}
			if low[v-start] == index[v-start] {
				comp = comp[:0]
				for {
					c := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[c-start] = false
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
				low[p-start] = min(low[p-start], low[v-start])
			}
		}
	}
}

// question is one knock-out question answered over a necessity graph: the
// goals' nodes, the holder's exemption, and the few candidates it changes.
type question struct {
	n     *necessity
	k     *knocker // the question's: holder, exemption, goals
	goals []int32  // nodes obtain(goal, holder)
	// special are the candidates whose removal the exemption changes (see
	// special); holds[c] the nodes in c's K that hold under its exempted
	// removal (see deadUnder), rm[c] that removal.
	special map[int32]bool
	items   map[int32]bool // what the exempt group makes or supplies
	fabs    map[int32]bool // the fabs it operates
	holds   map[int32]*nodeSet
	rm      map[int32]*removal
	gone    map[int32]map[[2]int32]bool // c -> (y, sp) -> makerGone memo
	// exAtom marks the atoms, exItem the required items, whose loss to a
	// special candidate the exemption can change (see exemptAtoms); for
	// the others the shared sets answer. Built on first use.
	exAtom  []bool
	exList  []int32 // the atoms exAtom marks, in order; nil until found (see exemptAtoms)
	exItem  map[int32]bool
	release func() // clears what failing wrote in the graph's scratch
}

// special returns the candidates whose removal the holder's exemption
// changes: the exempt firms themselves, those removing an exempt firm or a
// fab the group operates, and those cutting an item the group makes or
// supplies (its members stay when the others fall below the threshold).
// Every other candidate's removal, and so its membership of every set, is
// the same with and without the exemption.
func (q *question) computeSpecial() {
	n, k := q.n, q.k
	q.special, q.items, q.fabs = map[int32]bool{}, map[int32]bool{}, map[int32]bool{}
	for g := range k.exempt {
		q.special[g] = true
		for _, c := range n.supBy[g] {
			q.special[c] = true
		}
		for _, ed := range n.e.in(g, graph.OperatedBy) {
			if fab, _ := n.e.s.Ends(ed); visible(n.e.s.Edge(ed), n.w.asOf) {
				q.fabs[fab] = true
				for _, c := range n.fabBy[fab] {
					q.special[c] = true
				}
			}
		}
		for _, kind := range []graph.EdgeKind{graph.Makes, graph.Supplies} {
			for _, ed := range n.e.out(g, kind) {
				if _, y := n.e.s.Ends(ed); visible(n.e.s.Edge(ed), n.w.asOf) {
					q.items[y] = true
					for _, c := range n.cut(y) {
						q.special[c] = true
					}
				}
			}
		}
	}
}

// inK reports whether candidate c's removal (exempted) makes node v false.
func (q *question) inK(v, c int32) bool {
	return contains(q.n.ks[v], c) && !(q.special[c] && q.holds[c].has(v))
}

// makerGone reports whether removal rm (candidate c's, exempted) takes sp
// away as a maker or supplier of y (see removal.makers).
func (q *question) makerGone(c, y, sp int32) bool {
	rm := q.rm[c]
	if rm.sups[sp] {
		return true
	}
	if q.k.exempt[sp] {
		return false
	}
	key := [2]int32{y, sp}
	if r, ok := q.gone[c][key]; ok {
		return r
	}
	ms := q.n.w.makersOf(y)
	r := slices.ContainsFunc(ms, func(s supplier) bool { return rm.sups[s.node] }) &&
		rm.remaining(q.n.w, y, ms) < q.n.threshold
	if q.gone[c] == nil {
		q.gone[c] = map[[2]int32]bool{}
	}
	q.gone[c][key] = r
	return r
}

// everyRouteGone reports whether c's exempted removal takes every route in
// rs away (false if there is none).
func (q *question) everyRouteGone(c int32, rs []route) bool {
	if len(rs) == 0 {
		return false
	}
	for _, r := range rs {
		if !q.makerGone(c, r.y, r.sup.node) {
			return false
		}
	}
	return true
}

// atomGone reports whether c's removal (exempted) takes atom ai away.
func (q *question) atomGone(ai, c int32) bool {
	if !q.special[c] || !q.exempted()[ai] {
		return contains(q.n.abits[ai], c)
	}
	a, w, rm := q.n.atoms[ai], q.n.w, q.rm[c]
	switch a.kind {
	case atomRoute:
		return q.makerGone(c, a.a, a.b)
	case atomInHouse:
		for _, sp := range w.makersOf(a.b) {
			if w.inHouse(a.a, sp.node) && !q.makerGone(c, a.b, sp.node) {
				return false
			}
		}
		return true
	case atomHeld:
		return rm.fabs[a.a] || (!q.n.keep && q.everyRouteGone(c, w.sources(a.b)))
	case atomFab:
		return rm.fabs[a.a]
	}
	return false
}

// cutAllGone reports whether c's removal (exempted) takes every route to x
// away.
func (q *question) cutAllGone(x, c int32) bool {
	if q.special[c] {
		q.exempted()
	}
	if !q.special[c] || !q.exItem[x] { // the shared sets answer
		return contains(q.n.cutAll(x), c)
	}
	return q.everyRouteGone(c, q.n.w.sources(x))
}

// exempted returns exAtom, building it and exItem: the items whose routes
// go through what the group makes (it and every category above it).
func (q *question) exempted() []bool {
	if q.exAtom == nil {
		q.exAtom = make([]bool, len(q.n.atoms))
		for _, ai := range q.exemptAtoms() {
			q.exAtom[ai] = true
		}
		q.exItem = map[int32]bool{}
		for y := range q.items {
			q.exItem[y] = true
			for _, r := range q.n.w.up(y) {
				q.exItem[r.node] = true
			}
		}
	}
	return q.exAtom
}

// exemptAtoms returns the atoms whose removal by a special candidate the
// exemption can change: routes to and in-house makers of what the group
// makes or supplies, its fabs, and installed bases at its fabs or of tools
// bought through what it makes.
func (q *question) exemptAtoms() []int32 {
	if q.exList != nil {
		return q.exList
	}
	n := q.n
	n.indexAtoms()
	out := []int32{}
	for y := range q.items {
		out = append(out, n.atomsOfItem[y]...)
	}
	for f := range q.fabs {
		out = append(out, n.atomsOfFab[f]...)
	}
	slices.Sort(out)
	q.exList = slices.Compact(out)
	return q.exList
}

// indexAtoms brings atomsOfItem and atomsOfFab up to date: the atoms an
// item or a fab can give back when its maker or operator is exempt (see
// exemptAtoms): routes to and in-house makers of the item, installed bases
// of tools bought through it; the fab, installed bases at it.
func (n *necessity) indexAtoms() {
	if n.atomsOfItem == nil {
		n.atomsOfItem, n.atomsOfFab = map[int32][]int32{}, map[int32][]int32{}
	}
	for ; n.atomsIndexed < len(n.atoms); n.atomsIndexed++ {
		ai, a := int32(n.atomsIndexed), n.atoms[n.atomsIndexed]
		item := func(y int32) {
			if l := n.atomsOfItem[y]; len(l) == 0 || l[len(l)-1] != ai {
				n.atomsOfItem[y] = append(l, ai)
			}
		}
		switch a.kind {
		case atomRoute:
			item(a.a)
		case atomInHouse:
			item(a.b)
		case atomFab:
			n.atomsOfFab[a.a] = append(n.atomsOfFab[a.a], ai)
		case atomHeld:
			n.atomsOfFab[a.a] = append(n.atomsOfFab[a.a], ai)
			for _, r := range n.w.sources(a.b) {
				item(r.y)
			}
		}
	}
}

// deadUnder returns the nodes of c's K (false under its removal without
// exemption) that hold again under its exempted removal. An exemption only
// takes less away, so these are all that change; a node holds again when
// an alternative does: its atom stays and every child in c's K holds
// again. So they are found bottom up, from the alternatives whose atom the
// exemption gives back (atoms), through the parents: the least fixed
// point. An alternative is looked at when it may have come to hold (its
// atom came back, or a child was found to hold), so a node with many
// alternatives costs only those its children lie in. The few nodes above
// what the holder's group makes are met, not the graph.
func (q *question) deadUnder(c int32, atoms []int32) *nodeSet {
	n := q.n
	// queued: found to hold; told: found to hold, its parents looked at.
	// Both in the graph's scratch, emptied per call.
	queued, told := &n.duQueued, &n.duTold
	queued.reset(len(n.nodes))
	told.reset(len(n.nodes))
	holds := newNodeSet(len(n.nodes))
	var ready []int32
	// try queues node v if its alternative alt holds.
	try := func(v, alt int32) {
		if queued.has(v) {
			return
		}
		a := n.nodes[v].alts[alt]
		for _, u := range a.kids {
			if !told.has(u) && contains(n.ks[u], c) {
				return
			}
		}
		if a.atom >= 0 && q.atomGone(a.atom, c) {
			return
		}
		queued.add(v)
		ready = append(ready, v)
	}
	for _, ai := range atoms {
		if !contains(n.abits[ai], c) || q.atomGone(ai, c) {
			continue // not taken away by c, or still taken away with the exemption
		}
		for _, u := range n.atomUse[ai] {
			if contains(n.ks[u.node], c) {
				try(u.node, u.alt)
			}
		}
	}
	for len(ready) > 0 {
		v := ready[len(ready)-1]
		ready = ready[:len(ready)-1]
		told.add(v)
		holds.add(v)
		for _, p := range n.par[v] {
			if !queued.has(p.node) && contains(n.ks[p.node], c) {
				try(p.node, p.alt)
			}
		}
	}
	return holds
}

// question returns k's question over n (grown for k's goals), with its
// special candidates found.
func (n *necessity) question(k *knocker) *question {
	q := &question{n: n, k: k, holds: map[int32]*nodeSet{}, rm: map[int32]*removal{},
		gone: map[int32]map[[2]int32]bool{}}
	for _, g := range k.goals {
		q.goals = append(q.goals, n.node(modeObtain, g, k.holder))
	}
	q.computeSpecial()
	return q
}

// answer returns the question's candidates count and its single-firm and
// single-country knock-outs, explained.
func (n *necessity) answer(k *knocker) (int, []Knockout, []Knockout) {
	q := n.question(k)
	var shared []int32
	for _, g := range q.goals {
		shared = union(nil, shared, n.ks[g])
	}
	var kos, atoms []int32
	for _, c := range shared {
		if !q.special[c] {
			kos = append(kos, c)
			continue
		}
		if k.exempt[c] {
			continue
		}
		if atoms == nil {
			atoms = q.exemptAtoms()
			if len(atoms) == 0 {
				atoms = []int32{} // none: asked once
			}
		}
		q.rm[c] = k.removalOf([]int32{c})
		q.holds[c] = q.deadUnder(c, atoms)
		for _, g := range q.goals {
			if q.inK(g, c) {
				kos = append(kos, c)
				break
			}
		}
	}
	for _, c := range kos {
		if q.rm[c] == nil {
			q.rm[c] = k.removalOf([]int32{c})
		}
	}
	firms, countries := q.explain(kos)
	return q.candidates(), firms, countries
}

// candidates counts the firms and countries, not the holder's, that may
// take away an atom of the witness derivation of the goals (see walk).
func (q *question) candidates() int {
	n := q.n
	var atoms []int32
	seen := &n.seen
	seen.reset(len(n.nodes))
	stack := slices.Clone(q.goals)
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen.has(i) {
			continue
		}
		seen.add(i)
		if n.support[i] < 0 {
			// Not derivable in the replay (it should be): every atom then
			// stands in for the derivation, which keeps the count a bound.
			atoms = atoms[:0]
			for ai := range n.atoms {
				atoms = append(atoms, int32(ai))
			}
			break
		}
		a := n.nodes[i].alts[n.support[i]]
		if a.atom >= 0 {
			atoms = append(atoms, a.atom)
		}
		stack = append(stack, a.kids...)
	}
	cands := &n.seen // free again: the derivation's nodes are walked
	cands.reset(n.e.s.NumNodes())
	count := 0
	for _, ai := range atoms {
		for _, c := range n.removersOf(ai) {
			if !q.k.exempt[c] && !cands.has(c) {
				cands.add(c)
				count++
			}
		}
	}
	return count
}

// removersOf returns the firms and countries that may take atom ai away
// (see walk), sorted; kept per graph, since they depend on the day alone.
func (n *necessity) removersOf(ai int32) []int32 {
	if len(n.removers) < len(n.atoms) {
		n.removers = append(n.removers, make([][]int32, len(n.atoms)-len(n.removers))...)
	}
	if rs := n.removers[ai]; rs != nil {
		return rs
	}
	rs := []int32{}
	n.walk(n.atoms[ai], map[int32]bool{}, func(c int32) {
		if c < 0 {
			return
		}
		if kind := n.w.s.Node(c).Kind; kind == graph.KindFirm || kind == graph.KindCountry {
			rs = append(rs, c)
		}
	})
	slices.Sort(rs)
	rs = slices.Compact(rs)
	n.removers[ai] = rs
	return rs
}

// explain describes the knock-outs kos (candidates, sorted): the goals
// each fails, what it takes down first (the items that lose a route, an
// in-house maker or a serviced installed base to it, and the fabs it
// removes, where the node relying on them fails), the OR-alternatives it
// cuts together, the share and the path. One pass over the failing part of
// the graph serves every knock-out.
func (q *question) explain(kos []int32) (firms, countries []Knockout) {
	n, k, e := q.n, q.k, q.n.e
	hubs := q.hubsFor(kos)
	nodes, w, hit := q.failing(kos, nil, hubs)
	if w == 0 {
		return nil, nil // no knock-outs
	}
	defer q.release()
	down, cut := q.marks(kos, nodes, func(v int32) []uint64 { return n.relBuf[int(v)*w : int(v)*w+w] })
	hubDown := make([][]int32, len(kos)) // position -> what it takes down in its hub's closure, sorted
	for j, h := range hubs {
		if h != nil && hit[j] { // the walk reached the core: the whole closure fails
			n.hubHits++
			if h.lost != nil {
				n.hubLessened++
			}
			ds, cs := h.down.items, h.cut.items
			if q.special[kos[j]] {
				ds, cs = q.hubMarks(h, kos[j])
			}
			hubDown[j] = ds
			cut[j] = append(cut[j], cs...)
		}
	}
	for j, c := range kos {
		ko := Knockout{Removed: []graph.ID{e.s.Node(c).ID}, KnocksOut: true}
		for gi, g := range k.goals {
			if q.inK(q.goals[gi], c) {
				ko.Fails = append(ko.Fails, e.s.Node(g).ID)
			}
		}
		walked := settled(down[j])
		ds := union(nil, walked, hubDown[j])
		for _, v := range ds {
			ko.TakesDown = append(ko.TakesDown, e.s.Node(v).ID)
		}
		cs := settled(cut[j])
		hit := make(map[int32]bool, len(cs))
		for _, x := range cs {
			hit[x] = true
		}
		ko.DominatedAlternatives = k.dominated(hit, cs)
		ko.AlternativeAlsoDominated = len(ko.DominatedAlternatives) > 0
		// The share: over what was walked, and over the hub's closure, once
		// per hub where the exemption changes neither the removal nor the
		// closure.
		best, bestOf := k.bestShare(c, q.rm[c], n.withShare(k, c, walked))
		if hd := hubDown[j]; hd != nil {
			var hb float64
			var hbOf int32
			if h := hubs[j]; q.special[c] {
				hb, hbOf = k.bestShare(c, q.rm[c], n.withShare(k, c, hd))
			} else {
				if h.best == nil {
					s, of := k.bestShare(c, q.rm[c], n.withShare(k, c, hd))
					h.best = &heldShare{s, of}
				}
				hb, hbOf = h.best.share, h.best.of
			}
			if hbOf >= 0 && (hb > best || hb == best && hbOf < bestOf) {
				best, bestOf = hb, hbOf
			}
		}
		k.explainBest(&ko, c, best, bestOf, ds)
		if e.s.Node(c).Kind == graph.KindCountry {
			countries = append(countries, ko)
		} else {
			firms = append(firms, ko)
		}
	}
	return firms, countries
}

// marks returns, for each knock-out kos[j], what it takes down (down[j])
// and the required items whose every route it cuts (cut[j]) at the
// failing nodes given (rel gives their sets, see failing), with repeats:
// an item counts once per node and alternative marking it.
func (q *question) marks(kos, nodes []int32, rel func(int32) []uint64) (down, cut [][]int32) {
	n := q.n
	w := (len(kos) + 63) / 64
	down = make([][]int32, len(kos)) // position -> what it takes down, with repeats
	cut = make([][]int32, len(kos))  // position -> the required items whose every route it cuts
	mark := func(m [][]int32, r []uint64, v int32) {
		for wi, x := range r {
			for ; x != 0; x &= x - 1 {
				j := wi<<6 + bits.TrailingZeros64(x)
				m[j] = append(m[j], v)
			}
		}
	}
	// Over the knock-outs, once per question: which take each atom away,
	// which cut every route to each required item.
	if len(n.atomMasks) < len(n.atoms) {
		n.atomMasks = make([][]uint64, len(n.atoms))
	}
	atomMasks := n.atomMasks // atom -> its mask, nil until met
	var metAtoms []int32
	defer func() {
		for _, ai := range metAtoms {
			atomMasks[ai] = nil
		}
	}()
	cutMasks := map[int32][]uint64{}
	var pool []uint64
	overKos := func(set []int32, gone func(c int32) bool) []uint64 {
		if len(pool) < w {
			pool = make([]uint64, max(w, 1<<14))
		}
		m := pool[:w:w]
		pool = pool[w:]
		eachCommon(set, kos, func(_, j int) {
			if !q.special[kos[j]] {
				m[j>>6] |= 1 << (uint(j) & 63)
			}
		})
		for j, c := range kos {
			if q.special[c] && gone(c) {
				m[j>>6] |= 1 << (uint(j) & 63)
			}
		}
		return m
	}
	atomMask := func(ai int32) []uint64 {
		if m := atomMasks[ai]; m != nil {
			return m
		}
		m := overKos(n.abits[ai], func(c int32) bool { return q.atomGone(ai, c) })
		atomMasks[ai] = m
		metAtoms = append(metAtoms, ai)
		return m
	}
	cutMask := func(x int32) []uint64 {
		if m, ok := cutMasks[x]; ok {
			return m
		}
		m := overKos(n.cutAll(x), func(c int32) bool { return q.cutAllGone(x, c) })
		cutMasks[x] = m
		return m
	}
	t, gone := make([]uint64, w), make([]uint64, w)
	and := func(dst, a, b []uint64) bool {
		any := false
		for i := range dst {
			dst[i] = a[i] & b[i]
			any = any || dst[i] != 0
		}
		return any
	}
	for _, i := range nodes {
		r := rel(i)
		nd := &n.nodes[i]
		switch nd.kind {
		case nodeClause:
			for _, a := range nd.cl.alts {
				if and(t, r, cutMask(a.node)) {
					mark(cut, t, a.node)
				}
			}
			continue
		case nodeMake:
			continue
		}
		clear(gone) // the knock-outs taking an alternative's atom away: they take nd.x down
		for _, a := range nd.alts {
			if a.atom < 0 {
				continue
			}
			if at := n.atoms[a.atom]; at.kind == atomFab {
				if and(t, r, atomMask(a.atom)) {
					mark(down, t, at.a)
				}
				continue
			}
			for wi, x := range atomMask(a.atom) {
				gone[wi] |= r[wi] & x
			}
		}
		if anyBit(gone) {
			mark(down, gone, nd.x)
		}
	}
	return down, cut
}

// failing returns, for each node that fails on the way down from a goal,
// the knock-outs (bit j for kos[j], w words) under which it does: a goal
// fails under the knock-outs in its K, and a child of a failing node fails
// with it under those in the child's K (the least fixed point). A node
// false under a removal but not needed by any failing parent (another
// holder's production the goal does not rely on) is left out, so that what
// a knock-out "takes down" is what makes the goal fail. The nodes are
// taken parents first (the components in the reverse of the order solve
// found them), so a node passes its set on once, when it is complete;
// within a cycle, what a member gains is passed on until nothing changes.
//
// The result is the failing nodes, in that order, and the sets of every
// node in n.relBuf (w words per node), valid until release.
//
// roots, if given, replaces the goals: the walk for kos[j] starts at
// roots[j] alone (see buildHubs). hubs[j], if not nil, is the hub of
// kos[j]: the walk stops that knock-out at the hub's core, and once it met
// the core, at the closure too (the whole closure fails then, and the
// hub's marks say what it takes down there). hit[j] reports whether the
// walk met the core. A node of the closure met before the core is walked
// as any other: the walk never has to be done again.
func (q *question) failing(kos, roots []int32, hubs []*hub) (nodes []int32, w int, hit []bool) {
	n := q.n
	w = (len(kos) + 63) / 64
	if w == 0 {
		return nil, 0, nil
	}
	var hubbed, met []uint64 // the positions with a hub; those that met its core
	for j, h := range hubs {
		if h != nil {
			if hubbed == nil {
				hubbed, met = make([]uint64, w), make([]uint64, w)
			}
			hubbed[j>>6] |= 1 << (uint(j) & 63)
		}
	}
	special := make([]*nodeSet, len(kos)) // position -> the nodes holding under its exempted removal, for a special knock-out
	for j, c := range kos {
		if q.special[c] {
			special[j] = q.holds[c]
		}
	}
	size := len(n.nodes) * w
	// With room, as the graph grows with each new question. The scratch is
	// left clear by release.
	if len(n.relBuf) < size {
		n.relBuf, n.maskBuf = make([]uint64, size+size/2), make([]uint64, size+size/2)
	}
	if len(n.masked) < len(n.nodes) {
		n.masked, n.queued = make([]bool, len(n.nodes)+len(n.nodes)/2), make([]bool, len(n.nodes)+len(n.nodes)/2)
	}
	rel, masks := n.relBuf[:size], n.maskBuf[:size]
	var touched []int32              // nodes whose mask or set was written
	mask := func(v int32) []uint64 { // K(v) over the knock-outs
		m := masks[int(v)*w : int(v)*w+w]
		if n.masked[v] {
			return m
		}
		n.masked[v] = true
		touched = append(touched, v)
		eachCommon(n.ks[v], kos, func(_, j int) {
			if !special[j].has(v) {
				m[j>>6] |= 1 << (uint(j) & 63)
			}
		})
		return m
	}
	seg := func(v int32) []uint64 { return rel[int(v)*w : int(v)*w+w] }
	// pass ORs what v fails under (but the knock-outs stopped at v, see
	// hubs), restricted to each child's K, into the child; it reports the
	// children of component comp that gained, and marks the components of
	// the others that gained as reached.
	var gained []int32
	var fwd []uint64
	if hubbed != nil {
		fwd = make([]uint64, w)
	}
	pass := func(v, comp int32) {
		rv := seg(v)
		if hubbed != nil {
			copy(fwd, rv)
			for wi := range rv {
				for x := rv[wi] & hubbed[wi]; x != 0; x &= x - 1 {
					j := wi<<6 + bits.TrailingZeros64(x)
					b := uint64(1) << (uint(j) & 63)
					switch h := hubs[j]; {
					case h.inCore(v):
						met[wi] |= b
						fwd[wi] &^= b
					case met[wi]&b != 0 && h.has(v):
						fwd[wi] &^= b
					}
				}
			}
			rv = fwd
		}
		for _, a := range n.nodes[v].alts {
			for _, u := range a.kids {
				mu, ru := mask(u), seg(u)
				grew := false
				for i := range rv {
					if add := rv[i] & mu[i] &^ ru[i]; add != 0 {
						ru[i] |= add
						grew = true
					}
				}
				if !grew {
					continue
				}
				if cu := n.compOf[u]; cu == comp {
					gained = append(gained, u)
				} else {
					n.reach(cu)
				}
			}
		}
	}
	if words := (len(n.compEnd) + 63) / 64; len(n.due) < words {
		n.due = make([]uint64, words)
	}
	if roots != nil {
		for j, r := range roots {
			seg(r)[j>>6] |= mask(r)[j>>6] & (1 << (uint(j) & 63))
			n.reach(n.compOf[r])
		}
	} else {
		for _, g := range q.goals {
			copy(seg(g), mask(g))
			n.reach(n.compOf[g])
		}
	}
	walkComp := func(ci int32) {
		from := int32(0)
		if ci > 0 {
			from = n.compEnd[ci-1]
		}
		c := n.order[from:n.compEnd[ci]]
		if !n.cyclic[ci] {
			if anyBit(seg(c[0])) {
				nodes = append(nodes, c[0])
				pass(c[0], -1)
			}
			return
		}
		// First in, first out, each member queued once however often it
		// gains before its turn: it then passes on all it gained at once.
		var work []int32
		for _, v := range c {
			if anyBit(seg(v)) {
				work = append(work, v)
				n.queued[v] = true
			}
		}
		for head := 0; head < len(work); head++ {
			v := work[head]
			n.queued[v] = false
			gained = gained[:0]
			pass(v, ci)
			for _, u := range gained {
				if !n.queued[u] {
					n.queued[u] = true
					work = append(work, u)
				}
			}
		}
		for _, v := range c {
			if anyBit(seg(v)) {
				nodes = append(nodes, v)
			}
		}
	}
	// The components in the reverse of the order solve found them (parents
	// first), only those the walk reaches: a child's component comes before
	// its parent's, so it is reached before it is taken.
	for wi := len(n.due) - 1; wi >= 0; wi-- {
		for n.due[wi] != 0 {
			b := 63 - bits.LeadingZeros64(n.due[wi])
			n.due[wi] &^= 1 << uint(b)
			walkComp(int32(wi<<6 + b))
		}
	}
	if hubbed != nil {
		hit = make([]bool, len(kos))
		for j := range kos {
			hit[j] = met[j>>6]>>(uint(j)&63)&1 != 0
		}
	}
	q.release = func() {
		for _, v := range touched {
			n.masked[v] = false
			clear(masks[int(v)*w : int(v)*w+w])
			clear(rel[int(v)*w : int(v)*w+w])
		}
		for _, g := range q.goals {
			clear(seg(g))
		}
		for _, r := range roots {
			clear(seg(r))
		}
	}
	return nodes, w, hit
}

// reach marks component ci as reached by the walk (see failing).
func (n *necessity) reach(ci int32) {
	if ci >= 0 { // not solved: not walked
		n.due[ci>>6] |= 1 << (uint(ci) & 63)
	}
}

// withShare returns the items of s (sorted) where candidate c may have a
// known share (see knocker.shareItems, kept per graph), in order.
func (n *necessity) withShare(k *knocker, c int32, s []int32) []int32 {
	items, ok := n.shareItems[c]
	if !ok {
		if n.shareItems == nil {
			n.shareItems = map[int32][]int32{}
		}
		items = k.shareItems(c)
		n.shareItems[c] = items
	}
	return intersect(nil, s, items)
}

// nodeSet is a set of nodes: a bit set over the graph's nodes and the list
// of its members, in the order added. The nil set is empty.
type nodeSet struct {
	bits []uint64
	list []int32
}

func newNodeSet(nodes int) *nodeSet { return &nodeSet{bits: make([]uint64, (nodes+63)/64)} }

func (s *nodeSet) has(v int32) bool { return s != nil && bitHas(s.bits, v) }

func (s *nodeSet) add(v int32) {
	if !bitHas(s.bits, v) {
		s.bits[v>>6] |= 1 << (uint(v) & 63)
		s.list = append(s.list, v)
	}
}

// stampSet is a set of nodes in scratch that is emptied in constant time:
// a node is in it when stamped with the current epoch.
type stampSet struct {
	at    []uint32
	epoch uint32
}

// reset empties the set, making room for nodes 0..size-1 (with more, as
// graphs grow).
func (s *stampSet) reset(size int) {
	if len(s.at) < size {
		s.at, s.epoch = make([]uint32, size+size/2), 0
	}
	if s.epoch++; s.epoch == 0 { // wrapped: no stamp may be taken for the new epoch's
		clear(s.at)
		s.epoch = 1
	}
}

func (s *stampSet) has(v int32) bool { return s.at[v] == s.epoch }
func (s *stampSet) add(v int32)      { s.at[v] = s.epoch }

// anyBit reports whether a word of s is not zero.
func anyBit(s []uint64) bool {
	for _, x := range s {
		if x != 0 {
			return true
		}
	}
	return false
}
