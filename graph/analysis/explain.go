package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
)

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
	vd.Licences = ex.licences
	return vd
}

// Limits on explanations: long enough to follow a chain of suppliers, short
// enough to read. BlockedBy is complete whatever the limits.
const (
	maxLines      = 150
	maxNarrDepth  = 6
	maxNarrRoutes = 8
	maxPaths      = 25
)

// explainer walks an evaluated verdict again, reading the memoised results:
// for a feasible one, the route that works; for an infeasible one, every
// failing route (each (item, holder) once), collecting the blocking
// controls and the paths to the blocked flows, and narrating the first
// levels.
type explainer struct {
	v         *eval
	w         *world
	lines     []string
	truncated int
	blocked   []int
	bset      map[int]bool
	seen      map[uint64]bool
	paths     []Path
	licences  []LicenceUse
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

// Trails are the dependency edges from the verdict's item to where the
// explanation is; they are built only while more paths are wanted.

func (ex *explainer) open() bool { return len(ex.paths) < maxPaths }

func (ex *explainer) addPath(trail []PathEdge) {
	if !ex.open() || len(trail) == 0 {
		return
	}
	p := Path{Nodes: []graph.ID{trail[0].From}, Edges: slices.Clone(trail), Length: len(trail)}
	for _, pe := range trail {
		p.Nodes = append(p.Nodes, pe.To)
	}
	ex.paths = append(ex.paths, p)
}

// along extends trail by the chain from list[0] to list[i] (a down or up
// closure) and then by edges walked from given nodes.
func (ex *explainer) along(trail []PathEdge, list []rel, i int32, steps ...[2]int32) []PathEdge {
	if !ex.open() {
		return nil
	}
	var rev []PathEdge
	for i > 0 {
		r := list[i]
		rev = append(rev, ex.w.e.edgeWalk(list[r.parent].node, r.edge))
		i = r.parent
	}
	slices.Reverse(rev)
	out := append(slices.Clip(trail), rev...)
	for _, st := range steps {
		out = append(out, ex.w.e.edgeWalk(st[0], st[1]))
	}
	return out
}

func pos(list []rel, y int32) int32 {
	for i, r := range list {
		if r.node == y {
			return int32(i)
		}
	}
	return 0
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
	if c.policy != "" {
		s += ", licence policy " + c.policy
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

// installedBase calls fn for every installed-base edge of h's group that
// holds x (or an instance or subtype of it).
func (ex *explainer) installedBase(x, h int32, fn func(fab, tool, ed int32)) {
	if h < 0 {
		return
	}
	for _, hd := range ex.w.installedBase(h)[x] {
		fn(hd.fab, hd.tool, hd.ed)
	}
}

// routes lists the top-level routes to x for b, with their status.
func (ex *explainer) routes(x, b int32) []Route {
	w, v := ex.w, ex.v
	var rs []Route
	ex.installedBase(x, b, func(f, tool, ed int32) {
		ok, cs, why := w.installed(f, tool, ed, b)
		rs = append(rs, Route{Kind: "installed", Item: w.id(tool), Via: w.id(f), Feasible: ok, BlockedBy: ex.ids(cs), Reason: why})
	})
	for _, d := range w.down(x) {
		for _, sp := range w.makersOf(d.node) {
			if !w.inHouse(b, sp.node) {
				continue
			}
			ok, _ := v.canMake(d.node, b)
			if !ok && sp.node != b {
				ok, _ = v.canMake(d.node, sp.node)
			}
			r := Route{Kind: "in-house", Item: w.id(d.node), Via: w.id(sp.node), Feasible: ok}
			if !ok {
				r.Reason = "cannot obtain all its requirements"
			}
			rs = append(rs, r)
		}
	}
	p := w.profile(b)
	for _, r := range w.sources(x) {
		if w.inHouse(b, r.sup.node) {
			continue
		}
		rt := Route{Kind: "supplier", Item: w.id(r.y), Via: w.id(r.sup.node)}
		if cs := w.blockersP(r.sup.node, p, r.y); len(cs) > 0 {
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

func (ex *explainer) untargeted(h int32, depth int) {
	ex.line(depth, "%s is not targeted by any control active on %s, so it can buy what any buyer can.", ex.w.id(h), ex.w.asOf)
}

// howYes narrates the first route that works for x and h.
func (ex *explainer) howYes(x, h int32, depth int, trail []PathEdge) {
	w, v := ex.w, ex.v
	done := false
	ex.installedBase(x, h, func(f, tool, ed int32) {
		if done {
			return
		}
		if ok, _, _ := w.installed(f, tool, ed, h); ok {
			since := ""
			if d := w.s.Edge(ed).ValidFrom; d != 0 {
				since = " since " + d.String()
			}
			ex.line(depth, "Installed base: %s (of %s's group) has held %s%s, and no control withdraws it.", w.id(f), w.id(h), w.id(tool), since)
			down := w.down(x)
			ex.addPath(ex.along(trail, down, pos(down, tool), [2]int32{tool, ed}))
			done = true
		}
	})
	if done {
		return
	}
	down := w.down(x)
	for i, d := range down {
		if w.makesInHouse(h, d.node) {
			if ok, _ := v.canMake(d.node, h); ok {
				ex.line(depth, "In-house: %s's group makes %s and can obtain all its requirements.", w.id(h), w.id(d.node))
				ex.addPath(ex.along(trail, down, int32(i)))
				return
			}
		}
	}
	srcs := w.sources(x)
	if len(w.house(h)) > 1 {
		for _, r := range srcs {
			if r.sup.node != h && w.inHouse(h, r.sup.node) {
				if ok, _ := v.canMake(r.y, r.sup.node); ok {
					ex.line(depth, "In-house: %s, of %s's group, makes %s and can obtain its requirements.", w.id(r.sup.node), w.id(h), w.id(r.y))
					ex.addPath(ex.along(trail, down, r.down, [2]int32{r.y, r.sup.edge}))
					return
				}
			}
		}
	}
	p := w.profile(h)
	if p == 0 && h != nobody {
		ex.untargeted(h, depth)
	}
	for _, r := range srcs {
		if cs := w.blockersP(r.sup.node, p, r.y); len(cs) > 0 {
			ex.line(depth, "Supplier %s: the flow of %s to %s is blocked by %s.", ex.hqText(r.sup.node), w.id(r.y), w.id(h),
				ex.ctlTexts(cs, r.sup.node, r.y))
			continue
		}
		if ok, _ := v.canMake(r.y, r.sup.node); ok {
			what := " it"
			if r.y != x {
				what = fmt.Sprintf(" %s (a kind of %s)", w.id(r.y), w.id(x))
			}
			lic := w.licensing(r.sup.node, p, r.y)
			if len(lic) == 0 {
				ex.line(depth, "Supplier %s makes%s and can obtain its requirements; no active control blocks its flow to %s.",
					ex.hqText(r.sup.node), what, w.id(h))
			} else {
				ex.line(depth, "Supplier %s makes%s and can obtain its requirements; its flow to %s needs licences:",
					ex.hqText(r.sup.node), what, w.id(h))
				for _, l := range lic {
					ex.line(depth+1, "%s", licenceText(l))
				}
				ex.licences = append(ex.licences, lic...)
			}
			ex.addPath(ex.along(trail, down, r.down, [2]int32{r.y, r.sup.edge}))
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
	ex.installedBase(x, h, func(f, tool, ed int32) {
		_, cs, why := w.installed(f, tool, ed, h)
		ex.block(cs)
		ex.addPath(ex.along(trail, down, pos(down, tool), [2]int32{tool, ed}))
		if narr {
			ex.line(depth, "Installed base: %s holds %s, but %s: %s.", w.id(f), w.id(tool), why, ex.ctlTexts(cs, -1, tool))
		}
	})
	for i, d := range down {
		if !w.makesInHouse(h, d.node) {
			continue
		}
		if narr {
			ex.line(depth, "In-house: %s's group makes %s but cannot make it now:", w.id(h), w.id(d.node))
		}
		ex.whyNotMake(d.node, h, depth+1, ex.along(trail, down, int32(i)))
	}
	if len(w.house(h)) > 1 {
		for _, r := range w.sources(x) {
			if r.sup.node != h && w.inHouse(h, r.sup.node) {
				if narr {
					ex.line(depth, "In-house: %s, of %s's group, makes %s but cannot make it now:", w.id(r.sup.node), w.id(h), w.id(r.y))
				}
				ex.whyNotMake(r.y, r.sup.node, depth+1, ex.along(trail, down, r.down))
			}
		}
	}
	p := w.profile(h)
	if p == 0 && h != nobody && narr {
		ex.line(depth, "%s is not targeted by any control active on %s; buying %s fails for any buyer:", w.id(h), w.asOf, w.id(x))
	}
	ex.whyNotBuy(x, p, h, depth, trail)
}

// whyNotBuy explains why no holder of profile p (h, the one asking, among
// them) can buy x.
func (ex *explainer) whyNotBuy(x int32, p int, h int32, depth int, trail []PathEdge) {
	w := ex.w
	k := evalKey(modeBuy, x, int32(p))
	narr := ex.narrate(depth)
	if ex.seen[k] {
		if narr {
			ex.line(depth, "No supplier can deliver %s to %s (as above).", w.id(x), w.id(h))
		}
		return
	}
	ex.seen[k] = true
	down := w.down(x)
	srcs := w.sources(x)
	n := 0
	for _, r := range srcs {
		if h != nobody && w.inHouse(h, r.sup.node) {
			continue // explained as in-house
		}
		n++
		rn := narr && n <= maxNarrRoutes
		if cs := w.blockersP(r.sup.node, p, r.y); len(cs) > 0 {
			ex.block(cs)
			ex.addPath(ex.along(trail, down, r.down, [2]int32{r.y, r.sup.edge}))
			if rn {
				ex.line(depth, "Supplier %s: the flow of %s to %s is blocked by %s.", ex.hqText(r.sup.node), w.id(r.y), w.id(h),
					ex.ctlTexts(cs, r.sup.node, r.y))
			}
			continue
		}
		d := depth + 1
		if rn {
			ex.line(depth, "Supplier %s could deliver %s to %s, but cannot make it:", ex.hqText(r.sup.node), w.id(r.y), w.id(h))
		} else {
			d = maxNarrDepth + 1 // collect without narrating
		}
		// The path goes on from y: the supplier's requirements are y's.
		ex.whyNotMake(r.y, r.sup.node, d, ex.along(trail, down, r.down))
	}
	if narr && n > maxNarrRoutes {
		ex.line(depth, "... and %d more suppliers, none of them usable.", n-maxNarrRoutes)
	}
	if len(srcs) == 0 && narr {
		ex.line(depth, "No firm or country is recorded as making or supplying %s (or an instance or subtype of it) on %s.",
			w.id(x), w.asOf)
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
		for _, a := range cl.alts {
			ex.whyNot(a.node, h, depth+1, ex.along(trail, up, pos(up, cl.owner), [2]int32{cl.owner, a.edge}))
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
		ex.addPath(ex.along(trail, nil, 0, [2]int32{y, f.edge}, [2]int32{f.node, opEdge}))
		if narr {
			ex.line(depth+1, "%s, operated by %s: blocked by %s.", w.id(f.node), ex.hqText(op), ex.ctlTexts(cs, op, y))
		}
	}
}

// inHouse reports whether h's group can make x itself (an instance or
// subtype of it), leaving buying aside.
func (v *eval) inHouse(x, h int32) bool {
	if ok, _ := v.makeInHouse(x, h); ok {
		return true
	}
	ok, _ := v.houseSupply(x, h)
	return ok
}

// makesAny reports whether h's group makes or supplies x or an instance or
// subtype of it.
func (w *world) makesAny(x, h int32) bool {
	for _, d := range w.down(x) {
		if w.makesInHouse(h, d.node) {
			return true
		}
	}
	return false
}

// inHouseVerdict explains why h's group cannot make x itself (as found).
func (v *eval) inHouseVerdict(x, h int32) Verdict {
	w := v.w
	vd := Verdict{Item: w.id(x), Buyer: w.id(h), AsOf: w.asOf, Feasible: false}
	ex := &explainer{v: v, w: w, bset: map[int]bool{}, seen: map[uint64]bool{}}
	ex.line(0, "%s's group cannot make %s itself as of %s.", w.id(h), w.id(x), w.asOf)
	down := w.down(x)
	for i, d := range down {
		for _, sp := range w.makersOf(d.node) {
			if !w.inHouse(h, sp.node) {
				continue
			}
			holder := h
			if sp.node != h && !w.makesInHouse(h, d.node) {
				holder = sp.node
			}
			ex.line(1, "%s makes %s but cannot make it now:", w.id(sp.node), w.id(d.node))
			ex.whyNotMake(d.node, holder, 2, ex.along(nil, down, int32(i)))
			if holder != sp.node && sp.node != h {
				ex.whyNotMake(d.node, sp.node, 2, ex.along(nil, down, int32(i)))
			}
		}
	}
	for _, ci := range ex.blocked {
		vd.BlockedBy = append(vd.BlockedBy, w.ctls[ci].id)
	}
	vd.Explanation, vd.Paths = ex.lines, ex.paths
	return vd
}

// licensing returns the controls that bind holders of profile p and reach
// supplier sup for y but let the flow through at the world's tolerance:
// the licences the flow relies on.
func (w *world) licensing(sup int32, p int, y int32) []LicenceUse {
	if p == 0 || w.tol == Open {
		return nil
	}
	set := w.profSets[p]
	var out []LicenceUse
	for _, ci := range w.coveringCtls(y) {
		c := w.ctls[ci]
		if c.servicing || !set[ci] || w.exemptsItem(c, y) {
			continue
		}
		if ok, _ := w.reaches(c, sup, y); !ok || !w.passes(c, p, y) {
			continue
		}
		l := LicenceUse{Control: c.id, Policy: c.policy, Level: w.flowLevel(c, p, y), Supplier: w.id(sup), Item: w.id(y)}
		if gi := w.grantFor(c, p, y); gi >= 0 {
			g := w.grants[gi]
			l.Grant = g.id
			l.Conditions = w.s.Node(g.ev).Conditions
		} else if c.ev >= 0 {
			l.Conditions = w.s.Node(c.ev).Conditions
		}
		out = append(out, l)
	}
	return out
}

func licenceText(l LicenceUse) string {
	s := fmt.Sprintf("%s requires a licence", l.Control)
	if l.Policy != "" {
		s += " (policy " + l.Policy + ")"
	}
	switch {
	case l.Grant != "":
		s += "; granted by " + string(l.Grant)
	case l.Level == Licensed:
		s += "; approval presumed"
	default:
		s += "; only if granted on case-by-case review"
	}
	if len(l.Conditions) > 0 {
		s += "; conditions: " + strings.Join(l.Conditions, "; ")
	}
	return s + "."
}
