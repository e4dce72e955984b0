package analysis_test

import (
	"context"
	"slices"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
)

// observedGraph: firm:designer (CHN, subsidiary firm:sub) makes product:chip,
// which requires input:die and input:hbm; a US control blocks both for CHN
// from 2020. Observations: obs:chip (press, the chip shipped to firm:sub
// from 2023), obs:hbm (teardown, an HBM stockpile of firm:designer from
// 2019 until 2024-06-01), obs:other (court, a die smuggled to firm:x in
// KOR).
func observedGraph(t *testing.T) *graph.Snapshot {
	b := newDS()
	b.firm("firm:designer", "country:CHN").firm("firm:sub", "country:CHN", "firm:designer")
	b.firm("firm:us", "country:USA").firm("firm:x", "country:KOR")
	b.edge("firm:designer", graph.Makes, "product:chip")
	b.requires("product:chip", "input:die").requires("product:chip", "input:hbm")
	b.edge("firm:us", graph.Makes, "input:die").edge("firm:us", graph.Makes, "input:hbm")
	b.event("event:ban", "country:USA", "2020-01-01", "hq")
	b.edge("event:ban", graph.Covers, "input:die").edge("event:ban", graph.Covers, "input:hbm").edge("event:ban", graph.Targets, "country:CHN")
	obs := func(id, item, holder, route, evidence, date, from, until string) {
		n := b.node(id)
		n.Route, n.Evidence, n.Date = route, evidence, graph.MustDate(date)
		if from != "" {
			n.Effective = graph.MustDate(from)
		}
		if until != "" {
			n.Expires = graph.MustDate(until)
		}
		b.edge(id, graph.Observes, item).edge(id, graph.ReceivedBy, holder).edge(id, graph.Despite, "event:ban")
	}
	obs("observation:chip", "product:chip", "firm:sub", "installed-base", "press", "2023-09-01", "", "")
	obs("observation:hbm", "input:hbm", "firm:designer", "stockpile", "teardown", "2025-01-01", "2019-06-01", "2024-06-01")
	obs("observation:other", "input:die", "firm:x", "diversion", "court", "2025-05-01", "2024-01-01", "")
	return b.snap(t)
}

func TestObservedAccess(t *testing.T) {
	e := analysis.NewEngine(observedGraph(t))
	for _, tc := range []struct {
		item, holder, day string
		evidenced         bool
		direct, upstream  []graph.ID
		routes            []string
	}{
		// Legally blocked, observed through the subsidiary's shipments
		// (press) with the HBM stockpile (teardown) supporting it.
		{"product:chip", "firm:designer", "2023-10-01", true, ids("observation:chip"), ids("observation:hbm"), []string{"installed-base"}},
		// Before the report of the chip, only the stockpile is known.
		{"product:chip", "firm:designer", "2023-01-01", false, nil, ids("observation:hbm"), nil},
		// The stockpile is used up on 2024-06-01.
		{"product:chip", "firm:sub", "2024-07-01", true, ids("observation:chip"), nil, []string{"installed-base"}},
		// A country holder: a firm headquartered there counts.
		{"input:hbm", "country:CHN", "2020-06-01", true, ids("observation:hbm"), nil, []string{"stockpile"}},
		// Another country's case says nothing about China...
		{"input:die", "country:CHN", "2025-06-01", false, nil, nil, nil},
		// ... but answers for Korea.
		{"input:die", "country:KOR", "2025-06-01", true, ids("observation:other"), nil, []string{"diversion"}},
	} {
		o, err := e.ObservedAccess(context.Background(), graph.ID(tc.item), graph.ID(tc.holder), date(tc.day))
		if err != nil {
			t.Fatal(err)
		}
		if o.Evidenced != tc.evidenced || !slices.Equal(o.Direct, tc.direct) || !slices.Equal(o.Upstream, tc.upstream) ||
			!slices.Equal(o.Routes, tc.routes) {
			t.Errorf("%s for %s on %s: %+v", tc.item, tc.holder, tc.day, o)
		}
	}
	// The legal answer is unchanged by the observations, and the two are
	// returned side by side.
	v, err := e.Feasibility(context.Background(), "product:chip", "firm:designer", date("2023-10-01"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.Feasible || v.Status != analysis.Blocked || !v.Observed.Evidenced || v.Observed.Strength != 1 {
		t.Errorf("feasibility: feasible %v status %s observed %+v", v.Feasible, v.Status, v.Observed)
	}
	if _, err := e.ObservedAccess(context.Background(), "event:ban", "firm:sub", 0); err == nil {
		t.Error("an event as item: no error")
	}
}

// A scenario can count observed stockpiles as held: a new control on HBM
// makes the chip infeasible for its designer, unless the stockpile it is
// observed to hold (teardown, from 2019-06-01) is counted.
func TestScenarioCountsStockpiles(t *testing.T) {
	e := analysis.NewEngine(observedGraph(t))
	ban := []analysis.Control{{Issuer: "country:USA", Covers: ids("input:hbm"), Targets: ids("country:CHN")}}
	changed := func(opt analysis.ScenarioOptions) []graph.ID {
		res, err := e.ScenarioWith(context.Background(), ban, date("2019-12-01"), ids("firm:designer"), opt)
		if err != nil {
			t.Fatal(err)
		}
		var out []graph.ID
		for _, c := range res.NewlyInfeasible {
			out = append(out, c.Item)
		}
		return out
	}
	if got := changed(analysis.ScenarioOptions{}); !slices.Contains(got, "product:chip") {
		t.Errorf("without stockpiles: newly infeasible %v, want the chip", got)
	}
	if got := changed(analysis.ScenarioOptions{CountStockpiles: true}); len(got) != 0 {
		t.Errorf("counting the HBM stockpile: newly infeasible %v, want nothing", got)
	}
}

// Knock-outs can count stockpiles too: the designer's HBM comes from one US
// firm, a knock-out, unless the HBM stockpile it is observed to hold counts.
func TestKnockoutsCountStockpiles(t *testing.T) {
	e := analysis.NewEngine(observedGraph(t))
	firms := func(count bool) []graph.ID {
		res, err := e.Knockouts(context.Background(), "input:hbm", date("2019-12-01"),
			analysis.KnockoutOptions{Holder: "firm:designer", CountStockpiles: count})
		if err != nil {
			t.Fatal(err)
		}
		var out []graph.ID
		for _, k := range res.Firms {
			out = append(out, k.Removed...)
		}
		return out
	}
	if got := firms(false); !slices.Equal(got, ids("firm:us")) {
		t.Errorf("legal: knock-outs %v, want firm:us", got)
	}
	if got := firms(true); len(got) != 0 {
		t.Errorf("counting the stockpile: knock-outs %v, want none", got)
	}
}
