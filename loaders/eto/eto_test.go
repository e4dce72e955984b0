package eto

import (
	"context"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/loaders"
	"github.com/chipgraph/chipgraph/loaders/loadertest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// load runs Load over dirs into one builder (after seed, if given) and
// finishes it.
func load(t *testing.T, seed func(*loaders.Builder), dirs ...string) (*graph.Dataset, loaders.Problems, error) {
	t.Helper()
	b := loaders.NewBuilder()
	if seed != nil {
		seed(b)
	}
	for _, d := range dirs {
		if err := Load(context.Background(), b, loaders.Spec{Kind: "eto", Path: d}); err != nil {
			t.Fatalf("Load(%s): %v", d, err)
		}
	}
	return b.Finish()
}

// mustLoad is load for input that must have no problems.
func mustLoad(t *testing.T, seed func(*loaders.Builder), dirs ...string) (*graph.Dataset, loaders.Problems) {
	t.Helper()
	ds, warnings, err := load(t, seed, dirs...)
	if err != nil {
		t.Fatalf("unexpected problems:\n%v", err)
	}
	return ds, warnings
}

func TestLoadCurrentRelease(t *testing.T) {
	ds, warnings := mustLoad(t, nil, "testdata/current")
	if len(warnings) != 0 {
		t.Errorf("warnings: %v", warnings)
	}
	x := loadertest.IndexOf(ds)

	src := x.Node(t, "source:eto-2025")
	if src.Kind != graph.KindSource || src.Licence != "CC BY-NC 4.0" || src.URL == "" ||
		!strings.HasPrefix(src.Name, "Emerging Technology Observatory Advanced Semiconductor Supply Chain Dataset") {
		t.Errorf("release source = %+v", src)
	}

	for _, c := range []struct {
		id         graph.ID
		name, typ  string
		etoID      string
		wantSource bool
	}{
		{"input:euv-lithography-tools", "EUV lithography tools", "tool", "N20", true},
		{"input:photoresists", "Photoresists", "material", "N31", true},
		{"input:photolithography", "Photolithography", "process", "N25", true},
		{"input:eda-software", "EDA software", "design", "N84", true},
		{"input:finished-logic-chip", "Finished logic chip", "output", "N99", true},
		{"input:fabrication", "Fabrication", "process", "S2", true},
		{"input:assembly-testing-and-packaging-atp", "Assembly, testing, and packaging (ATP)", "process", "S3", true},
	} {
		n := x.Node(t, c.id)
		if n.Kind != graph.KindInput || n.Name != c.name || n.Type != c.typ || n.ETOID != c.etoID || !slices.Contains(n.Sources, "source:eto-2025") {
			t.Errorf("%s = %+v", c.id, n)
		}
	}
	if n := x.Node(t, "input:euv-lithography-tools"); n.Description == "" || !strings.Contains(n.Note, "$12 billion (2025)") {
		t.Errorf("EUV description/note = %q / %q", n.Description, n.Note)
	}

	// Providers: firms with HQ, countries, aliases from repeated rows.
	if n := x.Node(t, "firm:canon"); !slices.Contains(n.Aliases, "Canon ANELVA") || n.ETOID != "P159" || !slices.Contains(n.Roles, "equipment") {
		t.Errorf("firm:canon = %+v", n)
	}
	x.Edge(t, "firm:asml", graph.HeadquarteredIn, "country:NLD", 0)
	x.Edge(t, "firm:tsmc", graph.HeadquarteredIn, "country:TWN", 0)
	if n := x.Node(t, "country:USA"); n.Name != "United States" || n.ETOID != "P1" {
		t.Errorf("country:USA = %+v", n)
	}
	if n := x.Node(t, "country:XVA"); n.Name != "Various countries" {
		t.Errorf("country:XVA = %+v", n)
	}
	x.Node(t, "country:EUR")
	if x.HasEdge("firm:various-companies", graph.HeadquarteredIn, "country:XVA") {
		t.Error("an aggregate firm must not have headquarters")
	}

	// Shares, years, bases, sources.
	euv := x.Edge(t, "firm:asml", graph.Supplies, "input:euv-lithography-tools", 2025)
	if euv.Share != 100 || euv.Basis != "firm-hq" || len(euv.Sources) != 2 || euv.Sources[0] != "source:eto-2025" {
		t.Errorf("ASML EUV = %+v", euv)
	}
	ref := x.Node(t, euv.Sources[1])
	if ref.Kind != graph.KindSource || ref.Name != "Invented fixture source (2025). Not ETO data." {
		t.Errorf("row source = %+v", ref)
	}
	if e := x.Edge(t, "country:NLD", graph.Supplies, "input:arf-immersion-duv-lithography-tools", 2025); e.Share != 97.5 || e.Basis != "country-hq" {
		t.Errorf("NLD ArFi = %+v", e)
	}
	for _, from := range []graph.ID{"country:XVA", "firm:various-companies", "country:EUR"} {
		for _, e := range ds.Edges {
			if e.From == from && e.Kind == graph.Supplies && e.Basis != "aggregate" {
				t.Errorf("%s supplies with basis %q, want aggregate", from, e.Basis)
			}
		}
	}
	if e := x.Edge(t, "firm:synopsys", graph.Supplies, "input:eda-software", 2019); e.HasShare() {
		t.Errorf("blank share = %v, want NaN", e.Share)
	}
	cset := x.Edge(t, "country:USA", graph.Supplies, "input:eda-software", 2019)
	if n := x.Node(t, cset.Sources[1]); n.Name != "CSET" || n.URL != "https://cset.georgetown.edu/publication/the-semiconductor-supply-chain/" {
		t.Errorf("markdown source = %+v", n)
	}
	if e := x.Edge(t, "country:CHN", graph.Supplies, "input:fabrication", 2022); e.Basis != "capacity" || e.Share != 25 {
		t.Errorf("fabrication by site = %+v", e)
	}
	if e := x.Edge(t, "country:USA", graph.Supplies, "input:design", 2022); e.Basis != "country-hq" {
		t.Errorf("design = %+v", e)
	}

	// Sequence: goes_into is REQUIRES the other way round; is_type_of is TYPE_OF.
	x.Edge(t, "input:photolithography", graph.Requires, "input:lithography-tools", 0)
	x.Edge(t, "input:finished-logic-chip", graph.Requires, "input:photolithography", 0)
	x.Edge(t, "input:euv-lithography-tools", graph.TypeOf, "input:lithography-tools", 0)
	if x.HasEdge("input:lithography-tools", graph.Requires, "input:photolithography") {
		t.Error("goes_into mapped the wrong way round")
	}
	// A process's stage.
	x.Edge(t, "input:photolithography", graph.TypeOf, "input:fabrication", 0)
	x.Edge(t, "input:chip-design", graph.TypeOf, "input:design", 0)
}

func TestLoadRelease2022(t *testing.T) {
	ds, warnings := mustLoad(t, nil, "testdata/v2022")
	x := loadertest.IndexOf(ds)
	if len(warnings) != 1 || !strings.Contains(warnings[0].String(), "provision.csv:12: warning: duplicate row (same as line 11): ignored") {
		t.Errorf("warnings = %v, want the duplicate row", warnings)
	}
	src := x.Node(t, "source:eto-2022")
	if src.Name != "Emerging Technology Observatory Advanced Semiconductor Supply Chain Dataset (2022 release)" || src.Licence != "CC BY-NC 4.0" {
		t.Errorf("release source = %+v", src)
	}
	if _, ok := x.Nodes["source:eto-2025"]; ok {
		t.Error("2022 release loaded as the current one")
	}
	e := x.Edge(t, "country:NLD", graph.Supplies, "input:arf-immersion-scanners", 2019)
	if e.Share != 88 || e.Basis != "country-hq" {
		t.Errorf("NLD ArFi 2019 = %+v", e)
	}
	if n := x.Node(t, e.Sources[1]); n.Name != "CSET" {
		t.Errorf("chart source = %+v", n)
	}
	neg := x.Edge(t, "firm:smee", graph.Supplies, "input:arf-immersion-scanners", 2019)
	if neg.HasShare() || !strings.Contains(neg.Note, "negligible") {
		t.Errorf("negligible row = %+v", neg)
	}
	if e := x.Edge(t, "country:XVA", graph.Supplies, "input:fabrication", 2019); e.Basis != "aggregate" || e.Share != 4 {
		t.Errorf("Various = %+v", e)
	}
	if n := x.Node(t, "country:XVA"); !slices.Contains(n.Aliases, "Various") {
		t.Errorf("country:XVA = %+v", n)
	}
	if n := x.Node(t, "country:MYS"); n.Name != "Malaysia" || !slices.Contains(n.Aliases, "MAL") {
		t.Errorf("MAL = %+v", n)
	}
	// S2 in this release is by headquarters (its caption says so).
	if n := x.Node(t, "input:design"); !strings.Contains(n.Description, "Two paragraphs") {
		t.Errorf("multi-line description = %q", n.Description)
	}
	x.Edge(t, "input:photolithography", graph.Requires, "input:advanced-photolithography-equipment", 0)
}

func TestBothReleasesGiveTimeSeries(t *testing.T) {
	ds, warnings := mustLoad(t, nil, "testdata/current", "testdata/v2022")
	x := loadertest.IndexOf(ds)
	for _, w := range warnings {
		if !strings.Contains(w.Message, "duplicate row") {
			t.Errorf("unexpected warning %v", w)
		}
	}
	// The 2022 release's "EUV scanners" (N20) lands on the current release's node.
	n := x.Node(t, "input:euv-lithography-tools")
	if !slices.Contains(n.Aliases, "EUV scanners") || !slices.Equal(n.Sources, []graph.ID{"source:eto-2025", "source:eto-2022"}) {
		t.Errorf("EUV node = %+v", n)
	}
	if _, ok := x.Nodes["input:euv-scanners"]; ok {
		t.Error("the 2022 release made a second EUV node")
	}
	if e := x.Edge(t, "firm:asml", graph.Supplies, "input:arf-immersion-duv-lithography-tools", 2025); e.Share != 97.5 {
		t.Errorf("2025 = %v", e.Share)
	}
	if e := x.Edge(t, "firm:asml", graph.Supplies, "input:arf-immersion-duv-lithography-tools", 2019); e.Share != 88 || e.Sources[0] != "source:eto-2022" {
		t.Errorf("2019 = %+v", e)
	}
	if n := x.Node(t, "country:XVA"); !slices.Contains(n.Aliases, "Various") || n.ETOID != "P5" {
		t.Errorf("Various = %+v", n)
	}
}

// TestCrosswalk seeds the builder as the curated loader would and checks
// that ETO rows land on linked nodes and that look-alikes are reported,
// never merged.
func TestCrosswalk(t *testing.T) {
	seed := func(b *loaders.Builder) {
		at := loaders.Pos{File: "data/firms.csv", Line: 2}
		b.AddNode(graph.Node{ID: "source:curated", Kind: graph.KindSource, Name: "Curated"}, at)
		b.AddNode(graph.Node{ID: "country:NLD", Kind: graph.KindCountry, Name: "Netherlands", ETOID: "P45", Sources: []graph.ID{"source:curated"}}, at)
		b.AddNode(graph.Node{ID: "country:JPN", Kind: graph.KindCountry, Name: "Japan", Sources: []graph.ID{"source:curated"}}, at)
		b.AddNode(graph.Node{ID: "firm:asml-holding", Kind: graph.KindFirm, Name: "ASML Holding N.V.", Aliases: []string{"ASML"}, ETOID: "P88", Sources: []graph.ID{"source:curated"}}, at)
		b.AddEdge(graph.Edge{From: "firm:asml-holding", To: "country:NLD", Kind: graph.HeadquarteredIn, Share: graph.NoShare, Sources: []graph.ID{"source:curated"}}, at)
		b.AddNode(graph.Node{ID: "firm:nikon-corp", Kind: graph.KindFirm, Name: "Nikon Corporation", Sources: []graph.ID{"source:curated"}}, at)
		b.AddNode(graph.Node{ID: "firm:canon", Kind: graph.KindFirm, Name: "Canon Inc.", Sources: []graph.ID{"source:curated"}}, at)
		b.AddNode(graph.Node{ID: "firm:tsmc", Kind: graph.KindFirm, Name: "TSMC", ETOID: "P30", Sources: []graph.ID{"source:curated"}}, at)
		b.AddNode(graph.Node{ID: "country:CHN", Kind: graph.KindCountry, Name: "China", Sources: []graph.ID{"source:curated"}}, at)
		b.AddEdge(graph.Edge{From: "firm:tsmc", To: "country:CHN", Kind: graph.HeadquarteredIn, Share: graph.NoShare, Sources: []graph.ID{"source:curated"}}, at)
		b.AddNode(graph.Node{ID: "input:euv", Kind: graph.KindInput, Name: "EUV lithography", Type: "tool", ETOID: "N20",
			Description: "curated", Sources: []graph.ID{"source:curated"}}, at)
	}
	ds, warnings := mustLoad(t, seed, "testdata/current", "testdata/v2022")
	x := loadertest.IndexOf(ds)

	asml := x.Node(t, "firm:asml-holding")
	if !slices.Equal(asml.Sources, []graph.ID{"source:curated", "source:eto-2025", "source:eto-2022"}) || asml.Name != "ASML Holding N.V." {
		t.Errorf("crosswalked ASML = %+v", asml)
	}
	if _, ok := x.Nodes["firm:asml"]; ok {
		t.Error("ETO made a second ASML node despite the eto_id link")
	}
	hq := x.Edge(t, "firm:asml-holding", graph.HeadquarteredIn, "country:NLD", 0)
	if !slices.Equal(hq.Sources, []graph.ID{"source:curated", "source:eto-2025", "source:eto-2022"}) {
		t.Errorf("HQ sources = %v", hq.Sources)
	}
	euv := x.Node(t, "input:euv")
	if euv.Description != "curated" || len(euv.Sources) != 3 {
		t.Errorf("crosswalked EUV = %+v", euv)
	}
	x.Edge(t, "firm:asml-holding", graph.Supplies, "input:euv", 2025)
	x.Edge(t, "firm:asml-holding", graph.Supplies, "input:euv", 2019)
	x.Edge(t, "country:NLD", graph.Supplies, "input:euv", 2019)

	// The contradicting HQ is reported and not added.
	if x.HasEdge("firm:tsmc", graph.HeadquarteredIn, "country:TWN") {
		t.Error("contradicting HQ added")
	}
	want := []string{
		`testdata/current/providers.csv:10: warning: provider_name: ETO P89 "Nikon" is not linked but its name matches firm:nikon-corp: if they are the same, set eto_id P89 there (not merged)`,
		`testdata/current/providers.csv:11: warning: provider_name: ETO P159 "Canon" would be firm:canon, which already names a node not linked to it: kept apart as firm:canon-eto-p159 (not merged; if they are the same, link them with eto_id)`,
		`testdata/current/providers.csv:14: warning: country: source:eto-2025 says firm:tsmc (ETO P30) is headquartered in TWN, but an earlier source says country:CHN: kept country:CHN`,
	}
	var got []string
	for _, w := range warnings {
		if !strings.Contains(w.Message, "duplicate row") {
			got = append(got, w.String())
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	x.Node(t, "firm:canon-eto-p159")
	if n := x.Node(t, "firm:canon"); len(n.Sources) != 1 {
		t.Errorf("curated Canon was merged: %+v", n)
	}
}

// TestBadInput loads the current fixture with one or more files replaced by
// a corrupted copy from testdata/bad/<case> and compares every problem
// with testdata/bad/<case>/want.txt (-update rewrites it).
func TestBadInput(t *testing.T) {
	cases, err := os.ReadDir("testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name(), func(t *testing.T) {
			dir := t.TempDir()
			for _, src := range []string{"testdata/current", filepath.Join("testdata/bad", c.Name())} {
				files, _ := filepath.Glob(filepath.Join(src, "*.csv"))
				for _, f := range files {
					data, err := os.ReadFile(f)
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			ds, _, err := load(t, nil, dir)
			if err == nil || ds != nil {
				t.Fatalf("corrupted input loaded: %v", ds)
			}
			loadertest.CheckProblems(t, err, filepath.Join("testdata/bad", c.Name(), "want.txt"), *update,
				func(line string) string { return strings.ReplaceAll(line, dir, "DIR") })
		})
	}
}

func TestMissingDirectory(t *testing.T) {
	_, _, err := load(t, nil, "testdata/no-such-dir")
	if err == nil || !strings.Contains(err.Error(), "testdata/no-such-dir: no such directory") {
		t.Errorf("err = %v", err)
	}
}

func TestParseShare(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
		err  bool
	}{
		{"99.3", 99.3, false}, {"91%", 91, false}, {"0.0", 0, false}, {"100%", 100, false}, {"", math.NaN(), false},
		{"100.1", 0, true}, {"-1", 0, true}, {"abc%", 0, true}, {"NaN", 0, true}, {"1e3", 0, true}, {"%", 0, true},
	} {
		got, err := parseShare(c.in)
		if (err != nil) != c.err || !c.err && !(got == c.want || math.IsNaN(got) && math.IsNaN(c.want)) {
			t.Errorf("parseShare(%q) = %v, %v", c.in, got, err)
		}
	}
}

func TestCountryCode(t *testing.T) {
	for _, c := range []struct {
		in, code  string
		aggregate bool
		err       bool
	}{
		{"USA", "USA", false, false}, {"MAL", "MYS", false, false}, {"EUR", "EUR", true, false},
		{"Various countries", "XVA", true, false}, {"Various", "XVA", true, false},
		{"usa", "", false, true}, {"US", "", false, true}, {"XYZ", "", false, true}, {"Japan", "", false, true},
	} {
		code, agg, err := countryCode(c.in)
		if code != c.code || agg != c.aggregate || (err != nil) != c.err {
			t.Errorf("countryCode(%q) = %q, %v, %v", c.in, code, agg, err)
		}
	}
}
