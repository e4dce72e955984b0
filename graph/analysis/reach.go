package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
)

// taint is the memoised answer of world.taint: whether a supplier's
// production of an item depends on a jurisdiction, and why.
type taint struct {
	yes bool
	why string
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

// binds reports whether control c targets holder h (or extra) and exempts
// neither it nor item y (or a category y belongs to).
func (w *world) binds(c *ctl, h, extra, y int32) bool {
	return w.targeted(c, h, extra) && !w.exempted(c, h, extra) && !w.exemptsItem(c, y)
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
		w.profSets, w.profGrants = w.legal.profSets, w.legal.profGrants
		return p
	}
	if p, ok := w.profOf[h]; ok {
		return p
	}
	var sb strings.Builder
	var binds, grants []int
	for ci, c := range w.ctls {
		if !c.servicing && w.targeted(c, h, -1) && !w.exempted(c, h, -1) {
			binds = append(binds, ci)
			fmt.Fprintf(&sb, "%d,", ci)
		}
	}
	for gi, g := range w.grants {
		if w.targeted(g, h, -1) && !w.exempted(g, h, -1) {
			grants = append(grants, gi)
			fmt.Fprintf(&sb, "g%d,", gi)
		}
	}
	defer func() { w.profGrants[w.profOf[h]] = grants }()
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
		if ok, _ := w.reaches(c, sup, y); ok && !w.passes(c, p, y) {
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
	if c.buyer {
		if hq := w.hq(sup); hq != c.issuer {
			return true, fmt.Sprintf("%s is outside %s, whose measure restricts acquiring it", w.id(sup), w.id(c.issuer))
		}
		return false, ""
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
	loc := w.location(fab)
	p := w.profile(h)
	if w.rm != nil && !w.rm.serviced(w, tool) {
		return false, nil, "every vendor removed"
	}
	legal := w
	if w.legal != nil {
		legal = w.legal
	}
	var vendors []int32
	for _, r := range legal.sources(tool) {
		if !slices.Contains(vendors, r.sup.node) {
			vendors = append(vendors, r.sup.node)
		}
	}
	since := w.s.Edge(ed).ValidFrom
	var bans, later []int
	for _, ci := range w.coveringCtls(tool) {
		c := w.ctls[ci]
		if !w.binds(c, h, loc, tool) {
			continue
		}
		switch {
		case c.servicing:
			bans = append(bans, ci)
		case since != 0 && c.effective <= since && !w.passes(c, p, tool):
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
