package analysis

import (
	"fmt"
	"math"
	"slices"

	"github.com/chipgraph/chipgraph/graph"
)

// Level grades a flow, or the best way to an item, by what the law asks of
// it. Levels are ordered: a route is as good as its worst flow, an item as
// good as its best route.
type Level int8

const (
	// Blocked: a control prohibits the flow, or requires a licence under a
	// presumption of denial (or under no stated policy) and none was granted.
	Blocked Level = iota
	// CaseByCase: a licence is required and applications are reviewed case
	// by case; none is recorded as granted.
	CaseByCase
	// Licensed: a licence is required and was granted to the buyer (a
	// licence-grant event), or the policy presumes approval.
	Licensed
	// Open: no control applies.
	Open
)

// String returns the level as the API spells it in lower case.
func (l Level) String() string {
	switch l {
	case Open:
		return "open"
	case Licensed:
		return "licensed"
	case CaseByCase:
		return "case-by-case"
	}
	return "blocked"
}

// flowLevel grades control c on the flow of y to a holder of profile p:
// Licensed if a licence grant binding the profile covers y under c, or c's
// policy presumes approval; CaseByCase if c reviews case by case; else
// Blocked. The caller has established that c binds and reaches the flow.
func (w *world) flowLevel(c *ctl, p int, y int32) Level {
	if c.policy == graph.PresumptionOfApproval {
		return Licensed
	}
	if w.grantFor(c, p, y) >= 0 {
		return Licensed
	}
	if c.policy == graph.CaseByCase {
		return CaseByCase
	}
	return Blocked
}

// grantFor returns the index (into w.grants) of a licence grant that
// licenses the flow of y under control c to holders of profile p, or -1.
func (w *world) grantFor(c *ctl, p int, y int32) int {
	if c.ev < 0 {
		return -1
	}
	for _, gi := range w.profGrants[p] {
		g := w.grants[gi]
		if !slices.Contains(g.licenses, c.ev) || w.exemptsItem(g, y) {
			continue
		}
		for _, u := range w.up(y) {
			if slices.Contains(g.covers, u.node) {
				return gi
			}
		}
	}
	return -1
}

// passes reports whether control c, which binds and reaches a flow of y to
// a holder of profile p, lets it through at the world's tolerance.
func (w *world) passes(c *ctl, p int, y int32) bool {
	return w.tol < Open && w.flowLevel(c, p, y) >= w.tol
}

// recordedGrant returns the licence-grant event ev as a ctl if it is in
// force at asOf (effective, unexpired, not rescinded or suspended), else nil.
func (e *Engine) recordedGrant(ev int32, asOf graph.Date) *ctl {
	n := e.s.Node(ev)
	if n.EventKind != graph.KindLicenceGrant || !e.active(ev, asOf) {
		return nil
	}
	g := &ctl{id: n.ID, title: n.Name, ev: ev, issuer: -1, effective: n.EffectiveDate(), kind: n.EventKind}
	g.covers = e.outVisible(ev, graph.Covers, asOf)
	g.targets = e.outVisible(ev, graph.Targets, asOf)
	g.exempts = e.outVisible(ev, graph.Exempts, asOf)
	g.licenses = e.outVisible(ev, graph.Licenses, asOf)
	return g
}

// suspended reports whether event ev is suspended on day: an event that
// SUSPENDS it is effective on or before day and the SUSPENDS edge's
// validity (blank from: the suspending event's effective date) holds.
func (e *Engine) suspended(ev int32, day graph.Date) bool {
	for _, ed := range e.in(ev, graph.Suspends) {
		s, _ := e.s.Ends(ed)
		eff := e.s.Node(s).EffectiveDate()
		if eff == 0 || day < eff || !visible(e.s.Edge(ed), day) {
			continue
		}
		return true
	}
	return false
}

// extendToAffiliates applies the ownership rules in force: each extends the
// issuer's entity listings active in w to the firms that listed parties
// own, directly or through other such firms, at or above its threshold
// (summing the SUBSIDIARY_OF shares held by listed parties and by firms
// already reached). A SUBSIDIARY_OF edge without a share counts as full
// ownership only if the firm has no other recorded owner.
func (w *world) extendToAffiliates() {
	for _, ev := range w.e.events {
		n := w.s.Node(ev)
		if n.EventKind != graph.KindOwnershipRule || !w.e.active(ev, w.asOf) {
			continue
		}
		issuer, ok := w.s.Index(n.Issuer)
		if !ok {
			continue
		}
		for _, c := range w.ctls {
			if c.hypo || c.issuer != issuer || c.kind != "entity-listing" {
				continue
			}
			for f, owners := range w.affiliates(c.targets, n.OwnershipThreshold) {
				if slices.Contains(c.targets, f) {
					continue
				}
				c.targets = append(slices.Clip(c.targets), f)
				if c.via == nil {
					c.via = map[int32]string{}
				}
				c.via[f] = fmt.Sprintf("%s: owned %s by listed parties (%s)", n.ID, owners, n.Name)
			}
		}
	}
}

// affiliates returns the firms owned at or above threshold percent by the
// listed parties, each with a description of its owners.
func (w *world) affiliates(listed []int32, threshold float64) map[int32]string {
	reached := map[int32]bool{}
	for _, t := range listed {
		reached[t] = true
	}
	out := map[int32]string{}
	for changed := true; changed; {
		changed = false
		// Candidates: firms with a visible SUBSIDIARY_OF edge to a reached firm.
		var cands []int32
		for r := range reached {
			for _, ed := range w.e.in(r, graph.SubsidiaryOf) {
				if visible(w.s.Edge(ed), w.asOf) {
					sub, _ := w.s.Ends(ed)
					if !reached[sub] {
						cands = append(cands, sub)
					}
				}
			}
		}
		slices.Sort(cands)
		cands = slices.Compact(cands)
		for _, f := range cands {
			total, n := 0.0, 0
			var desc string
			owners := w.e.outVisible(f, graph.SubsidiaryOf, w.asOf)
			for _, ed := range w.e.out(f, graph.SubsidiaryOf) {
				e := w.s.Edge(ed)
				if !visible(e, w.asOf) {
					continue
				}
				_, p := w.s.Ends(ed)
				if !reached[p] {
					continue
				}
				share := e.Share
				if math.IsNaN(share) {
					if len(owners) != 1 {
						continue // an unknown share beside other owners: not presumed
					}
					share = 100
				}
				total += share
				n++
				if desc != "" {
					desc += ", "
				}
				desc += fmt.Sprintf("%s %g%%", w.id(p), share)
			}
			if n > 0 && total >= threshold {
				reached[f] = true
				out[f] = desc
				changed = true
			}
		}
	}
	return out
}

// BuyerMeasure is a measure of the buyer's own jurisdiction in force on the
// day asked about that bears on acquiring an item: an import ban or a
// customs block (Binding), or official guidance to avoid it (not binding).
type BuyerMeasure struct {
	Event     graph.ID
	Title     string
	Kind      string
	Issuer    graph.ID
	Effective graph.Date
	Binding   bool
	// Through is what the measure covers the item through (the item or a
	// category of it).
	Through []graph.ID
}

// buyerMeasures returns the buyer-side measures active at w's day that
// target holder h (directly, or through its headquarters country or, for a
// fab, its location) and cover x, exempting neither.
func (w *world) buyerMeasures(x, h int32) []BuyerMeasure {
	if h < 0 {
		return nil
	}
	up := w.up(x)
	var out []BuyerMeasure
	for _, ev := range w.e.events {
		n := w.s.Node(ev)
		buyer, binding := graph.BuyerSide(n.EventKind)
		if !buyer || !w.e.active(ev, w.asOf) {
			continue
		}
		c := &ctl{id: n.ID, ev: ev, issuer: -1}
		c.covers = w.e.outVisible(ev, graph.Covers, w.asOf)
		c.targets = w.e.outVisible(ev, graph.Targets, w.asOf)
		c.exempts = w.e.outVisible(ev, graph.Exempts, w.asOf)
		if !w.targeted(c, h, -1) || w.exempted(c, h, -1) || w.exemptsItem(c, x) {
			continue
		}
		var through []graph.ID
		for _, u := range up {
			if n.CoversAll || slices.Contains(c.covers, u.node) {
				through = append(through, w.id(u.node))
			}
		}
		if len(through) == 0 {
			continue
		}
		out = append(out, BuyerMeasure{Event: n.ID, Title: n.Name, Kind: n.EventKind, Issuer: n.Issuer,
			Effective: n.EffectiveDate(), Binding: binding, Through: through})
	}
	return out
}

// CurrentTo returns how current the recorded events are as of today: the
// latest day on or before today on which a control event was announced,
// took effect, or started to cover, target or exempt something (an edge's
// valid_from: the approval of named importers), and the events of that
// day (by ID). Zero if there are none. Dates after today (effective dates
// to come, the planned end of a suspension) do not make the data more
// current.
func (e *Engine) CurrentTo(today graph.Date) (graph.Date, []graph.ID) {
	var day graph.Date
	var ids []graph.ID
	for _, ev := range e.events {
		n := e.s.Node(ev)
		dates := []graph.Date{n.Date, n.EffectiveDate()}
		for _, ed := range e.s.Out(ev) {
			dates = append(dates, e.s.Edge(ed).ValidFrom)
		}
		for _, d := range dates {
			switch {
			case d == 0 || d > today || d < day:
			case d > day:
				day, ids = d, []graph.ID{n.ID}
			case !slices.Contains(ids, n.ID):
				ids = append(ids, n.ID)
			}
		}
	}
	slices.Sort(ids)
	return day, ids
}
