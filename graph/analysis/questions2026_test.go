package analysis_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
)

// Researcher questions about 2025-2026 (issue 11; listed in docs/questions.md)
// over the bundled data.
// Each expected answer names the source of the fact it rests on; the rows
// citing them are in data/events.csv and data/relations.csv.

// controlsOn returns the IDs of the controls ControlsOn lists, with the
// ownership explanation of each (empty when the holder is named).
func controlsOn(t *testing.T, e *analysis.Engine, holder, day string) map[string]string {
	t.Helper()
	cs, err := e.ControlsOn(graph.ID(holder), date(day))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, c := range cs {
		out[string(c.Event)] = c.Via
	}
	return out
}

// Nvidia's H20 for a Chinese buyer: open before the April 2025 licence
// requirement (Nvidia 10-Q/8-K of 2025-04-15), blocked by it on 2025-06-01,
// licensed from 2025-08-08 when the US began granting licences (press,
// 2025-08-08/11; the reported 15 % revenue arrangement is a stated
// condition), with China's guidance of 2025-08 to avoid it (Bloomberg,
// 2025-08-12) listed as non-binding.
func TestQuestionH20ForChina(t *testing.T) {
	e := bundledEngine(t)
	for _, tc := range []struct {
		day      string
		status   analysis.Level
		feasible bool
	}{
		{"2025-01-01", analysis.Open, true},
		{"2025-06-01", analysis.Blocked, false},
		{"2025-09-01", analysis.Licensed, true},
	} {
		v := feasible(t, e, "product:h20", "country:CHN", tc.day)
		if v.Status != tc.status || v.Feasible != tc.feasible {
			t.Errorf("%s: status %s feasible %v, want %s %v\n%s", tc.day, v.Status, v.Feasible, tc.status, tc.feasible,
				strings.Join(v.Explanation, "\n"))
		}
	}
	v := feasible(t, e, "product:h20", "country:CHN", "2025-09-01")
	if len(v.Licences) != 1 || v.Licences[0].Grant != "event:us-commerce-2025-08-08-h20-licences" ||
		v.Licences[0].Control != "event:us-commerce-2025-04-09-h20-licence" || len(v.Licences[0].Conditions) == 0 {
		t.Errorf("licences %+v", v.Licences)
	}
	if len(v.BuyerMeasures) != 1 || v.BuyerMeasures[0].Event != "event:cn-gov-2025-08-12-h20-buyer-guidance" || v.BuyerMeasures[0].Binding {
		t.Errorf("buyer measures %+v, want China's H20 guidance, not binding", v.BuyerMeasures)
	}
	if !slices.ContainsFunc(v.Explanation, func(s string) bool { return strings.HasPrefix(s, "Guidance, not binding:") }) {
		t.Errorf("explanation does not mention the guidance:\n%s", strings.Join(v.Explanation, "\n"))
	}
}

// Nvidia's H200 for China: on 2025-12-01 under the advanced-computing rules'
// presumption of denial (87 FR 62186 and its successors); on 2026-02-01 the
// US reviews case by case (91 FR 1684, effective 2026-01-15) but China's
// customs block of 2026-01-14 (Reuters) binds an ordinary Chinese buyer,
// while ByteDance, approved as an importer on 2026-01-28 (Reuters), is left
// with the US case-by-case review and its stated conditions.
func TestQuestionH200ForChina(t *testing.T) {
	e := bundledEngine(t)
	v := feasible(t, e, "product:h200", "country:CHN", "2025-12-01")
	if v.Status != analysis.Blocked || !slices.Contains(v.BlockedBy, "event:us-bis-2022-10-07-advanced-computing") {
		t.Errorf("2025-12-01: %s %v", v.Status, v.BlockedBy)
	}
	v = feasible(t, e, "product:h200", "country:CHN", "2026-02-01")
	if v.Status != analysis.Blocked || !slices.Contains(v.BlockedBy, "event:cn-gac-2026-01-14-h200-customs-block") {
		t.Errorf("2026-02-01, CHN: %s %v", v.Status, v.BlockedBy)
	}
	if len(v.BuyerMeasures) != 1 || !v.BuyerMeasures[0].Binding {
		t.Errorf("2026-02-01, CHN: buyer measures %+v, want the binding customs block", v.BuyerMeasures)
	}
	v = feasible(t, e, "product:h200", "firm:bytedance", "2026-02-01")
	if v.Status != analysis.CaseByCase || v.Feasible || len(v.BuyerMeasures) != 0 {
		t.Errorf("2026-02-01, ByteDance: %s feasible=%v measures %+v", v.Status, v.Feasible, v.BuyerMeasures)
	}
	if len(v.Licences) != 1 || v.Licences[0].Control != "event:us-bis-2026-01-13-h200-licence-review-policy" ||
		v.Licences[0].Level != analysis.CaseByCase || v.Licences[0].Grant != "" || len(v.Licences[0].Conditions) < 3 {
		t.Errorf("2026-02-01, ByteDance: licences %+v", v.Licences)
	}
}

// Nexperia, wholly owned by Wingtech (Entity List, 89 FR 96830, December
// 2024), is bound by Wingtech's listing only while the Affiliates Rule
// (90 FR 47201, effective 2025-09-29) is in force: not before it, not
// during its one-year suspension from 2025-11-10, and again from
// 2026-11-10 when the suspension ends as written (no stored source says
// whether it was extended; data/README.md says so).
func TestQuestionAffiliatesRule(t *testing.T) {
	e := bundledEngine(t)
	const listing = "event:us-bis-2024-12-02-entity-list-additions"
	for _, tc := range []struct {
		day   string
		bound bool
	}{{"2025-09-01", false}, {"2025-10-01", true}, {"2025-12-01", false}, {"2026-11-20", true}} {
		via, bound := controlsOn(t, e, "firm:nexperia", tc.day)[listing]
		if bound != tc.bound {
			t.Errorf("%s: bound by the Wingtech listing = %v, want %v", tc.day, bound, tc.bound)
		}
		if bound && !strings.Contains(via, "event:us-bis-2025-09-29-affiliates-rule") || bound && !strings.Contains(via, "firm:wingtech") {
			t.Errorf("%s: via %q, want the Affiliates Rule and Wingtech", tc.day, via)
		}
		if _, ok := controlsOn(t, e, "firm:wingtech", tc.day)[listing]; !ok {
			t.Errorf("%s: Wingtech itself not bound by its listing", tc.day)
		}
	}
}

// SK hynix's Wuxi fab held a Validated End-User authorisation until the
// revocation of 90 FR 42321 took effect on 2025-12-31: before, the
// semiconductor-manufacturing rules do not bind it; after, they do, and new
// etch tools from US vendors are blocked while its installed base stays
// usable.
func TestQuestionVEUWuxi(t *testing.T) {
	e := bundledEngine(t)
	const rule = "event:us-bis-2023-10-17-semiconductor-manufacturing"
	if _, ok := controlsOn(t, e, "fab:sk-hynix-wuxi", "2025-12-30")[rule]; ok {
		t.Errorf("2025-12-30: %s binds the VEU fab", rule)
	}
	if _, ok := controlsOn(t, e, "fab:sk-hynix-wuxi", "2025-12-31")[rule]; !ok {
		t.Errorf("2025-12-31: %s does not bind the fab after the revocation", rule)
	}
	blockedUS := func(day string) (blocked, open int) {
		v := feasible(t, e, "input:dry-etch-tools", "fab:sk-hynix-wuxi", day)
		for _, r := range v.Routes {
			if r.Kind != "supplier" || r.Via != "firm:lam-research" && r.Via != "firm:applied-materials" {
				continue
			}
			if len(r.BlockedBy) > 0 {
				blocked++
			} else {
				open++
			}
		}
		return blocked, open
	}
	if b, o := blockedUS("2025-12-30"); b != 0 || o == 0 {
		t.Errorf("2025-12-30: %d US etch routes blocked, %d open; want none blocked", b, o)
	}
	if b, o := blockedUS("2026-01-15"); b == 0 || o != 0 {
		t.Errorf("2026-01-15: %d US etch routes blocked, %d open; want all blocked", b, o)
	}
	if v := feasible(t, e, "input:dry-etch-tools", "fab:sk-hynix-wuxi", "2026-01-15"); !v.Feasible || v.Routes[0].Kind != "installed" {
		t.Errorf("2026-01-15: the installed base should keep the fab going: %+v", v.Routes)
	}
}

// Which controls applied to SMIC on 2026-06-01: its Entity List entry
// (85 FR 83416, presumption of denial recorded), the equipment rules of the
// US, the Netherlands and Japan, and the 2026 H200 measures of both sides
// (91 FR 1684; China's customs block) — not the suspended Affiliates Rule.
func TestQuestionSMIC2026(t *testing.T) {
	e := bundledEngine(t)
	got := controlsOn(t, e, "firm:smic", "2026-06-01")
	for _, id := range []string{"event:us-bis-2020-12-18-entity-list-smic", "event:us-bis-2023-10-17-semiconductor-manufacturing",
		"event:nl-gov-2023-06-30-advanced-sme-regulation", "event:jp-meti-2023-05-23-sme-export-controls",
		"event:us-bis-2026-01-13-h200-licence-review-policy", "event:cn-gac-2026-01-14-h200-customs-block"} {
		if _, ok := got[id]; !ok {
			t.Errorf("missing %s", id)
		}
	}
	cs, _ := e.ControlsOn("firm:smic", date("2026-06-01"))
	for _, c := range cs {
		if c.Event == "event:us-bis-2020-12-18-entity-list-smic" && c.LicencePolicy != graph.PresumptionOfDenial {
			t.Errorf("SMIC listing policy %q", c.LicencePolicy)
		}
	}
}

// China's rare-earth measures: on 2025-10-15 the re-export licensing of
// MOFCOM Announcement No. 61 (effective 2025-10-09) applies beside No. 18
// of April 2025; on 2025-12-01 No. 70 (2025-11-07) has suspended No. 61
// until 2026-11-10, so only No. 18 remains (MOFCOM announcements via the
// press copies cited in data/sources.csv).
func TestQuestionRareEarths(t *testing.T) {
	e := bundledEngine(t)
	const no18, no61 = "event:cn-mofcom-2025-04-04-medium-heavy-rare-earths-no18", "event:cn-mofcom-2025-10-09-rare-earth-reexport-no61"
	v := feasible(t, e, "input:rare-earth-elements", "country:JPN", "2025-10-15")
	if v.Feasible || !slices.Contains(v.BlockedBy, no18) || !slices.Contains(v.BlockedBy, no61) {
		t.Errorf("2025-10-15: %v %v", v.Feasible, v.BlockedBy)
	}
	v = feasible(t, e, "input:rare-earth-elements", "country:JPN", "2025-12-01")
	if v.Feasible || !slices.Equal(v.BlockedBy, []graph.ID{no18}) {
		t.Errorf("2025-12-01: %v %v, want only No. 18 (No. 61 suspended)", v.Feasible, v.BlockedBy)
	}
}

// Law and fact side by side (issue 17). The Ascend 910C for Huawei on
// 2025-06-01 is legally blocked (the FDP rules reach SMIC's US-tooled fabs;
// the foundry rule reaches TSMC), yet observed: TechInsights' teardowns
// (Bloomberg, 2025-10-03) found TSMC 7 nm dies banked through Sophgo and
// HBM2E from Samsung and SK hynix stockpiled before the December 2024 HBM
// rule.
func TestQuestionAscend910CLawAndFact(t *testing.T) {
	e := bundledEngine(t)
	v := feasible(t, e, "product:ascend-910c", "firm:huawei", "2025-06-01")
	if v.Feasible || v.Status != analysis.Blocked {
		t.Errorf("legal answer: feasible %v status %s", v.Feasible, v.Status)
	}
	o := v.Observed
	if !o.Evidenced || !slices.Contains(o.Routes, "stockpile") || o.Strength != 3 ||
		!slices.Contains(o.Direct, "observation:ascend-910c-tsmc-dies-teardown") {
		t.Errorf("observed answer %+v", o)
	}
	if !slices.Contains(o.Upstream, "observation:ascend-910c-hbm2e-teardown") {
		t.Errorf("the HBM2E stockpile is not among the upstream evidence: %+v", o.Upstream)
	}
	if !slices.ContainsFunc(v.Explanation, func(s string) bool { return strings.HasPrefix(s, "Observed nevertheless:") }) {
		t.Errorf("the explanation does not say it was observed nevertheless")
	}
}

// The Kirin 9000S came off SMIC's N+2 line in 2023 (TechInsights' Mate 60
// Pro teardown, Reuters 2023-09-04) although the 2020 foreign-direct-product
// rules applied to Huawei.
func TestQuestionKirin9000SObserved(t *testing.T) {
	e := bundledEngine(t)
	for _, holder := range []string{"firm:huawei", "firm:hisilicon"} {
		v := feasible(t, e, "product:kirin-9000s", holder, "2023-10-01")
		if v.Feasible || !v.Observed.Evidenced || !slices.Equal(v.Observed.Routes, []string{"installed-base"}) {
			t.Errorf("%s: feasible %v status %s observed %+v", holder, v.Feasible, v.Status, v.Observed)
		}
	}
	// Before the phone launched nothing was observed.
	if v := feasible(t, e, "product:kirin-9000s", "firm:huawei", "2023-06-01"); v.Observed.Evidenced {
		t.Errorf("observed before the launch: %+v", v.Observed)
	}
}

// A product without evidence is not observed: the Ascend 910D (announced,
// no shipment or teardown in the sources) and a roadmap part.
func TestQuestionNoEvidenceNotObserved(t *testing.T) {
	e := bundledEngine(t)
	for _, item := range []string{"product:ascend-910d", "product:ascend-960"} {
		o, err := e.ObservedAccess(context.Background(), graph.ID(item), "firm:huawei", date("2026-06-01"))
		if err != nil {
			t.Fatal(err)
		}
		if o.Evidenced || len(o.Direct) != 0 {
			t.Errorf("%s observed: %+v", item, o)
		}
	}
}
