package analysis_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
)

// exampleSnapshot is a tiny supply chain: an AI accelerator designed by a
// Chinese firm, made on a 7nm process that needs EUV or DUV lithography
// (alternatives) and etch tools; a foundry whose fab holds DUV scanners since
// 2021; Dutch controls on EUV (from 2019) and DUV scanners (from 2023-09-01)
// for China.
func exampleSnapshot() *graph.Snapshot {
	src := []graph.ID{"source:example"}
	e := func(from graph.ID, kind graph.EdgeKind, to graph.ID) graph.Edge {
		return graph.Edge{From: from, Kind: kind, To: to, Share: graph.NoShare, Sources: src}
	}
	sup := func(from, to graph.ID, share float64) graph.Edge {
		x := e(from, graph.Supplies, to)
		x.Share, x.Year = share, 2019
		return x
	}
	req := func(from, to graph.ID, group string) graph.Edge {
		x := e(from, graph.Requires, to)
		x.Group = group
		return x
	}
	installed := e("fab:foundry-1", graph.EquippedWith, "input:duv-scanners")
	installed.ValidFrom = graph.MustDate("2021-01-01")
	ds := &graph.Dataset{
		Nodes: []graph.Node{
			{ID: "source:example", Kind: graph.KindSource, Name: "Example"},
			{ID: "country:CHN", Kind: graph.KindCountry, Name: "China"},
			{ID: "country:NLD", Kind: graph.KindCountry, Name: "Netherlands"},
			{ID: "country:USA", Kind: graph.KindCountry, Name: "United States"},
			{ID: "firm:designer", Kind: graph.KindFirm, Name: "Designer"},
			{ID: "firm:foundry", Kind: graph.KindFirm, Name: "Foundry"},
			{ID: "firm:asml", Kind: graph.KindFirm, Name: "ASML"},
			{ID: "firm:etchco", Kind: graph.KindFirm, Name: "EtchCo"},
			{ID: "input:7nm-process", Kind: graph.KindInput, Name: "7nm-class logic process", Type: "process"},
			{ID: "input:euv-scanners", Kind: graph.KindInput, Name: "EUV scanners", Type: "tool"},
			{ID: "input:duv-scanners", Kind: graph.KindInput, Name: "DUV immersion scanners", Type: "tool"},
			{ID: "input:etch-tools", Kind: graph.KindInput, Name: "Etch tools", Type: "tool"},
			{ID: "product:accelerator", Kind: graph.KindProduct, Name: "Accelerator"},
			{ID: "fab:foundry-1", Kind: graph.KindFab, Name: "Foundry fab 1"},
			{ID: "event:nl-euv", Kind: graph.KindControlEvent, Name: "Dutch EUV licence withheld",
				Date: graph.MustDate("2019-06-01"), Issuer: "country:NLD", EventKind: "licence-revocation", Reach: "hq"},
			{ID: "event:nl-duv", Kind: graph.KindControlEvent, Name: "Dutch DUV licence requirement",
				Date: graph.MustDate("2023-06-30"), Effective: graph.MustDate("2023-09-01"), Issuer: "country:NLD",
				EventKind: "rule", Reach: "hq"},
		},
		Edges: []graph.Edge{
			e("firm:designer", graph.HeadquarteredIn, "country:CHN"),
			e("firm:foundry", graph.HeadquarteredIn, "country:CHN"),
			e("firm:asml", graph.HeadquarteredIn, "country:NLD"),
			e("firm:etchco", graph.HeadquarteredIn, "country:USA"),
			e("firm:designer", graph.Makes, "product:accelerator"),
			e("product:accelerator", graph.Requires, "input:7nm-process"),
			e("firm:foundry", graph.Makes, "input:7nm-process"),
			req("input:7nm-process", "input:euv-scanners", "lithography"),
			req("input:7nm-process", "input:duv-scanners", "lithography"),
			req("input:7nm-process", "input:etch-tools", ""),
			sup("firm:asml", "input:euv-scanners", 100),
			sup("firm:asml", "input:duv-scanners", 91),
			sup("firm:etchco", "input:etch-tools", 45),
			e("fab:foundry-1", graph.OperatedBy, "firm:foundry"),
			e("fab:foundry-1", graph.LocatedIn, "country:CHN"),
			installed,
			e("event:nl-duv", graph.Covers, "input:duv-scanners"),
			e("event:nl-duv", graph.Targets, "country:CHN"),
			e("event:nl-euv", graph.Covers, "input:euv-scanners"),
			e("event:nl-euv", graph.Targets, "country:CHN"),
		},
	}
	return graph.MustSnapshot(ds)
}

func ExampleDependencyPaths() {
	s := exampleSnapshot()
	paths, err := analysis.DependencyPaths(context.Background(), s, "product:accelerator", "firm:asml", 8, 5, graph.MustDate("2024-01-01"))
	if err != nil {
		panic(err)
	}
	for _, p := range paths {
		fmt.Println(p.Length, strings.Join(idStrings(p.Nodes), " > "))
	}
	last := paths[0].Edges[2]
	fmt.Printf("%s %s %s: %.0f%% (%d)\n", last.To, last.Kind, last.From, *last.Share, last.Year)
	// Output:
	// 3 product:accelerator > input:7nm-process > input:duv-scanners > firm:asml
	// 3 product:accelerator > input:7nm-process > input:euv-scanners > firm:asml
	// firm:asml SUPPLIES input:duv-scanners: 91% (2019)
}

func ExampleUpstream() {
	s := exampleSnapshot()
	items, err := analysis.Upstream(context.Background(), s, "product:accelerator", 3, graph.MustDate("2024-01-01"))
	if err != nil {
		panic(err)
	}
	for _, it := range items {
		fmt.Printf("tier %d: %s (via %s from %s)\n", it.Tier, it.Node, it.Via[0].Kind, it.Via[0].From)
	}
	// Output:
	// tier 1: firm:designer (via MAKES from product:accelerator)
	// tier 1: input:7nm-process (via REQUIRES from product:accelerator)
	// tier 2: firm:foundry (via MAKES from input:7nm-process)
	// tier 2: input:duv-scanners (via REQUIRES from input:7nm-process)
	// tier 2: input:etch-tools (via REQUIRES from input:7nm-process)
	// tier 2: input:euv-scanners (via REQUIRES from input:7nm-process)
	// tier 3: firm:asml (via SUPPLIES from input:duv-scanners)
	// tier 3: firm:etchco (via SUPPLIES from input:etch-tools)
}

func ExampleChokepoints() {
	s := exampleSnapshot()
	cps, err := analysis.Chokepoints(context.Background(), s, "product:accelerator", graph.MustDate("2024-01-01"), 0)
	if err != nil {
		panic(err)
	}
	for _, c := range cps {
		hhi := "unknown"
		if c.HHI != nil {
			hhi = fmt.Sprintf("%.0f", *c.HHI)
		}
		fmt.Printf("%s: score %.3f, HHI %s, lower bound %v, top %q, %d dependents (%d without alternative), controls %v\n",
			c.Input, c.Score, hhi, c.LowerBound, c.TopSupplier, c.Dependents, c.Exposed, c.Controls)
	}
	fmt.Println(analysis.ScoreFormula)
	// Output:
	// input:euv-scanners: score 1.648, HHI 10000, lower bound false, top "firm:asml", 2 dependents (2 without alternative), controls [event:nl-euv]
	// input:duv-scanners: score 1.503, HHI 8281, lower bound true, top "firm:asml", 2 dependents (2 without alternative), controls [event:nl-duv]
	// input:7nm-process: score 0.693, HHI unknown, lower bound true, top "", 1 dependents (1 without alternative), controls []
	// input:etch-tools: score 0.222, HHI 2025, lower bound true, top "firm:etchco", 2 dependents (2 without alternative), controls []
	// score = c × ln(1 + d) × (x ÷ d) × (1 + 0.5·k), where c = concentration: max(firm HHI, country HHI) ÷ 10,000, with the share the known shares leave unclaimed split equally among the named suppliers without a share (a lower bound, flagged), or, for an alternative of an OR-group whose alternatives share one dominant firm (a majority share), the group's combined concentration (each supplier's share averaged over the alternatives) when higher; d = dependents, x = dependents with no alternative avoiding the input, where the other alternatives of such a group are no alternative (the group is one supply); k = 1 if an active control restricting new flows covers the input, plus 1 if an active servicing ban covers it (its installed base stops being usable), 0 otherwise; score = 0 when d = 0.
}

func ExampleFeasibility() {
	s := exampleSnapshot()
	// The foundry's DUV scanners were installed in 2021, before the Dutch
	// control: it can still run the 7nm process.
	v, err := analysis.Feasibility(context.Background(), s, "input:7nm-process", "firm:foundry", graph.MustDate("2024-01-01"), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.Join(v.Explanation, "\n"))
	// A hypothetical US control on etch tools for China cuts the process.
	v, err = analysis.Feasibility(context.Background(), s, "input:7nm-process", "firm:foundry", graph.MustDate("2024-01-01"), []analysis.Control{
		{Issuer: "country:USA", Covers: []graph.ID{"input:etch-tools"}, Targets: []graph.ID{"country:CHN"}, Title: "US etch-tool rule"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(v.Feasible, v.BlockedBy)
	// Output:
	// firm:foundry can obtain input:7nm-process as of 2024-01-01.
	// Status open: no control stands in the way.
	//   In-house: firm:foundry's group makes input:7nm-process and can obtain all its requirements.
	// false [event:scenario-1]
}

func ExampleScenario() {
	s := exampleSnapshot()
	// A Dutch servicing ban on DUV scanners: the foundry's installed base
	// stops counting, EUV and new DUV are already blocked, so nobody in
	// China can run the 7nm process or make the accelerator.
	res, err := analysis.Scenario(context.Background(), s, []analysis.Control{{
		Issuer: "country:NLD", Covers: []graph.ID{"input:duv-scanners"}, Targets: []graph.ID{"country:CHN"},
		Kind: analysis.ServicingBan, Title: "Dutch DUV servicing ban",
	}}, graph.MustDate("2024-01-01"), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("targets:", res.Targets)
	for _, c := range res.NewlyInfeasible {
		fmt.Println(c.Holder, "loses", c.Item, "blocked by", c.BlockedBy)
	}
	// Output:
	// targets: [country:CHN firm:designer firm:foundry]
	// country:CHN loses input:7nm-process blocked by [event:scenario-1 event:nl-duv event:nl-euv]
	// country:CHN loses product:accelerator blocked by [event:scenario-1 event:nl-duv event:nl-euv]
	// firm:designer loses input:7nm-process blocked by [event:scenario-1 event:nl-duv event:nl-euv]
	// firm:designer loses product:accelerator blocked by [event:scenario-1 event:nl-duv event:nl-euv]
	// firm:foundry loses input:7nm-process blocked by [event:scenario-1 event:nl-duv event:nl-euv]
	// firm:foundry loses product:accelerator blocked by [event:scenario-1 event:nl-duv event:nl-euv]
}

func ExampleEngine_Knockouts() {
	e := analysis.NewEngine(exampleSnapshot())
	// The foundry's own 7nm-class process, as of 2024: ASML supplies both
	// lithography alternatives; with full withdrawal its installed DUV
	// scanners stop counting too.
	r, err := e.Knockouts(context.Background(), "input:7nm-process", graph.MustDate("2024-01-01"), analysis.KnockoutOptions{Holder: "firm:foundry"})
	if err != nil {
		panic(err)
	}
	fmt.Println("feasible at baseline:", r.Feasible)
	for _, k := range append(r.Firms, r.Countries...) {
		fmt.Printf("%s: takes down %v; alternative also dominated: %v\n", k.Removed[0], k.TakesDown, k.AlternativeAlsoDominated)
	}
	// Keeping the installed base ("no new tools"), the DUV scanners the fab
	// holds since 2021 keep the process going.
	keep, _ := e.Knockouts(context.Background(), "input:7nm-process", graph.MustDate("2024-01-01"),
		analysis.KnockoutOptions{Holder: "firm:foundry", KeepInstalledBase: true, Remove: []graph.ID{"firm:asml"}})
	fmt.Println("without ASML, keeping the installed base:", !keep.Set.KnocksOut)
	// Output:
	// feasible at baseline: true
	// firm:asml: takes down [input:duv-scanners]; alternative also dominated: true
	// firm:etchco: takes down [input:etch-tools]; alternative also dominated: false
	// country:NLD: takes down [input:duv-scanners]; alternative also dominated: true
	// country:USA: takes down [input:etch-tools]; alternative also dominated: false
	// without ASML, keeping the installed base: true
}
