package analysis

import (
	"context"

	"github.com/chipgraph/chipgraph/graph"
)

// KnockoutsUncached is Knockouts without its answer cache, for benchmarks
// that measure the computation itself.
func (e *Engine) KnockoutsUncached(ctx context.Context, item graph.ID, asOf graph.Date, opts KnockoutOptions) (KnockoutResult, error) {
	return e.knockouts(ctx, item, asOf, opts, true)
}
