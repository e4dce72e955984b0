package analysis

import (
	"cmp"
	"context"
	"fmt"
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
	// not under the scenario, and the items a holder's group could make
	// itself at baseline but not under the scenario (InHouse), by holder (in
	// Targets order), then item ID.
	NewlyInfeasible []FeasibilityChange
	// NewlyFeasible lists the reverse, possible when the scenario rescinds
	// recorded controls.
	NewlyFeasible []FeasibilityChange
	// ChokepointChanges lists the inputs whose chokepoint score changes
	// (through the control factor), largest change first, then by ID.
	ChokepointChanges []ChokepointChange
	// Truncated reports that more than MaxScenarioChanges changes were
	// found in a direction and only the first are listed.
	Truncated bool
}

// Limits on scenarios: the comparison grows with holders × items, and so
// could the answer.
const (
	MaxScenarioPairs   = 2_000_000 // holders × items compared; beyond it, Scenario fails with graph.Invalid
	MaxScenarioChanges = 2_000     // changes listed in each direction; beyond it, Truncated
	maxExplained       = 100       // changes that carry BlockedBy and an explanation (ask Feasibility for others)
)

// FeasibilityChange is an item whose feasibility for a holder changes.
type FeasibilityChange struct {
	Item, Holder graph.ID
	// InHouse marks a change in the holder's own production only: its
	// group makes the item and can no longer make it itself (or, in
	// NewlyFeasible, can again), while it can still obtain it by buying
	// (SMIC losing its own 7nm-class process while foundries elsewhere
	// could still supply one).
	InHouse bool
	// BlockedBy and Explanation are the verdict under the scenario (for a
	// newly feasible item, at baseline); only the first changes listed carry
	// them (see MaxScenarioChanges): Feasibility explains any other.
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
// whose evaluation can read a flow of an item the controls cover (or that
// controls they rescind cover). Every other item keeps its verdict by
// construction. Holders with the same control profiles and no in-house
// relation to an item share one evaluation of it.
//
// Unknown IDs fail with graph.NotFound; no controls, a target that is not a
// firm or country, no target at all, or more than MaxScenarioPairs holders
// × items with graph.Invalid.
func (e *Engine) Scenario(ctx context.Context, controls []Control, asOf graph.Date, targets []graph.ID) (ScenarioResult, error) {
	return e.ScenarioWith(ctx, controls, asOf, targets, ScenarioOptions{})
}

// ScenarioOptions change how a scenario counts what holders already have.
type ScenarioOptions struct {
	// CountStockpiles counts observed stockpiles (observations with route
	// "stockpile" in force on the day, held by the holder's group or, for a
	// country, a firm headquartered there) as held, like an installed base:
	// "what if the controls bite, given what they have already stocked?".
	// Both the baseline and the hypothetical world count them.
	CountStockpiles bool
}

// ScenarioWith is Scenario with options.
func (e *Engine) ScenarioWith(ctx context.Context, controls []Control, asOf graph.Date, targets []graph.ID, opt ScenarioOptions) (ScenarioResult, error) {
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
	var base, hyp *eval
	if opt.CountStockpiles {
		bw, hw := e.newWorld(asOf, nil), e.newWorld(asOf, hs)
		bw.stockpiles, hw.stockpiles = true, true
		base, hyp = newEval(bw), newEval(hw)
	} else {
		base, hyp = newEval(e.baseWorld(asOf)), newEval(e.newWorld(asOf, hs))
	}
	base.w.ctx, hyp.w.ctx = ctx, ctx
	items := e.affectedItems(base.w, hs)
	for _, h := range holders {
		res.Targets = append(res.Targets, e.s.Node(h).ID)
	}
	for _, x := range items {
		res.Items = append(res.Items, e.s.Node(x).ID)
	}
	if len(holders)*len(items) > MaxScenarioPairs {
		return ScenarioResult{}, graph.Errorf(graph.Invalid, op,
			"the scenario would compare %d holders × %d items (more than %d): give fewer targets", len(holders), len(items), MaxScenarioPairs)
	}
	type found struct {
		x       int32
		lost    bool // NewlyInfeasible, else NewlyFeasible
		inHouse bool
	}
	byHolder := make([][]found, len(holders))
	for _, x := range items {
		// Holders with no in-house relation to x (no fab holding it, their
		// group making none of it) obtain it exactly when their control
		// profiles let them buy it: one evaluation per pair of profiles.
		plain := map[[2]int][2]bool{}
		for i, h := range holders {
			var before, after bool
			if len(base.w.installedBase(h)[x]) == 0 && !base.w.makesAny(x, h) {
				k := [2]int{base.w.profile(h), hyp.w.profile(h)}
				r, ok := plain[k]
				if !ok {
					r[0], _ = base.buy(x, k[0])
					r[1], _ = hyp.buy(x, k[1])
					plain[k] = r
				}
				before, after = r[0], r[1]
			} else {
				before, _ = base.obtain(x, h)
				after, _ = hyp.obtain(x, h)
			}
			switch {
			case before && !after:
				byHolder[i] = append(byHolder[i], found{x, true, false})
			case !before && after:
				byHolder[i] = append(byHolder[i], found{x, false, false})
			case before && after && base.w.makesAny(x, h):
				switch ib, ia := base.inHouse(x, h), hyp.inHouse(x, h); {
				case ib && !ia:
					byHolder[i] = append(byHolder[i], found{x, true, true})
				case !ib && ia:
					byHolder[i] = append(byHolder[i], found{x, false, true})
				}
			}
		}
	}
	if err := cmp.Or(base.w.err, hyp.w.err); err != nil {
		return ScenarioResult{}, fmt.Errorf("%s: stopped: %w", op, err)
	}
	explained := 0
	for i, h := range holders {
		for _, f := range byHolder[i] {
			list := &res.NewlyFeasible
			if f.lost {
				list = &res.NewlyInfeasible
			}
			if len(*list) >= MaxScenarioChanges {
				res.Truncated = true
				continue
			}
			c := FeasibilityChange{Item: e.s.Node(f.x).ID, Holder: e.s.Node(h).ID, InHouse: f.inHouse}
			if explained < maxExplained {
				explained++
				var vd Verdict
				switch {
				case f.lost && f.inHouse:
					vd = hyp.inHouseVerdict(f.x, h)
				case f.lost:
					vd = hyp.verdict(f.x, h)
				case f.inHouse:
					vd = base.inHouseVerdict(f.x, h)
				default:
					vd = base.verdict(f.x, h)
				}
				c.BlockedBy, c.Explanation = vd.BlockedBy, vd.Explanation
			}
			*list = append(*list, c)
		}
	}
	if err := cmp.Or(base.w.err, hyp.w.err); err != nil {
		return ScenarioResult{}, fmt.Errorf("%s: stopped: %w", op, err)
	}
	cc, err := e.chokepointChanges(ctx, asOf, hs, base.w, hyp.w)
	if err != nil {
		return ScenarioResult{}, fmt.Errorf("%s: stopped: %w", op, err)
	}
	res.ChokepointChanges = cc
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
		// The reverse of the evaluation's cone. Flows of an item are covered
		// when it is in down(a covered item). Obtaining X reads the routes of
		// every item in down(X): X is affected when an item below it is (up
		// the taxonomy). Making Y reads the requirements of every item in
		// up(Y): when a requirement a is affected, so is everything in
		// down(R) for each R that requires a.
		var queue []int32
		add := func(v int32) {
			if !m.has(v) {
				m.set(v, 0)
				queue = append(queue, v)
			}
		}
		for _, x := range seeds {
			for _, d := range w.down(x) {
				add(d.node)
			}
		}
		for len(queue) > 0 {
			z := queue[len(queue)-1]
			queue = queue[:len(queue)-1]
			for _, k := range []graph.EdgeKind{graph.InstanceOf, graph.TypeOf} {
				for _, p := range e.outVisible(z, k, w.asOf) {
					add(p)
				}
			}
			for _, ed := range e.in(z, graph.Requires) {
				if visible(s.Edge(ed), w.asOf) {
					r, _ := s.Ends(ed)
					for _, d := range w.down(r) {
						add(d.node)
					}
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

func (e *Engine) chokepointChanges(ctx context.Context, asOf graph.Date, hs []hypo, base, hyp *world) ([]ChokepointChange, error) {
	t, err := e.table(ctx, asOf)
	if err != nil {
		return nil, err
	}
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
		ctls, k := hyp.itemControls(v)
		after := withControls(t.base[r], k)
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
	return out, nil
}
