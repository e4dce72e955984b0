package api

import (
	"context"
	"math"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/api/model"
)

// MaxFirst caps `first` on every list and connection field. DESIGN §6: at
// least 500, so that a whole dataset of ETO's size fits in one page.
const MaxFirst = 500

// listCost is the number of items the complexity calculation assumes for a
// relationship list whose length is not bounded by an argument
// (Firm.products, Node.sources, ...).
const listCost = 10

// Fixed costs of the analysis fields, on top of their selections: the work
// they do grows with the graph, not with what is selected.
const (
	costDependencyPaths = 200
	costUpstream        = 500
	costChokepoints     = 500
	costFeasibility     = 1000
	costScenario        = 5000
	costKnockouts       = 5000
	// costSearch: a search ranks every node whatever `first` asks for, so
	// first: 0 is not free.
	costSearch = 20
)

// graphScale is the factor by which the analysis fields' fixed costs grow
// with the graph served: 1 up to 5,000 nodes, then the square root of
// nodes/5,000 (about 4.5 at 10^5 nodes, 14 at 10^6), so that one analysis
// of a large graph stays within the default limit while dozens of aliased
// ones (each with its own asOf, defeating the caches) do not.
func graphScale(nodes int) int {
	if nodes <= 5_000 {
		return 1
	}
	return int(math.Ceil(math.Sqrt(float64(nodes) / 5_000)))
}

// pageCost is the number of items the complexity calculation assumes for a
// `first` argument: the value itself, clamped to [0, MaxFirst] so that an
// out-of-range value is reported as BAD_USER_INPUT by the resolver rather
// than as a complexity overflow.
func pageCost(first *int, def int) int {
	n := def
	if first != nil {
		n = *first
	}
	return max(0, min(n, MaxFirst))
}

// complexity returns the per-field costs: a connection or search costs its
// page size times its selection; relationship lists cost listCost times
// their selection; analysis fields add a fixed cost, multiplied by scale()
// (see graphScale), since their work grows with the graph. Other fields
// cost 1 plus their selection (gqlgen's default).
func complexity(scale func() int) ComplexityRoot {
	var c ComplexityRoot
	pathsCost := func() int { return costDependencyPaths * scale() }
	upstreamCost := func() int { return costUpstream * scale() }
	chokepointsCost := func() int { return costChokepoints * scale() }
	feasibilityCost := func() int { return costFeasibility * scale() }
	scenarioCost := func() int { return costScenario * scale() }
	list := func(child int) int { return 1 + listCost*child }
	page := func(child int, first *int) int { return 1 + pageCost(first, 50)*child }

	q := &c.Query
	q.Node = func(child int, _ string) int { return 1 + child }
	q.Search = func(child int, _ string, first *int) int { return costSearch + pageCost(first, 20)*child }
	q.Firms = func(child int, _ *model.FirmWhere, first *int, _ *string) int { return page(child, first) }
	q.Products = func(child int, _ *model.ProductWhere, first *int, _ *string) int { return page(child, first) }
	q.Fabs = func(child int, _ *model.FabWhere, first *int, _ *string) int { return page(child, first) }
	q.Inputs = func(child int, _ *model.InputWhere, first *int, _ *string) int { return page(child, first) }
	q.ControlEvents = func(child int, _ *model.ControlEventWhere, first *int, _ *string) int {
		return page(child, first)
	}
	q.DependencyPaths = func(child int, _, _ string, _ *int, first *int, _ *graph.Date) int {
		return pathsCost() + pageCost(first, 5)*child
	}
	q.Upstream = func(child int, _ string, _ *int, _ *graph.Date) int { return upstreamCost() + listCost*child }
	q.Chokepoints = func(child int, _ *string, _ *graph.Date, first *int) int {
		return chokepointsCost() + pageCost(first, 20)*child
	}
	q.Feasibility = func(child int, _, _ string, _ *graph.Date, _ []*model.ControlInput) int {
		return feasibilityCost() + child
	}
	q.Scenario = func(child int, _ []*model.ControlInput, _ *graph.Date, _ []string, _ *bool) int {
		return scenarioCost() + child // its lists count their items (c.ScenarioResult below)
	}
	q.Knockouts = func(child int, _ string, _ *string, _ *graph.Date, _ *float64, _, _, _ *bool, _ []string) int {
		return costKnockouts*scale() + child
	}
	// Two knock-out analyses (before and after), the second never cached.
	c.ScenarioResult.KnockoutChanges = func(child int, _ string, _ *string, _ *float64, _ *bool) int {
		return 2*costKnockouts*scale() + child
	}

	// Relationship lists.
	c.Firm.Sources, c.Firm.Subsidiaries, c.Firm.Products, c.Firm.Inputs = list, list, list, list
	c.Firm.Fabs, c.Firm.Supplies, c.Firm.Controls = list, list, list
	c.Country.Sources, c.Country.Firms, c.Country.Fabs, c.Country.Supplies = list, list, list, list
	c.Country.ControlsIssued, c.Country.ControlsTargeting = list, list
	c.Input.Sources, c.Input.TypeOf, c.Input.Subtypes, c.Input.Requires = list, list, list, list
	c.Input.RequiredBy, c.Input.Products, c.Input.Makers = list, list, list
	c.Input.Suppliers = func(child int, _ *int) int { return list(child) }
	c.Product.Sources, c.Product.Makers, c.Product.InstanceOf, c.Product.FabricatedAt = list, list, list, list
	c.Product.Requires = list
	c.Product.Suppliers = func(child int, _ *int) int { return list(child) }
	c.Fab.Sources, c.Fab.EquippedWith, c.Fab.Fabricates = list, list, list
	c.ControlEvent.Sources, c.ControlEvent.Covers, c.ControlEvent.Targets, c.ControlEvent.Exempts = list, list, list, list
	c.ControlEvent.RescindedBy, c.ControlEvent.Rescinds, c.ControlEvent.Amends, c.ControlEvent.AmendedBy = list, list, list, list
	c.Source.Sources = list
	c.Supply.Sources, c.Fabrication.Sources, c.Requirement.Sources, c.Equipment.Sources = list, list, list, list

	// Analysis results.
	c.DependencyPath.Nodes, c.DependencyPath.Edges = list, list
	c.PathEdge.Sources = list
	c.UpstreamItem.Via = list
	c.Chokepoint.Controls, c.Chokepoint.ShareSources = list, list
	c.Feasibility.BlockedBy, c.Feasibility.Paths, c.Feasibility.Routes = list, list, list
	c.FeasibilityRoute.BlockedBy = list
	c.ScenarioResult.NewlyInfeasible, c.ScenarioResult.NewlyFeasible = list, list
	c.ScenarioResult.ChokepointChanges, c.ScenarioResult.Controls = list, list
	c.ScenarioResult.Targets, c.ScenarioResult.Items = list, list
	c.FeasibilityChange.BlockedBy, c.FeasibilityChange.BlockedByAssumed, c.FeasibilityChange.BlockedByRecorded = list, list, list
	c.ChokepointChange.Controls = list
	c.Knockouts.Goals, c.Knockouts.Firms, c.Knockouts.Countries = list, list, list
	c.KnockoutChanges.Added, c.KnockoutChanges.Dropped = list, list
	c.Knockout.Removed, c.Knockout.Fails, c.Knockout.TakesDown, c.Knockout.DominatedAlternatives = list, list, list, list
	c.Chokepoint.SharedSupply = list
	return c
}

// depthLimit rejects operations whose fields nest deeper than max, before
// anything is resolved. Introspection fields (__schema, __type) are not
// counted: GraphiQL's introspection query is deep by nature, and cheap.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if op.Operation == nil {
		return nil
	}
	if depth := selectionDepth(op.Operation.SelectionSet, map[*ast.FragmentDefinition]int{}); depth > d.max {
		return depthError(depth, d.max)
	}
	return nil
}

// selectionDepth is the number of fields on the longest path through set,
// each fragment's depth computed once (memo). Fragment cycles are rejected
// by validation before this runs.
func selectionDepth(set ast.SelectionSet, memo map[*ast.FragmentDefinition]int) int {
	deepest := 0
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			d = 1 + selectionDepth(s.SelectionSet, memo)
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, memo)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				m, ok := memo[s.Definition]
				if !ok {
					m = selectionDepth(s.Definition.SelectionSet, memo)
					memo[s.Definition] = m
				}
				d = m
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}
