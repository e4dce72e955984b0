package csl

import (
	"context"
	"flag"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/loaders"
	"github.com/chipgraph/chipgraph/loaders/loadertest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// curated seeds a builder with firms as the curated loader would add them.
func curated(b *loaders.Builder) {
	at := loaders.Pos{File: "data/firms.csv", Line: 2}
	b.AddNode(graph.Node{ID: "source:curated", Kind: graph.KindSource, Name: "Curated"}, at)
	for _, c := range []graph.Node{
		{ID: "country:USA", Name: "United States"},
		{ID: "country:CHN", Name: "China"},
	} {
		c.Kind, c.Sources = graph.KindCountry, []graph.ID{"source:curated"}
		b.AddNode(c, at)
	}
	for _, f := range []graph.Node{
		{ID: "firm:huawei", Name: "Huawei", Aliases: []string{"Huawei Technologies Co., Ltd."}},
		{ID: "firm:smic", Name: "SMIC", Aliases: []string{"Semiconductor Manufacturing International Corporation"}},
		{ID: "firm:ymtc", Name: "YMTC", Aliases: []string{"Yangtze Memory Technologies Co., Ltd."}},
		{ID: "firm:cambricon", Name: "Cambricon Technologies"},
		{ID: "firm:smee", Name: "Shanghai Micro Electronics Equipment"},
	} {
		f.Kind, f.Sources = graph.KindFirm, []graph.ID{"source:curated"}
		b.AddNode(f, at)
	}
}

func load(t *testing.T, seed func(*loaders.Builder), files ...string) (*graph.Dataset, loaders.Problems, error) {
	t.Helper()
	b := loaders.NewBuilder()
	if seed != nil {
		seed(b)
	}
	for _, f := range files {
		if err := Load(context.Background(), b, loaders.Spec{Kind: "csl", Path: f}); err != nil {
			t.Fatalf("Load(%s): %v", f, err)
		}
	}
	return b.Finish()
}

// TestLoad loads the CSV and the JSON fixture (the same rows) and checks
// that both give the same graph.
func TestLoad(t *testing.T) {
	var fingerprints []string
	for _, file := range []string{"testdata/consolidated.csv", "testdata/consolidated.json"} {
		t.Run(filepath.Ext(file), func(t *testing.T) {
			ds, warnings, err := load(t, curated, file)
			if err != nil {
				t.Fatalf("problems:\n%v", err)
			}
			x := loadertest.IndexOf(ds)

			for _, c := range []struct {
				id        graph.ID
				target    graph.ID
				citation  string
				reach     string
				coversAll bool
				kind      string
			}{
				{"event:us-bis-2019-05-16-el-huawei-technologies-co-ltd", "firm:huawei", "84 FR 22961; 85 FR 29849; 85 FR 51596", "fdp", true, "entity-listing"},
				{"event:us-bis-2020-12-18-el-semiconductor-manufacturing-international", "firm:smic", "85 FR 83416", "hq", true, "entity-listing"},
				{"event:us-bis-2022-12-16-el-yangtze-memory-technologies-co-ltd", "firm:ymtc", "87 FR 77505", "hq", true, "entity-listing"},
				{"event:us-bis-2022-10-07-uvl-yangtze-memory-technologies-co-ltd", "firm:ymtc", "", "", false, "unverified-listing"},
				{"event:us-bis-2022-12-16-el-cambricon-technologies-corporation-limited", "firm:cambricon", "87 FR 77505", "fdp", true, "entity-listing"},
				{"event:us-bis-2022-12-16-el-shanghai-micro-electronics-equipment-group-co-ltd", "firm:smee", "87 FR 77505", "hq", true, "entity-listing"},
				{"event:us-bis-2019-05-16-el-hisilicon-technologies-co-ltd", "firm:hisilicon-technologies-co-ltd", "84 FR 22961", "fdp", true, "entity-listing"},
				{"event:us-bis-2024-03-01-el-example-photonics-institute", "firm:example-photonics-institute", "99 FR 12345", "hq", false, "entity-listing"},
				{"event:us-bis-2021-01-15-meu-example-aviation-academy", "firm:example-aviation-academy", "99 FR 23456", "", false, "military-end-user-listing"},
			} {
				n := x.Node(t, c.id)
				if n.Kind != graph.KindControlEvent || n.Issuer != "country:USA" || n.Authority != "BIS" || n.EventKind != c.kind ||
					n.Citation != c.citation || n.Reach != c.reach || n.CoversAll != c.coversAll || n.Date != n.Effective ||
					!slices.Equal(n.Sources, []graph.ID{SourceID}) {
					t.Errorf("%s = %+v", c.id, n)
				}
				if got := x.Targets(c.id); !slices.Equal(got, []graph.ID{c.target}) {
					t.Errorf("%s targets %v, want %s", c.id, got, c.target)
				}
			}
			huawei := x.Node(t, "event:us-bis-2019-05-16-el-huawei-technologies-co-ltd")
			if huawei.Date != graph.MustDate("2019-05-16") || !strings.Contains(huawei.Note, "Presumption of denial") || huawei.URL == "" {
				t.Errorf("Huawei listing = %+v", huawei)
			}
			if n := x.Node(t, "event:us-bis-2024-03-01-el-example-photonics-institute"); n.Expires != graph.MustDate("2026-03-01") {
				t.Errorf("expires = %v, want the day after end_date", n.Expires)
			}
			// Unmatched entries are kept as listed parties that search finds.
			hs := x.Node(t, "firm:hisilicon-technologies-co-ltd")
			if !slices.Contains(hs.Roles, "listed-party") || !slices.Equal(hs.Aliases, []string{"Hisilicon Optoelectronics Co., Ltd.", "HiSilicon"}) {
				t.Errorf("listed party = %+v", hs)
			}
			if !slices.ContainsFunc(x.Edges, func(e graph.Edge) bool {
				return e.From == "firm:example-photonics-institute" && e.Kind == graph.HeadquarteredIn && e.To == "country:RUS"
			}) {
				t.Error("listed party without HQ from its first address")
			}
			if n := x.Node(t, "country:RUS"); n.Name != "Russia" {
				t.Errorf("country:RUS = %+v", n)
			}
			// Curated firms are linked, not copied.
			for _, id := range []graph.ID{"firm:huawei-technologies-co-ltd", "firm:yangtze-memory-technologies-co-ltd",
				"firm:semiconductor-manufacturing-international-corporation-smic"} {
				if _, ok := x.Nodes[id]; ok {
					t.Errorf("made %s although a curated firm matches", id)
				}
			}
			if n := x.Node(t, "firm:huawei"); !slices.Equal(n.Sources, []graph.ID{"source:curated"}) {
				t.Errorf("curated firm changed: %+v", n)
			}
			// The non-ASCII alternate name is kept intact.
			if _, ok := x.Nodes["firm:huawei"]; !ok {
				t.Fatal("no firm:huawei")
			}
			src := x.Node(t, SourceID)
			if src.Licence == "" || src.Publisher == "" || src.URL == "" {
				t.Errorf("source = %+v", src)
			}

			var got []string
			for _, w := range warnings {
				got = append(got, strings.TrimPrefix(w.String(), file))
			}
			want := []string{
				`: warning: source: skipped 1 rows of Non-SDN Chinese Military-Industrial Complex Companies List (CMIC): only the BIS Entity List, Unverified List and Military End User List are loaded`,
				`: warning: source: skipped 2 rows of Specially Designated Nationals (SDN): only the BIS Entity List, Unverified List and Military End User List are loaded`,
				`: warning: type: skipped 1 Individual rows of Entity List (EL): only organisations are loaded`,
			}
			cmic := `:11: warning: name: "SEMICONDUCTOR MANUFACTURING INTERNATIONAL CORPORATION" on Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) matches firm:smic, but that list is not loaded (only the BIS Entity, Unverified and Military End User lists are)`
			if filepath.Ext(file) == ".json" {
				cmic = strings.Replace(cmic, ":11:", ":381:", 1)
			}
			want = append(want, cmic)
			if !slices.Equal(got, want) {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			nodes, edges := ds.Counts()
			t.Logf("nodes %v, edges %v", nodes, edges)
			fingerprints = append(fingerprints, ds.Fingerprint())
		})
	}
	if len(fingerprints) == 2 && fingerprints[0] != fingerprints[1] {
		t.Error("the CSV and the JSON fixture give different graphs")
	}
}

// TestWithoutCurated loads the list alone: every entry becomes a listed
// party, and the issuer country is added.
func TestReviewPolicy(t *testing.T) {
	for text, want := range map[string]string{
		"Presumption of denial.":                                  graph.PresumptionOfDenial,
		"Presumption of denial for all items subject to the EAR.": graph.PresumptionOfDenial,
		"Case-by-case review.":                                    graph.CaseByCase,
		"Presumption of denial for items uniquely required for production of semiconductors at advanced technology nodes (10 nanometers and below); case-by-case review for all other items.": graph.PresumptionOfDenial,
		"Presumption of approval.": graph.PresumptionOfApproval,
		"See §744.21(d) and (e).":  "",
		"":                         "",
	} {
		if got := reviewPolicy(text); got != want {
			t.Errorf("reviewPolicy(%q) = %q, want %q", text, got, want)
		}
	}
	ds, _, err := load(t, curated, "testdata/consolidated.csv")
	if err != nil {
		t.Fatal(err)
	}
	x := loadertest.IndexOf(ds)
	if n := x.Node(t, "event:us-bis-2019-05-16-el-huawei-technologies-co-ltd"); n.LicencePolicy != graph.PresumptionOfDenial {
		t.Errorf("Huawei listing policy %q", n.LicencePolicy)
	}
}

func TestWithoutCurated(t *testing.T) {
	ds, _, err := load(t, nil, "testdata/consolidated.csv")
	if err != nil {
		t.Fatal(err)
	}
	x := loadertest.IndexOf(ds)
	if got := x.Targets("event:us-bis-2022-12-16-el-yangtze-memory-technologies-co-ltd"); !slices.Equal(got, []graph.ID{"firm:yangtze-memory-technologies-co-ltd"}) {
		t.Errorf("YMTC EL targets %v", got)
	}
	// The UVL row of the same party targets the same listed party.
	if got := x.Targets("event:us-bis-2022-10-07-uvl-yangtze-memory-technologies-co-ltd"); !slices.Equal(got, []graph.ID{"firm:yangtze-memory-technologies-co-ltd"}) {
		t.Errorf("YMTC UVL targets %v", got)
	}
	if n := x.Node(t, "firm:huawei-technologies-co-ltd"); !slices.Contains(n.Aliases, "华为技术有限公司") {
		t.Errorf("aliases = %v", n.Aliases)
	}
	x.Node(t, "country:USA")
}

func TestAmbiguousMatch(t *testing.T) {
	seed := func(b *loaders.Builder) {
		curated(b)
		b.AddNode(graph.Node{ID: "firm:huawei-device", Kind: graph.KindFirm, Name: "Huawei Device", Aliases: []string{"Huawei"}, Sources: []graph.ID{"source:curated"}}, loaders.Pos{File: "data/firms.csv", Line: 9})
	}
	ds, warnings, err := load(t, seed, "testdata/consolidated.csv")
	if err != nil {
		t.Fatal(err)
	}
	// The exact alias still decides for Huawei Technologies; the
	// HiSilicon row's alternate name "HiSilicon" matches nothing.
	if got := loadertest.IndexOf(ds).Targets("event:us-bis-2019-05-16-el-huawei-technologies-co-ltd"); !slices.Equal(got, []graph.ID{"firm:huawei"}) {
		t.Errorf("targets %v", got)
	}
	_ = warnings
	seed2 := func(b *loaders.Builder) {
		curated(b)
		b.AddNode(graph.Node{ID: "firm:smic-beijing", Kind: graph.KindFirm, Name: "SMIC Beijing", Aliases: []string{"SMIC"}, Sources: []graph.ID{"source:curated"}}, loaders.Pos{File: "data/firms.csv", Line: 9})
	}
	ds, warnings, err = load(t, seed2, "testdata/consolidated.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got := loadertest.IndexOf(ds).Targets("event:us-bis-2020-12-18-el-semiconductor-manufacturing-international"); !slices.Equal(got, []graph.ID{"firm:semiconductor-manufacturing-international-corporation-smic"}) {
		t.Errorf("ambiguous SMIC targets %v", got)
	}
	if !slices.ContainsFunc(warnings, func(p loaders.Problem) bool {
		return strings.Contains(p.Message, "matches several firms (firm:smic, firm:smic-beijing)")
	}) {
		t.Errorf("no ambiguity warning in %v", warnings)
	}
}

// TestBadInput checks that each corrupted file under testdata/bad fails
// with every problem listed in its .want golden file (-update rewrites them).
func TestBadInput(t *testing.T) {
	files, _ := filepath.Glob("testdata/bad/*.*")
	for _, f := range files {
		if strings.HasSuffix(f, ".want") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			ds, _, err := load(t, curated, f)
			if err == nil || ds != nil {
				t.Fatal("corrupted file loaded")
			}
			loadertest.CheckProblems(t, err, f+".want", *update, nil)
		})
	}
}

func TestMissingFile(t *testing.T) {
	_, _, err := load(t, nil, "testdata/none.csv")
	if err == nil || !strings.Contains(err.Error(), "testdata/none.csv: no such file") {
		t.Errorf("err = %v", err)
	}
}

func TestSplitList(t *testing.T) {
	got := splitList("A; B;  ; and C;and D")
	if want := []string{"A", "B", "C", "D"}; !slices.Equal(got, want) {
		t.Errorf("splitList = %q, want %q", got, want)
	}
}

// TestCorroboratesCuratedEvent: a row designating a firm that a curated
// event of the same kind already targets, with the same Federal Register
// notice or start date, adds its source to that event instead of a twin.
func TestCorroboratesCuratedEvent(t *testing.T) {
	seed := func(b *loaders.Builder) {
		curated(b)
		at := loaders.Pos{File: "data/events.csv", Line: 2}
		for _, ev := range []graph.Node{
			{ID: "event:us-bis-2020-12-18-entity-list-smic", Name: "Entity List: SMIC", Date: graph.MustDate("2020-12-18"), EventKind: "entity-listing",
				Issuer: "country:USA", Authority: "BIS", Reach: "hq", CoversAll: true, Citation: "85 FR 83416"},
			{ID: "event:us-bis-2022-10-07-unverified-list", Name: "Unverified List: 31 parties including YMTC", Date: graph.MustDate("2022-10-07"),
				EventKind: "unverified-listing", Issuer: "country:USA", Authority: "BIS"},
			{ID: "event:us-bis-2019-08-19-entity-list-huawei-affiliates", Name: "Entity List: 46 more Huawei affiliates", Date: graph.MustDate("2019-08-19"),
				EventKind: "entity-listing", Issuer: "country:USA", Authority: "BIS", Reach: "hq", CoversAll: true, Citation: "84 FR 43493"},
		} {
			ev.Kind, ev.Sources = graph.KindControlEvent, []graph.ID{"source:curated"}
			b.AddNode(ev, at)
		}
		for _, e := range [][2]graph.ID{
			{"event:us-bis-2020-12-18-entity-list-smic", "firm:smic"},
			{"event:us-bis-2022-10-07-unverified-list", "firm:ymtc"},
			{"event:us-bis-2019-08-19-entity-list-huawei-affiliates", "firm:huawei"},
		} {
			b.AddEdge(graph.Edge{From: e[0], To: e[1], Kind: graph.Targets, Share: graph.NoShare, Sources: []graph.ID{"source:curated"}}, at)
		}
	}
	ds, _, err := load(t, seed, "testdata/consolidated.csv")
	if err != nil {
		t.Fatal(err)
	}
	x := loadertest.IndexOf(ds)
	for _, id := range []graph.ID{"event:us-bis-2020-12-18-entity-list-smic", "event:us-bis-2022-10-07-unverified-list"} {
		if n := x.Node(t, id); !slices.Equal(n.Sources, []graph.ID{"source:curated", SourceID}) {
			t.Errorf("%s sources = %v, want the curated source and the CSL", id, n.Sources)
		}
		for _, e := range ds.Edges {
			if e.From == id && e.Kind == graph.Targets && !slices.Contains(e.Sources, SourceID) {
				t.Errorf("%s -> %s sources = %v", id, e.To, e.Sources)
			}
		}
	}
	for _, id := range []graph.ID{"event:us-bis-2020-12-18-el-semiconductor-manufacturing-international", "event:us-bis-2022-10-07-uvl-yangtze-memory-technologies-co-ltd"} {
		if _, ok := x.Nodes[id]; ok {
			t.Errorf("made %s, a twin of the curated event", id)
		}
	}
	// The Huawei row cites 84 FR 22961, not the August 2019 notice: its own event.
	if got := x.Targets("event:us-bis-2019-05-16-el-huawei-technologies-co-ltd"); !slices.Equal(got, []graph.ID{"firm:huawei"}) {
		t.Errorf("Huawei listing targets %v", got)
	}
	if n := x.Node(t, "event:us-bis-2019-08-19-entity-list-huawei-affiliates"); len(n.Sources) != 1 {
		t.Errorf("unrelated curated event corroborated: %v", n.Sources)
	}
}
