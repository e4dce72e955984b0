package api

import (
	"context"
	"fmt"
	"math"

	"github.com/99designs/gqlgen/graphql"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
	"github.com/chipgraph/chipgraph/graph/api/model"
)

// This file turns the arguments of Query.knockouts into an
// analysis.KnockoutOptions and its result into models; the resolver is in
// knockouts.resolvers.go.

// MaxRemove caps the `remove` argument of knockouts.
const MaxRemove = 50

// knockoutArgs checks the arguments of knockouts: BAD_USER_INPUT naming the
// argument if an ID is malformed or of the wrong kind or threshold is out of
// range, NOT_FOUND if an ID is unknown.
func knockoutArgs(snap *graph.Snapshot, of string, forArg *string, threshold *float64, keep, ignore *bool, remove []string) (graph.ID, analysis.KnockoutOptions, error) {
	var opts analysis.KnockoutOptions
	item, err := idArg(snap, "of", of, graph.KindProduct, graph.KindInput, graph.KindFab, graph.KindFirm)
	if err != nil {
		return "", opts, err
	}
	if forArg != nil {
		if opts.Holder, err = idArg(snap, "for", *forArg, graph.KindFirm, graph.KindCountry); err != nil {
			return "", opts, err
		}
	}
	if threshold != nil {
		if t := *threshold; math.IsNaN(t) || t < 0 || t > 100 {
			return "", opts, userError("threshold: %g is out of range; want a percentage from 0 to 100", t)
		}
		t := *threshold
		opts.Threshold = &t
	}
	if len(remove) > MaxRemove {
		return "", opts, userError("remove: %d firms and countries; at most %d", len(remove), MaxRemove)
	}
	if opts.Remove, err = idsArg(snap, "remove", remove, graph.KindFirm, graph.KindCountry); err != nil {
		return "", opts, err
	}
	opts.KeepInstalledBase = keep != nil && *keep
	opts.IgnoreControls = ignore != nil && *ignore
	return item, opts, nil
}

func (r *results) knockouts(k analysis.KnockoutResult) *model.Knockouts {
	out := &model.Knockouts{
		Item:              r.node(k.Item),
		AsOf:              k.AsOf,
		Threshold:         k.Threshold,
		KeepInstalledBase: k.KeepInstalledBase,
		IgnoreControls:    k.IgnoreControls,
		Goals:             r.nodes(k.Goals),
		Feasible:          k.Feasible,
		Candidates:        k.Candidates,
		Firms:             make([]*model.Knockout, len(k.Firms)),
		Countries:         make([]*model.Knockout, len(k.Countries)),
		Rule:              analysis.KnockoutRule,
	}
	if k.Holder != "" {
		out.Holder = r.node(k.Holder)
	}
	for i, ko := range k.Firms {
		out.Firms[i] = r.knockout(ko)
	}
	for i, ko := range k.Countries {
		out.Countries[i] = r.knockout(ko)
	}
	if k.Set != nil {
		out.Set = r.knockout(*k.Set)
	}
	return out
}

func (r *results) knockout(k analysis.Knockout) *model.Knockout {
	out := &model.Knockout{
		Removed:                  r.nodes(k.Removed),
		KnocksOut:                k.KnocksOut,
		Fails:                    r.nodes(k.Fails),
		TakesDown:                r.nodes(k.TakesDown),
		Share:                    roundPtr(k.Share, 2),
		AlternativeAlsoDominated: k.AlternativeAlsoDominated,
		DominatedAlternatives:    r.nodes(k.DominatedAlternatives),
	}
	if k.ShareOf != "" {
		out.ShareOf = r.node(k.ShareOf)
	}
	if k.Path != nil {
		out.Path = r.path(*k.Path)
	}
	return out
}

func (r *results) knockoutChanges(c analysis.KnockoutChanges) *model.KnockoutChanges {
	out := &model.KnockoutChanges{Before: r.knockouts(c.Before), After: r.knockouts(c.After),
		Added: make([]*model.Knockout, len(c.Added)), Dropped: make([]*model.Knockout, len(c.Dropped))}
	for i, k := range c.Added {
		out.Added[i] = r.knockout(k)
	}
	for i, k := range c.Dropped {
		out.Dropped[i] = r.knockout(k)
	}
	return out
}

// scenarioOf reads, for a field of a ScenarioResult, the arguments of the
// scenario it belongs to (the parent field): its controls, day and
// countStockpiles, checked as Query.scenario checks them.
func scenarioOf(ctx context.Context, snap *graph.Snapshot) ([]analysis.Control, graph.Date, bool, error) {
	fc := graphql.GetFieldContext(ctx)
	for ; fc != nil; fc = fc.Parent {
		if fc.Field.Field != nil && fc.Field.Name == "scenario" && fc.Object == "Query" {
			break
		}
	}
	if fc == nil {
		return nil, 0, false, fmt.Errorf("knockoutChanges: no scenario field above it")
	}
	in, _ := fc.Args["controls"].([]*model.ControlInput)
	asOf, _ := fc.Args["asOf"].(*graph.Date)
	stock, _ := fc.Args["countStockpiles"].(*bool)
	day := asOfArg(asOf)
	cs, err := controlsArg(snap, "controls", in, day)
	if err != nil {
		return nil, 0, false, err
	}
	return cs, day, stock != nil && *stock, nil
}
