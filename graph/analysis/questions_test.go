package analysis_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
	"github.com/chipgraph/chipgraph/loaders"
)

// The researchers' questions (docs/questions.md lists them with their
// sources; docs/DESIGN.md §1 says who asks them), asked of the bundled
// curated dataset (data/*.csv). Each test names the rows its answer rests
// on and their sources (source: IDs in data/sources.csv); if a row
// changes, the answer changes with it, and these tests say so.

var bundled = sync.OnceValues(func() (*analysis.Engine, error) {
	ds, _, err := loaders.Load(context.Background(), nil, loaders.Options{})
	if err != nil {
		return nil, err
	}
	s, err := graph.NewSnapshot(ds)
	if err != nil {
		return nil, err
	}
	return analysis.NewEngine(s), nil
})

func bundledEngine(t *testing.T) *analysis.Engine {
	t.Helper()
	e, err := bundled()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func feasible(t *testing.T, e *analysis.Engine, item, buyer, day string, assume ...analysis.Control) analysis.Verdict {
	t.Helper()
	v, err := e.Feasibility(context.Background(), graph.ID(item), graph.ID(buyer), date(day), assume)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Can a Chinese buyer get the H20? Yes on 2025-01-01; no on 2025-06-01.
//
// Nvidia MAKES product:h20 (products.csv; source:tomshardware-h20). The H20
// is an ai-accelerator but not an advanced-computing-ics (3A090) item, so
// the October 2022 and 2023 rules do not cover it. The April 2025
// "is-informed" letter, event:us-commerce-2025-04-09-h20-licence (issuer
// USA, reach hq; source:nvidia-8k-2025-04-15, Nvidia's Form 8-K), COVERS
// product:h20 and TARGETS country:CHN (source:nvidia-8k-2025-04-15); Nvidia
// is headquartered in the USA.
func TestQuestionH20(t *testing.T) {
	e := bundledEngine(t)
	if v := feasible(t, e, "product:h20", "country:CHN", "2025-01-01"); !v.Feasible {
		t.Errorf("2025-01-01: infeasible\n%s", strings.Join(v.Explanation, "\n"))
	}
	v := feasible(t, e, "product:h20", "country:CHN", "2025-06-01")
	if v.Feasible || !slices.Equal(v.BlockedBy, ids("event:us-commerce-2025-04-09-h20-licence")) {
		t.Errorf("2025-06-01: feasible=%v blocked by %v\n%s", v.Feasible, v.BlockedBy, strings.Join(v.Explanation, "\n"))
	}
}

// The H100 for a Chinese buyer: yes on 2022-09-01, no on 2023-01-01.
//
// product:h100 INSTANCE_OF input:advanced-computing-ics (products.csv;
// source:centerconsulting-h100, source:magstone-2022-10-07).
// event:us-bis-2022-10-07-advanced-computing (87 FR 62186; source:fr-87-62186,
// source:magstone-2022-10-07) COVERS input:advanced-computing-ics and
// TARGETS country:CHN from 2022-10-07.
func TestQuestionH100(t *testing.T) {
	e := bundledEngine(t)
	if v := feasible(t, e, "product:h100", "country:CHN", "2022-09-01"); !v.Feasible {
		t.Errorf("2022-09-01: infeasible\n%s", strings.Join(v.Explanation, "\n"))
	}
	v := feasible(t, e, "product:h100", "country:CHN", "2023-01-01")
	if v.Feasible || !slices.Contains(v.BlockedBy, "event:us-bis-2022-10-07-advanced-computing") {
		t.Errorf("2023-01-01: feasible=%v blocked by %v", v.Feasible, v.BlockedBy)
	}
}

// Which inputs of the Ascend 910C have one dominant supplier?
//
// The inputs upstream of product:ascend-910c whose top firm holds a
// majority, with the 2025 ETO/TechInsights shares (supplies.csv,
// source:eto-2025): EUV lithography tools, ASML 100 %; ArF immersion
// lithography tools, ASML 99.3 %; resist processing tools, Tokyo Electron
// 92.6 %. Aggregate providers are never the top supplier.
func TestQuestionAscendDominantSuppliers(t *testing.T) {
	e := bundledEngine(t)
	cs, err := e.Chokepoints(context.Background(), "product:ascend-910c", date("2025-06-01"), 0)
	if err != nil {
		t.Fatal(err)
	}
	dominant := map[graph.ID]analysis.Chokepoint{}
	for _, c := range cs {
		if c.TopShare != nil && *c.TopShare > 50 {
			dominant[c.Input] = c
		}
		if c.TopSupplier != "" {
			for _, ed := range e.Snapshot().Dataset().Edges {
				if ed.From == c.TopSupplier && ed.To == c.Input && ed.Kind == graph.Supplies && ed.Aggregate() {
					t.Errorf("%s: aggregate provider %s is the top supplier", c.Input, c.TopSupplier)
				}
			}
		}
	}
	for _, want := range []struct {
		input, top string
		share      float64
	}{
		{"input:euv-lithography-tools", "firm:asml", 100},
		{"input:arf-immersion-lithography-tools", "firm:asml", 99.3},
		{"input:resist-processing-tools", "firm:tokyo-electron", 92.6},
	} {
		c, ok := dominant[graph.ID(want.input)]
		if !ok || c.TopSupplier != graph.ID(want.top) || *c.TopShare != want.share || c.Year != 2025 ||
			!slices.Contains(c.Sources, "source:eto-2025") {
			t.Errorf("%s: %+v, want %s at %v%% (2025, source:eto-2025)", want.input, c, want.top, want.share)
		}
	}
}

// Which controls applied to YMTC on 2023-01-01?
//
// Three: the Dutch refusal to renew ASML's EUV licence for China
// (event:nl-gov-2020-01-06-euv-licence-not-renewed; source:reuters-2020-01-06)
// and the October 2022 US rule (87 FR 62186), both through its country, and
// its own Entity List listing, event:us-bis-2022-12-15-entity-list-ymtc (87 FR
// 77505; source:fr-87-77505), effective 2022-12-16: on 2022-12-15 it was not
// yet in force. (The Unverified List entry of 2022-10-07 has no reach in
// the data: it restricts nothing by itself, so it is not listed.)
func TestQuestionYMTCControls(t *testing.T) {
	e := bundledEngine(t)
	got := func(day string) []string {
		cs, err := e.ControlsOn("firm:ymtc", date(day))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, string(c.Event)+" via "+string(c.Through[0]))
		}
		return out
	}
	want := []string{
		"event:nl-gov-2020-01-06-euv-licence-not-renewed via country:CHN",
		"event:us-bis-2022-10-07-advanced-computing via country:CHN",
		"event:us-bis-2022-12-15-entity-list-ymtc via firm:ymtc",
	}
	if g := got("2023-01-01"); !slices.Equal(g, want) {
		t.Errorf("2023-01-01:\n got %v\nwant %v", g, want)
	}
	if g := got("2022-12-15"); !slices.Equal(g, want[:2]) {
		t.Errorf("2022-12-15:\n got %v\nwant %v", g, want[:2])
	}
}

// Which controls covered HBM, and since when?
//
// event:us-bis-2024-12-02-fdp-sme-hbm (89 FR 96790; source:fr-89-96790,
// source:hklaw-2024-12) COVERS input:hbm from 2024-12-02 (3A090.c); nothing
// covered HBM as an item before.
func TestQuestionHBMControls(t *testing.T) {
	e := bundledEngine(t)
	for _, tc := range []struct {
		day  string
		want []string
	}{
		{"2024-12-01", nil},
		{"2024-12-02", []string{"event:us-bis-2024-12-02-fdp-sme-hbm since 2024-12-02"}},
		{"2025-06-01", []string{"event:us-bis-2024-12-02-fdp-sme-hbm since 2024-12-02"}},
	} {
		cs, err := e.ControlsCovering("input:hbm", date(tc.day))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range cs {
			got = append(got, string(c.Event)+" since "+c.Effective.String())
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.day, got, tc.want)
		}
	}
}

// Can SMIC still run the 7nm-class process after the Dutch and Japanese
// controls? Yes: its installed ArF immersion base predates them.
//
// input:7nm-class-logic-process REQUIRES EUV or ArF immersion lithography
// (group "lithography"; requires.csv, source:techinsights-smic-7nm) and
// firm:smic MAKES it. fab:smic-shanghai-sn1 is EQUIPPED_WITH ArF immersion
// tools since 2019-12-31 (relations.csv, source:smic-fabs; the date is an
// inference noted on the row). New ArF immersion tools are cut off for
// China: Nikon by Japan's 2023 controls (event:jp-meti-2023-05-23-...,
// effective 2023-07-23; source:japan-sme-2023), ASML's NXT:2000i and later
// by the Dutch regulation of 2023-09-01 (source:ap-2023-06-30), NXT:2050i
// and NXT:2100i by the 2024-01-01 licence revocation (source:asml-2024-01-01),
// NXT:1970i and NXT:1980i by the extension effective 2024-09-07
// (source:ecd-2024-09-10). EUV has been cut off since 2020
// (source:reuters-2020-01-06).
//
// Until 2024-09-07 a Chinese buyer could still get NXT:1970i/1980i, so the
// installed base only becomes decisive then: on 2025-01-01 SMIC holds what a
// new Chinese buyer cannot get.
func TestQuestionSMIC7nm(t *testing.T) {
	e := bundledEngine(t)
	v := feasible(t, e, "input:arf-immersion-lithography-tools", "firm:smic", "2025-01-01")
	if !v.Feasible || v.Routes[0].Kind != "installed" || v.Routes[0].Via != "fab:smic-shanghai-sn1" || !v.Routes[0].Feasible {
		t.Errorf("SMIC's ArF immersion tools: %v %+v", v.Feasible, v.Routes)
	}
	for _, r := range v.Routes[1:] {
		if r.Feasible {
			t.Errorf("a new supply route is open: %+v", r)
		}
	}
	if v := feasible(t, e, "input:arf-immersion-lithography-tools", "country:CHN", "2025-01-01"); v.Feasible {
		t.Errorf("a new Chinese buyer gets ArF immersion tools on 2025-01-01")
	}
	if v := feasible(t, e, "input:arf-immersion-lithography-tools", "country:CHN", "2024-09-06"); !v.Feasible {
		t.Errorf("before the Dutch extension a Chinese buyer could still buy NXT:1970i/1980i")
	}
	v = feasible(t, e, "input:7nm-class-logic-process", "firm:smic", "2025-01-01")
	inHouse := slices.IndexFunc(v.Routes, func(r analysis.Route) bool { return r.Kind == "in-house" && r.Via == "firm:smic" })
	if !v.Feasible || inHouse < 0 || !v.Routes[inHouse].Feasible {
		t.Errorf("SMIC's own 7nm-class process: %v %+v", v.Feasible, v.Routes)
	}
}

// The dependency paths from the Ascend 910C to EUV lithography tools.
//
// On 2025-01-01, shortest first: through the TSMC account of the 910C's
// die (product:ascend-910c FABRICATED_AT fab:tsmc-fab-15, N7,
// source:techinsights-910c-teardown, kept beside the SMIC account as the
// sources disagree; fab:tsmc-fab-15
// EQUIPPED_WITH EUV tools, source:tsmc-fabs); through the 7nm-class process
// (REQUIRES EUV or ArF immersion, source:techinsights-smic-7nm); and through
// HBM, whose DRAM process requires lithography (source:trendforce-hbm-2024,
// source:ymtc-cxmt), directly and by HBM being a kind of DRAM chip.
func TestQuestionAscendEUVPaths(t *testing.T) {
	e := bundledEngine(t)
	// 2024-10-01: before TSMC halted the dies it made via Sophgo (issue 11's
	// correction: the TSMC edge ends 2024-10-23, Reuters' first report of the
	// halt, no longer at Sophgo's listing of 2025-01-16).
	ps, err := e.DependencyPaths(context.Background(), "product:ascend-910c", "input:euv-lithography-tools", 8, 5, date("2024-10-01"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"product:ascend-910c -FABRICATED_AT-> fab:tsmc-fab-15 -EQUIPPED_WITH-> input:euv-lithography-tools",
		"product:ascend-910c -REQUIRES-> input:7nm-class-logic-process -REQUIRES-> input:euv-lithography-tools",
		"product:ascend-910c -REQUIRES-> input:hbm -REQUIRES-> input:dram-process -REQUIRES-> input:euv-lithography-tools",
		"product:ascend-910c -REQUIRES-> input:hbm -TYPE_OF-> input:dram-chips -REQUIRES-> input:dram-process -REQUIRES-> input:euv-lithography-tools",
	}
	var got []string
	for _, p := range ps {
		got = append(got, render(p))
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The TSMC-die edge holds until 2024-10-23 (valid_to); afterwards only
	// the SMIC account remains.
	later, err := e.DependencyPaths(context.Background(), "product:ascend-910c", "input:euv-lithography-tools", 8, 5, date("2025-06-01"))
	if err != nil || len(later) != 3 || render(later[0]) != want[1] {
		t.Errorf("after 2024-10-23: %d paths, %v", len(later), err)
	}
	// Every step cites its sources.
	for _, p := range ps {
		for _, pe := range p.Edges {
			if len(pe.Sources) == 0 {
				t.Errorf("%s -> %s has no sources", pe.From, pe.To)
			}
		}
	}
}

// What if the Netherlands and Japan cut DUV (ArF immersion) servicing for
// China on 2025-01-01?
//
// New ArF immersion tools are already cut off (see TestQuestionSMIC7nm), so
// withdrawing service from the installed base ends SMIC's own 7nm-class and
// 14nm-class production (it could still, on paper, buy foundry service from
// TSMC or Samsung, whose flows to SMIC no recorded control blocks: the change
// is InHouse), and China's 3D NAND process (YMTC's fab holds the tools,
// relations.csv, source:smic-fabs/ymtc rows). A Dutch ban alone changes
// nothing: Nikon (JPN) can still service the tools.
func TestQuestionDUVServicingScenario(t *testing.T) {
	e := bundledEngine(t)
	nl := analysis.Control{Issuer: "country:NLD", Covers: ids("input:arf-immersion-lithography-tools"), Targets: ids("country:CHN"),
		Kind: analysis.ServicingBan, Title: "Dutch DUV servicing ban"}
	jp := analysis.Control{Issuer: "country:JPN", Covers: ids("input:arf-immersion-lithography-tools"), Targets: ids("country:CHN"),
		Kind: analysis.ServicingBan, Title: "Japanese DUV servicing ban"}
	res, err := e.Scenario(context.Background(), []analysis.Control{nl, jp}, date("2025-01-01"), nil)
	if err != nil {
		t.Fatal(err)
	}
	lost := map[string]analysis.FeasibilityChange{}
	for _, c := range res.NewlyInfeasible {
		lost[string(c.Holder)+" "+string(c.Item)] = c
	}
	for _, want := range []struct {
		key     string
		inHouse bool
	}{
		{"firm:smic input:7nm-class-logic-process", true},
		{"firm:smic input:14nm-class-logic-process", true},
		{"country:CHN input:3d-nand-process", false},
		{"firm:ymtc product:ymtc-x2-6070", false},
	} {
		c, ok := lost[want.key]
		if !ok || c.InHouse != want.inHouse || !slices.Contains(c.BlockedBy, "event:scenario-1") || !slices.Contains(c.BlockedBy, "event:scenario-2") {
			t.Errorf("%s: %+v (lost: %v)", want.key, c, ok)
		}
	}
	res, err = e.Scenario(context.Background(), []analysis.Control{nl}, date("2025-01-01"), nil)
	if err != nil || len(res.NewlyInfeasible) != 0 {
		t.Errorf("Dutch ban alone: %v %d changes", err, len(res.NewlyInfeasible))
	}
	// From 2025-01-15 the foundry due-diligence rule
	// (event:us-bis-2025-01-15-foundry-due-diligence, 90 FR 5298, fdp reach;
	// source:fr-90-5298) covers the 7nm-class process for China: TSMC and
	// Samsung, whose fabs hold US tools, can no longer supply SMIC either, so
	// on 2025-06-01 the servicing ban costs SMIC the process outright.
	res, err = e.Scenario(context.Background(), []analysis.Control{nl, jp}, date("2025-06-01"), ids("firm:smic"))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(res.NewlyInfeasible, func(c analysis.FeasibilityChange) bool { return c.Item == "input:7nm-class-logic-process" })
	if i < 0 || res.NewlyInfeasible[i].InHouse ||
		!slices.Contains(res.NewlyInfeasible[i].BlockedBy, "event:us-bis-2025-01-15-foundry-due-diligence") {
		t.Errorf("2025-06-01: %+v", res.NewlyInfeasible)
	}
}
