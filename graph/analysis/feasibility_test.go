package analysis_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
)

// storyGraph is a miniature of the semiconductor story, enough to exercise
// every rule of Feasibility. duvSince is when SMIC's fab got its DUV
// immersion scanners.
//
// Firms: nvidia (USA), tsmc (TWN), smic (CHN), huawei (CHN) with subsidiary
// hisilicon (CHN), asml (NLD), nikon (JPN), lam (USA), naura (CHN),
// synopsys (USA), skhynix (KOR), cxmt (CHN).
//
// Requirements:
//
//	input:logic-5nm (process)  REQUIRES input:euv, input:etch, input:eda
//	input:logic-7nm (process)  REQUIRES input:euv | input:duv (group litho), input:etch
//	input:ai-chip              REQUIRES input:hbm
//	input:hbm                  REQUIRES input:etch
//	product:h100   INSTANCE_OF input:ai-chip, REQUIRES input:logic-5nm, FABRICATED_AT fab:tsmc-f18; nvidia MAKES it
//	product:h20    INSTANCE_OF input:ai-chip-lite, REQUIRES input:logic-5nm, FABRICATED_AT fab:tsmc-f18; nvidia MAKES it
//	product:kirin  REQUIRES input:logic-5nm, FABRICATED_AT fab:tsmc-f18; hisilicon MAKES it
//	product:kirin-7 REQUIRES input:logic-7nm, FABRICATED_AT fab:smic-sn2; hisilicon MAKES it
//
// Makers and suppliers: tsmc MAKES logic-5nm and logic-7nm; smic MAKES
// logic-7nm; asml SUPPLIES euv (100 %) and duv (91 %); nikon SUPPLIES duv
// (9 %); lam (60 %) and naura (10 %) SUPPLY etch; synopsys SUPPLIES eda;
// skhynix SUPPLIES hbm.
//
// Fabs: fab:tsmc-f18 (TWN, tsmc) EQUIPPED_WITH euv and etch since 2019;
// fab:smic-sn2 (CHN, smic) EQUIPPED_WITH duv since duvSince and etch since
// 2021.
//
// Controls (issuer, effective, reach, covers -> targets):
//
//	event:us-fdp-2020     USA 2020-09-15 fdp  all items        -> firm:huawei, firm:hisilicon (a listing names each party)
//	event:us-ai-2022      USA 2022-10-21 hq   input:ai-chip    -> country:CHN
//	event:us-h20-2025     USA 2025-04-09 hq   product:h20      -> country:CHN
//	event:nl-euv-2019     NLD 2019-06-01 hq   input:euv        -> country:CHN
//	event:nl-duv-2023     NLD 2023-09-01 hq   input:duv        -> country:CHN
//	event:jp-duv-2023     JPN 2023-07-23 hq   input:duv        -> country:CHN
//	event:us-hbm-2024     USA 2024-12-02 fdp  input:hbm        -> country:CHN, exempts firm:cxmt;
//	                      rescinded by event:us-hbm-rescind-2025 (effective 2025-05-13)
//	event:us-smic-2020    USA 2020-12-18 fdp  input:eda, input:logic-5nm, input:logic-7nm -> firm:smic,
//	                      expires 2024-01-01 (so that SMIC cannot buy 7nm capacity from TSMC either)
func storyGraph(t testing.TB, duvSince string) *graph.Snapshot {
	b := newDS()
	for _, f := range [][2]string{{"firm:nvidia", "country:USA"}, {"firm:tsmc", "country:TWN"}, {"firm:smic", "country:CHN"},
		{"firm:huawei", "country:CHN"}, {"firm:asml", "country:NLD"}, {"firm:nikon", "country:JPN"},
		{"firm:lam", "country:USA"}, {"firm:naura", "country:CHN"}, {"firm:synopsys", "country:USA"},
		{"firm:skhynix", "country:KOR"}, {"firm:cxmt", "country:CHN"}} {
		b.firm(f[0], f[1])
	}
	b.firm("firm:hisilicon", "country:CHN", "firm:huawei")
	b.input("input:logic-5nm", "process").input("input:logic-7nm", "process")
	b.requires("input:logic-5nm", "input:euv").requires("input:logic-5nm", "input:etch").requires("input:logic-5nm", "input:eda")
	b.requires("input:logic-7nm", "input:euv", group("litho")).requires("input:logic-7nm", "input:duv", group("litho"))
	b.requires("input:logic-7nm", "input:etch")
	b.requires("input:ai-chip", "input:hbm").requires("input:hbm", "input:etch")
	for _, p := range []string{"product:h100", "product:h20"} {
		b.edge("firm:nvidia", graph.Makes, p).requires(p, "input:logic-5nm").edge(p, graph.FabricatedAt, "fab:tsmc-f18")
	}
	b.edge("product:h100", graph.InstanceOf, "input:ai-chip")
	b.edge("product:h20", graph.InstanceOf, "input:ai-chip-lite")
	b.edge("firm:hisilicon", graph.Makes, "product:kirin").requires("product:kirin", "input:logic-5nm")
	b.edge("product:kirin", graph.FabricatedAt, "fab:tsmc-f18")
	b.edge("firm:hisilicon", graph.Makes, "product:kirin-7").requires("product:kirin-7", "input:logic-7nm")
	b.edge("product:kirin-7", graph.FabricatedAt, "fab:smic-sn2")
	b.edge("firm:tsmc", graph.Makes, "input:logic-5nm").edge("firm:tsmc", graph.Makes, "input:logic-7nm")
	b.edge("firm:smic", graph.Makes, "input:logic-7nm")
	b.supplies("firm:asml", "input:euv", 100, 2019, "")
	b.supplies("firm:asml", "input:duv", 91, 2019, "")
	b.supplies("firm:nikon", "input:duv", 9, 2019, "")
	b.supplies("firm:lam", "input:etch", 60, 2019, "")
	b.supplies("firm:naura", "input:etch", 10, 2019, "")
	b.supplies("firm:synopsys", "input:eda", 50, 2019, "")
	b.supplies("firm:skhynix", "input:hbm", 50, 2023, "")
	b.fab("fab:tsmc-f18", "firm:tsmc", "country:TWN")
	b.edge("fab:tsmc-f18", graph.EquippedWith, "input:euv", valid("2019-01-01", ""))
	b.edge("fab:tsmc-f18", graph.EquippedWith, "input:etch", valid("2019-01-01", ""))
	b.fab("fab:smic-sn2", "firm:smic", "country:CHN")
	b.edge("fab:smic-sn2", graph.EquippedWith, "input:duv", valid(duvSince, ""))
	b.edge("fab:smic-sn2", graph.EquippedWith, "input:etch", valid("2021-01-01", ""))

	b.event("event:us-fdp-2020", "country:USA", "2020-09-15", "fdp").CoversAll = true
	b.edge("event:us-fdp-2020", graph.Targets, "firm:huawei")
	b.edge("event:us-fdp-2020", graph.Targets, "firm:hisilicon")
	b.event("event:us-ai-2022", "country:USA", "2022-10-21", "hq")
	b.edge("event:us-ai-2022", graph.Covers, "input:ai-chip").edge("event:us-ai-2022", graph.Targets, "country:CHN")
	b.event("event:us-h20-2025", "country:USA", "2025-04-09", "hq")
	b.edge("event:us-h20-2025", graph.Covers, "product:h20").edge("event:us-h20-2025", graph.Targets, "country:CHN")
	b.event("event:nl-euv-2019", "country:NLD", "2019-06-01", "hq")
	b.edge("event:nl-euv-2019", graph.Covers, "input:euv").edge("event:nl-euv-2019", graph.Targets, "country:CHN")
	b.event("event:nl-duv-2023", "country:NLD", "2023-09-01", "hq")
	b.edge("event:nl-duv-2023", graph.Covers, "input:duv").edge("event:nl-duv-2023", graph.Targets, "country:CHN")
	b.event("event:jp-duv-2023", "country:JPN", "2023-07-23", "hq")
	b.edge("event:jp-duv-2023", graph.Covers, "input:duv").edge("event:jp-duv-2023", graph.Targets, "country:CHN")
	b.event("event:us-hbm-2024", "country:USA", "2024-12-02", "fdp")
	b.edge("event:us-hbm-2024", graph.Covers, "input:hbm").edge("event:us-hbm-2024", graph.Targets, "country:CHN")
	b.edge("event:us-hbm-2024", graph.Exempts, "firm:cxmt")
	b.event("event:us-hbm-rescind-2025", "country:USA", "2025-05-13", "").EventKind = "rescission"
	b.edge("event:us-hbm-rescind-2025", graph.Rescinds, "event:us-hbm-2024")
	b.event("event:us-smic-2020", "country:USA", "2020-12-18", "fdp").Expires = date("2024-01-01")
	b.edge("event:us-smic-2020", graph.Covers, "input:eda").edge("event:us-smic-2020", graph.Targets, "firm:smic")
	b.edge("event:us-smic-2020", graph.Covers, "input:logic-5nm").edge("event:us-smic-2020", graph.Covers, "input:logic-7nm")
	return b.snap(t)
}

func TestFeasibility(t *testing.T) {
	s := storyGraph(t, "2021-01-01")
	e := analysis.NewEngine(s)
	tests := []struct {
		name        string
		item, buyer string
		asOf        string
		assume      []analysis.Control
		feasible    bool
		blockedBy   []string
	}{
		// H100 (an ai-chip) for a Chinese buyer: Nvidia (USA) is reached by
		// the October 2022 rule (hq) covering ai-chip, which targets CHN.
		// Effective 2022-10-21: the day before is not blocked, the day
		// itself is.
		{name: "day before effective", item: "product:h100", buyer: "country:CHN", asOf: "2022-10-20", feasible: true},
		{name: "effective day", item: "product:h100", buyer: "country:CHN", asOf: "2022-10-21",
			blockedBy: []string{"event:us-ai-2022"}},
		// A firm headquartered in CHN is targeted through its country...
		{name: "firm via its country", item: "product:h100", buyer: "firm:naura", asOf: "2023-01-01",
			blockedBy: []string{"event:us-ai-2022"}},
		// ... a firm elsewhere is not.
		{name: "untargeted buyer", item: "product:h100", buyer: "firm:skhynix", asOf: "2023-01-01", feasible: true},
		// H20 is not an ai-chip (3A090) item; only the April 2025 letter covers it.
		{name: "h20 before the letter", item: "product:h20", buyer: "country:CHN", asOf: "2025-01-01", feasible: true},
		{name: "h20 after the letter", item: "product:h20", buyer: "country:CHN", asOf: "2025-06-01",
			blockedBy: []string{"event:us-h20-2025"}},

		// TSMC (TWN) cannot make the Kirin for HiSilicon once the FDP rule
		// targeting HiSilicon's parent Huawei applies: TSMC's fab is
		// equipped with etch tools supplied by Lam (USA). Both the process
		// (logic-5nm from TSMC) and the fabrication at fab:tsmc-f18 are
		// blocked.
		{name: "tsmc for hisilicon before fdp", item: "product:kirin", buyer: "firm:hisilicon", asOf: "2020-09-14", feasible: true},
		{name: "tsmc for hisilicon after fdp", item: "product:kirin", buyer: "firm:hisilicon", asOf: "2020-09-15",
			blockedBy: []string{"event:us-fdp-2020"}},
		{name: "parent firm too", item: "product:kirin", buyer: "firm:huawei", asOf: "2021-01-01",
			blockedBy: []string{"event:us-fdp-2020"}},
		// The same control with hq reach would not reach TSMC: as a
		// hypothetical (with the recorded FDP rule rescinded) it blocks
		// nothing for the Kirin.
		{name: "hq reach spares tsmc", item: "product:kirin", buyer: "firm:hisilicon", asOf: "2021-01-01", feasible: true,
			assume: []analysis.Control{{Issuer: "country:USA", CoversAll: true, Targets: ids("firm:huawei"),
				Rescinds: ids("event:us-fdp-2020")}}},
		// With fdp reach the hypothetical blocks like the recorded rule.
		{name: "fdp hypothetical", item: "product:kirin", buyer: "firm:hisilicon", asOf: "2021-01-01",
			assume: []analysis.Control{{Issuer: "country:USA", CoversAll: true, Targets: ids("firm:huawei"), Reach: "fdp",
				Rescinds: ids("event:us-fdp-2020")}},
			blockedBy: []string{"event:scenario-1"}},

		// SMIC runs the 7nm process after the 2023 Dutch and Japanese DUV
		// controls: EUV is blocked (NLD 2019), new DUV is blocked (NLD and
		// JPN 2023 reach both vendors), but its DUV installed base predates
		// them; etch tools are installed too.
		{name: "installed base predates controls", item: "input:logic-7nm", buyer: "firm:smic", asOf: "2023-12-01", feasible: true},
		// HiSilicon's 7nm Kirin, fabricated at SMIC's fab: SMIC is Chinese,
		// but its fab holds etch tools supplied by Lam (USA), so the US FDP
		// rule targeting Huawei reaches it (and TSMC, the other 7nm maker).
		{name: "fdp reaches smic through us etch tools", item: "product:kirin-7", buyer: "firm:hisilicon", asOf: "2023-12-01",
			blockedBy: []string{"event:us-fdp-2020"}},

		// HBM: the December 2024 control, rescinded from 2025-05-13 (not
		// so in reality: a test of RESCINDS). SK hynix (KOR) is reached
		// through its FDP reach: HBM requires etch tools, which Lam (USA)
		// supplies. The day before the rescission it blocks; on the day it
		// does not.
		{name: "hbm blocked", item: "input:hbm", buyer: "country:CHN", asOf: "2025-05-12", blockedBy: []string{"event:us-hbm-2024"}},
		{name: "rescission day", item: "input:hbm", buyer: "country:CHN", asOf: "2025-05-13", feasible: true},
		// CXMT is exempted.
		{name: "exempt buyer", item: "input:hbm", buyer: "firm:cxmt", asOf: "2025-01-01", feasible: true},
		// A control targeting a firm binds that firm, not its country.
		{name: "firm target", item: "input:eda", buyer: "firm:smic", asOf: "2023-12-31", blockedBy: []string{"event:us-smic-2020"}},
		{name: "firm target spares country", item: "input:eda", buyer: "country:CHN", asOf: "2023-12-31", feasible: true},
		{name: "expired", item: "input:eda", buyer: "firm:smic", asOf: "2024-01-01", feasible: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := e.Feasibility(context.Background(), graph.ID(tt.item), graph.ID(tt.buyer), date(tt.asOf), tt.assume)
			if err != nil {
				t.Fatal(err)
			}
			if v.Feasible != tt.feasible || !slices.Equal(v.BlockedBy, ids(tt.blockedBy...)) {
				t.Errorf("feasible=%v blockedBy=%v, want %v %v\n%s", v.Feasible, v.BlockedBy, tt.feasible, tt.blockedBy,
					strings.Join(v.Explanation, "\n"))
			}
			if len(v.Explanation) == 0 {
				t.Error("no explanation")
			}
			if !v.Feasible && len(v.Paths) == 0 {
				t.Error("no paths for an infeasible verdict")
			}
		})
	}
}

// TestFeasibilityInstalledBase: SMIC's DUV scanners installed after both
// 2023 controls took effect (JPN 2023-07-23, NLD 2023-09-01) and covering
// both vendors (Nikon, ASML) are not a protected installed base; EUV is
// blocked too, so SMIC cannot run the 7nm process. Installed between the
// two controls (2023-08-01), Nikon was cut off but ASML was not yet: the
// base stands.
func TestFeasibilityInstalledBase(t *testing.T) {
	for _, tc := range []struct {
		since    string
		feasible bool
		blocked  []string
	}{
		{"2021-01-01", true, nil},
		{"2023-08-01", true, nil},
		{"2023-09-01", false, []string{"event:nl-euv-2019", "event:jp-duv-2023", "event:nl-duv-2023", "event:us-smic-2020"}},
	} {
		s := storyGraph(t, tc.since)
		v, err := analysis.Feasibility(context.Background(), s, "input:logic-7nm", "firm:smic", date("2023-12-01"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if v.Feasible != tc.feasible || !sameSet(v.BlockedBy, ids(tc.blocked...)) {
			t.Errorf("installed %s: feasible=%v blocked=%v, want %v %v\n%s", tc.since, v.Feasible, v.BlockedBy, tc.feasible,
				tc.blocked, strings.Join(v.Explanation, "\n"))
		}
	}
}

// TestFeasibilityServicingBan: a Dutch servicing ban alone leaves Nikon to
// service SMIC's DUV scanners; Dutch and Japanese bans together withdraw
// the installed base, and with EUV and new DUV blocked the 7nm process is
// out of reach.
func TestFeasibilityServicingBan(t *testing.T) {
	s := storyGraph(t, "2021-01-01")
	nl := analysis.Control{Issuer: "country:NLD", Covers: ids("input:duv"), Targets: ids("country:CHN"), Kind: analysis.ServicingBan}
	jp := analysis.Control{Issuer: "country:JPN", Covers: ids("input:duv"), Targets: ids("country:CHN"), Kind: analysis.ServicingBan}
	v, err := analysis.Feasibility(context.Background(), s, "input:logic-7nm", "firm:smic", date("2023-12-01"), []analysis.Control{nl})
	if err != nil || !v.Feasible {
		t.Fatalf("NLD ban only: %v %v\n%s", v.Feasible, err, strings.Join(v.Explanation, "\n"))
	}
	v, err = analysis.Feasibility(context.Background(), s, "input:logic-7nm", "firm:smic", date("2023-12-01"), []analysis.Control{nl, jp})
	if err != nil || v.Feasible {
		t.Fatalf("NLD+JPN bans: %v %v", v.Feasible, err)
	}
	want := ids("event:nl-euv-2019", "event:scenario-1", "event:scenario-2", "event:jp-duv-2023", "event:nl-duv-2023",
		"event:us-smic-2020")
	if !sameSet(v.BlockedBy, want) {
		t.Errorf("blocked by %v, want %v\n%s", v.BlockedBy, want, strings.Join(v.Explanation, "\n"))
	}
	// A ban effective later than asOf does nothing yet.
	jp.Effective, nl.Effective = date("2024-01-01"), date("2024-01-01")
	v, _ = analysis.Feasibility(context.Background(), s, "input:logic-7nm", "firm:smic", date("2023-12-01"), []analysis.Control{nl, jp})
	if !v.Feasible {
		t.Errorf("future bans applied")
	}
}

func sameSet(a, b []graph.ID) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestFeasibilityStructure covers the AND/OR evaluation without controls.
func TestFeasibilityStructure(t *testing.T) {
	b := newDS()
	b.firm("firm:a", "country:USA").firm("firm:buyer", "country:USA")
	// cyc1 <-> cyc2 require each other (AND): neither is feasible, even
	// though both have a supplier.
	b.requires("input:cyc1", "input:cyc2").requires("input:cyc2", "input:cyc1")
	b.supplies("firm:a", "input:cyc1", 50, 2020, "").supplies("firm:a", "input:cyc2", 50, 2020, "")
	// or1 requires cyc1 OR leaf (group g): the leaf suffices.
	b.requires("input:or1", "input:cyc1", group("g")).requires("input:or1", "input:leaf", group("g"))
	b.supplies("firm:a", "input:or1", 50, 2020, "").supplies("firm:a", "input:leaf", 50, 2020, "")
	// and1 requires leaf AND orphan (no supplier at all).
	b.requires("input:and1", "input:leaf").requires("input:and1", "input:orphan")
	b.supplies("firm:a", "input:and1", 50, 2020, "")
	// agg is supplied only by an aggregate provider: nobody delivers.
	b.supplies("country:XXA", "input:agg", 100, 2020, "aggregate")
	// bycountry is supplied only by a country row: it stands for firms there.
	b.supplies("country:JPN", "input:bycountry", 80, 2020, "country-hq")
	// A subtype's supplier delivers the broader category.
	b.edge("input:sub", graph.TypeOf, "input:broad").supplies("firm:a", "input:sub", 100, 2020, "")
	// A product instance delivers its category.
	b.edge("product:p", graph.InstanceOf, "input:cat").edge("firm:a", graph.Makes, "product:p")
	// A supplier relationship ending before asOf is invisible.
	b.supplies("firm:a", "input:gone", 100, 2015, "", valid("", "2020-01-01"))
	s := b.snap(t)
	for _, tc := range []struct {
		item     string
		feasible bool
		says     string // a phrase the explanation must contain
	}{
		{"input:cyc1", false, "cannot make input:cyc1 (as above)"},
		{"input:or1", true, "Supplier firm:a (country:USA) makes"},
		{"input:and1", false, "No firm or country is recorded as making or supplying input:orphan"},
		{"input:agg", false, "No firm or country"},
		{"input:bycountry", true, "Supplier country:JPN"},
		{"input:broad", true, "input:sub (a kind of input:broad)"},
		{"input:cat", true, "product:p (a kind of input:cat)"},
		{"input:gone", false, "No firm or country"},
	} {
		v, err := analysis.Feasibility(context.Background(), s, graph.ID(tc.item), "firm:buyer", date("2024-01-01"), nil)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(v.Explanation, "\n")
		if v.Feasible != tc.feasible || !strings.Contains(text, tc.says) || len(v.BlockedBy) != 0 {
			t.Errorf("%s: feasible=%v blocked=%v, want %v and %q in\n%s", tc.item, v.Feasible, v.BlockedBy, tc.feasible, tc.says, text)
		}
	}
}

func TestFeasibilityErrors(t *testing.T) {
	s := storyGraph(t, "2021-01-01")
	for _, tc := range []struct {
		item, buyer string
		assume      []analysis.Control
		kind        graph.ErrorKind
	}{
		{"product:nope", "country:CHN", nil, graph.NotFound},
		{"product:h100", "country:NOPE", nil, graph.NotFound},
		{"firm:nvidia", "country:CHN", nil, graph.Invalid},
		{"product:h100", "input:euv", nil, graph.Invalid},
		{"product:h100", "country:CHN", []analysis.Control{{Issuer: "firm:nvidia"}}, graph.Invalid},
		{"product:h100", "country:CHN", []analysis.Control{{Issuer: "country:USA", Covers: ids("input:nope")}}, graph.NotFound},
		{"product:h100", "country:CHN", []analysis.Control{{Issuer: "country:USA", Reach: "global"}}, graph.Invalid},
		{"product:h100", "country:CHN", []analysis.Control{{}}, graph.Invalid},
	} {
		_, err := analysis.Feasibility(context.Background(), s, graph.ID(tc.item), graph.ID(tc.buyer), 0, tc.assume)
		if graph.KindOf(err) != tc.kind {
			t.Errorf("%s for %s %+v: got %v, want %v", tc.item, tc.buyer, tc.assume, err, tc.kind)
		}
	}
}

// TestFeasibilityExplains checks the text of one verdict: the blocked
// supplier, the control and why it reaches a Taiwanese supplier.
func TestFeasibilityExplains(t *testing.T) {
	s := storyGraph(t, "2021-01-01")
	v, err := analysis.Feasibility(context.Background(), s, "product:kirin", "firm:hisilicon", date("2021-01-01"), nil)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(v.Explanation, "\n")
	for _, want := range []string{
		"firm:hisilicon cannot obtain product:kirin as of 2021-01-01.",
		"In-house: firm:hisilicon's group makes product:kirin but cannot make it now:",
		"Supplier firm:tsmc (country:TWN): the flow of input:logic-5nm to firm:hisilicon is blocked by event:us-fdp-2020",
		"foreign direct product: firm:tsmc's fab:tsmc-f18 is equipped with input:etch, supplied by firm:lam (country:USA)",
		"fab:tsmc-f18, operated by firm:tsmc (country:TWN): blocked by event:us-fdp-2020",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}
	var ps []string
	for _, p := range v.Paths {
		ps = append(ps, render(p))
	}
	wantPaths := []string{
		"product:kirin -REQUIRES-> input:logic-5nm <-MAKES- firm:tsmc",
		"product:kirin -FABRICATED_AT-> fab:tsmc-f18 -OPERATED_BY-> firm:tsmc",
	}
	if !slices.Equal(ps, wantPaths) {
		t.Errorf("paths\n%s\nwant\n%s", strings.Join(ps, "\n"), strings.Join(wantPaths, "\n"))
	}
	if len(v.Routes) != 1 || v.Routes[0].Kind != "in-house" || v.Routes[0].Via != "firm:hisilicon" || v.Routes[0].Feasible {
		t.Errorf("routes %+v", v.Routes)
	}
}

// TestFeasibilityConcurrent: one Engine answering many queries at once
// (sharing settled results per epoch) gives the answers of fresh Engines.
func TestFeasibilityConcurrent(t *testing.T) {
	s := storyGraph(t, "2021-01-01")
	type q struct{ item, buyer, day string }
	var qs []q
	for _, item := range []string{"product:h100", "product:h20", "product:kirin", "product:kirin-7", "input:logic-7nm", "input:hbm", "input:eda"} {
		for _, buyer := range []string{"country:CHN", "country:USA", "firm:smic", "firm:hisilicon", "firm:huawei", "firm:cxmt", "firm:nvidia"} {
			for _, day := range []string{"2020-09-14", "2020-09-15", "2022-10-21", "2023-12-01", "2025-05-12", "2025-06-01"} {
				qs = append(qs, q{item, buyer, day})
			}
		}
	}
	want := make([]string, len(qs))
	for i, x := range qs {
		v, err := analysis.Feasibility(context.Background(), s, graph.ID(x.item), graph.ID(x.buyer), date(x.day), nil)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = fmt.Sprint(v.Feasible, v.BlockedBy, v.Explanation)
	}
	e := analysis.NewEngine(s)
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range qs {
				i := (j*7 + g*13) % len(qs)
				x := qs[i]
				v, err := e.Feasibility(context.Background(), graph.ID(x.item), graph.ID(x.buyer), date(x.day), nil)
				if err != nil || fmt.Sprint(v.Feasible, v.BlockedBy, v.Explanation) != want[i] {
					t.Errorf("%+v: differs from a fresh engine", x)
					return
				}
			}
		}()
	}
	wg.Wait()
}
