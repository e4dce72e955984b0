package api

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
)

// The analysis queries over the bundled dataset, through the real handler.
// Answers follow from data/*.csv; the sources cited are the ones the rows
// cite. Golden files (testdata/analysis/) change whenever the data does:
// regenerate them with -update and review the diff as a data review.

// Selections reused by the queries below.
const (
	pathSel = `length nodes { __typename id name }
		edges { from { id } to { id } kind reversed share year basis group node validFrom validTo note sources { id } }`
	eventSel      = `id name date effective kind authority issuer { id name }`
	chokepointSel = `input { id name } topSupplier { id name } topShare hhi firmHHI countryHHI countryDerived
		topCountry { id } topCountryShare lowerBound lowerBoundReason shareYear shareSources { id } supplierCount
		dependents exposed alternatives hasAlternatives controls { id } concentration concentrationEstimated sharedSupply { id } score`
	feasibilitySel = `item { id name } holder { id name } asOf feasible blockedBy { ` + eventSel + ` } explanation
		routes { kind item { id } via { id } feasible blockedBy { id } reason } paths { ` + pathSel + ` }
		status licences { control { id licencePolicy } policy grant { id kind conditions licenses { id } } status supplier { id } item { id } conditions }
		buyerMeasures { event { id kind buyerSide binding issuer { id } sources { id grade } } binding through { id } }`
	scenarioSel = `asOf controls { ` + eventSel + ` reach coversAll note sources { id } covers { id name } targets { id name }
		exempts { id } rescinds { id } } targets { id } items { id }
		newlyInfeasible { item { id } holder { id } before after blockedBy { id } blockedByAssumed { id } blockedByRecorded { id } explanation }
		newlyFeasible { item { id } holder { id } before after blockedBy { id } explanation }
		chokepointChanges { input { id } before after delta controls { id } }`
)

// photoresistControl is a hypothetical control by issuer on photoresists
// targeting China, as a ControlInput literal.
func photoresistControl(issuer string) string {
	return `{issuer: "` + issuer + `", covers: ["input:photoresists"], targets: ["country:CHN"]}`
}

// analysisQueries are the main analysis queries researchers run, with
// golden answers.
var analysisQueries = map[string]string{
	// "Show the dependency paths from Huawei's Ascend 910C to EUV tools":
	// the 7nm-class process it requires (source:wm-ascend-progression,
	// source:techinsights-910c-teardown) requires EUV or ArF immersion
	// (OR-group "lithography"; source:eto-2025, source:techinsights-smic-7nm).
	"analysis/dependency-paths-ascend-910c-euv.json": `{ dependencyPaths(from: "product:ascend-910c",
		to: "input:euv-lithography-tools", asOf: "2025-06-01") { ` + pathSel + ` } }`,
	"analysis/upstream-h20.json": `{ upstream(of: "product:h20", maxDepth: 2, asOf: "2025-06-01") {
		tier node { __typename id name } via { from { id } to { id } kind reversed group share } } }`,
	// "Which upstream inputs of the Ascend 910C are chokepoints?"
	"analysis/chokepoints-ascend-910c-2025-06-01.json": `{ chokepoints(of: "product:ascend-910c", asOf: "2025-06-01") { ` +
		chokepointSel + ` } }`,
	"analysis/chokepoints-2025-06-01.json": `{ chokepoints(asOf: "2025-06-01", first: 10) { ` + chokepointSel + ` } }`,
	// "Could a Chinese buyer obtain the H20 on 2025-01-01, and on
	// 2025-06-01?" Yes, then no: the licence requirement of 2025-04-09
	// (source:nvidia-8k-2025-04-15) covers the H20 and targets China.
	"analysis/feasibility-h20-chn-2025-01-01.json": `{ feasibility(item: "product:h20", for: "country:CHN", asOf: "2025-01-01") { ` +
		feasibilitySel + ` } }`,
	"analysis/feasibility-h20-chn-2025-06-01.json": `{ feasibility(item: "product:h20", for: "country:CHN", asOf: "2025-06-01") { ` +
		feasibilitySel + ` } }`,
	// Issue 11's graded answers. The H20 on 2025-09-01: licensed (US licences
	// from 2025-08-08, reported 15 % revenue condition), with China's
	// non-binding guidance to avoid it (Bloomberg, 2025-08-12).
	"analysis/feasibility-h20-chn-2025-09-01.json": `{ feasibility(item: "product:h20", for: "country:CHN", asOf: "2025-09-01") { ` +
		feasibilitySel + ` } }`,
	// The H200 for ByteDance on 2026-02-01: case-by-case under 91 FR 1684
	// with its conditions; China's customs block exempts ByteDance from
	// 2026-01-28 (Reuters).
	"analysis/feasibility-h200-bytedance-2026-02-01.json": `{ feasibility(item: "product:h200", for: "firm:bytedance", asOf: "2026-02-01") { ` +
		feasibilitySel + ` } }`,
	// The Affiliates Rule, its suspension, and Nexperia's controls while it
	// was in force.
	"analysis/affiliates-rule.json": `{ rule: node(id: "event:us-bis-2025-09-29-affiliates-rule") { ... on ControlEvent { id kind
		ownershipThreshold binding citation suspendedBy { by { id citation } suspended { id } from until sources { id grade } } } }
		nexperia: node(id: "firm:nexperia") { ... on Firm { parent { id } parentShare
		during: activeControls(asOf: "2025-10-01") { event { id } via licencePolicy }
		suspended: activeControls(asOf: "2025-12-01") { event { id } via } } }
		wuxi: node(id: "fab:sk-hynix-wuxi") { ... on Fab { before: activeControls(asOf: "2025-12-30") { event { id } through { id } }
		after: activeControls(asOf: "2026-01-02") { event { id } through { id } } } } }`,
	// Law and fact (issue 17): the Ascend 910C for Huawei on 2025-06-01 is
	// legally blocked but observed (TechInsights teardowns via Bloomberg,
	// 2025-10-03: TSMC dies banked through Sophgo, stockpiled HBM2E).
	"analysis/feasibility-910c-huawei-observed.json": `{ feasibility(item: "product:ascend-910c", for: "firm:huawei", asOf: "2025-06-01") {
		feasible status observed { evidenced routes strength
		direct { id name route evidence strength date from until quantity unit item { id } holder { id } suppliers { id }
			despite { id } followedBy { id } sources { id grade } }
		upstream { id route evidence item { id } } } } }`,
	// "If Japan restricted photoresist exports to China, which products
	// become infeasible for Chinese firms?" None: US and Korean firms also
	// supply photoresists (source:eto-2022, source:cset-2021). No share is
	// known, so photoresists are scored from their supplier count (a lower
	// bound), and the new control raises that score by the control factor.
	"analysis/scenario-jp-photoresists.json": `{ scenario(asOf: "2025-06-01", controls: [` +
		photoresistControl("country:JPN") + `]) { ` + scenarioSel + ` } }`,
	// ... and if Japan, the United States and Korea all did? YMTC's 3D NAND
	// process needs photoresists it can no longer obtain.
	"analysis/scenario-jp-us-kr-photoresists.json": `{ scenario(asOf: "2025-06-01",
		targets: ["country:CHN", "firm:ymtc", "firm:smic"], controls: [` + photoresistControl("country:JPN") + `, ` +
		photoresistControl("country:USA") + `, ` + photoresistControl("country:KOR") + `]) { ` + scenarioSel + ` } }`,
	// Removing a recorded control: rescinding the 2025 H20 licence
	// requirement makes the H20 and the MI308 obtainable again.
	"analysis/scenario-rescind-h20-licence.json": `{ scenario(asOf: "2025-06-01", targets: ["country:CHN"], controls: [
		{issuer: "country:USA", covers: [], targets: [], rescinds: ["event:us-commerce-2025-04-09-h20-licence"]}]) { ` +
		scenarioSel + ` } }`,
}

func TestGoldenAnalysis(t *testing.T) {
	srv := bundledServer(t)
	for name, query := range analysisQueries {
		t.Run(name, func(t *testing.T) {
			assertGolden(t, name, mustData(t, post(t, srv, query, nil)))
		})
	}
}

// TestAnalysisBundled checks answers a researcher would ask for, field by
// field.
func TestAnalysisBundled(t *testing.T) {
	srv := bundledServer(t)
	tests := []struct {
		name, query, want string
	}{
		{
			// The shortest path: Ascend 910C requires a 7nm-class process,
			// which requires EUV or ArF immersion (OR-group "lithography").
			name: "dependencyPaths shortest",
			query: `{ dependencyPaths(from: "product:ascend-910c", to: "input:euv-lithography-tools", first: 1, asOf: "2025-06-01") {
				length nodes { id } edges { kind reversed group } } }`,
			want: `{"dependencyPaths": [{"length": 2,
				"nodes": [{"id": "product:ascend-910c"}, {"id": "input:7nm-class-logic-process"}, {"id": "input:euv-lithography-tools"}],
				"edges": [{"kind": "REQUIRES", "reversed": false, "group": null}, {"kind": "REQUIRES", "reversed": false, "group": "lithography"}]}]}`,
		},
		{
			// A SUPPLIES step is walked backwards, with the share that counts
			// at asOf: ASML's 2025 share of ArF immersion tools (source:eto-2025).
			name: "dependencyPaths share",
			query: `{ dependencyPaths(from: "product:ascend-910c", to: "firm:asml", first: 2, maxDepth: 3, asOf: "2025-06-01") {
				nodes { id } edges { kind reversed share year basis } } }`,
			want: `{"dependencyPaths": [
				{"nodes": [{"id": "product:ascend-910c"}, {"id": "fab:smic-shanghai-sn1"}, {"id": "input:arf-dry-lithography-tools"}, {"id": "firm:asml"}],
				 "edges": [{"kind": "FABRICATED_AT", "reversed": false, "share": null, "year": null, "basis": null},
				           {"kind": "EQUIPPED_WITH", "reversed": false, "share": null, "year": null, "basis": null},
				           {"kind": "SUPPLIES", "reversed": true, "share": 94.4, "year": 2025, "basis": "firm-hq"}]},
				{"nodes": [{"id": "product:ascend-910c"}, {"id": "fab:smic-shanghai-sn1"}, {"id": "input:arf-immersion-lithography-tools"}, {"id": "firm:asml"}],
				 "edges": [{"kind": "FABRICATED_AT", "reversed": false, "share": null, "year": null, "basis": null},
				           {"kind": "EQUIPPED_WITH", "reversed": false, "share": null, "year": null, "basis": null},
				           {"kind": "SUPPLIES", "reversed": true, "share": 99.3, "year": 2025, "basis": "firm-hq"}]}]}`,
		},
		{
			name:  "dependencyPaths none within depth",
			query: `{ dependencyPaths(from: "product:ascend-910c", to: "firm:asml", maxDepth: 1) { length } }`,
			want:  `{"dependencyPaths": []}`,
		},
		{
			// The H20's direct dependencies: its maker, fab, category and
			// requirements.
			name:  "upstream tier 1",
			query: `{ upstream(of: "product:h20", maxDepth: 1, asOf: "2025-06-01") { node { id } tier via { from { id } kind reversed } } }`,
			want: `{"upstream": [
				{"node": {"id": "fab:tsmc-fab-18"}, "tier": 1, "via": [{"from": {"id": "product:h20"}, "kind": "FABRICATED_AT", "reversed": false}]},
				{"node": {"id": "firm:nvidia"}, "tier": 1, "via": [{"from": {"id": "product:h20"}, "kind": "MAKES", "reversed": true}]},
				{"node": {"id": "input:5nm-class-logic-process"}, "tier": 1, "via": [{"from": {"id": "product:h20"}, "kind": "REQUIRES", "reversed": false}]},
				{"node": {"id": "input:advanced-packaging"}, "tier": 1, "via": [{"from": {"id": "product:h20"}, "kind": "REQUIRES", "reversed": false}]},
				{"node": {"id": "input:ai-accelerators"}, "tier": 1, "via": [{"from": {"id": "product:h20"}, "kind": "INSTANCE_OF", "reversed": false}]},
				{"node": {"id": "input:eda-software"}, "tier": 1, "via": [{"from": {"id": "product:h20"}, "kind": "REQUIRES", "reversed": false}]},
				{"node": {"id": "input:hbm"}, "tier": 1, "via": [{"from": {"id": "product:h20"}, "kind": "REQUIRES", "reversed": false}]}]}`,
		},
		{
			// "Which upstream input of the Ascend 910C is the worst
			// chokepoint?" ArF immersion lithography: ASML 99.3 %
			// (source:eto-2025), and its OR-alternative for 7nm-class logic
			// and DRAM, EUV, is ASML's too (100 %), as are its alternatives for
			// mature logic, ArF dry (94.4 %) and KrF (66 %): none is a way
			// around it (sharedSupply). Covered by Japan's 2023 SME controls
			// and the Dutch September 2024 DUV extension.
			name: "chokepoints of ascend-910c",
			query: `{ chokepoints(of: "product:ascend-910c", asOf: "2025-06-01", first: 1) {
				input { id } topSupplier { id } topShare topCountry { id } controls { id } sharedSupply { id } } }`,
			want: `{"chokepoints": [{"input": {"id": "input:arf-immersion-lithography-tools"}, "topSupplier": {"id": "firm:asml"},
				"topShare": 99.3, "topCountry": {"id": "country:NLD"}, "controls": [{"id": "event:jp-meti-2023-05-23-sme-export-controls"},
				{"id": "event:nl-gov-2024-09-06-duv-extension"}], "sharedSupply": [{"id": "input:arf-dry-lithography-tools"},
				{"id": "input:euv-lithography-tools"}, {"id": "input:krf-lithography-tools"}]}]}`,
		},
		{
			name:  "chokepoints first 0",
			query: `{ chokepoints(first: 0) { score } }`,
			want:  `{"chokepoints": []}`,
		},
		{
			// The H20 before and after the 2025 licence requirement
			// (source:nvidia-8k-2025-04-15).
			name: "feasibility h20",
			query: `{ before: feasibility(item: "product:h20", for: "country:CHN", asOf: "2025-01-01") { asOf feasible blockedBy { id } }
				after: feasibility(item: "product:h20", for: "country:CHN", asOf: "2025-06-01") { asOf feasible blockedBy { id }
					routes { kind via { id } feasible reason } } }`,
			want: `{"before": {"asOf": "2025-01-01", "feasible": true, "blockedBy": []},
				"after": {"asOf": "2025-06-01", "feasible": false, "blockedBy": [{"id": "event:us-commerce-2025-04-09-h20-licence"}],
					"routes": [{"kind": "supplier", "via": {"id": "firm:nvidia"}, "feasible": false, "reason": "blocked"}]}}`,
		},
		{
			// The H100 before and after the October 2022 rule (87 FR 62186).
			name: "feasibility h100",
			query: `{ before: feasibility(item: "product:h100", for: "country:CHN", asOf: "2022-09-01") { feasible blockedBy { id } }
				after: feasibility(item: "product:h100", for: "country:CHN", asOf: "2023-01-01") { feasible blockedBy { id } } }`,
			want: `{"before": {"feasible": true, "blockedBy": []},
				"after": {"feasible": false, "blockedBy": [{"id": "event:us-bis-2022-10-07-advanced-computing"}]}}`,
		},
		{
			// An assumed control shows up in blockedBy as a ControlEvent with
			// its scenario ID, title and issuer.
			name: "feasibility assume",
			query: `{ feasibility(item: "input:3d-nand-process", for: "country:CHN", asOf: "2025-06-01", assume: [` +
				photoresistControl("country:JPN") + `, ` + photoresistControl("country:USA") + `,
				{issuer: "country:KOR", covers: ["input:photoresists"], targets: ["country:CHN"], title: "Korean resist ban"}]) {
				feasible blockedBy { id name kind issuer { id } } } }`,
			want: `{"feasibility": {"feasible": false, "blockedBy": [
				{"id": "event:scenario-3", "name": "Korean resist ban", "kind": "hypothetical", "issuer": {"id": "country:KOR"}},
				{"id": "event:us-bis-2022-12-15-entity-list-ymtc", "name": "Entity List: YMTC, its Japan unit and SMEE", "kind": "entity-listing", "issuer": {"id": "country:USA"}},
				{"id": "event:scenario-2", "name": "Hypothetical control by United States on Photoresists, targeting China", "kind": "hypothetical", "issuer": {"id": "country:USA"}},
				{"id": "event:scenario-1", "name": "Hypothetical control by Japan on Photoresists, targeting China", "kind": "hypothetical", "issuer": {"id": "country:JPN"}}]}}`,
		},
		{
			// A hypothetical control as a ControlEvent: what was given, no
			// sources, and effective defaulting to asOf.
			name: "scenario controls",
			query: `{ scenario(asOf: "2025-06-01", targets: ["firm:smic"], controls: [{issuer: "country:JPN", covers: ["input:photoresists"],
				targets: ["firm:smic"], exempts: ["product:kirin-9000s"], reach: "fdp", expires: "2026-01-01", kind: "servicing-ban"}]) {
				asOf targets { id } controls { id name date effective expires kind authority reach coversAll sources { id }
				issuer { id name } covers { id name } targets { id } exempts { id } rescinds { id } rescinded } } }`,
			want: `{"scenario": {"asOf": "2025-06-01", "targets": [{"id": "firm:smic"}], "controls": [{"id": "event:scenario-1",
				"name": "Hypothetical servicing ban by Japan on Photoresists, targeting SMIC", "date": "2025-06-01", "effective": null,
				"expires": "2026-01-01", "kind": "servicing-ban", "authority": "hypothetical", "reach": "fdp", "coversAll": false, "sources": [],
				"issuer": {"id": "country:JPN", "name": "Japan"}, "covers": [{"id": "input:photoresists", "name": "Photoresists"}],
				"targets": [{"id": "firm:smic"}], "exempts": [{"id": "product:kirin-9000s"}], "rescinds": [], "rescinded": null}]}}`,
		},
		{
			// Rescinding the 2025 licence requirement: the H20 and the MI308
			// (which it also covers) become obtainable for China again.
			name: "scenario rescind",
			query: `{ scenario(asOf: "2025-06-01", targets: ["country:CHN"], controls: [{issuer: "country:USA", covers: [], targets: [],
				rescinds: ["event:us-commerce-2025-04-09-h20-licence"]}]) {
				newlyInfeasible { item { id } } newlyFeasible { item { id } holder { id } before after blockedBy { id } } } }`,
			want: `{"scenario": {"newlyInfeasible": [], "newlyFeasible": [
				{"item": {"id": "product:h20"}, "holder": {"id": "country:CHN"}, "before": false, "after": true,
				 "blockedBy": [{"id": "event:us-commerce-2025-04-09-h20-licence"}]},
				{"item": {"id": "product:mi308"}, "holder": {"id": "country:CHN"}, "before": false, "after": true,
				 "blockedBy": [{"id": "event:us-commerce-2025-04-09-h20-licence"}]}]}}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assertJSON(t, mustData(t, post(t, srv, tc.query, nil)), tc.want)
		})
	}
}

// TestScenarioChokepointChanges: a new control on an input nobody controls
// yet multiplies its score by 1.5 (the factor k of the score formula).
func TestScenarioChokepointChanges(t *testing.T) {
	srv := bundledServer(t)
	var base struct {
		Chokepoints []struct {
			Input    struct{ ID string }
			Controls []struct{ ID string }
			Score    float64
		}
	}
	decodeData(t, mustData(t, post(t, srv, `{ chokepoints(asOf: "2025-06-01", first: 500) { input { id } controls { id } score } }`, nil)), &base)
	var input string
	var before float64
	for _, c := range base.Chokepoints {
		if len(c.Controls) == 0 && c.Score > 0 {
			input, before = c.Input.ID, c.Score
			break
		}
	}
	if input == "" {
		t.Fatal("no uncontrolled input with a positive score at 2025-06-01 in the bundled data: the test needs one")
	}
	type change struct {
		Input                struct{ ID string }
		Before, After, Delta float64
		Controls             []struct{ ID string }
	}
	var got struct {
		Scenario struct{ ChokepointChanges []change }
	}
	decodeData(t, mustData(t, post(t, srv, `query($c: [ControlInput!]!) { scenario(asOf: "2025-06-01", controls: $c) {
		chokepointChanges { input { id } before after delta controls { id } } } }`,
		map[string]any{"c": []any{map[string]any{"issuer": "country:JPN", "covers": []string{input}, "targets": []string{"country:CHN"}}}})), &got)
	i := slices.IndexFunc(got.Scenario.ChokepointChanges, func(c change) bool { return c.Input.ID == input })
	if i < 0 {
		t.Fatalf("no chokepoint change for %s: %+v", input, got)
	}
	c := got.Scenario.ChokepointChanges[i]
	if c.Before != before || math.Abs(c.After-1.5*before) > 1e-3 || math.Abs(c.Delta-(c.After-c.Before)) > 1e-3 {
		t.Errorf("%s: before %v after %v delta %v; want before %v, after 1.5 times it", input, c.Before, c.After, c.Delta, before)
	}
	if len(c.Controls) != 1 || c.Controls[0].ID != "event:scenario-1" {
		t.Errorf("controls %+v, want event:scenario-1", c.Controls)
	}
}

// TestChokepointScoreFormula recomputes every whole-graph score from the
// fields the API returns, with the formula its schema states, so that the
// documentation and the figures cannot disagree.
func TestChokepointScoreFormula(t *testing.T) {
	srv := bundledServer(t)
	var got struct {
		Chokepoints []struct {
			Input               struct{ ID string }
			Hhi, CountryHHI     *float64
			Dependents, Exposed int
			Alternatives        int
			HasAlternatives     bool
			LowerBound          bool
			LowerBoundReason    *string
			Controls            []struct{ ID string }
			Score               float64
			FirmHHI             *float64
			Concentration       float64
			Estimated           bool `json:"concentrationEstimated"`
		}
	}
	decodeData(t, mustData(t, post(t, srv, `{ chokepoints(asOf: "2025-06-01", first: 500) { input { id } hhi firmHHI countryHHI
		dependents exposed alternatives hasAlternatives lowerBound lowerBoundReason controls { id } score
		concentration concentrationEstimated } }`, nil)), &got)
	if len(got.Chokepoints) == 0 {
		t.Fatal("no chokepoints")
	}
	prev := math.Inf(1)
	for _, c := range got.Chokepoints {
		d, x := float64(c.Dependents), float64(c.Exposed)
		want := 0.0
		// c is at least the HHI of the known shares: estimates and
		// one-supply groups only add to it.
		known := 0.0
		for _, h := range []*float64{c.Hhi, c.CountryHHI} {
			if h != nil {
				known = max(known, *h)
			}
		}
		if c.Concentration < min(known, 10000)/10000-1e-4 || c.Concentration > 1 {
			t.Errorf("%s: concentration %v below the known HHI %v", c.Input.ID, c.Concentration, known)
		}
		if c.Estimated && !c.LowerBound {
			t.Errorf("%s: estimated but not flagged as a lower bound", c.Input.ID)
		}
		if d > 0 {
			k := 0.0
			if len(c.Controls) > 0 {
				k = 1
			}
			want = c.Concentration * math.Log1p(d) * (x / d) * (1 + 0.5*k)
		}
		if math.Abs(c.Score-want) > 1e-3 {
			t.Errorf("%s: score %v, formula gives %v", c.Input.ID, c.Score, want)
		}
		if c.Score > prev {
			t.Errorf("%s: score %v ranks below %v", c.Input.ID, c.Score, prev)
		}
		prev = c.Score
		if c.Alternatives != c.Dependents-c.Exposed || c.HasAlternatives != (c.Dependents > 0 && c.Exposed == 0) {
			t.Errorf("%s: dependents %d, exposed %d, alternatives %d, hasAlternatives %v disagree", c.Input.ID,
				c.Dependents, c.Exposed, c.Alternatives, c.HasAlternatives)
		}
		if (c.Hhi == nil) != (c.FirmHHI == nil) || c.Hhi != nil && *c.Hhi != *c.FirmHHI {
			t.Errorf("%s: hhi %v != firmHHI %v", c.Input.ID, c.Hhi, c.FirmHHI)
		}
		if c.LowerBound != (c.LowerBoundReason != nil) {
			t.Errorf("%s: lowerBound %v with reason %v", c.Input.ID, c.LowerBound, c.LowerBoundReason)
		}
	}
}

// TestChokepointsOfIsSubset: chokepoints(of:) ranks a subset of the whole
// graph with the same figures, in the same order.
func TestChokepointsOfIsSubset(t *testing.T) {
	srv := bundledServer(t)
	type row struct {
		Input struct{ ID string }
		Score float64
		Hhi   *float64
	}
	var all, of struct{ Chokepoints []row }
	decodeData(t, mustData(t, post(t, srv, `{ chokepoints(asOf: "2024-01-01", first: 500) { input { id } score hhi } }`, nil)), &all)
	decodeData(t, mustData(t, post(t, srv, `{ chokepoints(of: "firm:smic", asOf: "2024-01-01", first: 500) { input { id } score hhi } }`, nil)), &of)
	if len(of.Chokepoints) == 0 || len(of.Chokepoints) >= len(all.Chokepoints) {
		t.Fatalf("%d chokepoints of firm:smic, %d in all", len(of.Chokepoints), len(all.Chokepoints))
	}
	pos := -1
	for _, c := range of.Chokepoints {
		i := slices.IndexFunc(all.Chokepoints, func(r row) bool { return r.Input.ID == c.Input.ID })
		if i < 0 || i < pos {
			t.Fatalf("%s is not in the whole-graph ranking, or out of its order", c.Input.ID)
		}
		pos = i
		if a := all.Chokepoints[i]; a.Score != c.Score || (a.Hhi == nil) != (c.Hhi == nil) {
			t.Errorf("%s: %+v in the whole graph, %+v upstream of firm:smic", c.Input.ID, a, c)
		}
	}
}

// TestAsOfDefaultsToToday: without asOf, an analysis reads the graph at
// today's date (UTC).
func TestAsOfDefaultsToToday(t *testing.T) {
	srv := bundledServer(t)
	before := graph.Today()
	var got struct {
		Feasibility struct{ AsOf string }
		Scenario    struct{ AsOf string }
	}
	decodeData(t, mustData(t, post(t, srv, `{ feasibility(item: "product:h20", for: "country:CHN") { asOf }
		scenario(controls: [`+photoresistControl("country:JPN")+`], targets: ["country:CHN"]) { asOf } }`, nil)), &got)
	after := graph.Today()
	for _, d := range []string{got.Feasibility.AsOf, got.Scenario.AsOf} {
		if d != before.String() && d != after.String() {
			t.Errorf("asOf %s, want today %s", d, before)
		}
	}
}

// TestScoreDocumented: the schema states the score formula of
// graph/analysis word for word.
func TestScoreDocumented(t *testing.T) {
	srv := bundledServer(t)
	var got struct {
		Type struct {
			Fields []struct{ Name, Description string }
		} `json:"__type"`
	}
	decodeData(t, mustData(t, post(t, srv, `{ __type(name: "Chokepoint") { fields { name description } } }`, nil)), &got)
	for _, f := range got.Type.Fields {
		if f.Name == "score" {
			if !strings.Contains(strings.Join(strings.Fields(f.Description), " "), analysis.ScoreFormula) {
				t.Errorf("Chokepoint.score's description does not state analysis.ScoreFormula:\n%s\nwant:\n%s", f.Description, analysis.ScoreFormula)
			}
			return
		}
	}
	t.Error("Chokepoint has no score field")
}

// TestAnalysisErrors: every argument of the analysis queries is checked,
// with the code a client can act on and a message naming the argument.
func TestAnalysisErrors(t *testing.T) {
	srv := bundledServer(t)
	ctl := func(fields string) string {
		return `{ scenario(asOf: "2025-06-01", controls: [{` + fields + `}]) { asOf } }`
	}
	const ok = `issuer: "country:JPN", covers: ["input:photoresists"], targets: ["country:CHN"]`
	tests := []struct {
		name, query string
		vars        map[string]any
		code, msg   string
	}{
		// dependencyPaths
		{"paths unknown from", `{ dependencyPaths(from: "product:nope", to: "input:photoresists") { length } }`, nil, CodeNotFound, "from: no node product:nope"},
		{"paths unknown to", `{ dependencyPaths(from: "product:h20", to: "input:nope") { length } }`, nil, CodeNotFound, "to: no node input:nope"},
		{"paths malformed from", `{ dependencyPaths(from: "ascend", to: "input:photoresists") { length } }`, nil, CodeBadUserInput, "from: malformed ID"},
		{"paths malformed to", `{ dependencyPaths(from: "product:h20", to: "Input:Photoresists") { length } }`, nil, CodeBadUserInput, "to: malformed ID"},
		{"paths maxDepth 0", `{ dependencyPaths(from: "product:h20", to: "input:photoresists", maxDepth: 0) { length } }`, nil, CodeBadUserInput, "maxDepth: 0 is out of range; want 1 to 20"},
		{"paths maxDepth 21", `{ dependencyPaths(from: "product:h20", to: "input:photoresists", maxDepth: 21) { length } }`, nil, CodeBadUserInput, "maxDepth: 21 is out of range"},
		{"paths first 0", `{ dependencyPaths(from: "product:h20", to: "input:photoresists", first: 0) { length } }`, nil, CodeBadUserInput, "first: 0 is out of range; want 1 to 100"},
		{"paths first 101", `{ dependencyPaths(from: "product:h20", to: "input:photoresists", first: 101) { length } }`, nil, CodeBadUserInput, "first: 101 is out of range"},
		{"paths bad asOf", `{ dependencyPaths(from: "product:h20", to: "input:photoresists", asOf: "2025-13-01") { length } }`, nil, CodeBadUserInput, `bad date "2025-13-01"`},
		// upstream
		{"upstream unknown", `{ upstream(of: "fab:nope") { tier } }`, nil, CodeNotFound, "of: no node fab:nope"},
		{"upstream malformed", `{ upstream(of: "h20") { tier } }`, nil, CodeBadUserInput, "of: malformed ID"},
		{"upstream maxDepth", `{ upstream(of: "product:h20", maxDepth: 99) { tier } }`, nil, CodeBadUserInput, "maxDepth: 99 is out of range"},
		{"upstream impossible asOf", `{ upstream(of: "product:h20", asOf: "2023-02-30") { tier } }`, nil, CodeBadUserInput, `bad date "2023-02-30"`},
		{"upstream asOf variable", `query($d: Date) { upstream(of: "product:h20", asOf: $d) { tier } }`, map[string]any{"d": "yesterday"}, CodeBadUserInput, `bad date "yesterday"`},
		{"upstream asOf number", `query($d: Date) { upstream(of: "product:h20", asOf: $d) { tier } }`, map[string]any{"d": 20250601}, CodeBadUserInput, "want a string YYYY-MM-DD"},
		// chokepoints
		{"chokepoints unknown of", `{ chokepoints(of: "product:nope") { score } }`, nil, CodeNotFound, "of: no node product:nope"},
		{"chokepoints malformed of", `{ chokepoints(of: "product:") { score } }`, nil, CodeBadUserInput, "of: malformed ID"},
		{"chokepoints first 501", `{ chokepoints(first: 501) { score } }`, nil, CodeBadUserInput, "first: 501 is out of range; want 0 to 500"},
		{"chokepoints first -1", `{ chokepoints(first: -1) { score } }`, nil, CodeBadUserInput, "first: -1 is out of range"},
		{"chokepoints bad asOf", `{ chokepoints(asOf: "01/06/2025") { score } }`, nil, CodeBadUserInput, `bad date "01/06/2025"`},
		// feasibility
		{"feasibility unknown item", `{ feasibility(item: "product:nope", for: "country:CHN") { feasible } }`, nil, CodeNotFound, "item: no node product:nope"},
		{"feasibility unknown for", `{ feasibility(item: "product:h20", for: "firm:nope") { feasible } }`, nil, CodeNotFound, "for: no node firm:nope"},
		{"feasibility item of wrong kind", `{ feasibility(item: "firm:nvidia", for: "country:CHN") { feasible } }`, nil, CodeBadUserInput, "item: firm:nvidia is a firm ID; want a product: or input: ID"},
		{"feasibility for of wrong kind", `{ feasibility(item: "product:h20", for: "input:hbm") { feasible } }`, nil, CodeBadUserInput, "for: input:hbm is an input ID"},
		{"feasibility malformed for", `{ feasibility(item: "product:h20", for: "CHN") { feasible } }`, nil, CodeBadUserInput, "for: malformed ID"},
		{"feasibility bad asOf", `{ feasibility(item: "product:h20", for: "country:CHN", asOf: "2025-06") { feasible } }`, nil, CodeBadUserInput, `bad date "2025-06"`},
		{"feasibility assume unknown covers", `{ feasibility(item: "product:h20", for: "country:CHN", assume: [{issuer: "country:JPN", covers: ["input:nope"], targets: ["country:CHN"]}]) { feasible } }`,
			nil, CodeNotFound, "assume[0].covers: no node input:nope"},
		// controls (the same checks serve feasibility's assume)
		{"control issuer is a firm", ctl(`issuer: "firm:jsr", covers: ["input:photoresists"], targets: ["country:CHN"]`), nil, CodeBadUserInput, "controls[0].issuer: firm:jsr is a firm ID; want a country: ID"},
		{"control unknown issuer", ctl(`issuer: "country:ATL", covers: ["input:photoresists"], targets: ["country:CHN"]`), nil, CodeNotFound, "controls[0].issuer: no node country:ATL"},
		{"control unknown covers", ctl(`issuer: "country:JPN", covers: ["input:nope"], targets: ["country:CHN"]`), nil, CodeNotFound, "controls[0].covers: no node input:nope"},
		{"control covers a country", ctl(`issuer: "country:JPN", covers: ["country:CHN"], targets: ["country:CHN"]`), nil, CodeBadUserInput, "controls[0].covers: country:CHN is a country ID"},
		{"control unknown target", ctl(`issuer: "country:JPN", covers: ["input:photoresists"], targets: ["firm:nope"]`), nil, CodeNotFound, "controls[0].targets: no node firm:nope"},
		{"control unknown exempt", ctl(ok + `, exempts: ["firm:nope"]`), nil, CodeNotFound, "controls[0].exempts: no node firm:nope"},
		{"control rescinds an input", ctl(ok + `, rescinds: ["input:photoresists"]`), nil, CodeBadUserInput, "controls[0].rescinds: input:photoresists is an input ID; want an event: ID"},
		{"control unknown rescinds", ctl(ok + `, rescinds: ["event:nope"]`), nil, CodeNotFound, "controls[0].rescinds: no node event:nope"},
		{"control covers nothing", ctl(`issuer: "country:JPN", covers: [], targets: ["country:CHN"]`), nil, CodeBadUserInput, "controls[0].covers: the control covers nothing"},
		{"control targets nobody", ctl(`issuer: "country:JPN", covers: ["input:photoresists"], targets: []`), nil, CodeBadUserInput, "controls[0].targets: the control targets nobody"},
		{"control bad reach", ctl(ok + `, reach: "global"`), nil, CodeBadUserInput, `controls[0].reach: "global"; want hq or fdp`},
		{"control bad kind", ctl(ok + `, kind: "embargo"`), nil, CodeBadUserInput, `controls[0].kind: "embargo"; want servicing-ban`},
		{"control bad effective", ctl(ok + `, effective: "2025-02-30"`), nil, CodeBadUserInput, `bad date "2025-02-30"`},
		{"control expires before effective", ctl(ok + `, effective: "2025-06-01", expires: "2025-01-01"`), nil, CodeBadUserInput, "controls[0].expires: 2025-01-01 is not after the control's effective date 2025-06-01"},
		{"control expires before asOf", ctl(ok + `, expires: "2025-06-01"`), nil, CodeBadUserInput, "controls[0].expires: 2025-06-01 is not after"},
		// scenario
		{"scenario no controls", `{ scenario(controls: []) { asOf } }`, nil, CodeBadUserInput, "controls: empty"},
		{"scenario empty targets", `{ scenario(controls: [` + photoresistControl("country:JPN") + `], targets: []) { asOf } }`, nil, CodeBadUserInput, "targets: empty"},
		{"scenario unknown target", `{ scenario(controls: [` + photoresistControl("country:JPN") + `], targets: ["firm:nope"]) { asOf } }`, nil, CodeNotFound, "targets: no node firm:nope"},
		{"scenario target of wrong kind", `{ scenario(controls: [` + photoresistControl("country:JPN") + `], targets: ["input:hbm"]) { asOf } }`, nil, CodeBadUserInput, "targets: input:hbm is an input ID"},
		{"scenario rescind only, no targets", ctl(`issuer: "country:USA", covers: [], targets: [], rescinds: ["event:us-commerce-2025-04-09-h20-licence"]`),
			nil, CodeBadUserInput, "no targets: give targets"},
		{"scenario bad asOf", `{ scenario(controls: [` + photoresistControl("country:JPN") + `], asOf: "never") { asOf } }`, nil, CodeBadUserInput, `bad date "never"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, srv, tc.query, tc.vars)
			if got := r.codes(); !slices.Equal(got, []string{tc.code}) {
				t.Fatalf("error codes %v, want [%s]\n%s", got, tc.code, r.Raw)
			}
			if !strings.Contains(r.Errors[0].Message, tc.msg) {
				t.Errorf("message %q lacks %q", r.Errors[0].Message, tc.msg)
			}
		})
	}
}

// TestBadDateNamesArgument: a date that does not parse is reported with the
// path of the argument, which names it.
func TestBadDateNamesArgument(t *testing.T) {
	srv := bundledServer(t)
	for query, want := range map[string]string{
		`{ chokepoints(asOf: "2025-13-01") { score } }`:                                                                `["chokepoints","asOf"]`,
		`{ scenario(controls: [{issuer: "country:JPN", covers: [], targets: [], effective: "2025-02-30"}]) { asOf } }`: `["scenario","controls",0,"effective"]`,
	} {
		r := post(t, srv, query, nil)
		if len(r.Errors) != 1 {
			t.Fatalf("%s: %s", query, r.Raw)
		}
		if got, _ := json.Marshal(r.Errors[0].Path); string(got) != want {
			t.Errorf("%s: path %s, want %s", query, got, want)
		}
	}
}

// decodeData unmarshals a response's data into v.
func decodeData(tb testing.TB, data []byte, v any) {
	tb.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		tb.Fatalf("%v: %s", err, data)
	}
}

// Benchmarks: each analysis query through the handler, over the bundled
// dataset. Run with
//
//	go test -run '^$' -bench 'Analysis|Report' -benchmem ./graph/api/
func BenchmarkAnalysisDependencyPaths(b *testing.B) {
	benchQuery(b, bundledServer(b), `{ dependencyPaths(from: "product:ascend-910c", to: "input:euv-lithography-tools", asOf: "2025-06-01") { `+pathSel+` } }`)
}

func BenchmarkAnalysisUpstream(b *testing.B) {
	benchQuery(b, bundledServer(b), `{ upstream(of: "product:ascend-910c", asOf: "2025-06-01") { tier node { id name } via { from { id } kind } } }`)
}

func BenchmarkAnalysisChokepoints(b *testing.B) {
	benchQuery(b, bundledServer(b), `{ chokepoints(asOf: "2025-06-01", first: 20) { `+chokepointSel+` } }`)
}

func BenchmarkAnalysisChokepointsOf(b *testing.B) {
	benchQuery(b, bundledServer(b), `{ chokepoints(of: "product:ascend-910c", asOf: "2025-06-01") { `+chokepointSel+` } }`)
}

func BenchmarkAnalysisFeasibility(b *testing.B) {
	benchQuery(b, bundledServer(b), `{ feasibility(item: "product:ascend-910c", for: "firm:huawei", asOf: "2025-06-01") { `+feasibilitySel+` } }`)
}

func BenchmarkAnalysisFeasibilityAssume(b *testing.B) {
	benchQuery(b, bundledServer(b), `{ feasibility(item: "input:3d-nand-process", for: "firm:ymtc", asOf: "2025-06-01", assume: [`+
		photoresistControl("country:JPN")+`, `+photoresistControl("country:KOR")+`]) { `+feasibilitySel+` } }`)
}

func BenchmarkAnalysisScenario(b *testing.B) {
	benchQuery(b, bundledServer(b), `{ scenario(asOf: "2025-06-01", controls: [`+photoresistControl("country:JPN")+`, `+
		photoresistControl("country:USA")+`, `+photoresistControl("country:KOR")+`]) { `+scenarioSel+` } }`)
}
