package api

import (
	"slices"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph/analysis"
)

const knockoutSel = `removed { id } knocksOut fails { id } takesDown { id } share shareOf { id }
	alternativeAlsoDominated dominatedAlternatives { id } path { nodes { id } length }`

// knockoutQueries are knock-out questions with golden answers.
var knockoutQueries = map[string]string{
	// "Which single firm or country stops SMIC's 7nm-class process?" ASML
	// and the Netherlands take down both lithography alternatives (EUV,
	// ASML 100 %; ArF immersion, ASML 99.3 %, Nikon's latest share 9 %:
	// source:eto-2025, source:eto-2022); Tokyo Electron and Japan resist
	// processing (92.6 %); the US ion implanters (84.7 %); and, because the
	// controls in force leave SMIC only Chinese suppliers of some inputs,
	// Huada Empyrean (EDA) and China itself (SMIC's own group is exempt).
	"analysis/knockouts-smic-7nm-2025-06-01.json": `{ knockouts(of: "input:7nm-class-logic-process", for: "firm:smic",
		asOf: "2025-06-01") { item { id } holder { id } asOf threshold keepInstalledBase ignoreControls goals { id }
		feasible candidates firms { ` + knockoutSel + ` } countries { ` + knockoutSel + ` } set { removed { id } } } }`,
	// The Netherlands and Japan together: under full withdrawal (no new
	// tools, no servicing) they stop SMIC's 7nm-class process; with the
	// installed base kept (no new tools only), SMIC's fab keeps every tool
	// class it holds since 2019-12-31 (relations.csv, source:smic-fabs), and
	// the process survives.
	"analysis/knockouts-smic-7nm-nld-jpn.json": `{ full: knockouts(of: "input:7nm-class-logic-process", for: "firm:smic",
		asOf: "2025-06-01", remove: ["country:NLD", "country:JPN"]) { keepInstalledBase set { ` + knockoutSel + ` } }
		keep: knockouts(of: "input:7nm-class-logic-process", for: "firm:smic",
		asOf: "2025-06-01", keepInstalledBase: true, remove: ["country:NLD", "country:JPN"]) { keepInstalledBase set { ` + knockoutSel + ` } } }`,
	// "If Japan restricted photoresists to China, on whom would SMIC's
	// 7nm-class process hang?" The US suppliers (DuPont, Inpria) are barred
	// by SMIC's Entity List entry, the Japanese ones by the control: Dongjin
	// Semichem and South Korea become knock-outs (supplies.csv, named
	// without shares, source:eto-2022, source:cset-2021). The README's
	// Dutch and Japanese servicing ban instead takes the process away:
	// every baseline knock-out is dropped and after.feasible is false.
	"analysis/scenario-knockouts-2025-06-01.json": `{
		jp: scenario(controls: [{issuer: "country:JPN", covers: ["input:photoresists"], targets: ["country:CHN"]}],
			asOf: "2025-06-01", targets: ["firm:smic"]) {
			knockoutChanges(of: "input:7nm-class-logic-process", for: "firm:smic") {
				before { feasible firms { removed { id } } countries { removed { id } } }
				after { asOf feasible holder { id } firms { removed { id } } countries { removed { id } } }
				added { ` + knockoutSel + ` } dropped { removed { id } } } }
		svc: scenario(controls: [
			{issuer: "country:NLD", kind: "servicing-ban", covers: ["input:arf-immersion-lithography-tools"], targets: ["country:CHN"]},
			{issuer: "country:JPN", kind: "servicing-ban", covers: ["input:arf-immersion-lithography-tools"], targets: ["country:CHN"]}],
			asOf: "2025-06-01", targets: ["firm:smic"]) {
			knockoutChanges(of: "input:7nm-class-logic-process", for: "firm:smic") {
				before { feasible } after { feasible } added { removed { id } } dropped { removed { id } } } } }`,
}

func TestGoldenKnockouts(t *testing.T) {
	srv := bundledServer(t)
	for name, query := range knockoutQueries {
		t.Run(name, func(t *testing.T) {
			assertGolden(t, name, mustData(t, post(t, srv, query, nil)))
		})
	}
}

// TestKnockoutsAPI: the field answers what graph/analysis answers, with
// defaults (the maker as holder, a 10 % threshold) and the rule.
func TestKnockoutsAPI(t *testing.T) {
	srv := bundledServer(t)
	var got struct {
		Knockouts struct {
			Holder    struct{ ID string }
			Threshold float64
			Feasible  bool
			Rule      string
			Firms     []struct{ Removed []struct{ ID string } }
			Countries []struct{ Removed []struct{ ID string } }
			Set       *struct{ KnocksOut bool }
		}
	}
	decodeData(t, mustData(t, post(t, srv, `{ knockouts(of: "product:h100", asOf: "2025-06-01", remove: ["firm:samsung"]) {
		holder { id } threshold feasible rule firms { removed { id } } countries { removed { id } } set { knocksOut } } }`, nil)), &got)
	k := got.Knockouts
	if k.Holder.ID != "firm:nvidia" || k.Threshold != analysis.DefaultKnockoutThreshold || !k.Feasible || k.Rule != analysis.KnockoutRule {
		t.Errorf("holder %s threshold %v feasible %v rule %q", k.Holder.ID, k.Threshold, k.Feasible, k.Rule)
	}
	firms := []string{}
	for _, f := range k.Firms {
		firms = append(firms, f.Removed[0].ID)
	}
	if !slices.Contains(firms, "firm:tsmc") || slices.Contains(firms, "firm:samsung") {
		t.Errorf("firms %v: want TSMC and not Samsung", firms)
	}
	if k.Set == nil || k.Set.KnocksOut {
		t.Errorf("removing Samsung knocks the H100 out: %+v", k.Set)
	}
}

func TestKnockoutsErrors(t *testing.T) {
	srv := bundledServer(t)
	for _, tc := range []struct{ query, code, msg string }{
		{`{ knockouts(of: "event:us-bis-2022-10-07-advanced-computing") { feasible } }`, CodeBadUserInput, "of"},
		{`{ knockouts(of: "product:nope") { feasible } }`, CodeNotFound, "of"},
		{`{ knockouts(of: "product:h100", for: "input:hbm") { feasible } }`, CodeBadUserInput, "for"},
		{`{ knockouts(of: "product:h100", threshold: 120) { feasible } }`, CodeBadUserInput, "threshold"},
		{`{ knockouts(of: "product:h100", threshold: -1) { feasible } }`, CodeBadUserInput, "threshold"},
		{`{ knockouts(of: "product:h100", remove: ["input:hbm"]) { feasible } }`, CodeBadUserInput, "remove"},
		{`{ knockouts(of: "product:h100", remove: ["firm:nope"]) { feasible } }`, CodeNotFound, "remove"},
		{`{ knockouts(of: "product:h100", remove: [` + strings.Repeat(`"firm:tsmc",`, MaxRemove+1) + `]) { feasible } }`, CodeBadUserInput, "remove"},
	} {
		r := post(t, srv, tc.query, nil)
		if got := r.codes(); !slices.Equal(got, []string{tc.code}) || !strings.HasPrefix(r.Errors[0].Message, tc.msg) {
			t.Errorf("%s: codes %v, errors %s; want %s starting %q", tc.query, got, r.Raw, tc.code, tc.msg)
		}
	}
}

// TestScenarioKnockoutChangesErrors: the field checks its own arguments and
// the scenario's as Query.knockouts and Query.scenario do, naming them.
func TestScenarioKnockoutChangesErrors(t *testing.T) {
	srv := bundledServer(t)
	const ctl = `controls: [{issuer: "country:JPN", covers: ["input:photoresists"], targets: ["country:CHN"]}], asOf: "2025-06-01"`
	for _, c := range []struct{ args, code, msg string }{
		{`of: "input:no-such"`, "NOT_FOUND", "input:no-such"},
		{`of: "event:us-bis-2020-12-18-entity-list-smic"`, "BAD_USER_INPUT", "of"},
		{`of: "input:7nm-class-logic-process", for: "input:hbm"`, "BAD_USER_INPUT", "for"},
		{`of: "input:7nm-class-logic-process", threshold: 101`, "BAD_USER_INPUT", "threshold"},
	} {
		r := post(t, srv, `{ scenario(`+ctl+`) { knockoutChanges(`+c.args+`) { added { removed { id } } } } }`, nil)
		if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != c.code || !strings.Contains(r.Errors[0].Message, c.msg) {
			t.Errorf("knockoutChanges(%s): errors %+v, want %s naming %q", c.args, r.Errors, c.code, c.msg)
		}
	}
}
