package analysis_test

import (
	"context"
	"slices"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
)

// licensingGraph: firm:chip (USA) makes product:gpu; buyers firm:a and
// firm:b (CHN); firm:parent (CHN) is listed. Ownership: firm:sub1 is 60 %
// owned by firm:parent, firm:sub2 40 % by firm:parent and 20 % by firm:sub1
// (60 % in aggregate through listed and reached owners), firm:sub3 40 % by
// firm:parent only.
//
//	event:rule    USA 2025-01-01 hq, covers product:gpu -> country:CHN, policy as given
//	event:grant   USA 2025-03-01 licence-grant, covers product:gpu -> firm:a, LICENSES event:rule
//	event:list    USA 2024-01-01 entity-listing, covers all -> firm:parent
//	event:own     USA 2025-09-29 ownership-rule, threshold 50
//	event:suspend USA 2025-11-10 suspension, SUSPENDS event:own until 2026-11-10
//	event:ban     CHN 2025-06-01 customs-block, covers product:gpu -> country:CHN, exempts firm:b from 2025-07-01
//	event:advice  CHN 2025-05-01 buyer-guidance, covers product:gpu -> country:CHN
func licensingGraph(t *testing.T, policy string) *graph.Snapshot {
	b := newDS()
	for _, f := range []string{"firm:a", "firm:b", "firm:parent"} {
		b.firm(f, "country:CHN")
	}
	b.firm("firm:chip", "country:USA").edge("firm:chip", graph.Makes, "product:gpu")
	b.firm("firm:sub1", "country:CHN").firm("firm:sub2", "country:CHN").firm("firm:sub3", "country:CHN")
	own := func(sub, parent string, share float64) {
		b.edge(sub, graph.SubsidiaryOf, parent)
		b.d.Edges[len(b.d.Edges)-1].Share = share
	}
	own("firm:sub1", "firm:parent", 60)
	own("firm:sub2", "firm:parent", 40)
	own("firm:sub2", "firm:sub1", 20)
	own("firm:sub3", "firm:parent", 40)

	b.event("event:rule", "country:USA", "2025-01-01", "hq").LicencePolicy = policy
	b.edge("event:rule", graph.Covers, "product:gpu").edge("event:rule", graph.Targets, "country:CHN")
	g := b.event("event:grant", "country:USA", "2025-03-01", "")
	g.EventKind, g.Conditions = graph.KindLicenceGrant, []string{"15% of revenue"}
	b.edge("event:grant", graph.Covers, "product:gpu").edge("event:grant", graph.Targets, "firm:a").edge("event:grant", graph.Licenses, "event:rule")
	l := b.event("event:list", "country:USA", "2024-01-01", "hq")
	l.EventKind, l.CoversAll = "entity-listing", true
	b.edge("event:list", graph.Targets, "firm:parent")
	o := b.event("event:own", "country:USA", "2025-09-29", "hq")
	o.EventKind, o.OwnershipThreshold, o.CoversAll = graph.KindOwnershipRule, 50, true
	b.event("event:suspend", "country:USA", "2025-11-10", "").EventKind = graph.KindSuspension
	b.edge("event:suspend", graph.Suspends, "event:own", func(e *graph.Edge) { e.ValidTo = date("2026-11-10") })
	b.event("event:ban", "country:CHN", "2025-06-01", "").EventKind = graph.KindCustomsBlock
	b.edge("event:ban", graph.Covers, "product:gpu").edge("event:ban", graph.Targets, "country:CHN")
	b.edge("event:ban", graph.Exempts, "firm:b", func(e *graph.Edge) { e.ValidFrom = date("2025-07-01") })
	b.event("event:advice", "country:CHN", "2025-05-01", "").EventKind = graph.KindBuyerGuidance
	b.edge("event:advice", graph.Covers, "product:gpu").edge("event:advice", graph.Targets, "country:CHN")
	return b.snap(t)
}

func TestLicenceLevels(t *testing.T) {
	for _, tc := range []struct {
		policy, buyer, day string
		want               analysis.Level
		blockedBy          []graph.ID
	}{
		{"", "firm:a", "2024-12-31", analysis.Open, nil},
		{"", "firm:a", "2025-02-01", analysis.Blocked, ids("event:rule")}, // no stated policy: blocks
		{"", "firm:a", "2025-04-01", analysis.Licensed, nil},              // granted to firm:a
		{"", "firm:b", "2025-04-01", analysis.Blocked, ids("event:rule")}, // not to firm:b
		{graph.CaseByCase, "firm:b", "2025-04-01", analysis.CaseByCase, ids("event:rule")},
		{graph.PresumptionOfApproval, "firm:b", "2025-04-01", analysis.Licensed, nil},
		{graph.PresumptionOfDenial, "firm:a", "2025-04-01", analysis.Licensed, nil}, // a grant answers a denial policy too
		// China's customs block binds every Chinese buyer, licence or not...
		{"", "firm:a", "2025-06-15", analysis.Blocked, ids("event:ban")},
		{graph.CaseByCase, "firm:b", "2025-06-15", analysis.Blocked, ids("event:ban", "event:rule")},
		// ... until firm:b is approved as an importer.
		{graph.CaseByCase, "firm:b", "2025-07-01", analysis.CaseByCase, ids("event:rule")},
		{graph.PresumptionOfApproval, "firm:b", "2025-07-01", analysis.Licensed, nil},
	} {
		e := analysis.NewEngine(licensingGraph(t, tc.policy))
		v, err := e.Feasibility(context.Background(), "product:gpu", graph.ID(tc.buyer), date(tc.day), nil)
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != tc.want || v.Feasible != (tc.want >= analysis.Licensed) || !slices.Equal(v.BlockedBy, tc.blockedBy) {
			t.Errorf("policy %q, %s on %s: status %s feasible %v blockedBy %v; want %s %v", tc.policy, tc.buyer, tc.day,
				v.Status, v.Feasible, v.BlockedBy, tc.want, tc.blockedBy)
		}
	}
}

func TestLicenceGrantReported(t *testing.T) {
	e := analysis.NewEngine(licensingGraph(t, graph.PresumptionOfDenial))
	v, err := e.Feasibility(context.Background(), "product:gpu", "firm:a", date("2025-05-15"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := analysis.LicenceUse{Control: "event:rule", Policy: graph.PresumptionOfDenial, Grant: "event:grant",
		Level: analysis.Licensed, Supplier: "firm:chip", Item: "product:gpu", Conditions: []string{"15% of revenue"}}
	if len(v.Licences) != 1 || v.Licences[0].Grant != want.Grant || v.Licences[0].Control != want.Control ||
		!slices.Equal(v.Licences[0].Conditions, want.Conditions) || v.Licences[0].Supplier != want.Supplier {
		t.Errorf("licences %+v, want %+v", v.Licences, want)
	}
	if len(v.BuyerMeasures) != 1 || v.BuyerMeasures[0].Event != "event:advice" || v.BuyerMeasures[0].Binding {
		t.Errorf("buyer measures %+v, want the guidance only", v.BuyerMeasures)
	}
}

// The ownership rule extends the listing to firms owned 50 % or more by
// listed parties, counting owners it has reached (aggregate), only while it
// is in force: not before, not while suspended, again after.
func TestOwnershipReach(t *testing.T) {
	e := analysis.NewEngine(licensingGraph(t, ""))
	bound := func(firm, day string) bool {
		cs, err := e.ControlsOn(graph.ID(firm), date(day))
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(cs, func(c analysis.ActiveControl) bool { return c.Event == "event:list" })
	}
	for _, tc := range []struct {
		firm, day string
		want      bool
	}{
		{"firm:parent", "2025-01-01", true},
		{"firm:sub1", "2025-09-28", false}, // a listing does not reach an unnamed subsidiary by itself
		{"firm:sub1", "2025-09-29", true},  // 60 % by a listed party
		{"firm:sub2", "2025-09-29", true},  // 40 % + 20 % through firm:sub1, which the rule reached
		{"firm:sub3", "2025-09-29", false}, // 40 % is below the threshold
		{"firm:sub1", "2025-11-10", false}, // suspended
		{"firm:sub1", "2026-11-09", false},
		{"firm:sub1", "2026-11-10", true}, // the suspension ends
	} {
		if got := bound(tc.firm, tc.day); got != tc.want {
			t.Errorf("%s on %s: bound by the listing = %v, want %v", tc.firm, tc.day, got, tc.want)
		}
	}
	cs, _ := e.ControlsOn("firm:sub2", date("2025-10-01"))
	for _, c := range cs {
		if c.Event == "event:list" && c.Via == "" {
			t.Errorf("no ownership explanation for firm:sub2: %+v", c)
		}
	}
}

func TestCurrentTo(t *testing.T) {
	e := analysis.NewEngine(licensingGraph(t, ""))
	day, evs := e.CurrentTo(date("2025-12-01"))
	if day != date("2025-11-10") || !slices.Equal(evs, ids("event:suspend")) {
		t.Errorf("CurrentTo(2025-12-01) = %s %v", day, evs)
	}
	if day, _ := e.CurrentTo(date("2023-01-01")); day != 0 {
		t.Errorf("CurrentTo before every event = %s, want zero", day)
	}
}
