package analysis_test

import (
	"context"
	"errors"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
	"github.com/chipgraph/chipgraph/synth"
)

// A feasibility or scenario evaluation whose context is done stops with the
// context's error, and leaves nothing half-derived in the engine's shared
// caches: the same question asked afterwards gets the answer a fresh engine
// gives.
func TestEvaluationStopsWithItsContext(t *testing.T) {
	s := graph.MustSnapshot(synth.Generate(6_000, 7))
	var products, buyers []graph.ID
	for _, i := range s.OfKind(graph.KindProduct)[:12] {
		products = append(products, s.Node(i).ID)
	}
	for _, i := range s.OfKind(graph.KindCountry)[:4] {
		buyers = append(buyers, s.Node(i).ID)
	}
	day := graph.MustDate("2025-06-01")
	e, fresh := analysis.NewEngine(s), analysis.NewEngine(s)
	stopped, partway := 0, 0
	for i, p := range products {
		for j, b := range buyers {
			// Done after a few checks: the evaluation stops part-way.
			done := &doneAfter{Context: context.Background(), checks: 1 + (i*len(buyers)+j)%4}
			if _, err := e.Feasibility(done, p, b, day, nil); err != nil {
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("%s for %s: %v", p, b, err)
				}
				stopped++
				if (i*len(buyers)+j)%4 > 0 {
					partway++ // it passed at least one check before stopping
				}
			}
		}
	}
	if stopped == 0 || partway == 0 {
		t.Fatalf("%d evaluations stopped, %d of them part-way: the test graph is too small to show it", stopped, partway)
	}
	for _, p := range products {
		for _, b := range buyers {
			got, err1 := e.Feasibility(context.Background(), p, b, day, nil)
			want, err2 := fresh.Feasibility(context.Background(), p, b, day, nil)
			if err1 != nil || err2 != nil || got.Feasible != want.Feasible || got.Status != want.Status {
				t.Errorf("%s for %s after cancelled queries: %v %s (%v); a fresh engine says %v %s (%v)", p, b,
					got.Feasible, got.Status, err1, want.Feasible, want.Status, err2)
			}
		}
	}
	t.Logf("%d of %d evaluations stopped, %d part-way", stopped, len(products)*len(buyers), partway)

	ban := []analysis.Control{{Issuer: buyers[0], CoversAll: true, Targets: buyers[1:]}}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Scenario(done, ban, day, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("scenario with a cancelled context: %v", err)
	}
}

// doneAfter is a context that reports itself cancelled from its checks-th
// Err call on.
type doneAfter struct {
	context.Context
	checks int
}

func (c *doneAfter) Err() error {
	if c.checks--; c.checks <= 0 {
		return context.Canceled
	}
	return nil
}

// Knock-outs stop with their context too, and what they leave behind does
// not change a later answer.
func TestKnockoutsStopWithTheirContext(t *testing.T) {
	e := bundledEngine(t)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	opts := analysis.KnockoutOptions{IgnoreControls: true}
	if _, err := e.Knockouts(done, "product:ascend-910c", date("2025-06-01"), opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("with a cancelled context: %v", err)
	}
	got, err := e.Knockouts(context.Background(), "product:ascend-910c", date("2025-06-01"), opts)
	if err != nil {
		t.Fatal(err)
	}
	fresh := analysis.NewEngine(e.Snapshot()) // bundled() shares one engine
	want, err := fresh.Knockouts(context.Background(), "product:ascend-910c", date("2025-06-01"), opts)
	if err != nil || len(got.Firms) != len(want.Firms) || len(got.Countries) != len(want.Countries) || len(got.Firms) == 0 {
		t.Errorf("after a cancelled query: %d firms, %d countries; a fresh engine: %d, %d (%v)",
			len(got.Firms), len(got.Countries), len(want.Firms), len(want.Countries), err)
	}
}
