package eto

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
	"github.com/chipgraph/chipgraph/loaders"
	"github.com/chipgraph/chipgraph/loaders/loadertest"
)

// etoDir returns the shared copy of the ETO dataset (current release;
// v2022/ below it), which the repository never holds (CC BY-NC). Tests
// skip without it, unless CHIPGRAPH_REQUIRE_ETO=1 (CI) makes that a failure.
// CHIPGRAPH_ETO_DIR overrides where it is looked for (default: the
// workspace's shared/datasets/eto beside the repository).
func etoDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("CHIPGRAPH_ETO_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "datasets", "eto")
	}
	for _, f := range []string{filepath.Join(dir, "provision.csv"), filepath.Join(dir, "v2022", "provision.csv")} {
		if _, err := os.Stat(f); err != nil {
			msg := "ETO dataset not found at " + dir + " (get it from github.com/georgetown-cset/eto-chip-explorer, data/): " + err.Error()
			if os.Getenv("CHIPGRAPH_REQUIRE_ETO") == "1" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	return dir
}

func TestRealReleases(t *testing.T) {
	dir := etoDir(t)
	current, v2022 := dir, filepath.Join(dir, "v2022")

	b := loaders.NewBuilder()
	for _, d := range []string{current, v2022} {
		start := time.Now()
		if err := Load(context.Background(), b, loaders.Spec{Kind: "eto", Path: d}); err != nil {
			t.Fatal(err)
		}
		t.Logf("loaded %s in %v", d, time.Since(start))
	}
	ds, warnings, err := b.Finish()
	if err != nil {
		t.Fatalf("the real ETO data does not load:\n%v", err)
	}
	for _, w := range warnings {
		t.Logf("%v", w)
	}
	nodes, edges := ds.Counts()
	t.Logf("both releases: nodes %v, edges %v, %d warnings", nodes, edges, len(warnings))

	x := loadertest.IndexOf(ds)
	euv, arfi := x.ByETO(t, "N20"), x.ByETO(t, "N22")
	asml, nld := x.ByETO(t, "P88"), x.ByETO(t, "P45")
	if euv != "input:euv-lithography-tools" || asml != "firm:asml" || nld != "country:NLD" {
		t.Errorf("IDs: N20 %s, P88 %s, P45 %s", euv, asml, nld)
	}
	// Figures a reader can check in provision.csv (current, 2025) and
	// v2022/provision.csv (2019).
	for _, c := range []struct {
		from, to graph.ID
		year     int
		share    float64
		basis    string
	}{
		{asml, euv, 2025, 100, "firm-hq"},
		{nld, euv, 2025, 100, "country-hq"},
		{nld, euv, 2019, 100, "country-hq"},
		{asml, euv, 2019, 100, "firm-hq"},
		{asml, arfi, 2025, 99.3, "firm-hq"},
		{nld, arfi, 2025, 99.3, "country-hq"},
		{nld, arfi, 2019, 91, "country-hq"},
		{asml, arfi, 2019, 91, "firm-hq"},
		{x.ByETO(t, "P7"), arfi, 2019, 9, "country-hq"},
		{x.ByETO(t, "P1"), x.ByETO(t, "N84"), 2019, 96, "country-hq"}, // EDA, in both releases
	} {
		e := x.Edge(t, c.from, graph.Supplies, c.to, c.year)
		if e.Share != c.share || e.Basis != c.basis {
			t.Errorf("%s -> %s in %d: share %v basis %q, want %v %q", c.from, c.to, c.year, e.Share, e.Basis, c.share, c.basis)
		}
	}
	// The EDA 2019 row is in both releases: one edge, both sources.
	eda := x.Edge(t, x.ByETO(t, "P1"), graph.Supplies, x.ByETO(t, "N84"), 2019)
	if !slices.Contains(eda.Sources, "source:eto-2025") || !slices.Contains(eda.Sources, "source:eto-2022") {
		t.Errorf("EDA 2019 sources = %v", eda.Sources)
	}
	// The 2022 release's name for N20 is an alias of the same node.
	if n := x.Node(t, euv); !slices.Contains(n.Aliases, "EUV scanners") || len(n.Sources) != 2 {
		t.Errorf("EUV node = %+v", n)
	}
	// Fabrication (S2): by site in the current release, by HQ in 2022.
	fab := x.ByETO(t, "S2")
	if e := x.Edge(t, x.ByETO(t, "P2"), graph.Supplies, fab, 2022); e.Basis != "capacity" || e.Share != 24 {
		t.Errorf("CHN fabrication 2022 = %+v", e)
	}
	if e := x.Edge(t, x.ByETO(t, "P8"), graph.Supplies, fab, 2019); e.Basis != "country-hq" {
		t.Errorf("TWN fabrication 2019 = %+v", e)
	}

	// Aggregate providers are never a single supplier: every one of their
	// SUPPLIES edges is marked, including the current release's 100% rows
	// for ion milling (N52) where "Various countries" is the only country.
	for _, agg := range []string{"P5", "P312", "P370"} {
		id := x.ByETO(t, agg)
		n := 0
		for _, e := range ds.Edges {
			if e.From == id && e.Kind == graph.Supplies {
				n++
				if !e.Aggregate() {
					t.Errorf("%s (%s) supplies %s with basis %q", id, agg, e.To, e.Basis)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s (%s) supplies nothing", id, agg)
		}
	}
	if e := x.Edge(t, "country:XVA", graph.Supplies, x.ByETO(t, "N52"), 2025); e.Share != 100 || !e.Aggregate() {
		t.Errorf("ion milling = %+v", e)
	}
	// Top supplier per input and year, as a chokepoint report must compute
	// it, is never an aggregate.
	type key struct {
		item  graph.ID
		level graph.NodeKind
		year  int
	}
	top := map[key]graph.Edge{}
	for _, e := range ds.Edges {
		if e.Kind != graph.Supplies || !e.HasShare() || e.Aggregate() {
			continue
		}
		k := key{e.To, e.From.Kind(), e.Year}
		if old, ok := top[k]; !ok || e.Share > old.Share {
			top[k] = e
		}
	}
	for _, e := range top {
		if n := x.Nodes[e.From]; strings.HasPrefix(strings.ToLower(n.Name), "various") || e.From == "country:EUR" {
			t.Errorf("aggregate %s is a top supplier of %s", e.From, e.To)
		}
	}
}

// TestRealReleaseCounts logs what each release adds on its own.
func TestRealReleaseCounts(t *testing.T) {
	dir := etoDir(t)
	for _, d := range []string{dir, filepath.Join(dir, "v2022")} {
		start := time.Now()
		ds, warnings := mustLoad(t, nil, d)
		nodes, edges := ds.Counts()
		t.Logf("%s: %v; nodes %v; edges %v; %d warnings", d, time.Since(start), nodes, edges, len(warnings))
	}
}

func BenchmarkLoadCurrent(b *testing.B) { benchLoad(b, "") }
func BenchmarkLoad2022(b *testing.B)    { benchLoad(b, "v2022") }

func benchLoad(b *testing.B, sub string) {
	dir := filepath.Join(etoDir(b), sub)
	for b.Loop() {
		bl := loaders.NewBuilder()
		if err := Load(context.Background(), bl, loaders.Spec{Kind: "eto", Path: dir}); err != nil {
			b.Fatal(err)
		}
		if _, _, err := bl.Finish(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRealChokepoints reads the figures back through the chokepoint
// analysis, at a date in 2020 (the 2022 release's 2019 shares count) and
// one in 2025 (the current release's), and checks that no aggregate
// provider is ever reported as the top supplier or country.
func TestRealChokepoints(t *testing.T) {
	dir := etoDir(t)
	ds, _ := mustLoad(t, nil, dir, filepath.Join(dir, "v2022"))
	x := loadertest.IndexOf(ds)
	euv, arfi := x.ByETO(t, "N20"), x.ByETO(t, "N22")
	aggregate := map[graph.ID]bool{x.ByETO(t, "P5"): true, x.ByETO(t, "P312"): true, x.ByETO(t, "P370"): true}
	engine := analysis.NewEngine(graph.MustSnapshot(ds))

	for _, c := range []struct {
		asOf               string
		euvFirm, arfiFirm  float64
		euvCountry, arfiNL float64
	}{
		{"2020-06-30", 100, 91, 100, 91},
		{"2025-12-31", 100, 99.3, 100, 99.3},
	} {
		t.Run(c.asOf, func(t *testing.T) {
			all, err := engine.Chokepoints(context.Background(), "", graph.MustDate(c.asOf), 0)
			if err != nil {
				t.Fatal(err)
			}
			byInput := map[graph.ID]analysis.Chokepoint{}
			for _, cp := range all {
				byInput[cp.Input] = cp
				if aggregate[cp.TopSupplier] || aggregate[cp.TopCountry] {
					t.Errorf("%s: aggregate provider reported as top supplier (%s) or country (%s)", cp.Input, cp.TopSupplier, cp.TopCountry)
				}
			}
			for _, w := range []struct {
				input       graph.ID
				firm, cntry float64
			}{{euv, c.euvFirm, c.euvCountry}, {arfi, c.arfiFirm, c.arfiNL}} {
				cp, ok := byInput[w.input]
				switch {
				case !ok:
					t.Errorf("no chokepoint row for %s", w.input)
				case cp.TopSupplier != "firm:asml" || cp.TopShare == nil || *cp.TopShare != w.firm:
					t.Errorf("%s top supplier %s %v, want firm:asml %v", w.input, cp.TopSupplier, deref(cp.TopShare), w.firm)
				case cp.TopCountry != "country:NLD" || cp.TopCountryShare == nil || *cp.TopCountryShare != w.cntry:
					t.Errorf("%s top country %s %v, want country:NLD %v", w.input, cp.TopCountry, deref(cp.TopCountryShare), w.cntry)
				}
			}
			if c.asOf == "2025-12-31" {
				// Ion milling tools: the only country row is "Various
				// countries" at 100%; firm rows name Various companies.
				cp := byInput[x.ByETO(t, "N52")]
				if cp.TopCountry != "" && aggregate[cp.TopCountry] || !cp.LowerBound {
					t.Errorf("ion milling = %+v", cp)
				}
			}
		})
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
