package analysis

import (
	"cmp"
	"math"
	"slices"

	"github.com/chipgraph/chipgraph/graph"
)

// ScenarioResult is the difference hypothetical controls make against the
// baseline (the recorded controls only) at one date.
type ScenarioResult struct {
	AsOf     graph.Date
	Controls []graph.ID // the hypothetical controls' IDs, in the order given
	Targets  []graph.ID // the holders compared
	Items    []graph.ID // the items compared for each holder
	// NewlyInfeasible lists the items a holder could obtain at baseline but
	// not under the scenario, by holder (in Targets order), then item ID.
	NewlyInfeasible []FeasibilityChange
	// NewlyFeasible lists the reverse, possible when the scenario rescinds
	// recorded controls.
	NewlyFeasible []FeasibilityChange
	// ChokepointChanges lists the inputs whose chokepoint score changes
	// (through the control factor), largest change first, then by ID.
	ChokepointChanges []ChokepointChange
}

// FeasibilityChange is an item whose feasibility for a holder changes.
type FeasibilityChange struct {
	Item, Holder graph.ID
	// BlockedBy and Explanation are the verdict under the scenario (for a
	// newly feasible item, at baseline).
	BlockedBy   []graph.ID
	Explanation []string
}

// ChokepointChange is an input whose chokepoint score changes.
type ChokepointChange struct {
	Input         graph.ID
	Before, After float64
	Controls      []graph.ID // the controls covering it under the scenario
}

// Scenario evaluates hypothetical controls (with the semantics of
// Feasibility) against the baseline at asOf (zero: today).
//
// The holders compared are targets, or by default every firm and country
// the hypothetical controls target plus every firm headquartered in a
// targeted country. The items compared are the products and the process
// inputs (Type "process") whose feasibility the controls can touch: those
// whose requirement cone (requirements, own and inherited, and what can
// stand in for them, transitively) reaches an item the controls cover or
// rescind controls on. Every other item keeps its verdict by construction.
//
// Unknown IDs fail with graph.NotFound; no controls, a target that is not a
// firm or country, or no target at all with graph.Invalid.
func (e *Engine) Scenario(controls []Control, asOf graph.Date, targets []graph.ID) (ScenarioResult, error) {
	const op = "analysis.Scenario"
	if len(controls) == 0 {
		return ScenarioResult{}, graph.Errorf(graph.Invalid, op, "no controls given")
	}
	hs, err := e.resolveControls(op, controls)
	if err != nil {
		return ScenarioResult{}, err
	}
	asOf = dateOr(asOf)
	res := ScenarioResult{AsOf: asOf}
	for _, h := range hs {
		res.Controls = append(res.Controls, h.id)
	}
	holders, err := e.scenarioTargets(op, hs, targets, asOf)
	if err != nil {
		return ScenarioResult{}, err
	}
	base, hyp := newEval(e.newWorld(asOf, nil)), newEval(e.newWorld(asOf, hs))
	items := e.affectedItems(base.w, hs)
	for _, h := range holders {
		res.Targets = append(res.Targets, e.s.Node(h).ID)
	}
	for _, x := range items {
		res.Items = append(res.Items, e.s.Node(x).ID)
	}
	for _, h := range holders {
		for _, x := range items {
			before, _ := base.obtain(x, h)
			after, _ := hyp.obtain(x, h)
			switch {
			case before && !after:
				vd := hyp.verdict(x, h)
				res.NewlyInfeasible = append(res.NewlyInfeasible, FeasibilityChange{vd.Item, vd.Buyer, vd.BlockedBy, vd.Explanation})
			case !before && after:
				vd := base.verdict(x, h)
				res.NewlyFeasible = append(res.NewlyFeasible, FeasibilityChange{vd.Item, vd.Buyer, vd.BlockedBy, vd.Explanation})
			}
		}
	}
	res.ChokepointChanges = e.chokepointChanges(asOf, hs, base.w, hyp.w)
	return res, nil
}

func (e *Engine) scenarioTargets(op string, hs []hypo, targets []graph.ID, asOf graph.Date) ([]int32, error) {
	var out []int32
	if len(targets) > 0 {
		for _, id := range targets {
			x, err := e.index(op, id)
			if err != nil {
				return nil, err
			}
			if k := e.s.Node(x).Kind; k != graph.KindFirm && k != graph.KindCountry {
				return nil, graph.Errorf(graph.Invalid, op, "target %s is a %s, want a firm or country", id, k)
			}
			if !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
		return out, nil
	}
	for _, h := range hs {
		for _, t := range h.targets {
			out = append(out, t)
			if e.s.Node(t).Kind == graph.KindCountry {
				for _, ed := range e.in(t, graph.HeadquarteredIn) {
					if visible(e.s.Edge(ed), asOf) {
						f, _ := e.s.Ends(ed)
						out = append(out, f)
					}
				}
			}
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) == 0 {
		return nil, graph.Errorf(graph.Invalid, op, "no targets: give targets, or controls that target someone")
	}
	return out, nil
}

// scenarioSeeds returns the items the hypothetical controls bear on
// directly: what they cover, and what the recorded controls they rescind
// cover; all is set if one of them covers everything.
func (e *Engine) scenarioSeeds(w *world, hs []hypo) (seeds []int32, all bool) {
	for _, h := range hs {
		if h.coversAll {
			all = true
		}
		seeds = append(seeds, h.covers...)
		for _, r := range h.rescinds {
			if e.s.Node(r).CoversAll {
				all = true
			}
			seeds = append(seeds, e.outVisible(r, graph.Covers, w.asOf)...)
		}
	}
	return seeds, all
}

// affectedItems returns the products and process inputs whose feasibility
// the hypothetical controls can change, in ID order.
func (e *Engine) affectedItems(w *world, hs []hypo) []int32 {
	s := e.s
	seeds, all := e.scenarioSeeds(w, hs)
	m := e.getMarks()
	defer e.putMarks(m)
	if !all {
		// The reverse of the evaluation's cone: from an item to the items
		// whose evaluation can read it.
		queue := slices.Clone(seeds)
		for _, x := range queue {
			m.set(x, 0)
		}
		for len(queue) > 0 {
			z := queue[len(queue)-1]
			queue = queue[:len(queue)-1]
			var next []int32
			for _, k := range []graph.EdgeKind{graph.InstanceOf, graph.TypeOf} {
				next = append(next, e.outVisible(z, k, w.asOf)...)
				for _, ed := range e.in(z, k) {
					if visible(s.Edge(ed), w.asOf) {
						f, _ := s.Ends(ed)
						next = append(next, f)
					}
				}
			}
			for _, ed := range e.in(z, graph.Requires) {
				if visible(s.Edge(ed), w.asOf) {
					f, _ := s.Ends(ed)
					next = append(next, f)
				}
			}
			for _, v := range next {
				if !m.has(v) {
					m.set(v, 0)
					queue = append(queue, v)
				}
			}
		}
	}
	var out []int32
	for _, v := range s.OfKind(graph.KindInput) {
		if s.Node(v).Type == "process" && (all || m.has(v)) {
			out = append(out, v)
		}
	}
	for _, v := range s.OfKind(graph.KindProduct) {
		if all || m.has(v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

func (e *Engine) chokepointChanges(asOf graph.Date, hs []hypo, base, hyp *world) []ChokepointChange {
	t := e.table(asOf)
	seeds, _ := e.scenarioSeeds(base, hs)
	var cand []int32
	for _, x := range seeds {
		for _, d := range base.down(x) {
			if e.s.Node(d.node).Kind == graph.KindInput {
				cand = append(cand, d.node)
			}
		}
	}
	slices.Sort(cand)
	cand = slices.Compact(cand)
	var out []ChokepointChange
	for _, v := range cand {
		r := t.row[v]
		ctls := hyp.itemControls(v)
		after := withControls(t.base[r], len(ctls) > 0)
		if before := t.rows[r].Score; after != before {
			out = append(out, ChokepointChange{Input: e.s.Node(v).ID, Before: before, After: after, Controls: ctls})
		}
	}
	slices.SortFunc(out, func(a, b ChokepointChange) int {
		if c := cmp.Compare(math.Abs(b.After-b.Before), math.Abs(a.After-a.Before)); c != 0 {
			return c
		}
		return cmp.Compare(a.Input, b.Input)
	})
	return out
}
