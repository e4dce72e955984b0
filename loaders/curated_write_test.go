package loaders

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
)

// readBack loads a directory written by WriteCurated.
func readBack(t *testing.T, dir string) *graph.Dataset {
	t.Helper()
	b := NewBuilder()
	if err := LoadCurated(b, os.DirFS(dir), dir); err != nil {
		t.Fatal(err)
	}
	ds, _, err := b.Finish()
	if err != nil {
		t.Fatalf("reading back %s: %v", dir, err)
	}
	return ds
}

// sameDataset fails the test unless got and want hold the same nodes and
// edges (NaN shares compare equal).
func sameDataset(t *testing.T, got, want *graph.Dataset) {
	t.Helper()
	got.Canonicalize()
	want.Canonicalize()
	if len(got.Nodes) != len(want.Nodes) || len(got.Edges) != len(want.Edges) {
		t.Fatalf("read back %d nodes, %d edges; want %d, %d", len(got.Nodes), len(got.Edges), len(want.Nodes), len(want.Edges))
	}
	for i := range want.Nodes {
		if !reflect.DeepEqual(got.Nodes[i], want.Nodes[i]) {
			t.Errorf("node %d:\n got %#v\nwant %#v", i, got.Nodes[i], want.Nodes[i])
		}
	}
	for i := range want.Edges {
		g, w := got.Edges[i], want.Edges[i]
		if math.IsNaN(g.Share) && math.IsNaN(w.Share) {
			g.Share, w.Share = 0, 0
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("edge %d:\n got %#v\nwant %#v", i, got.Edges[i], want.Edges[i])
		}
	}
	if g, w := got.Fingerprint(), want.Fingerprint(); g != w {
		t.Errorf("fingerprint %s, want %s", g, w)
	}
}

// TestWriteCuratedBundled writes the bundled dataset and reads it back.
func TestWriteCuratedBundled(t *testing.T) {
	want, _, err := Load(context.Background(), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteCurated(dir, want); err != nil {
		t.Fatal(err)
	}
	got := readBack(t, dir)
	sameDataset(t, got, want)

	// Writing what was read back gives the same files.
	dir2 := t.TempDir()
	if err := WriteCurated(dir2, got); err != nil {
		t.Fatal(err)
	}
	for _, name := range CuratedFiles() {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(dir2, name))
		if string(a) != string(b) {
			t.Errorf("%s differs between two writes of the same dataset", name)
		}
	}
}

// edgeOf returns an edge without a share, as loaders make them.
func edgeOf(from graph.ID, kind graph.EdgeKind, to graph.ID, sources ...graph.ID) graph.Edge {
	return graph.Edge{From: from, Kind: kind, To: to, Share: graph.NoShare, Sources: sources}
}

// TestWriteCuratedRoundTrip covers what the bundled data may not: every
// field, edges that belong in relations.csv although the node files have a
// column for their kind, quoting, zero and unknown shares.
func TestWriteCuratedRoundTrip(t *testing.T) {
	s, s2 := graph.ID("source:s"), graph.ID("source:t")
	ds := &graph.Dataset{
		Nodes: []graph.Node{
			{ID: s, Kind: graph.KindSource, Name: `Title, with "quotes"`, Publisher: "P", URL: "https://example.org/a?b=c,d",
				Date: graph.MustDate("2024-02-29"), Licence: "CC BY 4.0", Grade: "primary", Note: "line one\nline two"},
			{ID: s2, Kind: graph.KindSource, Name: "T"},
			{ID: "country:USA", Kind: graph.KindCountry, Name: "United States", Aliases: []string{"US", "USA"}, ETOID: "P1", Sources: []graph.ID{s}},
			{ID: "country:S-01", Kind: graph.KindCountry, Name: "Synthland", Sources: []graph.ID{s, s2}},
			{ID: "firm:a", Kind: graph.KindFirm, Name: "A", Roles: []string{"designer", "foundry"}, ETOID: "P9", Sources: []graph.ID{s}, Note: "n"},
			{ID: "firm:b", Kind: graph.KindFirm, Name: "B", Sources: []graph.ID{s}},
			{ID: "firm:c", Kind: graph.KindFirm, Name: "C", Sources: []graph.ID{s2}},
			{ID: "input:x", Kind: graph.KindInput, Name: "X", Type: "tool", Description: "d, e", Sources: []graph.ID{s}},
			{ID: "input:y", Kind: graph.KindInput, Name: "Y", Type: "process", Sources: []graph.ID{s}},
			{ID: "input:z", Kind: graph.KindInput, Name: "Z", Sources: []graph.ID{s}},
			{ID: "product:p", Kind: graph.KindProduct, Name: "P", Type: "gpu", Announced: graph.MustDate("2020-01-02"),
				Specs: "80 GB", Aliases: []string{"P1"}, Sources: []graph.ID{s}},
			{ID: "product:q", Kind: graph.KindProduct, Name: "Q", Sources: []graph.ID{s}},
			{ID: "fab:f", Kind: graph.KindFab, Name: "F", Location: "Here", Nodes: []string{"N7", "N5"}, CapacityWPM: 1000,
				Status: "operating", Sources: []graph.ID{s}},
			{ID: "event:e", Kind: graph.KindControlEvent, Name: "E", Date: graph.MustDate("2022-10-07"),
				Effective: graph.MustDate("2022-10-21"), Expires: graph.MustDate("2030-01-01"), Issuer: "country:USA",
				Authority: "BIS", EventKind: "rule", Reach: "fdp", CoversAll: true, Citation: "87 FR 62186",
				URL: "https://example.org/e", LicencePolicy: "case-by-case", Conditions: []string{"15% of revenue", "testing, in the US"},
				Sources: []graph.ID{s}},
			{ID: "event:o", Kind: graph.KindControlEvent, Name: "O", Date: graph.MustDate("2025-09-29"), EventKind: "ownership-rule",
				Reach: "hq", CoversAll: true, OwnershipThreshold: 50, Sources: []graph.ID{s}},
			{ID: "event:r", Kind: graph.KindControlEvent, Name: "R", Date: graph.MustDate("2023-01-01"), EventKind: "rescission", Sources: []graph.ID{s}},
			{ID: "observation:o", Kind: graph.KindObservation, Name: "O", Route: "stockpile", Evidence: "teardown",
				Date: graph.MustDate("2025-04-01"), Effective: graph.MustDate("2024-06-01"), Quantity: 2.9e6, Unit: "dies", Sources: []graph.ID{s}},
		},
		Edges: []graph.Edge{
			edgeOf("firm:a", graph.HeadquarteredIn, "country:USA", s),
			edgeOf("firm:b", graph.HeadquarteredIn, "country:S-01", s),
			edgeOf("firm:b", graph.SubsidiaryOf, "firm:a", s),
			edgeOf("firm:c", graph.SubsidiaryOf, "firm:a", s), // other sources than firm:c's: relations.csv
			func() graph.Edge { e := edgeOf("firm:c", graph.SubsidiaryOf, "firm:b", s2); e.Share = 49.5; return e }(),
			edgeOf("event:r", graph.Suspends, "event:o", s),
			edgeOf("observation:o", graph.Observes, "product:p", s),
			edgeOf("observation:o", graph.ReceivedBy, "firm:b", s),
			edgeOf("observation:o", graph.SuppliedBy, "firm:a", s),
			edgeOf("observation:o", graph.SuppliedBy, "fab:f", s),
			edgeOf("observation:o", graph.Despite, "event:e", s),
			func() graph.Edge {
				e := edgeOf("observation:o", graph.FollowedBy, "event:r", s)
				e.Note = "listed after"
				return e
			}(),
			edgeOf("firm:a", graph.Makes, "product:p", s),
			edgeOf("firm:b", graph.Makes, "product:p", s), // a second maker: relations.csv
			edgeOf("firm:a", graph.Makes, "input:y", s),
			edgeOf("product:p", graph.InstanceOf, "input:x", s),
			edgeOf("product:p", graph.InstanceOf, "input:z", s),
			edgeOf("input:y", graph.TypeOf, "input:z", s),
			edgeOf("input:x", graph.TypeOf, "input:z", s2),
			edgeOf("fab:f", graph.OperatedBy, "firm:a", s),
			edgeOf("fab:f", graph.LocatedIn, "country:S-01", s),
			func() graph.Edge {
				e := edgeOf("product:q", graph.Requires, "input:x", s)
				e.Group, e.ValidFrom, e.ValidTo, e.Note = "litho", graph.MustDate("2019-01-01"), graph.MustDate("2021-01-01"), "alt"
				return e
			}(),
			func() graph.Edge { e := edgeOf("product:q", graph.Requires, "input:y", s); e.Group = "litho"; return e }(),
			func() graph.Edge {
				e := edgeOf("firm:a", graph.Supplies, "input:x", s, s2)
				e.Share, e.Year, e.Basis = 33.333333333333336, 2019, "firm-hq"
				return e
			}(),
			func() graph.Edge {
				e := edgeOf("firm:a", graph.Supplies, "input:x", s)
				e.Share, e.Year, e.Basis = 0, 2025, "firm-hq"
				return e
			}(),
			func() graph.Edge {
				e := edgeOf("country:USA", graph.Supplies, "input:x", s)
				e.Year, e.Basis, e.ValidFrom = 2025, "country-hq", graph.MustDate("2025-01-01")
				return e
			}(),
			func() graph.Edge {
				e := edgeOf("product:p", graph.FabricatedAt, "fab:f", s)
				e.Node, e.ValidTo, e.Note = "N7", graph.MustDate("2020-09-15"), `says "so"`
				return e
			}(),
			edgeOf("fab:f", graph.EquippedWith, "input:x", s),
			edgeOf("event:e", graph.Covers, "input:x", s),
			edgeOf("event:e", graph.Targets, "firm:b", s),
			edgeOf("event:e", graph.Exempts, "country:S-01", s),
			edgeOf("event:r", graph.Rescinds, "event:e", s),
			edgeOf("event:r", graph.Amends, "event:e", s2),
		},
	}
	want := &graph.Dataset{Nodes: append([]graph.Node(nil), ds.Nodes...), Edges: append([]graph.Edge(nil), ds.Edges...)}
	dir := t.TempDir()
	if err := WriteCurated(dir, ds); err != nil {
		t.Fatal(err)
	}
	sameDataset(t, readBack(t, dir), want)

	rel, _ := os.ReadFile(filepath.Join(dir, "relations.csv"))
	for _, line := range []string{
		"firm:c,SUBSIDIARY_OF,firm:a,,,,,source:s,",
		"firm:c,SUBSIDIARY_OF,firm:b,,49.5,,,source:t,",
		"firm:b,MAKES,product:p,,,,,source:s,",
		"input:x,TYPE_OF,input:z,,,,,source:t,",
	} {
		if !strings.Contains(string(rel), line+"\n") {
			t.Errorf("relations.csv lacks %q:\n%s", line, rel)
		}
	}
}

// TestWriteCuratedInexpressible checks that what the format cannot hold is
// refused, every problem at once, and nothing is written.
func TestWriteCuratedInexpressible(t *testing.T) {
	s := graph.ID("source:s")
	ds := &graph.Dataset{
		Nodes: []graph.Node{
			{ID: s, Kind: graph.KindSource, Name: "S", Sources: []graph.ID{s}},
			{ID: "country:USA", Kind: graph.KindCountry, Name: "US", Sources: []graph.ID{s}},
			{ID: "firm:a", Kind: graph.KindFirm, Name: " A", Type: "tool", Aliases: []string{"x;y"}, Sources: []graph.ID{s}},
			{ID: "input:x", Kind: graph.KindInput, Name: "X", Sources: []graph.ID{s}},
		},
		Edges: []graph.Edge{
			func() graph.Edge {
				e := edgeOf("firm:a", graph.HeadquarteredIn, "country:USA", s)
				e.ValidFrom = graph.MustDate("2020-01-01")
				return e
			}(),
			func() graph.Edge { e := edgeOf("firm:a", graph.Supplies, "input:x", s); e.Year = 2020; return e }(),
			func() graph.Edge { e := edgeOf("firm:a", graph.Covers, "input:x", s); e.Share = 5; return e }(),
		},
	}
	dir := filepath.Join(t.TempDir(), "out")
	err := WriteCurated(dir, ds)
	if err == nil {
		t.Fatal("WriteCurated succeeded, want an error")
	}
	for _, want := range []string{
		"source:s: fields that sources.csv has no column for: Sources",
		`firm:a: name " A" has leading or trailing white space`,
		`firm:a: aliases item "x;y" contains ';'`,
		"firm:a: fields that firms.csv has no column for: Type",
		"firm:a HEADQUARTERED_IN country:USA: a HEADQUARTERED_IN edge is written in the country column",
		"firm:a SUPPLIES input:x in 2020: a SUPPLIES edge needs a basis",
		"firm:a COVERS input:x: only SUPPLIES and SUBSIDIARY_OF edges carry a share",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, statErr := os.Stat(dir); !os.IsNotExist(statErr) {
		t.Errorf("%s was created although the dataset was refused", dir)
	}
}
