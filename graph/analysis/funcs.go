package analysis

import (
	"context"

	"github.com/chipgraph/chipgraph/graph"
)

// The functions below answer one query with a throw-away Engine. Indexing a
// snapshot costs O(E log d) and chokepoint tables are not shared between
// calls, so servers should keep one Engine per snapshot instead.

// DependencyPaths is Engine.DependencyPaths on s.
func DependencyPaths(ctx context.Context, s *graph.Snapshot, from, to graph.ID, maxDepth, k int, asOf graph.Date) ([]Path, error) {
	return NewEngine(s).DependencyPaths(ctx, from, to, maxDepth, k, asOf)
}

// Upstream is Engine.Upstream on s.
func Upstream(ctx context.Context, s *graph.Snapshot, of graph.ID, maxDepth int, asOf graph.Date) ([]UpstreamItem, error) {
	return NewEngine(s).Upstream(ctx, of, maxDepth, asOf)
}

// Chokepoints is Engine.Chokepoints on s.
func Chokepoints(ctx context.Context, s *graph.Snapshot, of graph.ID, asOf graph.Date, first int) ([]Chokepoint, error) {
	return NewEngine(s).Chokepoints(ctx, of, asOf, first)
}

// Feasibility is Engine.Feasibility on s.
func Feasibility(ctx context.Context, s *graph.Snapshot, item, buyer graph.ID, asOf graph.Date, assume []Control) (Verdict, error) {
	return NewEngine(s).Feasibility(ctx, item, buyer, asOf, assume)
}

// Scenario is Engine.Scenario on s.
func Scenario(ctx context.Context, s *graph.Snapshot, controls []Control, asOf graph.Date, targets []graph.ID) (ScenarioResult, error) {
	return NewEngine(s).Scenario(ctx, controls, asOf, targets)
}
