package analysis

import (
	"cmp"
	"context"
	"slices"

	"github.com/chipgraph/chipgraph/graph"
)

// Observed is the factual answer beside the legal one: whether recorded
// observations (teardowns, official and court records, company statements,
// press) evidence that the holder had the item on the day, whatever the law
// said, and through which routes.
type Observed struct {
	// Evidenced: an observation of the item (or an instance or subtype of
	// it) obtained or held by the holder holds on the day (see Matches).
	Evidenced bool
	// Routes are the distinct routes of those observations (stockpile,
	// installed-base, diversion, domestic, licensed), in order of the
	// strongest evidence for each.
	Routes []string
	// Strength is the strongest evidence among them: 3 teardown, court or
	// official; 2 company; 1 press; 0 none (graph.EvidenceStrength).
	Strength int
	// Direct are the observations of the item itself, strongest first.
	Direct []graph.ID
	// Upstream are observations, holding on the day and matching the
	// holder, of items the item depends on (its upstream closure): how its
	// inputs were obtained despite the controls (the TSMC dies and HBM in an
	// Ascend). They support the answer but do not make it evidenced alone.
	Upstream []graph.ID
}

// maxObservedDepth bounds the upstream closure searched for supporting
// observations.
const maxObservedDepth = 12

// ObservedAccess answers "is holder's access to item evidenced at asOf,
// whatever the law says?". An observation matches when its OBSERVES item is
// the item or an instance or subtype of it (for Upstream: any item of the
// upstream closure), its flow is evidenced on the day (graph.Node.
// ObservedDuring), and its RECEIVED_BY holder is the holder, a firm of the
// holder's group (the holder, a firm it is a subsidiary of, or their
// subsidiaries), or, for a country holder, the country or a firm
// headquartered there. Unknown IDs fail with graph.NotFound; an item that is
// not an input or product, or a holder that is not a firm, fab or country,
// with graph.Invalid. A fab holder is read as its operator.
// Once ctx is done it stops with ctx's error.
func (e *Engine) ObservedAccess(ctx context.Context, item, holder graph.ID, asOf graph.Date) (Observed, error) {
	const op = "analysis.ObservedAccess"
	x, err := e.index(op, item)
	if err != nil {
		return Observed{}, err
	}
	if k := e.s.Node(x).Kind; k != graph.KindInput && k != graph.KindProduct {
		return Observed{}, graph.Errorf(graph.Invalid, op, "item %s is a %s, want an input or product", item, k)
	}
	h, err := e.index(op, holder)
	if err != nil {
		return Observed{}, err
	}
	switch e.s.Node(h).Kind {
	case graph.KindFirm, graph.KindCountry:
	case graph.KindFab:
		w := e.newWorld(dateOr(asOf), nil)
		if h = w.operator(h); h < 0 {
			return Observed{}, nil
		}
	default:
		return Observed{}, graph.Errorf(graph.Invalid, op, "holder %s is a %s, want a firm, fab or country", holder, e.s.Node(h).Kind)
	}
	asOf = dateOr(asOf)
	return e.observed(ctx, x, h, asOf)
}

func (e *Engine) observed(ctx context.Context, x, h int32, asOf graph.Date) (Observed, error) {
	var out Observed
	obs := e.s.OfKind(graph.KindObservation)
	if len(obs) == 0 {
		return out, nil
	}
	w := e.newWorld(asOf, nil)
	holders := e.observedHolders(w, h)
	direct := map[int32]bool{}
	for _, d := range w.down(x) {
		direct[d.node] = true
	}
	upstream := map[int32]bool{}
	up, err := e.upstreamNodes(ctx, x, maxObservedDepth, asOf)
	if err != nil {
		return Observed{}, err
	}
	for _, u := range up {
		upstream[u] = true
	}
	var dir, sup []int32
	for _, o := range obs {
		n := e.s.Node(o)
		if !n.ObservedDuring(asOf) || !slices.ContainsFunc(e.outVisible(o, graph.ReceivedBy, asOf), func(r int32) bool { return holders(r) }) {
			continue
		}
		for _, it := range e.outVisible(o, graph.Observes, asOf) {
			switch {
			case direct[it]:
				dir = append(dir, o)
			case upstream[it]:
				sup = append(sup, o)
			default:
				continue
			}
			break
		}
	}
	strongest := func(a, b int32) int {
		na, nb := e.s.Node(a), e.s.Node(b)
		return cmp.Or(cmp.Compare(graph.EvidenceStrength(nb.Evidence), graph.EvidenceStrength(na.Evidence)),
			cmp.Compare(na.ID, nb.ID))
	}
	slices.SortFunc(dir, strongest)
	slices.SortFunc(sup, strongest)
	for _, o := range dir {
		n := e.s.Node(o)
		out.Direct = append(out.Direct, n.ID)
		if !slices.Contains(out.Routes, n.Route) {
			out.Routes = append(out.Routes, n.Route)
		}
		out.Strength = max(out.Strength, graph.EvidenceStrength(n.Evidence))
	}
	for _, o := range sup {
		out.Upstream = append(out.Upstream, e.s.Node(o).ID)
	}
	out.Evidenced = len(out.Direct) > 0
	return out, nil
}

// observedHolders returns the test of whether an observation's holder
// stands for h: h itself; for a firm, a firm of its group (the top parent
// and all its subsidiaries); for a country, a firm headquartered there.
func (e *Engine) observedHolders(w *world, h int32) func(int32) bool {
	switch e.s.Node(h).Kind {
	case graph.KindCountry:
		return func(r int32) bool { return r == h || w.hq(r) == h }
	case graph.KindFirm:
		group := e.firmGroup(h, w.asOf)
		for _, p := range w.parents(h) {
			for f := range e.firmGroup(p, w.asOf) {
				group[f] = true
			}
		}
		return func(r int32) bool { return group[r] }
	}
	return func(r int32) bool { return r == h }
}

// stockpiled reports whether an observed stockpile of x (or an instance or
// subtype of it) held by h (its group; for a country, a firm headquartered
// there) is in force on the world's day. Only worlds with stockpiles set
// ask (ScenarioOptions.CountStockpiles).
func (w *world) stockpiled(x, h int32) bool {
	holders := w.e.observedHolders(w, h)
	down := w.down(x)
	for _, o := range w.s.OfKind(graph.KindObservation) {
		n := w.s.Node(o)
		if n.Route != "stockpile" || !n.ObservedDuring(w.asOf) {
			continue
		}
		if !slices.ContainsFunc(w.e.outVisible(o, graph.ReceivedBy, w.asOf), holders) {
			continue
		}
		for _, it := range w.e.outVisible(o, graph.Observes, w.asOf) {
			if slices.ContainsFunc(down, func(r rel) bool { return r.node == it }) {
				return true
			}
		}
	}
	return false
}
