package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
)

// Verdict is the answer to "can Buyer obtain or make Item at AsOf?".
type Verdict struct {
	Item, Buyer graph.ID
	AsOf        graph.Date
	Feasible    bool
	// BlockedBy lists the active controls (recorded or assumed) that block a
	// flow the item needs, in the order they were met; empty when feasible.
	BlockedBy []graph.ID
	// Explanation is the reasoning, one sentence per line, indented by
	// depth: which routes were tried, which supplier, which control blocked
	// it and why it reaches the supplier.
	Explanation []string
	// Routes are the ways to the item considered at the top level, in the
	// order tried.
	Routes []Route
	// Paths explain an infeasible verdict: dependency paths from the item to
	// each blocked flow (ending at the supplier, fab operator or fab that is
	// cut off). For a feasible verdict, the path to the route that works.
	Paths []Path
}

// Route is one way to obtain an item.
type Route struct {
	// Kind is "installed" (a fab of the buyer's group holds it), "in-house"
	// (the buyer's group makes it) or "supplier" (bought).
	Kind string
	// Item is what the route delivers: the item asked for, or an instance
	// or subtype of it (for "installed", the tool category held).
	Item graph.ID
	// Via is the fab (installed), the in-house maker, or the supplier.
	Via       graph.ID
	Feasible  bool
	BlockedBy []graph.ID
	Reason    string
}

// Feasibility reports whether buyer can obtain or make item at asOf (zero:
// today), with the recorded controls active then plus the assumed
// hypothetical ones. buyer is a firm or a country; a country stands for a
// firm headquartered there with no other exposure (nothing in-house, no
// parent, no fab). Unknown IDs fail with graph.NotFound; an item that is not
// an input or product, a buyer that is not a firm or country, or a malformed
// assumed control with graph.Invalid.
//
// The AND/OR evaluation: holder H can obtain X if
//
//   - installed: a fab of H's group (H and its subsidiaries) is equipped
//     with X, or with an instance or subtype of it, and no control withdraws
//     that installed base (see below); or
//   - in-house: H's group makes or supplies X (or an instance or subtype Y of
//     it), and H can obtain Y's requirements; or
//   - bought: a supplier S outside H's group makes or supplies Y (X or an
//     instance or subtype of it), S can make Y, and no active control blocks
//     the flow S -> H of Y.
//
// Suppliers are firms with a MAKES edge or a SUPPLIES row into Y (aggregate
// rows never count); only when no firm is recorded for any Y, the supplier
// countries stand in as "firms headquartered there". A holder "can make Y"
// when it can obtain every requirement of Y: the REQUIRES edges of Y and of
// every category Y is an instance or subtype of; requirements of one owner
// with the same non-empty group are alternatives (OR), others are all
// needed (AND). If Y is recorded as FABRICATED_AT fabs, one of them must
// also be usable: its operator is in the holder's group, or no control
// blocks the operator's flow of Y to the holder.
//
// A control blocks the flow S -> H of Y when it is active at asOf (effective
// on or before it, not expired, not rescinded by an event effective on or
// before it), is not a servicing ban, covers Y (a COVERS edge to Y or to a
// category Y is an instance or subtype of, or covers-all), targets H (H, a
// parent of H through SUBSIDIARY_OF, or H's headquarters country), exempts
// none of those nor Y or its categories, and reaches S: S is headquartered
// in the issuer's jurisdiction, or the control has "fdp" reach and S's
// production of Y depends on that jurisdiction (see world.taint: a tool
// category in the fabs of S that make Y, or a requirement of Y that S does
// not make itself, has a supplier headquartered there).
//
// Controls restrict new flows. Installed tools stay usable after a control
// takes effect unless servicing bans (ServicingBan) covering them and
// binding the holder or the fab's country reach every vendor of the tool;
// an installed-base edge whose ValidFrom is on or after the effective date
// of controls that together reach every vendor is not protected.
//
// A holder not targeted by any active control can buy whatever anyone can;
// only its in-house routes are evaluated for it separately. Results are
// memoised on (item, holder); a requirement cycle never makes anything
// feasible by itself (an item being evaluated counts as unobtainable
// further down).
func (e *Engine) Feasibility(item, buyer graph.ID, asOf graph.Date, assume []Control) (Verdict, error) {
	const op = "analysis.Feasibility"
	x, err := e.index(op, item)
	if err != nil {
		return Verdict{}, err
	}
	if k := e.s.Node(x).Kind; k != graph.KindInput && k != graph.KindProduct {
		return Verdict{}, graph.Errorf(graph.Invalid, op, "item %s is a %s, want an input or product", item, k)
	}
	b, err := e.index(op, buyer)
	if err != nil {
		return Verdict{}, err
	}
	if k := e.s.Node(b).Kind; k != graph.KindFirm && k != graph.KindCountry {
		return Verdict{}, graph.Errorf(graph.Invalid, op, "buyer %s is a %s, want a firm or country", buyer, k)
	}
	hs, err := e.resolveControls(op, assume)
	if err != nil {
		return Verdict{}, err
	}
	asOf = dateOr(asOf)
	v := newEval(e.newWorld(asOf, hs))
	return v.verdict(x, b), nil
}

const nobody int32 = -1 // the anonymous buyer no control targets

// eval evaluates obtain/canMake with memoisation; see Feasibility.
type eval struct {
	w     *world
	memo  map[uint64]bool
	busy  map[uint64]int // keys being evaluated -> their depth on the stack
	depth int
}

const (
	modeObtain = 0
	modeMake   = 1
	inf        = int(^uint(0) >> 1)
)

func newEval(w *world) *eval {
	return &eval{w: w, memo: map[uint64]bool{}, busy: map[uint64]int{}}
}

func evalKey(mode uint64, x, h int32) uint64 {
	return uint64(uint32(x))<<33 | uint64(uint32(h+1))<<1 | mode
}

// solve memoises f under k. A key met again while being evaluated (a cycle)
// counts as false there; a false result that relied on such an assumption
// about a key further up the stack is not memoised, since it may not hold
// once that key is settled. True results always are: assuming less can only
// make fewer things feasible.
func (v *eval) solve(k uint64, f func() (bool, int)) (bool, int) {
	if r, ok := v.memo[k]; ok {
		return r, inf
	}
	if d, ok := v.busy[k]; ok {
		return false, d
	}
	d := v.depth
	v.busy[k] = d
	v.depth++
	ok, low := f()
	v.depth--
	delete(v.busy, k)
	if ok || low >= d {
		v.memo[k] = ok
		return ok, inf
	}
	return false, low
}

// obtain: can holder h (nobody: the anonymous buyer) obtain x?
func (v *eval) obtain(x, h int32) (bool, int) {
	return v.solve(evalKey(modeObtain, x, h), func() (bool, int) {
		low := inf
		if h != nobody && !v.w.targeted(h) {
			if ok, l := v.obtain(x, nobody); ok {
				return true, inf
			} else {
				low = l
			}
			if v.held(x, h) {
				return true, inf
			}
			ok, l := v.makeInHouse(x, h)
			return ok, min(low, l)
		}
		if v.held(x, h) {
			return true, inf
		}
		if ok, l := v.makeInHouse(x, h); ok {
			return true, inf
		} else {
			low = min(low, l)
		}
		ok, l := v.buy(x, h)
		return ok, min(low, l)
	})
}

// held: does a fab of h's group hold x (or an instance or subtype) usably?
func (v *eval) held(x, h int32) bool {
	for _, f := range v.w.fabs(h) {
		for _, ed := range v.w.e.out(f, graph.EquippedWith) {
			if !visible(v.w.s.Edge(ed), v.w.asOf) {
				continue
			}
			_, tool := v.w.s.Ends(ed)
			if !inUp(v.w.up(tool), x) {
				continue
			}
			if ok, _, _ := v.w.installed(f, tool, ed, h); ok {
				return true
			}
		}
	}
	return false
}

func (v *eval) makeInHouse(x, h int32) (bool, int) {
	low := inf
	if len(v.w.house(h)) == 0 {
		return false, low
	}
	for _, d := range v.w.down(x) {
		if !v.w.makesInHouse(h, d.node) {
			continue
		}
		ok, l := v.canMake(d.node, h)
		if ok {
			return true, inf
		}
		low = min(low, l)
	}
	return false, low
}

func (v *eval) buy(x, h int32) (bool, int) {
	low := inf
	for _, r := range v.w.sources(x) {
		if h != nobody && v.w.inHouse(h, r.sup.node) {
			continue // the in-house route covers it
		}
		if len(v.w.blockers(r.sup.node, h, r.y)) > 0 {
			continue
		}
		ok, l := v.canMake(r.y, r.sup.node)
		if ok {
			return true, inf
		}
		low = min(low, l)
	}
	return false, low
}

// canMake: can holder h obtain everything y requires (and have it
// fabricated at one of its recorded fabs)?
func (v *eval) canMake(y, h int32) (bool, int) {
	return v.solve(evalKey(modeMake, y, h), func() (bool, int) {
		for _, cl := range v.w.clauses(y) {
			ok, low := v.clause(cl, h)
			if !ok {
				return false, low
			}
		}
		if fs := v.w.fabbedAt(y); len(fs) > 0 {
			for _, f := range fs {
				if v.fabUsable(f.node, y, h) {
					return true, inf
				}
			}
			return false, inf
		}
		return true, inf
	})
}

func (v *eval) clause(cl clause, h int32) (bool, int) {
	low := inf
	for _, a := range cl.alts {
		ok, l := v.obtain(a.node, h)
		if ok {
			return true, inf
		}
		low = min(low, l)
	}
	return false, low
}

func (v *eval) fabUsable(fab, y, h int32) bool {
	op := v.w.operator(fab)
	return op < 0 || h == nobody || v.w.inHouse(h, op) || len(v.w.blockers(op, h, y)) == 0
}

// verdict evaluates x for b and explains the result.
func (v *eval) verdict(x, b int32) Verdict {
	ok, _ := v.obtain(x, b)
	w := v.w
	vd := Verdict{Item: w.id(x), Buyer: w.id(b), AsOf: w.asOf, Feasible: ok}
	ex := &explainer{v: v, w: w, bset: map[int]bool{}, seen: map[uint64]bool{}}
	vd.Routes = ex.routes(x, b)
	if ok {
		ex.line(0, "%s can obtain %s as of %s.", w.id(b), w.id(x), w.asOf)
		ex.howYes(x, b, 1, nil)
	} else {
		ex.line(0, "%s cannot obtain %s as of %s.", w.id(b), w.id(x), w.asOf)
		ex.whyNot(x, b, 1, nil)
		for _, ci := range ex.blocked {
			vd.BlockedBy = append(vd.BlockedBy, w.ctls[ci].id)
		}
	}
	if ex.truncated > 0 {
		ex.lines = append(ex.lines, fmt.Sprintf("(%d more lines of reasoning omitted)", ex.truncated))
	}
	vd.Explanation = ex.lines
	vd.Paths = ex.paths
	return vd
}

// Limits on explanations: long enough to follow a chain of suppliers, short
// enough to read.
const (
	maxLines      = 150
	maxNarrDepth  = 6
	maxNarrRoutes = 8
	maxPaths      = 25
)

type explainer struct {
	v         *eval
	w         *world
	lines     []string
	truncated int
	blocked   []int
	bset      map[int]bool
	seen      map[uint64]bool
	paths     []Path
}

func (ex *explainer) narrate(depth int) bool { return depth <= maxNarrDepth }

func (ex *explainer) line(depth int, format string, args ...any) {
	if len(ex.lines) >= maxLines {
		ex.truncated++
		return
	}
	ex.lines = append(ex.lines, strings.Repeat("  ", depth)+fmt.Sprintf(format, args...))
}

func (ex *explainer) block(cs []int) {
	for _, ci := range cs {
		if !ex.bset[ci] {
			ex.bset[ci] = true
			ex.blocked = append(ex.blocked, ci)
		}
	}
}

// addPath records trail (edges from the verdict's item) as a Path.
func (ex *explainer) addPath(trail []PathEdge) {
	if len(ex.paths) >= maxPaths || len(trail) == 0 {
		return
	}
	p := Path{Nodes: []graph.ID{trail[0].From}, Edges: slices.Clone(trail), Length: len(trail)}
	for _, pe := range trail {
		p.Nodes = append(p.Nodes, pe.To)
	}
	ex.paths = append(ex.paths, p)
}

// chain returns the edges from list[0] to list[i] (a down or up closure).
func (ex *explainer) chain(list []rel, i int32) []PathEdge {
	var rev []PathEdge
	for i > 0 {
		r := list[i]
		rev = append(rev, ex.w.e.edgeWalk(list[r.parent].node, r.edge))
		i = r.parent
	}
	slices.Reverse(rev)
	return rev
}

func downPos(list []rel, y int32) int32 {
	for i, r := range list {
		if r.node == y {
			return int32(i)
		}
	}
	return 0
}

func extend(trail []PathEdge, more ...PathEdge) []PathEdge {
	return append(slices.Clip(trail), more...)
}

// ctlText describes control ci as it bears on supplier sup and item y.
func (ex *explainer) ctlText(ci int, sup, y int32) string {
	c := ex.w.ctls[ci]
	s := fmt.Sprintf("%s (%q", c.id, c.title)
	if c.issuer >= 0 {
		s += ", issued by " + string(ex.w.id(c.issuer))
	}
	if c.effective != 0 {
		s += ", effective " + c.effective.String()
	}
	if c.hypo {
		s += ", hypothetical"
	}
	s += ")"
	if sup >= 0 {
		if ok, why := ex.w.reaches(c, sup, y); ok {
			s += ": " + why
		}
	}
	return s
}

func (ex *explainer) ctlTexts(cs []int, sup, y int32) string {
	parts := make([]string, len(cs))
	for i, ci := range cs {
		parts[i] = ex.ctlText(ci, sup, y)
	}
	return strings.Join(parts, "; ")
}

func (ex *explainer) hqText(f int32) string {
	if c := ex.w.hq(f); c >= 0 && c != f {
		return fmt.Sprintf("%s (%s)", ex.w.id(f), ex.w.id(c))
	}
	return string(ex.w.id(f))
}

func (ex *explainer) ids(cs []int) []graph.ID {
	var out []graph.ID
	for _, ci := range cs {
		out = append(out, ex.w.ctls[ci].id)
	}
	return out
}

// routes lists the top-level routes to x for b, with their status.
func (ex *explainer) routes(x, b int32) []Route {
	w, v := ex.w, ex.v
	var rs []Route
	for _, f := range w.fabs(b) {
		for _, ed := range w.e.out(f, graph.EquippedWith) {
			_, tool := w.s.Ends(ed)
			if !visible(w.s.Edge(ed), w.asOf) || !inUp(w.up(tool), x) {
				continue
			}
			ok, cs, why := w.installed(f, tool, ed, b)
			rs = append(rs, Route{Kind: "installed", Item: w.id(tool), Via: w.id(f), Feasible: ok, BlockedBy: ex.ids(cs), Reason: why})
		}
	}
	for _, d := range w.down(x) {
		for _, sp := range w.makersOf(d.node) {
			if w.inHouse(b, sp.node) {
				ok, _ := v.canMake(d.node, b)
				r := Route{Kind: "in-house", Item: w.id(d.node), Via: w.id(sp.node), Feasible: ok}
				if !ok {
					r.Reason = "cannot obtain all its requirements"
				}
				rs = append(rs, r)
			}
		}
	}
	for _, r := range w.sources(x) {
		if w.inHouse(b, r.sup.node) {
			continue
		}
		rt := Route{Kind: "supplier", Item: w.id(r.y), Via: w.id(r.sup.node)}
		h := b
		if !w.targeted(b) {
			h = nobody
		}
		if cs := w.blockers(r.sup.node, h, r.y); len(cs) > 0 {
			rt.BlockedBy, rt.Reason = ex.ids(cs), "blocked"
		} else if ok, _ := v.canMake(r.y, r.sup.node); ok {
			rt.Feasible = true
		} else {
			rt.Reason = "the supplier cannot make it"
		}
		rs = append(rs, rt)
	}
	return rs
}

// howYes narrates the first route that works for x and h.
func (ex *explainer) howYes(x, h int32, depth int, trail []PathEdge) {
	w, v := ex.w, ex.v
	if h != nobody && !w.targeted(h) {
		if ok, _ := v.obtain(x, nobody); ok {
			ex.line(depth, "%s is not targeted by any control active on %s, so it can buy what any buyer can.", w.id(h), w.asOf)
			ex.howYes(x, nobody, depth, trail)
			return
		}
	}
	for _, f := range w.fabs(h) {
		for _, ed := range w.e.out(f, graph.EquippedWith) {
			_, tool := w.s.Ends(ed)
			if !visible(w.s.Edge(ed), w.asOf) || !inUp(w.up(tool), x) {
				continue
			}
			if ok, _, _ := w.installed(f, tool, ed, h); ok {
				since := w.s.Edge(ed).ValidFrom
				s := ""
				if since != 0 {
					s = " since " + since.String()
				}
				ex.line(depth, "Installed base: %s (operated by %s's group) has held %s%s, and no control withdraws it.",
					w.id(f), w.id(h), w.id(tool), s)
				down := w.down(x)
				ex.addPath(extend(extend(trail, ex.chain(down, downPos(down, tool))...), w.e.edgeWalk(tool, ed)))
				return
			}
		}
	}
	down := w.down(x)
	for i, d := range down {
		if w.makesInHouse(h, d.node) {
			if ok, _ := v.canMake(d.node, h); ok {
				ex.line(depth, "In-house: %s's group makes %s and can obtain all its requirements.", w.id(h), w.id(d.node))
				ex.addPath(extend(trail, ex.chain(down, int32(i))...))
				return
			}
		}
	}
	for _, r := range w.sources(x) {
		if h != nobody && w.inHouse(h, r.sup.node) {
			continue
		}
		if cs := w.blockers(r.sup.node, h, r.y); len(cs) > 0 {
			ex.line(depth, "Supplier %s: the flow of %s to %s is blocked by %s.", ex.hqText(r.sup.node), w.id(r.y), w.id(h),
				ex.ctlTexts(cs, r.sup.node, r.y))
			continue
		}
		if ok, _ := v.canMake(r.y, r.sup.node); ok {
			what := " it"
			if r.y != x {
				what = fmt.Sprintf(" %s (a kind of %s)", w.id(r.y), w.id(x))
			}
			ex.line(depth, "Supplier %s makes%s and can obtain its requirements; no active control blocks its flow to %s.",
				ex.hqText(r.sup.node), what, w.id(h))
			ex.addPath(extend(extend(trail, ex.chain(down, r.down)...), w.e.edgeWalk(r.y, r.sup.edge)))
			return
		}
		ex.line(depth, "Supplier %s could deliver %s but cannot make it.", ex.hqText(r.sup.node), w.id(r.y))
	}
}

// whyNot explains why h cannot obtain x (which the evaluation found), and
// collects the controls and paths involved.
func (ex *explainer) whyNot(x, h int32, depth int, trail []PathEdge) {
	w := ex.w
	k := evalKey(modeObtain, x, h)
	narr := ex.narrate(depth)
	if ex.seen[k] {
		if narr {
			ex.line(depth, "%s cannot obtain %s (as above).", w.id(h), w.id(x))
		}
		return
	}
	ex.seen[k] = true
	down := w.down(x)
	tried := false
	for _, f := range w.fabs(h) {
		for _, ed := range w.e.out(f, graph.EquippedWith) {
			_, tool := w.s.Ends(ed)
			if !visible(w.s.Edge(ed), w.asOf) || !inUp(w.up(tool), x) {
				continue
			}
			tried = true
			_, cs, why := w.installed(f, tool, ed, h)
			ex.block(cs)
			ex.addPath(extend(extend(trail, ex.chain(down, downPos(down, tool))...), w.e.edgeWalk(tool, ed)))
			if narr {
				ex.line(depth, "Installed base: %s holds %s, but %s: %s.", w.id(f), w.id(tool), why, ex.ctlTexts(cs, -1, tool))
			}
		}
	}
	for i, d := range down {
		if !w.makesInHouse(h, d.node) {
			continue
		}
		tried = true
		if narr {
			ex.line(depth, "In-house: %s's group makes %s but cannot make it now:", w.id(h), w.id(d.node))
		}
		ex.whyNotMake(d.node, h, depth+1, extend(trail, ex.chain(down, int32(i))...))
	}
	if h != nobody && !w.targeted(h) {
		if narr {
			ex.line(depth, "%s is not targeted by any control active on %s; %s is beyond any buyer:", w.id(h), w.asOf, w.id(x))
		}
		ex.whyNot(x, nobody, depth, trail)
		return
	}
	n := 0
	for _, r := range w.sources(x) {
		if h != nobody && w.inHouse(h, r.sup.node) {
			continue
		}
		tried = true
		n++
		rn := narr && n <= maxNarrRoutes
		toY := extend(trail, ex.chain(down, r.down)...)
		if cs := w.blockers(r.sup.node, h, r.y); len(cs) > 0 {
			ex.block(cs)
			ex.addPath(extend(toY, w.e.edgeWalk(r.y, r.sup.edge)))
			if rn {
				ex.line(depth, "Supplier %s: the flow of %s to %s is blocked by %s.", ex.hqText(r.sup.node), w.id(r.y), w.id(h),
					ex.ctlTexts(cs, r.sup.node, r.y))
			}
			continue
		}
		if rn {
			ex.line(depth, "Supplier %s could deliver %s to %s, but cannot make it:", ex.hqText(r.sup.node), w.id(r.y), w.id(h))
		}
		d := depth + 1
		if !rn {
			d = maxNarrDepth + 1 // collect without narrating
		}
		ex.whyNotMake(r.y, r.sup.node, d, toY) // the path goes on from y: the supplier's requirements are y's
	}
	if narr && n > maxNarrRoutes {
		ex.line(depth, "... and %d more suppliers, none of them usable.", n-maxNarrRoutes)
	}
	if !tried && narr {
		ex.line(depth, "No firm or country is recorded as making or supplying %s (or an instance or subtype of it) on %s, and no fab of %s's group holds it.",
			w.id(x), w.asOf, w.id(h))
	}
}

// whyNotMake explains why h cannot make y.
func (ex *explainer) whyNotMake(y, h int32, depth int, trail []PathEdge) {
	w, v := ex.w, ex.v
	k := evalKey(modeMake, y, h)
	narr := ex.narrate(depth)
	if ex.seen[k] {
		if narr {
			ex.line(depth, "%s cannot make %s (as above).", w.id(h), w.id(y))
		}
		return
	}
	ex.seen[k] = true
	up := w.up(y)
	for _, cl := range w.clauses(y) {
		if ok, _ := v.clause(cl, h); ok {
			continue
		}
		if narr {
			var alts []string
			for _, a := range cl.alts {
				alts = append(alts, string(w.id(a.node)))
			}
			on := ""
			if cl.owner != y {
				on = fmt.Sprintf(" (a requirement of %s, which it is a kind of)", w.id(cl.owner))
			}
			if len(alts) == 1 {
				ex.line(depth, "%s requires %s%s, which %s cannot obtain:", w.id(y), alts[0], on, w.id(h))
			} else {
				ex.line(depth, "%s requires one of %s%s (group %q), and %s can obtain none:", w.id(y), strings.Join(alts, ", "), on, cl.group, w.id(h))
			}
		}
		base := extend(trail, ex.chain(up, downPos(up, cl.owner))...)
		for _, a := range cl.alts {
			ex.whyNot(a.node, h, depth+1, extend(base, w.e.edgeWalk(cl.owner, a.edge)))
		}
	}
	fs := w.fabbedAt(y)
	if len(fs) == 0 {
		return
	}
	for _, f := range fs {
		if v.fabUsable(f.node, y, h) {
			return
		}
	}
	if narr {
		ex.line(depth, "%s is fabricated only at fabs whose operators cannot deliver it to %s:", w.id(y), w.id(h))
	}
	for _, f := range fs {
		op, opEdge := w.operatorEdge(f.node)
		cs := w.blockers(op, h, y)
		ex.block(cs)
		ex.addPath(extend(trail, w.e.edgeWalk(y, f.edge), w.e.edgeWalk(f.node, opEdge)))
		if narr {
			ex.line(depth+1, "%s, operated by %s: blocked by %s.", w.id(f.node), ex.hqText(op), ex.ctlTexts(cs, op, y))
		}
	}
}
