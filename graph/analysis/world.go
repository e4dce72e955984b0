package analysis

import (
	"context"
	"slices"

	"github.com/chipgraph/chipgraph/graph"
)

// world is the graph on one day with one set of active controls, plus the
// per-query caches the feasibility evaluation reads. It is not safe for
// concurrent use.
type world struct {
	e    *Engine
	s    *graph.Snapshot
	asOf graph.Date

	ctls     []*ctl
	byCover  map[int32][]int // covered node -> controls (indexes into ctls)
	coverAll []int

	// Licensing: the licence grants in force, the tolerance at which flows
	// pass (see Level; Licensed unless a graded verdict asks otherwise),
	// and whether any control could grade a flow above Blocked.
	grants     []*ctl
	tol        Level
	lenient    bool          // a grant in force or a control presuming approval
	caseByCase bool          // a control reviewing case by case
	profGrants map[int][]int // profile -> the grants (indexes into grants) binding its holders
	stockpiles bool          // observed stockpiles count as held (ScenarioOptions.CountStockpiles)

	// ctx stops an evaluation that its caller gave up on (a request's
	// timeout): the evaluation checks it every stopEvery steps and, once it
	// is done, settles nothing more and records err.
	ctx   context.Context
	steps uint32
	err   error

	hqs      map[int32]int32
	keySets  map[int32][]int32
	houses   map[int32][]int32
	fabSets  map[int32][]int32
	ups      map[int32][]rel
	downs    map[int32][]rel
	makers   map[int32][]supplier
	srcs     map[int32][]route
	clauseOf map[int32][]clause
	fabsOf   map[int32][]rel
	covering map[int32][]int
	taints   map[[3]int32]taint
	from     map[[2]int32]int32

	heldBy map[int32]map[int32][]held // holder -> item -> installed-base edges standing for it
	shared *feasCache                 // settled results shared by the epoch's queries; nil with hypothetical controls

	// rm, when set, removes suppliers and fabs (see knockout.go); legal is
	// then the same world without the removal, which answers what the law
	// reads (control reach, the vendors of a tool). Both nil otherwise.
	rm    *removal
	legal *world

	// Control profiles (see profile): profile 0 binds nothing.
	profOf    map[int32]int
	profSets  [][]bool // profile -> control index -> binds
	profIndex map[string]int
}

// rel is a node reached from another through a chain of edges: parent is
// the position of the node it was reached from in the same list (-1 for the
// start), edge the edge taken.
type rel struct {
	node, edge, parent int32
}

// supplier is a firm or country that makes or supplies an item, with the
// edge that says so.
type supplier struct{ node, edge int32 }

// route is a way to buy x: supplier sup delivers y, an item in down(x).
type route struct {
	y, down int32 // y and its position in down(x)
	sup     supplier
}

// clause is one AND-term of an item's requirements: any one of alts will do.
// Ungrouped requirements are clauses of one alternative.
type clause struct {
	owner int32 // the item (y or a category y belongs to) the requirement is recorded on
	group string
	alts  []rel // rel.node: the required item; rel.edge: the REQUIRES edge
}

// newWorld collects the controls active at asOf: recorded events with a
// reach ("hq" or "fdp") that are effective, unexpired and not rescinded, and
// the hypothetical ones in effect.
func (e *Engine) newWorld(asOf graph.Date, hs []hypo) *world {
	w := &world{
		e: e, s: e.s, asOf: asOf,
		byCover: map[int32][]int{},
		hqs:     map[int32]int32{}, keySets: map[int32][]int32{}, houses: map[int32][]int32{}, fabSets: map[int32][]int32{},
		ups: map[int32][]rel{}, downs: map[int32][]rel{}, makers: map[int32][]supplier{}, srcs: map[int32][]route{},
		clauseOf: map[int32][]clause{}, fabsOf: map[int32][]rel{}, covering: map[int32][]int{},
		taints: map[[3]int32]taint{}, from: map[[2]int32]int32{},
		profOf: map[int32]int{}, profSets: [][]bool{nil}, profIndex: map[string]int{"": 0},
		heldBy: map[int32]map[int32][]held{},
		tol:    Licensed, profGrants: map[int][]int{},
	}
	rescinded := map[int32]bool{}
	for _, h := range hs {
		if h.effective == 0 || h.effective <= asOf {
			for _, r := range h.rescinds {
				rescinded[r] = true
			}
		}
	}
	for _, ev := range e.events {
		if rescinded[ev] {
			continue
		}
		if c := e.recordedControl(ev, asOf); c != nil {
			w.add(c)
		} else if g := e.recordedGrant(ev, asOf); g != nil {
			w.grants = append(w.grants, g)
			w.lenient = true
		}
	}
	for i := range hs {
		h := &hs[i]
		if (h.effective == 0 || h.effective <= asOf) && (h.expires == 0 || asOf < h.expires) {
			c := h.ctl
			if c.effective == 0 {
				c.effective = asOf // in effect from asOf: installed base before it is protected
			}
			w.add(&c)
		}
	}
	w.extendToAffiliates()
	for _, c := range w.ctls {
		w.lenient = w.lenient || c.policy == graph.PresumptionOfApproval
		w.caseByCase = w.caseByCase || c.policy == graph.CaseByCase
	}
	return w
}

func (w *world) add(c *ctl) {
	i := len(w.ctls)
	w.ctls = append(w.ctls, c)
	if c.coversAll {
		w.coverAll = append(w.coverAll, i)
	}
	for _, x := range c.covers {
		w.byCover[x] = append(w.byCover[x], i)
	}
}

// hq returns the headquarters country of a firm, a country itself, or -1.
func (w *world) hq(f int32) int32 {
	if f < 0 {
		return -1
	}
	if w.s.Node(f).Kind == graph.KindCountry {
		return f
	}
	if c, ok := w.hqs[f]; ok {
		return c
	}
	c := int32(-1)
	if hs := w.e.outVisible(f, graph.HeadquarteredIn, w.asOf); len(hs) > 0 {
		c = hs[0]
	}
	w.hqs[f] = c
	return c
}

// keys returns what a recorded control must target to bind holder h: a
// firm and its headquarters country; a fab, its operator, the operator's
// headquarters country and the country the fab stands in; a country holder
// is itself. A listing of a parent firm does not bind its subsidiaries by
// itself (the listing names each party; ownership rules add affiliates).
func (w *world) keys(h int32) []int32 {
	if h < 0 {
		return nil
	}
	if ks, ok := w.keySets[h]; ok {
		return ks
	}
	ks := []int32{h}
	add := func(k int32) {
		if k >= 0 && !slices.Contains(ks, k) {
			ks = append(ks, k)
		}
	}
	switch w.s.Node(h).Kind {
	case graph.KindFirm:
		add(w.hq(h))
	case graph.KindFab:
		if op := w.operator(h); op >= 0 {
			add(op)
			add(w.hq(op))
		}
		add(w.location(h))
	}
	w.keySets[h] = ks
	return ks
}

// parents returns the firms h (a firm, or a fab's operator) is a subsidiary
// of, transitively.
func (w *world) parents(h int32) []int32 {
	if h >= 0 && w.s.Node(h).Kind == graph.KindFab {
		h = w.operator(h)
	}
	if h < 0 || w.s.Node(h).Kind != graph.KindFirm {
		return nil
	}
	var ps []int32
	for i, f := -1, h; ; i++ {
		for _, p := range w.e.outVisible(f, graph.SubsidiaryOf, w.asOf) {
			if p != h && !slices.Contains(ps, p) {
				ps = append(ps, p)
			}
		}
		if i+1 >= len(ps) {
			return ps
		}
		f = ps[i+1]
	}
}

// targeted reports whether control c targets holder h: one of h's keys (or
// extra, a fab's location when its installed base is in question), or, for
// a control binding whole groups, a parent of h.
func (w *world) targeted(c *ctl, h, extra int32) bool {
	if intersects(c.targets, w.keys(h)) || (extra >= 0 && slices.Contains(c.targets, extra)) {
		return true
	}
	return c.group && intersects(c.targets, w.parents(h))
}

// exempted reports whether control c exempts holder h: one of its keys,
// extra, or a parent of h (an exemption of a group covers its members).
func (w *world) exempted(c *ctl, h, extra int32) bool {
	if len(c.exempts) == 0 {
		return false
	}
	return intersects(c.exempts, w.keys(h)) || (extra >= 0 && slices.Contains(c.exempts, extra)) ||
		intersects(c.exempts, w.parents(h))
}

// house returns the firms of h's group whose capabilities h has in-house:
// h and its subsidiaries, transitively. Countries and the anonymous buyer
// have none.
func (w *world) house(h int32) []int32 {
	if h >= 0 && w.s.Node(h).Kind == graph.KindFab {
		if op := w.operator(h); op >= 0 {
			return w.house(op) // a fab draws on its operator's group
		}
		return nil
	}
	if h < 0 || w.s.Node(h).Kind != graph.KindFirm {
		return nil
	}
	if hs, ok := w.houses[h]; ok {
		return hs
	}
	var hs []int32
	for f := range w.e.firmGroup(h, w.asOf) {
		hs = append(hs, f)
	}
	slices.Sort(hs)
	w.houses[h] = hs
	return hs
}

func (w *world) inHouse(h, f int32) bool {
	_, ok := slices.BinarySearch(w.house(h), f)
	return ok
}

// fabs returns the fabs operated by h's group.
func (w *world) fabs(h int32) []int32 {
	if fs, ok := w.fabSets[h]; ok {
		return fs
	}
	var fs []int32
	if w.s.Node(h).Kind == graph.KindFab {
		fs = []int32{h} // a fab holder holds its own installed base
		w.fabSets[h] = fs
		return fs
	}
	for _, f := range w.house(h) {
		for _, ed := range w.e.in(f, graph.OperatedBy) {
			if visible(w.s.Edge(ed), w.asOf) {
				fab, _ := w.s.Ends(ed)
				if w.rm != nil && w.rm.fabs[fab] {
					continue
				}
				fs = append(fs, fab)
			}
		}
	}
	slices.Sort(fs)
	fs = slices.Compact(fs)
	w.fabSets[h] = fs
	return fs
}

// held is an installed-base edge: fab is equipped with tool (edge ed).
type held struct{ fab, tool, ed int32 }

// installedBase returns, for holder h, every item its group's fabs hold an
// instance or subtype of (the tool itself and the categories above it),
// with the installed-base edges that stand for it.
func (w *world) installedBase(h int32) map[int32][]held {
	if m, ok := w.heldBy[h]; ok {
		return m
	}
	var m map[int32][]held
	for _, f := range w.fabs(h) {
		for _, ed := range w.e.out(f, graph.EquippedWith) {
			if !visible(w.s.Edge(ed), w.asOf) {
				continue
			}
			_, tool := w.s.Ends(ed)
			if m == nil {
				m = map[int32][]held{}
			}
			for _, u := range w.up(tool) {
				m[u.node] = append(m[u.node], held{f, tool, ed})
			}
		}
	}
	w.heldBy[h] = m
	return m
}

func (w *world) operator(fab int32) int32 {
	op, _ := w.operatorEdge(fab)
	return op
}

// operatorEdge returns the firm operating fab at asOf and the OPERATED_BY
// edge, or -1, -1.
func (w *world) operatorEdge(fab int32) (int32, int32) {
	for _, ed := range w.e.out(fab, graph.OperatedBy) {
		if visible(w.s.Edge(ed), w.asOf) {
			_, op := w.s.Ends(ed)
			return op, ed
		}
	}
	return -1, -1
}

func (w *world) location(fab int32) int32 {
	if ls := w.e.outVisible(fab, graph.LocatedIn, w.asOf); len(ls) > 0 {
		return ls[0]
	}
	return -1
}

// up returns x and every input it is an instance or subtype of
// (INSTANCE_OF / TYPE_OF, transitively): the categories whose requirements
// x inherits and whose coverage by a control covers x.
func (w *world) up(x int32) []rel {
	if r, ok := w.ups[x]; ok {
		return r
	}
	r := w.closure(x, func(v int32) []int32 {
		return append(slices.Clip(w.e.out(v, graph.InstanceOf)), w.e.out(v, graph.TypeOf)...)
	}, false)
	w.ups[x] = r
	return r
}

// down returns x and every product or input that is an instance or subtype
// of it, transitively: what can stand in for x.
func (w *world) down(x int32) []rel {
	if r, ok := w.downs[x]; ok {
		return r
	}
	r := w.closure(x, func(v int32) []int32 {
		return append(slices.Clip(w.e.in(v, graph.InstanceOf)), w.e.in(v, graph.TypeOf)...)
	}, true)
	w.downs[x] = r
	return r
}

func (w *world) closure(x int32, edges func(int32) []int32, back bool) []rel {
	r := []rel{{x, -1, -1}}
	seen := map[int32]bool{x: true}
	for i := 0; i < len(r); i++ {
		for _, ed := range edges(r[i].node) {
			if !visible(w.s.Edge(ed), w.asOf) {
				continue
			}
			f, t := w.s.Ends(ed)
			next := t
			if back {
				next = f
			}
			if !seen[next] {
				seen[next] = true
				r = append(r, rel{next, ed, int32(i)})
			}
		}
	}
	return r
}

func inUp(r []rel, x int32) bool {
	for _, v := range r {
		if v.node == x {
			return true
		}
	}
	return false
}

// makersOf returns the firms that make or supply y (MAKES, or SUPPLIES
// other than aggregate rows) and, after them, the countries that supply it,
// each once, in ID order within each part.
func (w *world) makersOf(y int32) []supplier {
	if ms, ok := w.makers[y]; ok {
		return ms
	}
	var firms, countries []supplier
	for _, k := range []graph.EdgeKind{graph.Makes, graph.Supplies} {
		for _, ed := range w.e.in(y, k) {
			edge := w.s.Edge(ed)
			if !visible(edge, w.asOf) || edge.Aggregate() {
				continue
			}
			f, _ := w.s.Ends(ed)
			if w.s.Node(f).Kind == graph.KindCountry {
				countries = append(countries, supplier{f, ed})
			} else {
				firms = append(firms, supplier{f, ed})
			}
		}
	}
	byNode := func(a, b supplier) int { return int(a.node) - int(b.node) }
	sameNode := func(a, b supplier) bool { return a.node == b.node }
	slices.SortStableFunc(firms, byNode)
	slices.SortStableFunc(countries, byNode)
	ms := append(slices.CompactFunc(firms, sameNode), slices.CompactFunc(countries, sameNode)...)
	if w.rm != nil {
		ms = w.rm.makers(w, y, ms)
	}
	w.makers[y] = ms
	return ms
}

func (w *world) isFirm(i int32) bool { return i >= 0 && w.s.Node(i).Kind == graph.KindFirm }

// sources returns the ways to buy x: every firm that makes or supplies x or
// an instance or subtype of it; only if there is none, the countries
// recorded as supplying them (a country row then stands for "firms
// headquartered there"). Aggregate providers never deliver.
//
// A supplier's row on a category is its market share over the models it
// sells; when the same supplier is also recorded with instances or subtypes
// of that category, those specific items stand for its supply, and the
// category row is not a route of its own. Otherwise a control covering
// every recorded model (the Dutch rules on NXT:1970i ... NXT:2100i) would
// leave "ASML supplies ArF immersion tools" as an uncovered way around it.
func (w *world) sources(x int32) []route {
	if rs, ok := w.srcs[x]; ok {
		return rs
	}
	if w.rm != nil {
		rs := w.rm.sources(w, x)
		w.srcs[x] = rs
		return rs
	}
	down := w.down(x)
	var firms, countries []route
	for i, d := range down {
		for _, sp := range w.makersOf(d.node) {
			r := route{d.node, int32(i), sp}
			if w.isFirm(sp.node) {
				firms = append(firms, r)
			} else {
				countries = append(countries, r)
			}
		}
	}
	rs := narrower(w, firms)
	if len(rs) == 0 {
		rs = narrower(w, countries)
	}
	w.srcs[x] = rs
	return rs
}

// narrower drops a route (y, S) when S also has a route to an item below y
// (an instance or subtype of it).
func narrower(w *world, rs []route) []route {
	out := rs[:0:0]
	for _, r := range rs {
		covered := false
		for _, o := range rs {
			if o.sup.node == r.sup.node && o.y != r.y && inUp(w.up(o.y), r.y) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, r)
		}
	}
	return out
}

// makesInHouse reports whether h's group makes or supplies y.
func (w *world) makesInHouse(h, y int32) bool {
	if len(w.house(h)) == 0 {
		return false
	}
	for _, sp := range w.makersOf(y) {
		if w.inHouse(h, sp.node) {
			return true
		}
	}
	return false
}

// clauses returns y's requirements: the REQUIRES edges of y and of every
// category it inherits from (up), visible at asOf, as AND-clauses of
// OR-alternatives (requirements of one owner sharing a non-empty group).
func (w *world) clauses(y int32) []clause {
	if cs, ok := w.clauseOf[y]; ok {
		return cs
	}
	var cs []clause
	for _, u := range w.up(y) {
		start := len(cs)
		for _, ed := range w.e.out(u.node, graph.Requires) {
			edge := w.s.Edge(ed)
			if !visible(edge, w.asOf) {
				continue
			}
			_, to := w.s.Ends(ed)
			alt := rel{to, ed, -1}
			if edge.Group != "" {
				j := slices.IndexFunc(cs[start:], func(c clause) bool { return c.group == edge.Group })
				if j >= 0 {
					cs[start+j].alts = append(cs[start+j].alts, alt)
					continue
				}
			}
			cs = append(cs, clause{owner: u.node, group: edge.Group, alts: []rel{alt}})
		}
	}
	w.clauseOf[y] = cs
	return cs
}

// fabbedAt returns the fabs y is recorded as fabricated at (FABRICATED_AT,
// visible at asOf), with the edges.
func (w *world) fabbedAt(y int32) []rel {
	if fs, ok := w.fabsOf[y]; ok {
		return fs
	}
	var fs []rel
	for _, ed := range w.e.out(y, graph.FabricatedAt) {
		if visible(w.s.Edge(ed), w.asOf) {
			_, f := w.s.Ends(ed)
			fs = append(fs, rel{f, ed, -1})
		}
	}
	w.fabsOf[y] = fs
	return fs
}

func (w *world) id(i int32) graph.ID {
	if i < 0 {
		return "an unrestricted buyer"
	}
	return w.s.Node(i).ID
}

// stopEvery is how many evaluation steps pass between checks of ctx.
const stopEvery = 256

// stopped reports whether the world's evaluation must stop: its context is
// done (checked every stopEvery calls). The first time, it records the
// context's error in w.err.
func (w *world) stopped() bool {
	if w.err != nil {
		return true
	}
	if w.ctx == nil {
		return false
	}
	if w.steps++; w.steps%stopEvery != 1 { // the first step checks too
		return false
	}
	if err := w.ctx.Err(); err != nil {
		w.err = err
		return true
	}
	return false
}
