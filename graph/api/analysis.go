package api

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
	"github.com/chipgraph/chipgraph/graph/api/model"
)

// This file turns the arguments of the analysis queries into graph/analysis
// values and its results into models. analysis.resolvers.go holds the
// resolvers themselves (gqlgen keeps that file on regeneration).

// idArg resolves an ID argument: BAD_USER_INPUT if malformed or of a kind
// not in kinds, NOT_FOUND if the graph has no such node.
func idArg(snap *graph.Snapshot, arg, s string, kinds ...graph.NodeKind) (graph.ID, error) {
	i, err := lookup(snap, arg, s, kinds...)
	if err != nil {
		return "", err
	}
	return snap.Node(i).ID, nil
}

// scenarioID names the n-th hypothetical control (0-based), as
// graph/analysis does when a Control has no ID.
func scenarioID(n int) graph.ID { return graph.ID(fmt.Sprintf("event:scenario-%d", n+1)) }

// controlsArg checks hypothetical controls and converts them. IDs are
// checked as by checkControlInputs (BAD_USER_INPUT if malformed or of the
// wrong kind, NOT_FOUND if unknown), and so are the fields added since:
// exempts, rescinds, kind, and a control must cover and target something
// unless it only rescinds recorded controls. asOf is the evaluation day, the
// default effective date. Each control gets its scenario ID and, without a
// title, one that says what it does.
func controlsArg(snap *graph.Snapshot, arg string, in []*model.ControlInput, asOf graph.Date) ([]analysis.Control, error) {
	if err := checkControlInputs(snap, arg, in); err != nil {
		return nil, err
	}
	out := make([]analysis.Control, 0, len(in))
	for k, c := range in {
		at := func(field string) string { return fmt.Sprintf("%s[%d].%s", arg, k, field) }
		ctl := analysis.Control{ID: scenarioID(k), CoversAll: c.CoversAll != nil && *c.CoversAll}
		var err error
		if ctl.Issuer, err = idArg(snap, at("issuer"), c.Issuer, graph.KindCountry); err != nil {
			return nil, err
		}
		if ctl.Covers, err = idsArg(snap, at("covers"), c.Covers, graph.KindInput, graph.KindProduct); err != nil {
			return nil, err
		}
		if ctl.Targets, err = idsArg(snap, at("targets"), c.Targets, graph.KindFirm, graph.KindCountry, graph.KindFab); err != nil {
			return nil, err
		}
		if ctl.Exempts, err = idsArg(snap, at("exempts"), c.Exempts,
			graph.KindFirm, graph.KindCountry, graph.KindFab, graph.KindInput, graph.KindProduct); err != nil {
			return nil, err
		}
		if ctl.Rescinds, err = idsArg(snap, at("rescinds"), c.Rescinds, graph.KindControlEvent); err != nil {
			return nil, err
		}
		if len(ctl.Rescinds) == 0 {
			if len(ctl.Covers) == 0 && !ctl.CoversAll {
				return nil, userError("%s: the control covers nothing; list the inputs or products it covers, or set coversAll: true", at("covers"))
			}
			if len(ctl.Targets) == 0 {
				return nil, userError("%s: the control targets nobody; list the firms or countries it targets", at("targets"))
			}
		}
		if c.Reach != nil {
			ctl.Reach = *c.Reach
		}
		if c.Kind != nil && *c.Kind != "" {
			if *c.Kind != analysis.ServicingBan {
				return nil, userError("%s: %q; want %s, or null for an ordinary control", at("kind"), *c.Kind, analysis.ServicingBan)
			}
			ctl.Kind = *c.Kind
		}
		if c.LicencePolicy != nil && *c.LicencePolicy != "" {
			if !slices.Contains(graph.LicencePolicies, *c.LicencePolicy) {
				return nil, userError("%s: %q; want one of %s, or null (blocks)", at("licencePolicy"), *c.LicencePolicy,
					strings.Join(graph.LicencePolicies, ", "))
			}
			ctl.LicencePolicy = *c.LicencePolicy
		}
		if c.Effective != nil {
			ctl.Effective = *c.Effective
		}
		if c.Expires != nil {
			ctl.Expires = *c.Expires
			if eff := cmpOr(ctl.Effective, asOf); ctl.Expires <= eff {
				return nil, userError("%s: %s is not after the control's effective date %s", at("expires"), ctl.Expires, eff)
			}
		}
		if c.Title != nil && strings.TrimSpace(*c.Title) != "" {
			ctl.Title = strings.TrimSpace(*c.Title)
		} else {
			ctl.Title = defaultTitle(snap, ctl)
		}
		out = append(out, ctl)
	}
	return out, nil
}

// idsArg resolves a list of ID arguments (see idArg).
func idsArg(snap *graph.Snapshot, arg string, ss []string, kinds ...graph.NodeKind) ([]graph.ID, error) {
	var out []graph.ID
	for _, s := range ss {
		id, err := idArg(snap, arg, s, kinds...)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

func cmpOr(d, def graph.Date) graph.Date {
	if d.IsZero() {
		return def
	}
	return d
}

// defaultTitle describes a hypothetical control for results, e.g.
// "Hypothetical control by Japan on Photoresists, targeting China".
func defaultTitle(snap *graph.Snapshot, c analysis.Control) string {
	names := func(ids []graph.ID) string {
		const show = 3
		var parts []string
		for i, id := range ids {
			if i == show {
				parts = append(parts, fmt.Sprintf("%d more", len(ids)-show))
				break
			}
			n, _ := snap.Lookup(id)
			parts = append(parts, n.Name)
		}
		if len(parts) > 1 {
			return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
		}
		return strings.Join(parts, "")
	}
	var b strings.Builder
	b.WriteString("Hypothetical ")
	if c.Kind == analysis.ServicingBan {
		b.WriteString("servicing ban")
	} else {
		b.WriteString("control")
	}
	b.WriteString(" by " + names([]graph.ID{c.Issuer}))
	switch {
	case c.CoversAll:
		b.WriteString(" on all items")
	case len(c.Covers) > 0:
		b.WriteString(" on " + names(c.Covers))
	}
	if len(c.Targets) > 0 {
		b.WriteString(", targeting " + names(c.Targets))
	}
	if len(c.Rescinds) > 0 {
		b.WriteString(", rescinding " + names(c.Rescinds))
	}
	return b.String()
}

// results converts graph/analysis results into models. Node IDs resolve in
// the request's snapshot; the IDs of hypothetical controls resolve in hypo,
// a small snapshot of the controls given (see hypotheticalEvents).
type results struct {
	snap *graph.Snapshot
	hypo *graph.Snapshot // nil without hypothetical controls
}

func newResults(snap *graph.Snapshot, controls []analysis.Control, asOf graph.Date) (*results, error) {
	r := &results{snap: snap}
	if len(controls) > 0 {
		h, err := hypotheticalEvents(snap, controls, asOf)
		if err != nil {
			return nil, err
		}
		r.hypo = h
	}
	return r, nil
}

// node returns the model of the node with this ID: a hypothetical control
// from hypo, anything else from the snapshot; nil if neither holds it
// (graph/analysis only returns IDs it was given or found in the snapshot).
func (r *results) node(id graph.ID) model.Node {
	if r.hypo != nil {
		if i, ok := r.hypo.Index(id); ok && strings.HasPrefix(string(id), "event:scenario-") {
			return model.NodeAt(r.hypo, i)
		}
	}
	if i, ok := r.snap.Index(id); ok {
		return model.NodeAt(r.snap, i)
	}
	return nil
}

func (r *results) nodes(ids []graph.ID) []model.Node {
	out := make([]model.Node, 0, len(ids))
	for _, id := range ids {
		if n := r.node(id); n != nil {
			out = append(out, n)
		}
	}
	return out
}

func (r *results) events(ids []graph.ID) []*model.ControlEvent {
	out := make([]*model.ControlEvent, 0, len(ids))
	for _, id := range ids {
		if ev, ok := r.node(id).(*model.ControlEvent); ok {
			out = append(out, ev)
		}
	}
	return out
}

func (r *results) country(id graph.ID) *model.Country {
	c, _ := r.node(id).(*model.Country)
	return c
}

func (r *results) path(p analysis.Path) *model.DependencyPath {
	out := &model.DependencyPath{Nodes: r.nodes(p.Nodes), Edges: make([]*model.PathEdge, len(p.Edges)), Length: p.Length}
	for i, e := range p.Edges {
		out.Edges[i] = r.edge(e)
	}
	return out
}

func (r *results) paths(ps []analysis.Path) []*model.DependencyPath {
	out := make([]*model.DependencyPath, len(ps))
	for i, p := range ps {
		out[i] = r.path(p)
	}
	return out
}

func (r *results) edge(e analysis.PathEdge) *model.PathEdge {
	out := &model.PathEdge{
		From:     r.node(e.From),
		To:       r.node(e.To),
		Kind:     string(e.Kind),
		Reversed: e.Reversed,
		Share:    e.Share,
		Group:    optString(e.Group),
		Basis:    optString(e.Basis),
		Node:     optString(e.Node),
		Note:     optString(e.Note),
		Sources:  sourceModels(r.snap, e.Sources),
	}
	if e.Kind == graph.Supplies && e.Year != 0 {
		y := e.Year
		out.Year = &y
	}
	if !e.ValidFrom.IsZero() {
		d := e.ValidFrom
		out.ValidFrom = &d
	}
	if !e.ValidTo.IsZero() {
		d := e.ValidTo
		out.ValidTo = &d
	}
	return out
}

func (r *results) upstream(items []analysis.UpstreamItem) []*model.UpstreamItem {
	out := make([]*model.UpstreamItem, len(items))
	vals := make([]model.UpstreamItem, len(items)) // one allocation for a closure of thousands
	for i, it := range items {
		vals[i] = model.UpstreamItem{Node: r.node(it.Node), Tier: it.Tier, Steps: it.Via}
		out[i] = &vals[i]
	}
	return out
}

func (r *results) chokepoint(c analysis.Chokepoint) *model.Chokepoint {
	out := &model.Chokepoint{
		Input:           r.node(c.Input),
		TopShare:        roundPtr(c.TopShare, 2),
		Hhi:             roundPtr(c.HHI, 2),
		FirmHhi:         roundPtr(c.HHI, 2),
		CountryHhi:      roundPtr(c.CountryHHI, 2),
		CountryDerived:  c.CountryDerived,
		TopCountry:      r.country(c.TopCountry),
		TopCountryShare: roundPtr(c.TopCountryShare, 2),
		LowerBound:      c.LowerBound,
		LowerBoundReason: func() *string {
			if !c.LowerBound {
				return nil
			}
			return optString(c.Reason)
		}(),
		ShareSources:           sourceModels(r.snap, c.Sources),
		SupplierCount:          c.SupplierCount,
		Dependents:             c.Dependents,
		Exposed:                c.Exposed,
		Alternatives:           c.Alternatives,
		HasAlternatives:        c.HasAlternative,
		Controls:               r.events(c.Controls),
		Concentration:          round(c.Concentration, 4),
		ConcentrationEstimated: c.Estimated,
		SharedSupply:           r.nodes(c.SharedSupply),
		Score:                  round(c.Score, 4),
	}
	if c.TopSupplier != "" {
		out.TopSupplier = r.node(c.TopSupplier)
	}
	if c.Year != 0 {
		y := c.Year
		out.ShareYear = &y
	}
	return out
}

func (r *results) feasibility(v analysis.Verdict) *model.Feasibility {
	out := &model.Feasibility{
		Item:        r.node(v.Item),
		Holder:      r.node(v.Buyer),
		AsOf:        v.AsOf,
		Feasible:    v.Feasible,
		BlockedBy:   r.events(v.BlockedBy),
		Explanation: nonNilStrings(v.Explanation),
		Routes:      make([]*model.FeasibilityRoute, len(v.Routes)),
		Paths:       r.paths(v.Paths),
	}
	for i, rt := range v.Routes {
		out.Routes[i] = &model.FeasibilityRoute{Kind: rt.Kind, Item: r.node(rt.Item), Via: r.node(rt.Via),
			Feasible: rt.Feasible, BlockedBy: r.events(rt.BlockedBy), Reason: optString(rt.Reason)}
	}
	out.Status = statusOf(v.Status)
	out.Licences = make([]*model.LicenceUse, 0, len(v.Licences))
	for _, l := range v.Licences {
		ev, _ := r.node(l.Control).(*model.ControlEvent)
		if ev == nil {
			continue
		}
		u := &model.LicenceUse{Control: ev, Policy: optString(l.Policy), Status: statusOf(l.Level),
			Supplier: r.node(l.Supplier), Item: r.node(l.Item), Conditions: nonNilStrings(l.Conditions)}
		if l.Grant != "" {
			u.Grant, _ = r.node(l.Grant).(*model.ControlEvent)
		}
		out.Licences = append(out.Licences, u)
	}
	out.Observed = &model.ObservedAccess{Evidenced: v.Observed.Evidenced, Routes: nonNilStrings(v.Observed.Routes),
		Strength: v.Observed.Strength, Direct: observationModels(r, v.Observed.Direct), Upstream: observationModels(r, v.Observed.Upstream)}
	out.BuyerMeasures = make([]*model.BuyerMeasure, 0, len(v.BuyerMeasures))
	for _, m := range v.BuyerMeasures {
		if ev, ok := r.node(m.Event).(*model.ControlEvent); ok {
			out.BuyerMeasures = append(out.BuyerMeasures, &model.BuyerMeasure{Event: ev, Binding: m.Binding, Through: r.nodes(m.Through)})
		}
	}
	return out
}

// statusOf maps an analysis level to the GraphQL enum.
func statusOf(l analysis.Level) model.FeasibilityStatus {
	switch l {
	case analysis.Open:
		return model.FeasibilityStatusOpen
	case analysis.Licensed:
		return model.FeasibilityStatusLicensed
	case analysis.CaseByCase:
		return model.FeasibilityStatusCaseByCase
	}
	return model.FeasibilityStatusBlocked
}

func (r *results) scenario(s analysis.ScenarioResult) *model.ScenarioResult {
	changes := func(cs []analysis.FeasibilityChange, before bool) []*model.FeasibilityChange {
		out := make([]*model.FeasibilityChange, len(cs))
		for i, c := range cs {
			var assumed, recorded []graph.ID
			for _, id := range c.BlockedBy {
				if slices.Contains(s.Controls, id) {
					assumed = append(assumed, id)
				} else {
					recorded = append(recorded, id)
				}
			}
			out[i] = &model.FeasibilityChange{Item: r.node(c.Item), Holder: r.node(c.Holder), Before: before, After: !before,
				BlockedBy: r.events(c.BlockedBy), BlockedByAssumed: r.events(assumed), BlockedByRecorded: r.events(recorded),
				Explanation: nonNilStrings(c.Explanation)}
		}
		return out
	}
	out := &model.ScenarioResult{
		AsOf:              s.AsOf,
		Controls:          r.events(s.Controls),
		Targets:           r.nodes(s.Targets),
		Items:             r.nodes(s.Items),
		NewlyInfeasible:   changes(s.NewlyInfeasible, true),
		NewlyFeasible:     changes(s.NewlyFeasible, false),
		ChokepointChanges: make([]*model.ChokepointChange, len(s.ChokepointChanges)),
	}
	for i, c := range s.ChokepointChanges {
		out.ChokepointChanges[i] = &model.ChokepointChange{Input: r.node(c.Input), Before: round(c.Before, 4),
			After: round(c.After, 4), Delta: round(c.After-c.Before, 4), Controls: r.events(c.Controls)}
	}
	return out
}

// hypotheticalEvents returns a small snapshot holding the hypothetical
// controls as control-event nodes (IDs event:scenario-N), with COVERS,
// TARGETS, EXEMPTS and RESCINDS edges to copies of the nodes they name, and
// those nodes' issuers and sources, so that results can show them as
// ControlEvent objects with their issuer, covers and targets. The copies
// carry their own fields but not their relationships (ControlInput says
// so). It costs O(size of the controls), not O(graph).
func hypotheticalEvents(snap *graph.Snapshot, cs []analysis.Control, asOf graph.Date) (*graph.Snapshot, error) {
	ds := &graph.Dataset{}
	copied := map[graph.ID]bool{}
	var copyNode func(id graph.ID)
	copyNode = func(id graph.ID) {
		if id == "" || copied[id] {
			return
		}
		n, err := snap.Lookup(id)
		if err != nil {
			return
		}
		copied[id] = true
		ds.Nodes = append(ds.Nodes, *n)
		for _, s := range n.Sources {
			copyNode(s)
		}
		copyNode(n.Issuer)
	}
	for _, c := range cs {
		kind := c.Kind
		if kind == "" {
			kind = "hypothetical"
		}
		reach := c.Reach
		if reach == "" {
			reach = "hq"
		}
		ds.Nodes = append(ds.Nodes, graph.Node{ID: c.ID, Kind: graph.KindControlEvent, Name: c.Title,
			Date: cmpOr(c.Effective, asOf), Effective: c.Effective, Expires: c.Expires, Issuer: c.Issuer,
			Authority: "hypothetical", EventKind: kind, Reach: reach, CoversAll: c.CoversAll,
			Note: "A hypothetical control given in the query, not a recorded event."})
		copied[c.ID] = true
		copyNode(c.Issuer)
		for _, l := range []struct {
			kind graph.EdgeKind
			ids  []graph.ID
		}{{graph.Covers, c.Covers}, {graph.Targets, c.Targets}, {graph.Exempts, c.Exempts}, {graph.Rescinds, c.Rescinds}} {
			for _, id := range l.ids {
				copyNode(id)
				ds.Edges = append(ds.Edges, graph.Edge{From: c.ID, Kind: l.kind, To: id, Share: graph.NoShare})
			}
		}
	}
	return graph.NewSnapshot(ds)
}

// round rounds v to the given number of decimal places, for figures shown
// to people (HHIs, shares, scores): float sums such as 8587.089999999998
// read as 8587.09.
func round(v float64, places int) float64 {
	p := math.Pow10(places)
	r := math.Round(v*p) / p
	if r == 0 {
		return 0 // not -0
	}
	return r
}

func roundPtr(v *float64, places int) *float64 {
	if v == nil {
		return nil
	}
	r := round(*v, places)
	return &r
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// activeControls answers the activeControls field of a firm or country
// (list: Engine.ControlsOn) or of an input or product
// (Engine.ControlsCovering), read from the engine of the request's view.
func activeControls(ctx context.Context, n model.Node, asOf *graph.Date,
	list func(*analysis.Engine, graph.ID, graph.Date) ([]analysis.ActiveControl, error)) ([]*model.ActiveControl, error) {
	v, err := viewOf(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := list(v.Engine, n.Ref().GraphNode().ID, asOfArg(asOf))
	if err != nil {
		return nil, err
	}
	res := &results{snap: v.Snap}
	out := make([]*model.ActiveControl, 0, len(cs))
	for _, c := range cs {
		ev, ok := res.node(c.Event).(*model.ControlEvent)
		if !ok {
			continue
		}
		ac := &model.ActiveControl{Event: ev, Effective: c.Effective, Reach: c.Reach, Through: res.nodes(c.Through),
			LicencePolicy: optString(c.LicencePolicy), Via: optString(c.Via)}
		if c.Expires != 0 {
			ac.Expires = &c.Expires
		}
		out = append(out, ac)
	}
	return out, nil
}

// selects reports whether the query selects field on the objects (of type
// typeName) that the field being resolved returns, directly or through
// fragments, so that a resolver can skip work nobody asked for.
func selects(ctx context.Context, typeName, field string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return true
	}
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, []string{typeName}) {
		if f.Name == field {
			return true
		}
	}
	return false
}

func observationModels(r *results, ids []graph.ID) []*model.Observation {
	out := make([]*model.Observation, 0, len(ids))
	for _, id := range ids {
		if o, ok := r.node(id).(*model.Observation); ok {
			out = append(out, o)
		}
	}
	return out
}
