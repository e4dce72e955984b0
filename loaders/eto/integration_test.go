package eto

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/loaders"
	"github.com/chipgraph/chipgraph/loaders/csl"
)

// options wires the ETO and CSL loaders as cmd/chipgraph does.
var options = loaders.Options{Loaders: map[string]loaders.SourceLoader{"eto": Load, "csl": csl.Load}}

func mustSpecs(t *testing.T, specs ...string) []loaders.Spec {
	t.Helper()
	var out []loaders.Spec
	for _, s := range specs {
		spec, err := loaders.ParseSpec(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, spec)
	}
	return out
}

// TestLoadWithCurated loads curated + both ETO releases + the CSL through
// loaders.Load, listing ETO before curated to show that the order of the
// specs does not matter: one node per real firm and input, with both sources.
func TestLoadWithCurated(t *testing.T) {
	specs := mustSpecs(t, "eto:testdata/current", "eto:testdata/v2022", "csl:../csl/testdata/consolidated.csv", "curated:testdata/curated")
	ds, rep, err := loaders.Load(context.Background(), specs, options)
	if err != nil {
		t.Fatalf("%v\n%v", err, rep.Problems)
	}
	nodes := map[graph.ID]graph.Node{}
	for _, n := range ds.Nodes {
		nodes[n.ID] = n
	}
	for _, c := range []struct {
		id      graph.ID
		sources []graph.ID
	}{
		{"firm:asml", []graph.ID{"source:fixture", "source:eto-2025", "source:eto-2022"}},
		{"firm:tsmc", []graph.ID{"source:fixture", "source:eto-2025"}},
		{"firm:smic", []graph.ID{"source:fixture", "source:eto-2025"}},
		{"input:euv-lithography-tools", []graph.ID{"source:fixture", "source:eto-2025", "source:eto-2022"}},
		{"country:NLD", []graph.ID{"source:fixture", "source:eto-2025", "source:eto-2022"}},
	} {
		if n := nodes[c.id]; !slices.Equal(n.Sources, c.sources) {
			t.Errorf("%s sources = %v, want %v", c.id, n.Sources, c.sources)
		}
	}
	for _, n := range ds.Nodes {
		if n.Kind == graph.KindFirm && strings.Contains(strings.ToLower(n.Name), "asml") && n.ID != "firm:asml" {
			t.Errorf("second ASML node %s", n.ID)
		}
		if n.Kind == graph.KindInput && n.ETOID == "N20" && n.ID != "input:euv-lithography-tools" {
			t.Errorf("second EUV node %s", n.ID)
		}
	}
	// The unlinked look-alike is a warning, not a merge.
	if !slices.ContainsFunc(rep.Warnings, func(p loaders.Problem) bool {
		return strings.Contains(p.Message, `ETO P89 "Nikon" is not linked but its name matches firm:nikon-corporation`)
	}) {
		t.Errorf("no look-alike warning in %v", rep.Warnings)
	}
	// The screening list links to the curated firms.
	targets := func(event graph.ID) []graph.ID {
		var out []graph.ID
		for _, e := range ds.Edges {
			if e.From == event && e.Kind == graph.Targets {
				out = append(out, e.To)
			}
		}
		return out
	}
	if got := targets("event:us-bis-2020-12-18-el-semiconductor-manufacturing-international"); !slices.Equal(got, []graph.ID{"firm:smic"}) {
		t.Errorf("SMIC listing targets %v", got)
	}
	if got := targets("event:us-bis-2019-05-16-el-huawei-technologies-co-ltd"); !slices.Equal(got, []graph.ID{"firm:huawei"}) {
		t.Errorf("Huawei listing targets %v", got)
	}
	// SMEE is an ETO firm (P91, 2022 release) whose name is the listed
	// name's parenthesised acronym.
	if got := targets("event:us-bis-2022-12-16-el-shanghai-micro-electronics-equipment-group-co-ltd"); !slices.Equal(got, []graph.ID{"firm:smee"}) {
		t.Errorf("SMEE listing targets %v", got)
	}
	t.Logf("nodes %v, edges %v, %d warnings, %v", rep.Nodes, rep.Edges, len(rep.Warnings), rep.Duration)
}

// TestLoadRejectsCorruptETO checks that a bad ETO release fails the whole
// load, curated data included, with its problems in the report.
func TestLoadRejectsCorruptETO(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"inputs.csv", "stages.csv", "providers.csv", "sequence.csv"} {
		copyFile(t, filepath.Join("testdata/current", f), filepath.Join(dir, f))
	}
	copyFile(t, "testdata/bad/values/provision.csv", filepath.Join(dir, "provision.csv"))
	ds, rep, err := loaders.Load(context.Background(), mustSpecs(t, "curated:testdata/curated", "eto:"+dir), options)
	if ds != nil || graph.KindOf(err) != graph.Invalid {
		t.Fatalf("ds = %v, err = %v", ds != nil, err)
	}
	var ps loaders.Problems
	if !errors.As(err, &ps) || len(ps) == 0 || len(rep.Problems) != len(ps) {
		t.Fatalf("problems = %v / %v", ps, rep.Problems)
	}
	if !strings.Contains(ps.Error(), "provision.csv:2: share_provided: impossible share \"120.0\"") {
		t.Errorf("problems:\n%v", ps)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRealWithBundledCurated loads the bundled curated dataset with both
// real ETO releases: ASML, TSMC, SMIC and EUV lithography tools must each be
// one node, the curated one, citing its curated sources and both releases.
func TestRealWithBundledCurated(t *testing.T) {
	dir := etoDir(t)
	alone, _, err := loaders.Load(context.Background(), []loaders.Spec{loaders.Bundled}, options)
	if err != nil {
		t.Fatalf("bundled curated data: %v", err)
	}
	specs := []loaders.Spec{loaders.Bundled, {Kind: "eto", Path: dir}, {Kind: "eto", Path: filepath.Join(dir, "v2022")}}
	ds, rep, err := loaders.Load(context.Background(), specs, options)
	if err != nil {
		t.Fatalf("%v\n%v", err, rep.Problems)
	}
	t.Logf("curated + ETO: nodes %v, edges %v, %d warnings, %v", rep.Nodes, rep.Edges, len(rep.Warnings), rep.Duration)
	for _, w := range rep.Warnings {
		t.Logf("%v", w)
	}
	match := func(n graph.Node, name string) bool {
		return graph.NormalizeName(n.Name) == graph.NormalizeName(name) ||
			slices.ContainsFunc(n.Aliases, func(a string) bool { return graph.NormalizeName(a) == graph.NormalizeName(name) })
	}
	var missing []string
	for _, c := range []struct {
		name  string
		kind  graph.NodeKind
		etoID string
	}{{"ASML", graph.KindFirm, "P88"}, {"TSMC", graph.KindFirm, "P34"}, {"SMIC", graph.KindFirm, "P37"}, {"EUV lithography tools", graph.KindInput, "N20"}} {
		var cur []graph.Node
		for _, n := range alone.Nodes {
			if n.Kind == c.kind && match(n, c.name) {
				cur = append(cur, n)
			}
		}
		if len(cur) == 0 {
			missing = append(missing, c.name)
			continue
		}
		if len(cur) != 1 || cur[0].ETOID != c.etoID {
			t.Errorf("curated %s: %v, want one node with eto_id %s", c.name, ids(cur), c.etoID)
			continue
		}
		var all []graph.Node
		for _, n := range ds.Nodes {
			if n.Kind == c.kind && (match(n, c.name) || n.ETOID == c.etoID) {
				all = append(all, n)
			}
		}
		if len(all) != 1 || all[0].ID != cur[0].ID {
			t.Errorf("%s: nodes %v after loading ETO, want only %s", c.name, ids(all), cur[0].ID)
			continue
		}
		want := slices.Clone(cur[0].Sources)
		for _, s := range []graph.ID{"source:eto-2025", "source:eto-2022"} {
			if !slices.Contains(want, s) {
				want = append(want, s)
			}
		}
		for _, s := range want {
			if !slices.Contains(all[0].Sources, s) {
				t.Errorf("%s sources %v lack %s", all[0].ID, all[0].Sources, s)
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("the bundled curated data has no %s", strings.Join(missing, ", "))
	}
}

func ids(ns []graph.Node) []graph.ID {
	out := make([]graph.ID, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}
