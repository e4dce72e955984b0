package analysis

import (
	"cmp"
	"slices"

	"github.com/chipgraph/chipgraph/graph"
)

// ActiveControl is a control in force on a day, and how it bears on the
// holder or item asked about.
type ActiveControl struct {
	Event     graph.ID
	Title     string
	Issuer    graph.ID
	Effective graph.Date // the day it took effect
	Expires   graph.Date // zero: open
	Reach     string     // "hq" or "fdp"
	Kind      string     // the event kind ("rule", "entity-listing", ServicingBan, ...)
	CoversAll bool
	// LicencePolicy is the licence review policy the event states ("" if
	// none); Binding is false only for buyer-side guidance.
	LicencePolicy string
	// Via says how a control reaches a holder it does not name: the
	// ownership rule and the listed owners (ControlsOn only).
	Via string
	// Through lists what it applies through: for ControlsOn, the holder's
	// keys it targets (the firm, a parent, its country); for
	// ControlsCovering, the item or the categories of it that it covers.
	Through []graph.ID
}

// ControlsOn returns the controls active at asOf (zero: today) that bind
// holder, a firm, fab or country: they target it, its headquarters country
// (for a fab: its operator, the operator's country or the fab's location),
// or reach it through an ownership rule (the Affiliates Rule), and exempt
// none of these nor a parent of it.
// Only controls that can block (reach "hq" or "fdp") count; listings
// without a reach (an Unverified List entry, an industry event) do not.
// Ordered by effective date, then ID. Unknown IDs fail with
// graph.NotFound; a holder that is not a firm or country with
// graph.Invalid.
func (e *Engine) ControlsOn(holder graph.ID, asOf graph.Date) ([]ActiveControl, error) {
	const op = "analysis.ControlsOn"
	h, err := e.index(op, holder)
	if err != nil {
		return nil, err
	}
	if k := e.s.Node(h).Kind; k != graph.KindFirm && k != graph.KindCountry && k != graph.KindFab {
		return nil, graph.Errorf(graph.Invalid, op, "%s is a %s, want a firm, fab or country", holder, k)
	}
	w := e.newWorld(dateOr(asOf), nil)
	keys := w.keys(h)
	var out []ActiveControl
	for _, c := range w.ctls {
		if !w.targeted(c, h, -1) || w.exempted(c, h, -1) {
			continue
		}
		var through []int32
		for _, k := range keys {
			if slices.Contains(c.targets, k) {
				through = append(through, k)
			}
		}
		a := e.activeControl(w, c, through)
		for _, k := range keys {
			if why, ok := c.via[k]; ok {
				a.Via = why
			}
		}
		out = append(out, a)
	}
	sortActive(out)
	return out, nil
}

// ControlsCovering returns the controls active at asOf (zero: today) that
// cover item: a COVERS edge to it or to a category it is an instance or
// subtype of. Controls covering every item (entity listings) are about
// firms, not the item, and are left out, as in Chokepoint.Controls. Ordered
// by effective date, then ID; Effective answers "since when". Unknown IDs
// fail with graph.NotFound; an item that is not an input or product with
// graph.Invalid.
func (e *Engine) ControlsCovering(item graph.ID, asOf graph.Date) ([]ActiveControl, error) {
	const op = "analysis.ControlsCovering"
	x, err := e.index(op, item)
	if err != nil {
		return nil, err
	}
	if k := e.s.Node(x).Kind; k != graph.KindInput && k != graph.KindProduct {
		return nil, graph.Errorf(graph.Invalid, op, "%s is a %s, want an input or product", item, k)
	}
	w := e.newWorld(dateOr(asOf), nil)
	up := w.up(x)
	var out []ActiveControl
	for _, ci := range w.coveringCtls(x) {
		c := w.ctls[ci]
		if c.coversAll {
			continue
		}
		var through []int32
		for _, u := range up {
			if slices.Contains(c.covers, u.node) {
				through = append(through, u.node)
			}
		}
		out = append(out, e.activeControl(w, c, through))
	}
	sortActive(out)
	return out, nil
}

func (e *Engine) activeControl(w *world, c *ctl, through []int32) ActiveControl {
	n := e.s.Node(mustIndex(e.s, c.id))
	a := ActiveControl{Event: c.id, Title: c.title, Issuer: n.Issuer, Effective: c.effective, Expires: n.Expires,
		Reach: n.Reach, Kind: n.EventKind, CoversAll: c.coversAll, LicencePolicy: n.LicencePolicy}
	for _, t := range through {
		a.Through = append(a.Through, w.id(t))
	}
	return a
}

func mustIndex(s *graph.Snapshot, id graph.ID) int32 {
	i, _ := s.Index(id)
	return i
}

func sortActive(cs []ActiveControl) {
	slices.SortFunc(cs, func(a, b ActiveControl) int {
		return cmp.Or(cmp.Compare(a.Effective, b.Effective), cmp.Compare(a.Event, b.Event))
	})
}
