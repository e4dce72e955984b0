package analysis_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"sync/atomic"
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
// Err call on (Done is the parent's: the engine polls Err). Calls may come
// from several goroutines.
type doneAfter struct {
	context.Context
	checks int
	calls  atomic.Int64
}

func (c *doneAfter) Err() error {
	if c.calls.Add(1) >= int64(c.checks) {
		return context.Canceled
	}
	return nil
}

// The path, upstream and chokepoint queries stop with their context, at
// whatever point of their work it ends, and leave nothing behind that
// changes a later answer: a chokepoint table whose build was stopped is not
// kept, and a query waiting for another's build gets the table all the same.
func TestQueriesStopWithTheirContext(t *testing.T) {
	s := graph.MustSnapshot(synth.Generate(6_000, 11))
	day := graph.MustDate("2025-06-01")
	products := s.OfKind(graph.KindProduct)
	inputs := s.OfKind(graph.KindInput)
	from, to := s.Node(products[0]).ID, s.Node(inputs[len(inputs)-1]).ID
	type query struct {
		name string
		run  func(ctx context.Context, e *analysis.Engine) (any, error)
	}
	queries := []query{
		{"Upstream", func(ctx context.Context, e *analysis.Engine) (any, error) {
			return e.Upstream(ctx, from, 12, day)
		}},
		{"UpstreamTiers", func(ctx context.Context, e *analysis.Engine) (any, error) {
			return e.UpstreamTiers(ctx, from, 12, day)
		}},
		{"DependencyPaths", func(ctx context.Context, e *analysis.Engine) (any, error) {
			return e.DependencyPaths(ctx, from, to, 12, 20, day)
		}},
		{"Chokepoints (whole graph)", func(ctx context.Context, e *analysis.Engine) (any, error) {
			return e.Chokepoints(ctx, "", day, 0)
		}},
		{"Chokepoints (of a product)", func(ctx context.Context, e *analysis.Engine) (any, error) {
			return e.Chokepoints(ctx, from, day, 0)
		}},
	}
	for _, q := range queries {
		t.Run(q.name, func(t *testing.T) {
			want, err := q.run(context.Background(), analysis.NewEngine(s))
			if err != nil {
				t.Fatal(err)
			}
			// How many checks the whole query makes: a context that ends
			// after fewer stops it part-way.
			count := &doneAfter{Context: context.Background(), checks: 1 << 30}
			if _, err := q.run(count, analysis.NewEngine(s)); err != nil {
				t.Fatal(err)
			}
			total := int(count.calls.Load())
			if total < 3 {
				t.Fatalf("the query checks its context %d times: too few to stop it part-way", total)
			}
			e := analysis.NewEngine(s)
			for _, checks := range []int{1, 2, total / 2, total - 1} {
				if _, err := q.run(&doneAfter{Context: context.Background(), checks: checks}, e); !errors.Is(err, context.Canceled) {
					t.Errorf("stopped after %d of %d checks: err %v, want context.Canceled", checks, total, err)
				}
			}
			got, err := q.run(context.Background(), e)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("after stopped queries the answer differs from a fresh engine's (err %v)", err)
			}
			t.Logf("%d checks of the context in one query", total)
		})
	}

	// A build stopped part-way while another query waits for it: the
	// waiting query builds the table itself.
	want, err := analysis.NewEngine(s).Chokepoints(context.Background(), "", day, 0)
	if err != nil {
		t.Fatal(err)
	}
	for range 8 {
		e := analysis.NewEngine(s)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = e.Chokepoints(&doneAfter{Context: context.Background(), checks: 20}, "", day, 0)
		}()
		got, err := e.Chokepoints(context.Background(), "", day, 0)
		wg.Wait()
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("beside a stopped build: %d rows (err %v), want %d", len(got), err, len(want))
		}
	}
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
