package api

import (
	"cmp"
	"slices"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/api/model"
)

// maxSearchText bounds Query.search's text, in bytes.
const maxSearchText = 200

// at returns the snapshot and index of a node model.
func at(n model.Node) (*graph.Snapshot, int32) {
	r := n.Ref()
	return r.Snap, r.Index
}

// nodeSources resolves a node's own sources.
func nodeSources(n model.Node) []*model.Source {
	snap, i := at(n)
	return sourceModels(snap, snap.Node(i).Sources)
}

// firstAs returns the first of is as a T, or nil.
func firstAs[T model.Node](snap *graph.Snapshot, is []int32) T {
	var zero T
	for _, i := range is {
		if n, ok := model.NodeAt(snap, i).(T); ok {
			return n
		}
	}
	return zero
}

// lookupCountry returns the country with the given ID, or nil.
func lookupCountry(snap *graph.Snapshot, id graph.ID) *model.Country {
	if id == "" {
		return nil
	}
	i, ok := snap.Index(id)
	if !ok {
		return nil
	}
	c, _ := model.NodeAt(snap, i).(*model.Country)
	return c
}

// eventsByDate returns the control events among is, by date and then ID.
func eventsByDate(snap *graph.Snapshot, is []int32) []*model.ControlEvent {
	is = slices.Clone(is)
	slices.SortStableFunc(is, func(a, b int32) int {
		return cmp.Compare(snap.Node(a).Date, snap.Node(b).Date) // IDs already ascending
	})
	return nodesAs[*model.ControlEvent](snap, is)
}

// hasFold reports whether list holds v, ignoring case and surrounding space.
func hasFold(list []string, v string) bool {
	v = strings.TrimSpace(v)
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// supplyView says from which side a list of supplies is seen, which sets
// its order.
type supplyView int

const (
	bySupplierView supplyView = iota // a supplier's shares: newest year first, then by item ID
	byItemView                       // an item's suppliers: newest year first, then largest share, then supplier ID
)

// supplies returns the SUPPLIES edges es as models, keeping only year if
// it is given.
func supplies(snap *graph.Snapshot, es []int32, year *int, view supplyView) []*model.Supply {
	es = slices.Clone(es)
	if year != nil {
		es = slices.DeleteFunc(es, func(e int32) bool { return snap.Edge(e).Year != *year })
	}
	slices.SortStableFunc(es, func(a, b int32) int {
		ea, eb := snap.Edge(a), snap.Edge(b)
		if c := cmp.Compare(eb.Year, ea.Year); c != 0 {
			return c
		}
		if view == byItemView {
			return cmp.Or(compareShares(ea, eb), cmp.Compare(ea.From, eb.From))
		}
		return cmp.Compare(ea.To, eb.To)
	})
	out := make([]*model.Supply, len(es))
	for k, e := range es {
		out[k] = model.NewSupply(snap, e)
	}
	return out
}

// compareShares orders larger known shares first and unknown ones last.
func compareShares(a, b *graph.Edge) int {
	switch {
	case a.HasShare() && b.HasShare():
		return cmp.Compare(b.Share, a.Share)
	case a.HasShare():
		return -1
	case b.HasShare():
		return 1
	}
	return 0
}

func fabrications(snap *graph.Snapshot, es []int32) []*model.Fabrication {
	out := make([]*model.Fabrication, len(es))
	for k, e := range es {
		out[k] = model.NewFabrication(snap, e)
	}
	return out
}

func requirements(snap *graph.Snapshot, es []int32) []*model.Requirement {
	out := make([]*model.Requirement, len(es))
	for k, e := range es {
		out[k] = model.NewRequirement(snap, e)
	}
	return out
}

// suspensions describes SUSPENDS edges, ordered by the day they start.
func suspensions(snap *graph.Snapshot, es []int32) []*model.Suspension {
	out := make([]*model.Suspension, 0, len(es))
	for _, e := range es {
		from, to := snap.Ends(e)
		ed := snap.Edge(e)
		by, _ := model.NodeAt(snap, from).(*model.ControlEvent)
		sus, _ := model.NodeAt(snap, to).(*model.ControlEvent)
		if by == nil || sus == nil {
			continue
		}
		s := &model.Suspension{By: by, Suspended: sus, Sources: sourceModels(snap, ed.Sources), Note: optString(ed.Note)}
		start := ed.ValidFrom
		if start == 0 {
			start = snap.Node(from).EffectiveDate()
		}
		if start != 0 {
			s.From = &start
		}
		if ed.ValidTo != 0 {
			until := ed.ValidTo
			s.Until = &until
		}
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b *model.Suspension) int {
		return cmp.Compare(dateOf(a.From), dateOf(b.From))
	})
	return out
}

func dateOf(d *graph.Date) graph.Date {
	if d == nil {
		return 0
	}
	return *d
}

// observationsByDate returns observations ordered by their report date.
func observationsByDate(snap *graph.Snapshot, is []int32) []*model.Observation {
	is = slices.Clone(is)
	slices.SortStableFunc(is, func(a, b int32) int { return cmp.Compare(snap.Node(a).Date, snap.Node(b).Date) })
	return nodesAs[*model.Observation](snap, is)
}
