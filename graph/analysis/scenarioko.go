package analysis

import (
	"context"

	"github.com/chipgraph/chipgraph/graph"
)

// KnockoutChanges compares the knock-outs of one item for one holder
// under hypothetical controls with the baseline (the recorded controls
// only) on the same day and options.
type KnockoutChanges struct {
	// Before is the baseline answer (Knockouts with opts), After the answer
	// with the controls assumed.
	Before, After KnockoutResult
	// Added are the single firms and countries that are knock-outs under
	// the scenario and not at baseline: single points of failure the
	// controls create (they cut the other routes). From After, in its order.
	Added []Knockout
	// Dropped are the baseline knock-outs that no longer are: the
	// scenario opens a route around them (it rescinds a control) or takes
	// the item, or the goals they stopped, away itself (then After.Feasible
	// is false and removing them changes nothing more). From Before, in its
	// order.
	Dropped []Knockout
}

// ScenarioKnockouts answers "which single suppliers would stop item if
// the controls were imposed, that do not today?": Knockouts at asOf with
// and without controls assumed (see KnockoutOptions; opts.Assume must be
// empty), and the difference. Errors are those of Knockouts (IgnoreControls
// with controls assumed is graph.Invalid) and, for no controls,
// graph.Invalid. The scenario is asked first, so that bad controls fail
// before the baseline is computed.
func (e *Engine) ScenarioKnockouts(ctx context.Context, controls []Control, item graph.ID, asOf graph.Date, opts KnockoutOptions) (KnockoutChanges, error) {
	const op = "analysis.ScenarioKnockouts"
	switch {
	case len(controls) == 0:
		return KnockoutChanges{}, graph.Errorf(graph.Invalid, op, "no controls given")
	case len(opts.Assume) > 0:
		return KnockoutChanges{}, graph.Errorf(graph.Invalid, op, "controls given twice (as controls and as options.Assume)")
	}
	var c KnockoutChanges
	var err error
	base := opts
	opts.Assume = controls
	if c.After, err = e.Knockouts(ctx, item, asOf, opts); err != nil {
		return KnockoutChanges{}, err
	}
	if c.Before, err = e.Knockouts(ctx, item, asOf, base); err != nil {
		return KnockoutChanges{}, err
	}
	c.Added = koMinus(c.After, c.Before)
	c.Dropped = koMinus(c.Before, c.After)
	return c, nil
}

// koMinus lists the single knock-outs of a (firms, then countries) that
// are not knock-outs of b.
func koMinus(a, b KnockoutResult) []Knockout {
	in := map[graph.ID]bool{}
	for _, ks := range [][]Knockout{b.Firms, b.Countries} {
		for _, k := range ks {
			in[k.Removed[0]] = true
		}
	}
	var out []Knockout
	for _, ks := range [][]Knockout{a.Firms, a.Countries} {
		for _, k := range ks {
			if !in[k.Removed[0]] {
				out = append(out, k)
			}
		}
	}
	return out
}
