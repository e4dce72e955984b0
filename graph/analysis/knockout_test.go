package analysis_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
)

func knockouts(t *testing.T, e *analysis.Engine, item, day string, opts analysis.KnockoutOptions) analysis.KnockoutResult {
	t.Helper()
	r, err := e.Knockouts(context.Background(), graph.ID(item), date(day), opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func removed(ks []analysis.Knockout) []graph.ID {
	var out []graph.ID
	for _, k := range ks {
		out = append(out, k.Removed...)
	}
	return out
}

func find(ks []analysis.Knockout, id graph.ID) *analysis.Knockout {
	for i := range ks {
		if slices.Contains(ks[i].Removed, id) {
			return &ks[i]
		}
	}
	return nil
}

// Is ASML (the Netherlands) a single point of failure for SMIC's 7nm-class
// process as of 2025-06-01? Yes, and the OR-alternative does not help.
//
// input:7nm-class-logic-process REQUIRES EUV or ArF immersion lithography
// tools (group "lithography"; requires.csv, source:techinsights-smic-7nm).
// Shares counted on 2025-06-01 (supplies.csv): EUV, ASML 100 % (2025,
// source:eto-2025); ArF immersion, ASML 99.3 % (2025, source:eto-2025) and
// Nikon 9 % (its latest row is 2019's, source:eto-2022; ETO's 2025 JPN
// figure, 0.7 %, is below its cut-off). Without ASML both alternatives keep
// less than 10 % of their market. SMIC's installed ArF immersion base
// (fab:smic-shanghai-sn1, since 2019-12-31, source:smic-fabs) stops counting
// under full withdrawal. ASML is headquartered in the Netherlands
// (firms.csv).
func TestKnockoutSMIC7nmASML(t *testing.T) {
	e := bundledEngine(t)
	r := knockouts(t, e, "input:7nm-class-logic-process", "2025-06-01", analysis.KnockoutOptions{Holder: "firm:smic"})
	if !r.Feasible {
		t.Fatalf("SMIC cannot make its 7nm-class process at baseline")
	}
	asml := find(r.Firms, "firm:asml")
	if asml == nil {
		t.Fatalf("ASML is not a knock-out; firms %v", removed(r.Firms))
	}
	if !asml.AlternativeAlsoDominated || !slices.Equal(asml.DominatedAlternatives,
		ids("input:arf-immersion-lithography-tools", "input:euv-lithography-tools")) {
		t.Errorf("ASML dominates alternatives %v (%v)", asml.DominatedAlternatives, asml.AlternativeAlsoDominated)
	}
	// What it takes down for SMIC is ArF immersion: EUV is denied to SMIC
	// by the controls in force already (the Dutch EUV block), so the share
	// read is ASML's 99.3 % of ArF immersion, not its 100 % of EUV.
	if asml.Share == nil || *asml.Share != 99.3 || asml.ShareOf != "input:arf-immersion-lithography-tools" ||
		!slices.Equal(asml.TakesDown, ids("input:arf-immersion-lithography-tools")) {
		t.Errorf("ASML share %v of %s, takes down %v; want 99.3 of ArF immersion", asml.Share, asml.ShareOf, asml.TakesDown)
	}
	if asml.Path == nil || asml.Path.Nodes[0] != "input:7nm-class-logic-process" || asml.Path.Nodes[len(asml.Path.Nodes)-1] != "firm:asml" {
		t.Errorf("path to ASML: %+v", asml.Path)
	}
	if find(r.Countries, "country:NLD") == nil {
		t.Errorf("the Netherlands is not a knock-out; countries %v", removed(r.Countries))
	}
	// The firm asking is never a knock-out of itself.
	if find(r.Firms, "firm:smic") != nil {
		t.Errorf("SMIC knocks out its own process")
	}

	// Below the threshold, Nikon's 9 % is enough: with a 5 % threshold the
	// ArF immersion alternative survives ASML, and the answer says so.
	five := 5.0
	r5 := knockouts(t, e, "input:7nm-class-logic-process", "2025-06-01", analysis.KnockoutOptions{Holder: "firm:smic", Threshold: &five})
	if find(r5.Firms, "firm:asml") != nil {
		t.Errorf("threshold 5 %%: ASML still a knock-out although Nikon holds 9 %%")
	}

	// "No new tools": keeping the installed base, SMIC's ArF immersion
	// scanners keep the lithography requirement met, so ASML is no longer
	// a knock-out of the process.
	rk := knockouts(t, e, "input:7nm-class-logic-process", "2025-06-01", analysis.KnockoutOptions{Holder: "firm:smic", KeepInstalledBase: true})
	if find(rk.Firms, "firm:asml") != nil {
		t.Errorf("keeping the installed base: ASML still a knock-out")
	}
}

// The Ascend 910C as of 2025-06-01.
//
// Under the controls recorded as in force that day, Huawei cannot obtain
// the 910C at all: the Huawei foreign-direct-product rules
// (event:us-bis-2020-05-15-huawei-fdpr, event:us-bis-2020-08-17-huawei-
// fdpr-expansion) reach every 7nm-class supplier (SMIC's fab holds US ALD
// tools; relations.csv, source:smic-fabs), every HBM supplier and TSMC's
// packaging. So no removal can knock it out, and Knockouts says so
// (Feasible false) rather than inventing knock-outs; the issue's
// expectation holds for the physical supply chain, with the controls set
// aside (IgnoreControls): ASML and the Netherlands take down both
// lithography alternatives of the 7nm-class process it REQUIRES
// (requires.csv, source:techinsights-910c-teardown), with the shares cited
// in TestKnockoutSMIC7nmASML.
func TestKnockoutAscend910C(t *testing.T) {
	e := bundledEngine(t)
	legal := knockouts(t, e, "product:ascend-910c", "2025-06-01", analysis.KnockoutOptions{})
	if legal.Holder != "firm:huawei" {
		t.Errorf("holder %s, want the maker firm:huawei", legal.Holder)
	}
	if legal.Feasible || len(legal.Firms)+len(legal.Countries) > 0 {
		t.Errorf("under the controls in force: feasible %v, knock-outs %v %v", legal.Feasible, removed(legal.Firms), removed(legal.Countries))
	}
	r := knockouts(t, e, "product:ascend-910c", "2025-06-01", analysis.KnockoutOptions{IgnoreControls: true})
	if !r.Feasible {
		t.Fatalf("controls aside, Huawei cannot obtain the 910C")
	}
	asml := find(r.Firms, "firm:asml")
	if asml == nil || !asml.AlternativeAlsoDominated {
		t.Fatalf("ASML: %+v; firms %v", asml, removed(r.Firms))
	}
	if find(r.Countries, "country:NLD") == nil {
		t.Errorf("the Netherlands is not a knock-out; countries %v", removed(r.Countries))
	}
	if r.Firms[0].Removed[0] != "firm:asml" || r.Countries[0].Removed[0] != "country:NLD" {
		t.Errorf("first knock-outs %v, %v: want ASML and the Netherlands (the largest share)", r.Firms[0].Removed, r.Countries[0].Removed)
	}
}

// The H100: TSMC is a knock-out.
//
// product:h100 (maker firm:nvidia, products.csv) REQUIRES
// input:5nm-class-logic-process and input:advanced-packaging
// (requires.csv, source:centerconsulting-h100); TSMC is the only recorded
// supplier of both (supplies.csv: firm:tsmc, 2023 and 2025 rows without a
// share).
func TestKnockoutH100TSMC(t *testing.T) {
	e := bundledEngine(t)
	r := knockouts(t, e, "product:h100", "2025-06-01", analysis.KnockoutOptions{})
	if r.Holder != "firm:nvidia" || !r.Feasible {
		t.Fatalf("holder %s feasible %v", r.Holder, r.Feasible)
	}
	tsmc := find(r.Firms, "firm:tsmc")
	if tsmc == nil {
		t.Fatalf("TSMC is not a knock-out; firms %v", removed(r.Firms))
	}
	if !slices.Contains(tsmc.TakesDown, "input:5nm-class-logic-process") {
		t.Errorf("TSMC takes down %v", tsmc.TakesDown)
	}
	if find(r.Countries, "country:TWN") == nil {
		t.Errorf("Taiwan is not a knock-out; countries %v", removed(r.Countries))
	}
}

// Removing Samsung alone does not stop HBM-based products.
//
// input:hbm shares (supplies.csv, TrendForce 2023, source:trendforce-hbm-2024):
// SK hynix 50 %, Samsung 40 %, Micron 10 %. Without Samsung, 60 % remain.
// Without all three, nothing does: the same question with the set removed
// is a knock-out, so the first answer is not vacuous.
func TestKnockoutHBMSamsung(t *testing.T) {
	e := bundledEngine(t)
	for _, item := range []string{"product:h100", "product:a100", "input:hbm"} {
		r := knockouts(t, e, item, "2025-06-01", analysis.KnockoutOptions{Remove: ids("firm:samsung")})
		if !r.Feasible {
			t.Fatalf("%s is infeasible at baseline", item)
		}
		if r.Set == nil || r.Set.KnocksOut || find(r.Firms, "firm:samsung") != nil {
			t.Errorf("%s: removing Samsung knocks it out: %+v", item, r.Set)
		}
		all := knockouts(t, e, item, "2025-06-01", analysis.KnockoutOptions{Remove: ids("firm:samsung", "firm:sk-hynix", "firm:micron")})
		if !all.Set.KnocksOut {
			t.Errorf("%s: removing every HBM maker does not knock it out", item)
		}
	}
}

// An alternative with enough supply elsewhere is a way around a dominant
// supplier.
//
// input:mature-logic-process REQUIRES ArF immersion, ArF dry or KrF
// lithography (group "lithography"; requires.csv, source:eto-2025). ASML
// dominates all three (99.3 %, 94.4 %, 66 %; supplies.csv, source:eto-2025),
// but without it KrF keeps Canon's 31 % and Nikon's 3 %: ASML is not a
// knock-out of the mature process, although it is one of the 7nm-class
// process. At a 40 % threshold the KrF remainder is not enough either.
func TestKnockoutMatureLogicAlternative(t *testing.T) {
	e := bundledEngine(t)
	r := knockouts(t, e, "input:mature-logic-process", "2025-06-01", analysis.KnockoutOptions{})
	if !r.Feasible {
		t.Fatalf("the mature process is infeasible at baseline")
	}
	if find(r.Firms, "firm:asml") != nil || find(r.Countries, "country:NLD") != nil {
		t.Errorf("ASML or the Netherlands knocks out the mature process: %v %v", removed(r.Firms), removed(r.Countries))
	}
	forty := 40.0
	r40 := knockouts(t, e, "input:mature-logic-process", "2025-06-01", analysis.KnockoutOptions{Threshold: &forty})
	if find(r40.Firms, "firm:asml") == nil {
		t.Errorf("threshold 40 %%: ASML is not a knock-out; firms %v", removed(r40.Firms))
	}
}

// An input whose only alternative has a different dominant supplier is not
// a knock-out; a country holding both dominant suppliers is.
func TestKnockoutAlternativeDifferentSupplier(t *testing.T) {
	b := newDS()
	b.firm("firm:x", "country:AAA").firm("firm:y", "country:BBB").firm("firm:z", "country:BBB").firm("firm:w", "country:CCC")
	b.requires("product:chip", "input:a", group("g")).requires("product:chip", "input:b", group("g"))
	b.edge("firm:maker", graph.Makes, "product:chip").firm("firm:maker", "country:CCC")
	b.supplies("firm:x", "input:a", 95, 2024, "firm-hq").supplies("firm:w", "input:a", 5, 2024, "firm-hq")
	b.supplies("firm:y", "input:b", 90, 2024, "firm-hq").supplies("firm:z", "input:b", 8, 2024, "firm-hq")
	e := analysis.NewEngine(b.snap(t))
	r := knockouts(t, e, "product:chip", "2025-01-01", analysis.KnockoutOptions{})
	if len(r.Firms) != 0 {
		t.Errorf("firm knock-outs %v, want none: each alternative has its own dominant supplier", removed(r.Firms))
	}
	// country:BBB holds y and z: input:b is cut, input:a stays with x.
	if len(r.Countries) != 0 {
		t.Errorf("country knock-outs %v, want none", removed(r.Countries))
	}
	set := knockouts(t, e, "product:chip", "2025-01-01", analysis.KnockoutOptions{Remove: ids("firm:x", "country:BBB")})
	if !set.Set.KnocksOut || !slices.Equal(set.Set.TakesDown, ids("input:a", "input:b")) {
		t.Errorf("removing x and BBB: %+v", set.Set)
	}
}

// Legal semantics: a control keeps its reach when the supplier that brings
// the issuer's technology into a fab is removed. Removing the US tool
// vendor does not free the foundry from the foreign-direct-product rule.
func TestKnockoutLegalReach(t *testing.T) {
	b := newDS()
	b.firm("firm:foundry", "country:TWN").firm("firm:vendor", "country:USA").firm("firm:vendor2", "country:JPN").firm("firm:buyer", "country:CHN")
	b.edge("firm:buyer", graph.Makes, "product:chip")
	b.requires("product:chip", "input:logic")
	b.edge("firm:foundry", graph.Makes, "input:logic")
	b.fab("fab:f", "firm:foundry", "country:TWN")
	b.edge("fab:f", graph.EquippedWith, "input:etch")
	b.supplies("firm:vendor", "input:etch", 50, 2024, "firm-hq").supplies("firm:vendor2", "input:etch", 50, 2024, "firm-hq")
	b.event("event:fdp", "country:USA", "2024-01-01", "fdp")
	b.edge("event:fdp", graph.Covers, "input:logic").edge("event:fdp", graph.Targets, "firm:buyer")
	e := analysis.NewEngine(b.snap(t))
	r := knockouts(t, e, "product:chip", "2025-01-01", analysis.KnockoutOptions{Remove: ids("firm:vendor")})
	if r.Feasible || r.Set.KnocksOut {
		t.Errorf("the buyer obtains the chip despite the FDP rule (feasible %v), or a removal changes that: %+v", r.Feasible, r.Set)
	}
	ic := knockouts(t, e, "product:chip", "2025-01-01", analysis.KnockoutOptions{IgnoreControls: true})
	if !ic.Feasible || find(ic.Firms, "firm:foundry") == nil || find(ic.Firms, "firm:vendor") != nil {
		t.Errorf("controls aside: feasible %v, knock-outs %v", ic.Feasible, removed(ic.Firms))
	}
}

func TestKnockoutErrors(t *testing.T) {
	e := bundledEngine(t)
	bad := -1.0
	for _, c := range []struct {
		name, item string
		opts       analysis.KnockoutOptions
		kind       graph.ErrorKind
		msg        string
	}{
		{"unknown item", "product:nope", analysis.KnockoutOptions{}, graph.NotFound, "no node"},
		{"event item", "event:us-bis-2022-10-07-advanced-computing", analysis.KnockoutOptions{}, graph.Invalid, "want a product, input, fab or firm"},
		{"threshold", "product:h100", analysis.KnockoutOptions{Threshold: &bad}, graph.Invalid, "threshold"},
		{"holder", "product:h100", analysis.KnockoutOptions{Holder: "input:hbm"}, graph.Invalid, "holder"},
		{"remove", "product:h100", analysis.KnockoutOptions{Remove: ids("input:hbm")}, graph.Invalid, "remove"},
		{"remove unknown", "product:h100", analysis.KnockoutOptions{Remove: ids("firm:nope")}, graph.NotFound, "no node"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.Knockouts(context.Background(), graph.ID(c.item), date("2025-06-01"), c.opts)
			var ge *graph.Error
			if !errors.As(err, &ge) || ge.Kind != c.kind || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %v, want %v containing %q", err, c.kind, c.msg)
			}
		})
	}
}

// TestKnockoutsConcurrent: queries on one Engine from many goroutines (they
// share the epoch's feasibility cache) give the answers of a fresh Engine.
func TestKnockoutsConcurrent(t *testing.T) {
	e := bundledEngine(t)
	items := []string{"product:h100", "product:a100", "input:7nm-class-logic-process", "product:ascend-910c", "input:hbm"}
	want := map[string][]graph.ID{}
	fresh := analysis.NewEngine(e.Snapshot())
	for _, it := range items {
		r := knockouts(t, fresh, it, "2025-06-01", analysis.KnockoutOptions{IgnoreControls: it == "product:ascend-910c"})
		want[it] = append(removed(r.Firms), removed(r.Countries)...)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(items))
	for range 4 {
		for _, it := range items {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := e.Knockouts(context.Background(), graph.ID(it), date("2025-06-01"), analysis.KnockoutOptions{IgnoreControls: it == "product:ascend-910c"})
				if got := append(removed(r.Firms), removed(r.Countries)...); err != nil || !slices.Equal(got, want[it]) {
					errs <- fmt.Sprintf("%s: %v, %v; want %v", it, got, err, want[it])
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}

// TestKnockoutsCached: answers are kept per question, so asking the same
// question again gives the answer a fresh Engine computes, and questions
// that differ in any option (threshold, installed base, controls, holder,
// removal set, day) are never answered from each other's entry. The
// variants are asked in turn on one Engine, each twice; a key that dropped
// an option would hand back an earlier variant's (different) answer.
func TestKnockoutsCached(t *testing.T) {
	e := analysis.NewEngine(bundledEngine(t).Snapshot())
	five := 5.0
	smic := func(o analysis.KnockoutOptions) analysis.KnockoutOptions { o.Holder = "firm:smic"; return o }
	cases := []struct {
		item, day string
		opts      analysis.KnockoutOptions
	}{
		{"input:7nm-class-logic-process", "2025-06-01", smic(analysis.KnockoutOptions{})},
		{"input:7nm-class-logic-process", "2025-06-01", smic(analysis.KnockoutOptions{Threshold: &five})},
		{"input:7nm-class-logic-process", "2025-06-01", smic(analysis.KnockoutOptions{KeepInstalledBase: true})},
		{"input:7nm-class-logic-process", "2025-06-01", analysis.KnockoutOptions{}},
		{"input:7nm-class-logic-process", "2018-01-01", smic(analysis.KnockoutOptions{})},
		{"product:ascend-910c", "2025-06-01", analysis.KnockoutOptions{}},
		{"product:ascend-910c", "2025-06-01", analysis.KnockoutOptions{IgnoreControls: true}},
		{"product:ascend-910c", "2025-06-01", analysis.KnockoutOptions{IgnoreControls: true, Remove: []graph.ID{"country:NLD", "country:JPN"}}},
		{"product:ascend-910c", "2025-06-01", analysis.KnockoutOptions{IgnoreControls: true, Remove: []graph.ID{"country:NLD"}}},
	}
	distinct := map[string]bool{}
	for _, c := range cases {
		want := knockouts(t, analysis.NewEngine(e.Snapshot()), c.item, c.day, c.opts)
		for i := range 2 {
			if got := knockouts(t, e, c.item, c.day, c.opts); !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s %+v, asked %d times: answer differs from a fresh engine's\n got %+v\nwant %+v", c.item, c.day, c.opts, i+1, got, want)
			}
		}
		distinct[fmt.Sprint(removed(want.Firms), removed(want.Countries), want.Set != nil && want.Set.KnocksOut, want.Feasible)] = true
	}
	// The variants must really differ, or the test could not see a
	// collision.
	if len(distinct) < 5 {
		t.Errorf("only %d distinct answers among %d variants: the test cannot tell cache keys apart", len(distinct), len(cases))
	}
}

// Which single suppliers would a new control make SMIC's 7nm-class process
// depend on? A Japanese control on photoresists to China, on 2025-06-01.
//
// The process requires photoresists (requires.csv, source:eto-2025). The
// named suppliers (supplies.csv, named without shares, source:eto-2022 and
// source:cset-2021) are JSR, Tokyo Ohka Kogyo, Shin-Etsu, Fujifilm and
// Sumitomo Chemical (Japan), DuPont and Inpria (United States) and Dongjin
// Semichem (South Korea). The US suppliers are already barred from SMIC by
// its Entity List entry (event:us-bis-2020-12-18-entity-list-smic); with
// the Japanese ones barred too, Dongjin is the only named supplier left, so
// it and South Korea become knock-outs, and no baseline knock-out is
// dropped (the process stays feasible).
//
// The Dutch and Japanese servicing ban on ArF immersion scanners of the
// README (country:NLD, country:JPN → country:CHN) instead takes the process
// away itself: then every baseline knock-out is dropped and After.Feasible
// is false, which is what says why.
func TestScenarioKnockouts(t *testing.T) {
	e := bundledEngine(t)
	ctx, day := context.Background(), date("2025-06-01")
	smic := analysis.KnockoutOptions{Holder: "firm:smic"}
	jp := []analysis.Control{{Issuer: "country:JPN", Covers: []graph.ID{"input:photoresists"}, Targets: []graph.ID{"country:CHN"}}}
	c, err := e.ScenarioKnockouts(ctx, jp, "input:7nm-class-logic-process", day, smic)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Before.Feasible || !c.After.Feasible {
		t.Fatalf("feasible before %v, after %v: want both", c.Before.Feasible, c.After.Feasible)
	}
	if got, want := removed(c.Added), []graph.ID{"firm:dongjin", "country:KOR"}; !slices.Equal(got, want) {
		t.Errorf("added %v, want %v", got, want)
	}
	if len(c.Dropped) != 0 {
		t.Errorf("dropped %v, want none", removed(c.Dropped))
	}
	if d := find(c.Added, "firm:dongjin"); d == nil || !slices.Contains(d.TakesDown, "input:photoresists") {
		t.Errorf("Dongjin's knock-out: %+v, want it to take down input:photoresists", d)
	}
	// The baseline half is Knockouts' own answer.
	if want := knockouts(t, e, "input:7nm-class-logic-process", "2025-06-01", smic); !reflect.DeepEqual(c.Before, want) {
		t.Errorf("Before differs from Knockouts")
	}

	svc := []analysis.Control{
		{Issuer: "country:NLD", Kind: analysis.ServicingBan, Covers: []graph.ID{"input:arf-immersion-lithography-tools"}, Targets: []graph.ID{"country:CHN"}},
		{Issuer: "country:JPN", Kind: analysis.ServicingBan, Covers: []graph.ID{"input:arf-immersion-lithography-tools"}, Targets: []graph.ID{"country:CHN"}},
	}
	s, err := e.ScenarioKnockouts(ctx, svc, "input:7nm-class-logic-process", day, smic)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Before.Feasible || s.After.Feasible {
		t.Errorf("servicing ban: feasible before %v, after %v; want true, false", s.Before.Feasible, s.After.Feasible)
	}
	if find(s.Dropped, "firm:asml") == nil || find(s.Dropped, "country:NLD") == nil || len(s.Added) != 0 {
		t.Errorf("servicing ban: added %v, dropped %v; want ASML and the Netherlands dropped, none added", removed(s.Added), removed(s.Dropped))
	}

	for _, bad := range []struct {
		cs   []analysis.Control
		opts analysis.KnockoutOptions
	}{
		{nil, smic},
		{jp, analysis.KnockoutOptions{Holder: "firm:smic", IgnoreControls: true}},
		{jp, analysis.KnockoutOptions{Holder: "firm:smic", Assume: jp}},
		{[]analysis.Control{{Issuer: "country:JPN", Covers: []graph.ID{"input:no-such"}, Targets: []graph.ID{"country:CHN"}}}, smic},
	} {
		_, err := e.ScenarioKnockouts(ctx, bad.cs, "input:7nm-class-logic-process", day, bad.opts)
		var ge *graph.Error
		if !errors.As(err, &ge) {
			t.Errorf("controls %v, options %+v: error %v, want a graph.Error", bad.cs, bad.opts, err)
		}
	}
}

// TestKnockoutTakesDown: what a knock-out "takes down" are the items that
// really fail on the way to the goal, not every item it touches. Japan's
// removal stops SMIC's 7nm-class process through resist processing tools
// (Tokyo Electron, 92.6 %; supplies.csv, source:eto-2025); Japanese ion
// implanters go too (SMIT, 8.8 %), but SMIC keeps ion implantation: the
// implanters installed at fab:smic-shanghai-sn1 (relations.csv, since
// 2019-12-31, source:smic-fabs) stay serviced, since Applied Materials
// (62.6 %) and Axcelis (22 %) remain (source:eto-2025). So they are not
// listed; asked alone, Japan's removal does not knock ion implanters out. Across items and holders, the removal of each
// knock-out on its own (the set evaluation) fails the same goals and
// takes down nothing the knock-out does not list, goals aside (the set
// evaluation also lists a goal that lost a route it could not use).
func TestKnockoutTakesDown(t *testing.T) {
	e := bundledEngine(t)
	smic := analysis.KnockoutOptions{Holder: "firm:smic"}
	r := knockouts(t, e, "input:7nm-class-logic-process", "2025-06-01", smic)
	jpn := find(r.Countries, "country:JPN")
	if jpn == nil || !slices.Equal(jpn.TakesDown, []graph.ID{"input:resist-processing-tools"}) {
		t.Fatalf("Japan's knock-out of SMIC's 7nm-class process: %+v, want it to take down resist processing tools only", jpn)
	}
	ion := knockouts(t, e, "input:ion-implanters", "2025-06-01", analysis.KnockoutOptions{Holder: "firm:smic", Remove: []graph.ID{"country:JPN"}})
	if !ion.Feasible || ion.Set.KnocksOut {
		t.Errorf("ion implanters for SMIC without Japan: feasible %v, knocked out %v; want still obtainable", ion.Feasible, ion.Set.KnocksOut)
	}

	checked := 0
	for _, it := range []string{"input:7nm-class-logic-process", "product:h100", "product:ascend-910c", "input:hbm", "product:a100",
		"input:5nm-class-logic-process", "input:14nm-class-logic-process", "input:dram-process"} {
		for _, h := range []graph.ID{"", "firm:smic", "firm:huawei", "country:CHN", "firm:nvidia"} {
			for _, ig := range []bool{false, true} {
				o := analysis.KnockoutOptions{Holder: h, IgnoreControls: ig}
				r := knockouts(t, e, it, "2025-06-01", o)
				for _, k := range append(r.Firms, r.Countries...) {
					o.Remove = k.Removed
					s := knockouts(t, e, it, "2025-06-01", o).Set
					for _, x := range s.TakesDown {
						if !slices.Contains(k.TakesDown, x) && !slices.Contains(r.Goals, x) {
							t.Errorf("%s for %q (ignoreControls %v), %v: the removal takes down %s, the knock-out does not list it (%v)", it, h, ig, k.Removed, x, k.TakesDown)
						}
					}
					if !s.KnocksOut || !slices.Equal(s.Fails, k.Fails) {
						t.Errorf("%s for %q (ignoreControls %v), %v: removal fails %v, knock-out %v", it, h, ig, k.Removed, s.Fails, k.Fails)
					}
					checked++
				}
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d knock-outs checked", checked)
	}
}
