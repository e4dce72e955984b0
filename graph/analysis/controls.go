package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
)

// Control is a hypothetical export control for Feasibility and Scenario. It
// has the same semantics as a recorded control event (see Feasibility).
type Control struct {
	// ID names the control in results; empty means "event:scenario-N" for
	// the N-th control given (1-based).
	ID        graph.ID
	Issuer    graph.ID   // the issuing jurisdiction (a country)
	Covers    []graph.ID // inputs or products; their instances and subtypes are covered too
	CoversAll bool       // covers every item
	Targets   []graph.ID // firms or countries; a firm's subsidiaries are covered through it
	Exempts   []graph.ID // firms, countries, products or inputs exempted
	// Rescinds lists recorded control events that this hypothetical one
	// rescinds from Effective on: a scenario can remove controls too.
	Rescinds  []graph.ID
	Effective graph.Date // first day it applies; zero: already in effect at asOf
	Expires   graph.Date // first day it no longer applies; zero: open
	Title     string
	// Reach is "hq" (default: binds suppliers headquartered in the issuer's
	// jurisdiction) or "fdp" (also suppliers whose production of the item
	// depends on the issuer's jurisdiction; see Feasibility).
	Reach string
	// Kind is "" for an ordinary control, or ServicingBan.
	Kind string
}

// ServicingBan is the event kind (Node.EventKind, Control.Kind) of a control
// that withdraws servicing and spare parts for tools already installed: it
// makes a fab's installed base of the covered tools unusable for the targeted
// holders once every vendor of those tools is within the reach of a ban.
// Ordinary controls restrict only new flows.
const ServicingBan = "servicing-ban"

// ctl is a control, recorded or hypothetical, active on the evaluation day.
type ctl struct {
	id        graph.ID
	title     string
	issuer    int32 // -1: unknown, reaches nobody
	covers    []int32
	coversAll bool
	targets   []int32
	exempts   []int32
	fdp       bool
	servicing bool
	effective graph.Date // zero: always
	hypo      bool
}

// hypo is a validated, resolved hypothetical control (not yet filtered by date).
type hypo struct {
	ctl
	expires  graph.Date
	rescinds []int32
}

// resolveControls validates hypothetical controls and resolves their IDs.
func (e *Engine) resolveControls(op string, cs []Control) ([]hypo, error) {
	out := make([]hypo, 0, len(cs))
	for i, c := range cs {
		h := hypo{ctl: ctl{id: c.ID, title: c.Title, coversAll: c.CoversAll, effective: c.Effective, hypo: true}, expires: c.Expires}
		if h.id == "" {
			h.id = graph.ID(fmt.Sprintf("event:scenario-%d", i+1))
		}
		if h.title == "" {
			h.title = "hypothetical control " + string(h.id)
		}
		switch c.Reach {
		case "", "hq":
		case "fdp":
			h.fdp = true
		default:
			return nil, graph.Errorf(graph.Invalid, op, "control %d: reach %q: want hq or fdp", i+1, c.Reach)
		}
		h.servicing = c.Kind == ServicingBan
		var err error
		if h.issuer, err = e.resolveOne(op, i, "issuer", c.Issuer, graph.KindCountry); err != nil {
			return nil, err
		}
		if h.covers, err = e.resolveMany(op, i, "covers", c.Covers, graph.KindInput, graph.KindProduct); err != nil {
			return nil, err
		}
		if h.targets, err = e.resolveMany(op, i, "targets", c.Targets, graph.KindFirm, graph.KindCountry); err != nil {
			return nil, err
		}
		if h.exempts, err = e.resolveMany(op, i, "exempts", c.Exempts, graph.KindFirm, graph.KindCountry, graph.KindInput, graph.KindProduct); err != nil {
			return nil, err
		}
		if h.rescinds, err = e.resolveMany(op, i, "rescinds", c.Rescinds, graph.KindControlEvent); err != nil {
			return nil, err
		}
		if c.Expires != 0 && c.Effective != 0 && c.Expires <= c.Effective {
			return nil, graph.Errorf(graph.Invalid, op, "control %d: expires %s is not after effective %s", i+1, c.Expires, c.Effective)
		}
		out = append(out, h)
	}
	return out, nil
}

func (e *Engine) resolveOne(op string, i int, field string, id graph.ID, kinds ...graph.NodeKind) (int32, error) {
	if id == "" {
		return 0, graph.Errorf(graph.Invalid, op, "control %d: %s is required", i+1, field)
	}
	x, ok := e.s.Index(id)
	if !ok {
		return 0, graph.Errorf(graph.NotFound, op, "control %d: %s: no node %s", i+1, field, id)
	}
	if !slices.Contains(kinds, e.s.Node(x).Kind) {
		return 0, graph.Errorf(graph.Invalid, op, "control %d: %s: %s is a %s, want %s", i+1, field, id,
			e.s.Node(x).Kind, kindList(kinds))
	}
	return x, nil
}

func (e *Engine) resolveMany(op string, i int, field string, ids []graph.ID, kinds ...graph.NodeKind) ([]int32, error) {
	var out []int32
	for _, id := range ids {
		x, err := e.resolveOne(op, i, field, id, kinds...)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

func kindList(ks []graph.NodeKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, " or ")
}

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

type taint struct {
	yes bool
	why string
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
		if c := e.recordedControl(ev, asOf); c != nil && !rescinded[ev] {
			w.add(c)
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
	return w
}

// recordedControl returns the control event ev as a ctl if it blocks
// anything and is active at asOf, else nil.
func (e *Engine) recordedControl(ev int32, asOf graph.Date) *ctl {
	n := e.s.Node(ev)
	if n.Reach != "hq" && n.Reach != "fdp" {
		return nil
	}
	if !e.active(ev, asOf) {
		return nil
	}
	c := &ctl{id: n.ID, title: n.Name, issuer: -1, coversAll: n.CoversAll, fdp: n.Reach == "fdp",
		servicing: n.EventKind == ServicingBan, effective: n.EffectiveDate()}
	if i, ok := e.s.Index(n.Issuer); ok {
		c.issuer = i
	}
	c.covers = e.outVisible(ev, graph.Covers, asOf)
	c.targets = e.outVisible(ev, graph.Targets, asOf)
	c.exempts = e.outVisible(ev, graph.Exempts, asOf)
	return c
}

// active reports whether control event ev applies on day: effective on or
// before it, not expired, and not rescinded by an event effective on or
// before it.
func (e *Engine) active(ev int32, day graph.Date) bool {
	n := e.s.Node(ev)
	eff := n.EffectiveDate()
	if eff == 0 || day < eff || (n.Expires != 0 && day >= n.Expires) {
		return false
	}
	for _, ed := range e.in(ev, graph.Rescinds) {
		r, _ := e.s.Ends(ed)
		if re := e.s.Node(r).EffectiveDate(); re != 0 && re <= day && visible(e.s.Edge(ed), day) {
			return false
		}
	}
	return true
}

func (e *Engine) outVisible(i int32, k graph.EdgeKind, day graph.Date) []int32 {
	var out []int32
	for _, ed := range e.out(i, k) {
		if visible(e.s.Edge(ed), day) {
			_, to := e.s.Ends(ed)
			out = append(out, to)
		}
	}
	return out
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

// keys returns what a control must target to bind holder h: the firm, its
// parents (SUBSIDIARY_OF, transitively) and its headquarters country; a
// country holder is itself.
func (w *world) keys(h int32) []int32 {
	if h < 0 {
		return nil
	}
	if ks, ok := w.keySets[h]; ok {
		return ks
	}
	ks := []int32{h}
	if w.s.Node(h).Kind == graph.KindFirm {
		for i := 0; i < len(ks); i++ {
			for _, p := range w.e.outVisible(ks[i], graph.SubsidiaryOf, w.asOf) {
				if !slices.Contains(ks, p) {
					ks = append(ks, p)
				}
			}
		}
		if c := w.hq(h); c >= 0 {
			ks = append(ks, c)
		}
	}
	w.keySets[h] = ks
	return ks
}

// house returns the firms of h's group whose capabilities h has in-house:
// h and its subsidiaries, transitively. Countries and the anonymous buyer
// have none.
func (w *world) house(h int32) []int32 {
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

// coveringCtls returns the controls covering y: those with a COVERS edge to
// y or to a category y is an instance or subtype of, and those covering
// every item; in control order.
func (w *world) coveringCtls(y int32) []int {
	if cs, ok := w.covering[y]; ok {
		return cs
	}
	cs := slices.Clone(w.coverAll)
	if len(w.byCover) > 0 {
		for _, u := range w.up(y) {
			cs = append(cs, w.byCover[u.node]...)
		}
	}
	slices.Sort(cs)
	cs = slices.Compact(cs)
	w.covering[y] = cs
	return cs
}

func intersects(a, b []int32) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// binds reports whether control c targets one of keys and exempts none of
// them nor item y (or a category y belongs to).
func (w *world) binds(c *ctl, keys []int32, y int32) bool {
	if !intersects(c.targets, keys) {
		return false
	}
	if len(c.exempts) == 0 {
		return true
	}
	if intersects(c.exempts, keys) {
		return false
	}
	for _, u := range w.up(y) {
		if slices.Contains(c.exempts, u.node) {
			return false
		}
	}
	return true
}

// profile returns the id of holder h's control profile: the controls other
// than servicing bans that bind it (target one of its keys and exempt none).
// Holders with the same profile are blocked alike on every flow, so the
// evaluation of buying is shared between them. Profile 0 binds nothing (the
// anonymous buyer, and every holder no control targets).
func (w *world) profile(h int32) int {
	if h < 0 {
		return 0
	}
	if w.legal != nil { // a removal binds no one differently: share the legal world's profiles
		p := w.legal.profile(h)
		w.profSets = w.legal.profSets
		return p
	}
	if p, ok := w.profOf[h]; ok {
		return p
	}
	keys := w.keys(h)
	var sb strings.Builder
	var binds []int
	for ci, c := range w.ctls {
		if !c.servicing && intersects(c.targets, keys) && !intersects(c.exempts, keys) {
			binds = append(binds, ci)
			fmt.Fprintf(&sb, "%d,", ci)
		}
	}
	if w.shared != nil {
		p, set := w.shared.intern(sb.String(), binds, len(w.ctls))
		for len(w.profSets) <= p {
			w.profSets = append(w.profSets, nil)
		}
		w.profSets[p] = set
		w.profOf[h] = p
		return p
	}
	p, ok := w.profIndex[sb.String()]
	if !ok {
		set := make([]bool, len(w.ctls))
		for _, ci := range binds {
			set[ci] = true
		}
		p = len(w.profSets)
		w.profSets = append(w.profSets, set)
		w.profIndex[sb.String()] = p
	}
	w.profOf[h] = p
	return p
}

// blockers returns the controls that block supplier sup from delivering y
// to holder h: active, not a servicing ban, covering y, binding h (targets
// it, exempts neither it nor y) and reaching sup. Flows within h's group
// and to the anonymous buyer (h < 0) are never blocked.
func (w *world) blockers(sup, h, y int32) []int {
	if h < 0 || sup == h || w.inHouse(h, sup) {
		return nil
	}
	return w.blockersP(sup, w.profile(h), y)
}

// blockersP is blockers for any holder of profile p (group flows aside).
func (w *world) blockersP(sup int32, p int, y int32) []int {
	if p == 0 {
		return nil
	}
	set := w.profSets[p]
	var out []int
	for _, ci := range w.coveringCtls(y) {
		c := w.ctls[ci]
		if c.servicing || !set[ci] || w.exemptsItem(c, y) {
			continue
		}
		if ok, _ := w.reaches(c, sup, y); ok {
			out = append(out, ci)
		}
	}
	return out
}

// exemptsItem reports whether control c exempts y or a category y belongs to.
func (w *world) exemptsItem(c *ctl, y int32) bool {
	if len(c.exempts) == 0 {
		return false
	}
	for _, u := range w.up(y) {
		if slices.Contains(c.exempts, u.node) {
			return true
		}
	}
	return false
}

// reaches reports whether control c binds supplier sup for item y, and why:
// sup is headquartered in the issuer's jurisdiction (any reach), or, for
// "fdp" reach, sup's production of y depends on the issuer's jurisdiction
// (see taint).
func (w *world) reaches(c *ctl, sup, y int32) (bool, string) {
	if c.issuer < 0 {
		return false, ""
	}
	if w.legal != nil {
		return w.legal.reaches(c, sup, y)
	}
	if w.hq(sup) == c.issuer {
		return true, fmt.Sprintf("%s is headquartered in %s", w.id(sup), w.id(c.issuer))
	}
	if c.fdp {
		if t := w.taint(sup, y, c.issuer); t.yes {
			return true, "foreign direct product: " + t.why
		}
	}
	return false, ""
}

// taint reports whether sup's production of y depends on jurisdiction C,
// the test of a control with foreign-direct-product ("fdp") reach. It does
// when
//
//   - a fab of sup's group that y is made at (all of the group's fabs if y
//     is not recorded as fabricated at any of them) is equipped with a tool
//     category one of whose suppliers (of it or of an instance or subtype
//     of it) is headquartered in C, or is C; or
//   - one of y's requirements (own or inherited; for an OR-group, every
//     alternative) is such an item and sup's group does not make it itself.
//
// The graph does not record which vendor's tools a fab holds, so a tool
// category any of whose recorded suppliers is in C is presumed to bring C's
// technology into the fab: a deliberately broad reading, as the
// foreign-direct-product rules are.
func (w *world) taint(sup, y, c int32) taint {
	k := [3]int32{sup, y, c}
	if t, ok := w.taints[k]; ok {
		return t
	}
	t := w.computeTaint(sup, y, c)
	w.taints[k] = t
	return t
}

func (w *world) computeTaint(sup, y, c int32) taint {
	fabs := w.fabs(sup)
	var at []int32
	for _, f := range w.fabbedAt(y) {
		if slices.Contains(fabs, f.node) {
			at = append(at, f.node)
		}
	}
	if len(at) > 0 {
		fabs = at
	}
	for _, f := range fabs {
		for _, ed := range w.e.out(f, graph.EquippedWith) {
			if !visible(w.s.Edge(ed), w.asOf) {
				continue
			}
			_, tool := w.s.Ends(ed)
			if v := w.supplierFrom(tool, c); v >= 0 {
				return taint{true, fmt.Sprintf("%s's %s is equipped with %s, supplied by %s (%s)",
					w.id(sup), w.id(f), w.id(tool), w.id(v), w.id(c))}
			}
		}
	}
	for _, cl := range w.clauses(y) {
		why := ""
		all := true
		for _, a := range cl.alts {
			v := int32(-1)
			if !w.makesInHouse(sup, a.node) {
				v = w.supplierFrom(a.node, c)
			}
			if v < 0 {
				all = false
				break
			}
			if why == "" {
				why = fmt.Sprintf("%s requires %s, supplied by %s (%s)", w.id(y), w.id(a.node), w.id(v), w.id(c))
			}
		}
		if all && len(cl.alts) > 0 {
			return taint{true, why}
		}
	}
	return taint{}
}

// supplierFrom returns a supplier of x (or of an instance or subtype of it)
// in jurisdiction c (a firm headquartered there, or c itself), or -1.
func (w *world) supplierFrom(x, c int32) int32 {
	k := [2]int32{x, c}
	if v, ok := w.from[k]; ok {
		return v
	}
	v := int32(-1)
search:
	for _, d := range w.down(x) {
		for _, sp := range w.makersOf(d.node) {
			if w.hq(sp.node) == c {
				v = sp.node
				break search
			}
		}
	}
	w.from[k] = v
	return v
}

// installed reports whether the installed base edge ed (fab -> tool) is
// usable by holder h. Controls restrict new flows, so tools installed before
// a control stay usable, except when
//
//   - servicing bans (ServicingBan controls covering the tool, binding h or
//     the fab's country) reach every vendor of the tool (every firm making
//     or supplying it, or an instance or subtype of it; without a firm, the
//     supplier countries; without any, any ban suffices); or
//   - the edge's ValidFrom is on or after the effective date of controls,
//     active now, that cover the tool, bind h or the fab's country and
//     together reach every vendor: the tools arrived after every vendor was
//     cut off, so they are not a protected installed base (record a licence
//     as an EXEMPTS edge if they are).
//
// It returns the controls that withdraw it, if any, and why.
func (w *world) installed(fab, tool, ed, h int32) (bool, []int, string) {
	keys := w.keys(h)
	if loc := w.location(fab); loc >= 0 && !slices.Contains(keys, loc) {
		keys = append(slices.Clip(keys), loc)
	}
	if w.rm != nil && !w.rm.serviced(w, tool) {
		return false, nil, "every vendor removed"
	}
	var vendors []int32
	legal := w
	if w.legal != nil {
		legal = w.legal
	}
	for _, r := range legal.sources(tool) {
		if !slices.Contains(vendors, r.sup.node) {
			vendors = append(vendors, r.sup.node)
		}
	}
	since := w.s.Edge(ed).ValidFrom
	var bans, later []int
	for _, ci := range w.coveringCtls(tool) {
		c := w.ctls[ci]
		if !w.binds(c, keys, tool) {
			continue
		}
		switch {
		case c.servicing:
			bans = append(bans, ci)
		case since != 0 && c.effective <= since:
			later = append(later, ci)
		}
	}
	if len(bans) > 0 && w.reachAll(bans, vendors, tool) {
		return false, bans, "servicing and spare parts withdrawn"
	}
	if len(later) > 0 && w.reachAll(later, vendors, tool) {
		return false, later, fmt.Sprintf("installed on %s, after every vendor was cut off", since)
	}
	return true, nil, ""
}

// reachAll reports whether every vendor is reached by one of the controls.
func (w *world) reachAll(cs []int, vendors []int32, tool int32) bool {
	for _, v := range vendors {
		reached := false
		for _, ci := range cs {
			if ok, _ := w.reaches(w.ctls[ci], v, tool); ok {
				reached = true
				break
			}
		}
		if !reached {
			return false
		}
	}
	return true
}

func (w *world) id(i int32) graph.ID {
	if i < 0 {
		return "an unrestricted buyer"
	}
	return w.s.Node(i).ID
}
