package analysis_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
)

// chokeGraph:
//
//	product:chip INSTANCE_OF input:accel;  input:accel REQUIRES input:proc
//	input:proc REQUIRES input:euv | input:duv (group litho), input:resist, input:etch
//	product:chip2 REQUIRES input:resist
//	input:sub TYPE_OF input:euv;  product:nxe INSTANCE_OF input:euv
//	product:scanner-user REQUIRES product:nxe
//
// Shares (year, basis):
//
//	input:euv     firm:asml 100 (2019);  country:NLD 100 (2019, country-hq)
//	input:duv     firm:asml 91, firm:nikon 9 (2019); no country rows
//	input:resist  firm:jsr 30 (2019), 40 (2025); firm:tok 25 (2019); firm:shinetsu no share (2019);
//	              firm:others 45 (2019, aggregate); country:JPN 90 (2019, country-hq);
//	              country:XXB 10 (2019, aggregate)
//	input:etch    firm:lam 50, firm:tel 30 (2019)
//	input:gas     firm:others 100 (2019, aggregate) only
//	input:future  firm:asml 100 (2030) only
//
// Controls: event:nl-euv (NLD, 2019-06-01, hq) covers input:euv, targets
// CHN; event:entity (USA, 2019-05-16, hq, covers all items) targets
// firm:huawei.
func chokeGraph(t testing.TB) *graph.Snapshot {
	b := newDS()
	b.firm("firm:asml", "country:NLD").firm("firm:nikon", "country:JPN").firm("firm:jsr", "country:JPN")
	b.firm("firm:tok", "country:JPN").firm("firm:shinetsu", "country:JPN").firm("firm:lam", "country:USA")
	b.firm("firm:tel", "country:JPN")
	b.edge("product:chip", graph.InstanceOf, "input:accel").requires("input:accel", "input:proc")
	b.requires("input:proc", "input:euv", group("litho")).requires("input:proc", "input:duv", group("litho"))
	b.requires("input:proc", "input:resist").requires("input:proc", "input:etch")
	b.requires("product:chip2", "input:resist")
	b.edge("input:sub", graph.TypeOf, "input:euv").edge("product:nxe", graph.InstanceOf, "input:euv")
	b.requires("product:scanner-user", "product:nxe")
	b.supplies("firm:asml", "input:euv", 100, 2019, "firm-hq").supplies("country:NLD", "input:euv", 100, 2019, "country-hq")
	b.supplies("firm:asml", "input:duv", 91, 2019, "").supplies("firm:nikon", "input:duv", 9, 2019, "")
	b.supplies("firm:jsr", "input:resist", 30, 2019, "").supplies("firm:jsr", "input:resist", 40, 2025, "")
	b.supplies("firm:tok", "input:resist", 25, 2019, "").supplies("firm:shinetsu", "input:resist", -1, 2019, "")
	b.supplies("firm:others", "input:resist", 45, 2019, "aggregate")
	b.supplies("country:JPN", "input:resist", 90, 2019, "country-hq").supplies("country:XXB", "input:resist", 10, 2019, "aggregate")
	b.supplies("firm:lam", "input:etch", 50, 2019, "").supplies("firm:tel", "input:etch", 30, 2019, "")
	b.supplies("firm:others", "input:gas", 100, 2019, "aggregate")
	b.supplies("firm:asml", "input:future", 100, 2030, "")
	b.event("event:nl-euv", "country:NLD", "2019-06-01", "hq")
	b.edge("event:nl-euv", graph.Covers, "input:euv").edge("event:nl-euv", graph.Targets, "country:CHN")
	b.event("event:entity", "country:USA", "2019-05-16", "hq").CoversAll = true
	b.edge("event:entity", graph.Targets, "firm:huawei")
	return b.snap(t)
}

func f(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprintf("%.4g", *p)
}

func TestChokepoints(t *testing.T) {
	s := chokeGraph(t)
	e := analysis.NewEngine(s)
	cs, err := e.Chokepoints(context.Background(), "", date("2024-06-01"), 0)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[graph.ID]analysis.Chokepoint{}
	var order []string
	for _, c := range cs {
		byID[c.Input] = c
		order = append(order, string(c.Input))
	}
	// Scores (ln(1+d) × x/d × concentration × control factor):
	//   euv:    d=4 (proc, accel, chip; scanner-user through product:nxe), x=4: proc's
	//           alternative, DUV, has the same dominant firm (ASML 91 %), so the litho group is
	//           one supply and no alternative; c=1, controlled: ln5·1.5 = 2.4142
	//   resist: d=4 (proc, accel, chip, chip2), x=4, c=max(1525, 8100)/1e4 = 0.81 (Shin-Etsu's
	//           unknown share gets nothing: the known and aggregate shares sum to 100 %): 0.81·ln5 = 1.3037
	//   duv:    d=3 (proc, accel, chip), x=3 (one supply with EUV); c is the group's combined
	//           concentration, higher than its own 0.8362: ASML (100+91)/2 = 95.5, Nikon 4.5;
	//           countries NLD 95.5, JPN 4.5: 0.91405·ln4 = 1.2671
	//   etch:   d=3, x=3, c=0.34 (firms: 2500+900; derived countries the same): 0.34·ln4 = 0.4713
	//   the rest score 0 (accel has no dependents; proc, sub and future no supplier; gas only an
	//   aggregate one), in ID order.
	wantOrder := "input:euv input:resist input:duv input:etch input:accel input:future input:gas input:proc input:sub"
	if got := strings.Join(order, " "); got != wantOrder {
		t.Errorf("order %s\nwant  %s", got, wantOrder)
	}
	for _, tc := range []struct {
		id                               string
		score                            float64
		top, topShare, hhi, chhi, topCty string
		derived, lower                   bool
		reason                           string
		suppliers, deps, exposed         int
		hasAlt                           bool
		controls                         []string
	}{
		{id: "input:resist", score: 0.81 * math.Log(5), top: "firm:jsr", topShare: "30", hhi: "1525", chhi: "8100",
			topCty: "country:JPN", lower: true,
			reason: "firms: 1 of 3 named suppliers have no share; firms: aggregate providers hold 45%; " +
				"countries: aggregate providers hold 10%",
			suppliers: 3, deps: 4, exposed: 4},
		{id: "input:euv", score: math.Log(5) * 1.5, top: "firm:asml", topShare: "100", hhi: "1e+04", chhi: "1e+04",
			topCty: "country:NLD", suppliers: 1, deps: 4, exposed: 4, controls: []string{"event:nl-euv"}},
		{id: "input:etch", score: 0.34 * math.Log(4), top: "firm:lam", topShare: "50", hhi: "3400", chhi: "3400",
			topCty: "country:USA", derived: true, lower: true, reason: "firms: known shares sum to 80%",
			suppliers: 2, deps: 3, exposed: 3},
		{id: "input:duv", score: 0.91405 * math.Log(4), top: "firm:asml", topShare: "91", hhi: "8362", chhi: "8362",
			topCty: "country:NLD", derived: true, suppliers: 2, deps: 3, exposed: 3},
		// Aggregate providers never become the top supplier.
		{id: "input:gas", top: "", topShare: "nil", hhi: "nil", chhi: "nil", lower: true,
			reason: "firms: aggregate providers hold 100%; no shares recorded"},
		// A share from a later year does not count yet.
		{id: "input:future", top: "", topShare: "nil", hhi: "nil", chhi: "nil", reason: "no shares recorded"},
		// A control covering a category covers its subtypes.
		{id: "input:sub", topShare: "nil", hhi: "nil", chhi: "nil", reason: "no shares recorded", controls: []string{"event:nl-euv"}},
	} {
		c := byID[graph.ID(tc.id)]
		got := fmt.Sprintf("score=%.4f top=%s %s hhi=%s chhi=%s %s derived=%v lower=%v reason=%q n=%d d=%d x=%d alt=%v ctl=%v",
			c.Score, c.TopSupplier, f(c.TopShare), f(c.HHI), f(c.CountryHHI), c.TopCountry, c.CountryDerived, c.LowerBound,
			c.Reason, c.SupplierCount, c.Dependents, c.Exposed, c.HasAlternative, c.Controls)
		want := fmt.Sprintf("score=%.4f top=%s %s hhi=%s chhi=%s %s derived=%v lower=%v reason=%q n=%d d=%d x=%d alt=%v ctl=%v",
			tc.score, tc.top, tc.topShare, tc.hhi, tc.chhi, tc.topCty, tc.derived, tc.lower, tc.reason, tc.suppliers,
			tc.deps, tc.exposed, tc.hasAlt, ids(tc.controls...))
		if got != want {
			t.Errorf("%s:\n got %s\nwant %s", tc.id, got, want)
		}
		if c.Alternatives != c.Dependents-c.Exposed {
			t.Errorf("%s: alternatives %d", tc.id, c.Alternatives)
		}
	}
	if got := byID["input:euv"].SharedSupply; !slices.Equal(got, ids("input:duv")) {
		t.Errorf("euv shares its supply with %v, want input:duv", got)
	}
	if got := byID["input:duv"]; !slices.Equal(got.SharedSupply, ids("input:euv")) || math.Abs(got.Concentration-0.91405) > 1e-9 {
		t.Errorf("duv: shared supply %v, concentration %v", got.SharedSupply, got.Concentration)
	}

	// 2025: JSR's 2025 row (40 %) replaces its 2019 row: HHI 1600 + 625.
	cs, _ = e.Chokepoints(context.Background(), "product:chip2", date("2025-06-01"), 0)
	if len(cs) != 1 || cs[0].Input != "input:resist" || f(cs[0].HHI) != "2225" || f(cs[0].TopShare) != "40" || cs[0].Year != 2025 {
		t.Errorf("of chip2 in 2025: %+v", cs)
	}
	// of: restricts to the upstream; first caps.
	cs, _ = e.Chokepoints(context.Background(), "product:chip", date("2024-06-01"), 3)
	var got []string
	for _, c := range cs {
		got = append(got, string(c.Input))
	}
	if strings.Join(got, " ") != "input:euv input:resist input:duv" {
		t.Errorf("of chip, first 3: %v", got)
	}
	// Before the Dutch control, EUV scores without the control factor.
	cs, _ = e.Chokepoints(context.Background(), "product:scanner-user", date("2019-05-31"), 0)
	if len(cs) != 1 || cs[0].Input != "input:euv" || len(cs[0].Controls) != 0 || math.Abs(cs[0].Score-math.Log(5)) > 1e-9 {
		t.Errorf("euv before the control: %+v", cs)
	}
	if _, err := e.Chokepoints(context.Background(), "product:nope", 0, 5); graph.KindOf(err) != graph.NotFound {
		t.Errorf("unknown of: %v", err)
	}
	if _, err := e.Chokepoints(context.Background(), "", 0, -1); graph.KindOf(err) != graph.Invalid {
		t.Errorf("negative first: %v", err)
	}
}

// TestChokepointsConcurrent: many goroutines on one Engine, across dates
// (and so epochs and cache evictions), give the answers of a fresh Engine.
func TestChokepointsConcurrent(t *testing.T) {
	s := chokeGraph(t)
	e := analysis.NewEngine(s)
	dates := []string{"2018-01-01", "2019-05-31", "2019-06-01", "2020-01-01", "2024-06-01", "2025-01-01", "2031-01-01"}
	want := map[string]string{}
	for _, d := range dates {
		cs, _ := analysis.Chokepoints(context.Background(), s, "", date(d), 0)
		want[d] = renderChokepoints(cs)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				d := dates[(g+i)%len(dates)]
				cs, err := e.Chokepoints(context.Background(), "", date(d), 0)
				if err != nil || renderChokepoints(cs) != want[d] {
					t.Errorf("%s: differs from a fresh engine", d)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestDependentsCycle: a requirement cycle a -> b -> a with c required by b:
// a and b both depend on c and on each other; the evaluation terminates and
// counts each dependent once.
func TestDependentsCycle(t *testing.T) {
	b := newDS()
	b.requires("input:a", "input:b").requires("input:b", "input:a").requires("input:b", "input:c")
	b.requires("product:p", "input:a")
	cs, err := analysis.Chokepoints(context.Background(), b.snap(t), "", date("2024-01-01"), 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[graph.ID][2]int{}
	for _, c := range cs {
		got[c.Input] = [2]int{c.Dependents, c.Exposed}
	}
	// c: b requires it; a requires b; p requires a: 3 dependents, all exposed.
	// a: b (requires a) and p; a itself is not its own dependent: 2.
	// b: a (requires b) and p: 2.
	want := map[graph.ID][2]int{"input:a": {2, 2}, "input:b": {2, 2}, "input:c": {3, 3}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestScenario(t *testing.T) {
	s := storyGraph(t, "2021-01-01")
	e := analysis.NewEngine(s)
	day := date("2023-12-01")

	// Cut DUV servicing (the Netherlands and Japan). SMIC's installed DUV
	// base becomes unusable; with EUV and new DUV blocked and TSMC barred
	// from supplying SMIC (event:us-smic-2020), SMIC can no longer run the
	// 7nm process. The Chinese country buyer still gets 7nm capacity from
	// TSMC; HiSilicon and Huawei could not get it before either (FDP rule).
	// DUV already carried controls, so no chokepoint score changes.
	cut := []analysis.Control{
		{Issuer: "country:NLD", Covers: ids("input:duv"), Targets: ids("country:CHN"), Kind: analysis.ServicingBan, Title: "NL DUV servicing"},
		{Issuer: "country:JPN", Covers: ids("input:duv"), Targets: ids("country:CHN"), Kind: analysis.ServicingBan, Title: "JP DUV servicing"},
	}
	res, err := e.Scenario(context.Background(), cut, day, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(res.Targets); got != "[country:CHN firm:cxmt firm:hisilicon firm:huawei firm:naura firm:smic]" {
		t.Errorf("default targets %s", got)
	}
	if got := fmt.Sprint(res.Items); got != "[input:logic-7nm product:kirin-7]" {
		t.Errorf("items %s", got)
	}
	if len(res.NewlyInfeasible) != 1 || res.NewlyInfeasible[0].Item != "input:logic-7nm" || res.NewlyInfeasible[0].Holder != "firm:smic" ||
		!slices.Contains(res.NewlyInfeasible[0].BlockedBy, "event:scenario-1") || !slices.Contains(res.NewlyInfeasible[0].BlockedBy, "event:scenario-2") {
		t.Errorf("newly infeasible %+v", res.NewlyInfeasible)
	}
	if len(res.NewlyFeasible) != 0 || fmt.Sprint(res.Controls) != "[event:scenario-1 event:scenario-2]" {
		t.Errorf("unexpected %+v", res)
	}
	// DUV was already under export controls (k = 1); the servicing bans add
	// the installed base's withdrawal (k = 2): its score grows by 4/3.
	if cc := res.ChokepointChanges; len(cc) != 1 || cc[0].Input != "input:duv" || math.Abs(cc[0].After-cc[0].Before*4/3) > 1e-12 {
		t.Errorf("chokepoint changes %+v, want DUV's score up by 4/3", cc)
	}

	// A US control on etch tools: SMIC's etch tools are installed, so
	// nothing becomes infeasible; etch had no control, so its chokepoint
	// score rises by half.
	res, err = e.Scenario(context.Background(), []analysis.Control{{Issuer: "country:USA", Covers: ids("input:etch"), Targets: ids("country:CHN")}}, day, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.ChokepointChanges) != 1 || res.ChokepointChanges[0].Input != "input:etch" ||
		math.Abs(res.ChokepointChanges[0].After-1.5*res.ChokepointChanges[0].Before) > 1e-12 || res.ChokepointChanges[0].Before <= 0 {
		t.Errorf("chokepoint changes %+v", res.ChokepointChanges)
	}
	for _, c := range res.NewlyInfeasible {
		if c.Holder == "firm:smic" {
			t.Errorf("installed etch tools should keep SMIC going: %+v", c)
		}
	}

	// Rescinding the FDP rule for HiSilicon: everything but the H100 (still
	// barred to Chinese firms by event:us-ai-2022) becomes feasible.
	res, err = e.Scenario(context.Background(), []analysis.Control{{Issuer: "country:USA", Rescinds: ids("event:us-fdp-2020")}}, day, ids("firm:hisilicon"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range res.NewlyFeasible {
		got = append(got, string(c.Item))
	}
	if strings.Join(got, " ") != "input:logic-5nm input:logic-7nm product:h20 product:kirin product:kirin-7" || len(res.NewlyInfeasible) != 0 {
		t.Errorf("newly feasible %v, infeasible %+v", got, res.NewlyInfeasible)
	}

	for _, tc := range []struct {
		cs      []analysis.Control
		targets []graph.ID
		kind    graph.ErrorKind
	}{
		{nil, nil, graph.Invalid},
		{[]analysis.Control{{Issuer: "country:USA"}}, nil, graph.Invalid}, // nobody targeted
		{cut, ids("firm:nope"), graph.NotFound},
		{cut, ids("input:duv"), graph.Invalid},
	} {
		if _, err := e.Scenario(context.Background(), tc.cs, day, tc.targets); graph.KindOf(err) != tc.kind {
			t.Errorf("%+v: got %v, want %v", tc, err, tc.kind)
		}
	}
}

func renderChokepoints(cs []analysis.Chokepoint) string {
	var sb strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&sb, "%s %s %s %s %s %s %v %d %d %d %v %.6f\n", c.Input, c.TopSupplier, f(c.TopShare), f(c.HHI),
			f(c.CountryHHI), c.Reason, c.LowerBound, c.SupplierCount, c.Dependents, c.Exposed, c.Controls, c.Score)
	}
	return sb.String()
}

// TestChokepointsUnknownShares: named suppliers without shares are scored
// from what is known (an equal split of the unclaimed share, by firm and by
// headquarters), flagged as a lower bound, never 0; and an OR-group whose
// alternatives have different dominant firms stays an alternative.
func TestChokepointsUnknownShares(t *testing.T) {
	b := newDS()
	b.firm("firm:a", "country:AAA").firm("firm:b", "country:AAA").firm("firm:c", "country:BBB").firm("firm:d", "country:BBB")
	b.requires("product:p", "input:resist").requires("product:p", "input:pack")
	b.requires("product:p", "input:x", group("g")).requires("product:p", "input:y", group("g"))
	// resist: three suppliers, no share: firms 3 × 33.3 %, countries AAA 66.7, BBB 33.3.
	b.supplies("firm:a", "input:resist", -1, 2024, "").supplies("firm:b", "input:resist", -1, 2024, "")
	b.supplies("firm:c", "input:resist", -1, 2024, "")
	// pack: a holds 60 %, b and d named without a share: 20 % each.
	b.supplies("firm:a", "input:pack", 60, 2024, "").supplies("firm:b", "input:pack", -1, 2024, "")
	b.edge("firm:d", graph.Makes, "input:pack")
	// x and y: different dominant firms, so each is an alternative to the other.
	b.supplies("firm:a", "input:x", 90, 2024, "").supplies("firm:c", "input:x", 10, 2024, "")
	b.supplies("firm:c", "input:y", 90, 2024, "").supplies("firm:a", "input:y", 10, 2024, "")
	e := analysis.NewEngine(b.snap(t))
	cs, err := e.Chokepoints(context.Background(), "", date("2025-01-01"), 0)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[graph.ID]analysis.Chokepoint{}
	for _, c := range cs {
		byID[c.Input] = c
	}
	for _, tc := range []struct {
		id   string
		conc float64
	}{
		// Firms 3 × 33.3 % (3,333); countries AAA 66.7 %, BBB 33.3 % (5,556).
		{"input:resist", ((200.0/3)*(200.0/3) + (100.0/3)*(100.0/3)) / 1e4},
		// Firms 60, 20, 20 (4,400); countries AAA 80 %, BBB 20 % (6,800).
		{"input:pack", (6400 + 400) / 1e4},
	} {
		c := byID[graph.ID(tc.id)]
		if math.Abs(c.Concentration-tc.conc) > 1e-9 || !c.Estimated || !c.LowerBound ||
			!strings.Contains(c.Reason, "concentration estimated from 3 named suppliers in 2 countries") ||
			math.Abs(c.Score-tc.conc*math.Log(2)) > 1e-9 {
			t.Errorf("%s: concentration %v (want %v), estimated %v, lower %v, reason %q, score %v", tc.id, c.Concentration, tc.conc,
				c.Estimated, c.LowerBound, c.Reason, c.Score)
		}
	}
	for _, id := range []graph.ID{"input:x", "input:y"} {
		if c := byID[id]; c.Exposed != 0 || len(c.SharedSupply) != 0 || c.Score != 0 {
			t.Errorf("%s: exposed %d, shared supply %v, score %v; want an alternative", id, c.Exposed, c.SharedSupply, c.Score)
		}
	}
}
