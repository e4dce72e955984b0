// Package loadertest holds what the tests of the source loaders
// (loaders/eto, loaders/csl) share.
package loadertest

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/loaders"
)

// CheckProblems compares the problems of a load that failed with err (its
// warnings left out), one per line, each passed through rewrite (nil: as
// they are), with the golden file. With update it writes the golden file
// first.
func CheckProblems(t testing.TB, err error, golden string, update bool, rewrite func(string) string) {
	t.Helper()
	var problems loaders.Problems
	if !errors.As(err, &problems) {
		t.Fatalf("error %v is not a list of problems", err)
	}
	var lines []string
	for _, p := range problems {
		if p.Warning {
			continue
		}
		line := p.String()
		if rewrite != nil {
			line = rewrite(line)
		}
		lines = append(lines, line)
	}
	got := strings.Join(lines, "\n") + "\n"
	if update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("problems:\n%s\nwant:\n%s", got, want)
	}
}

// Index gives a test access to a dataset's nodes by ID and to its edges.
type Index struct {
	Nodes map[graph.ID]graph.Node
	Edges []graph.Edge
}

// IndexOf indexes ds.
func IndexOf(ds *graph.Dataset) Index {
	x := Index{Nodes: make(map[graph.ID]graph.Node, len(ds.Nodes)), Edges: ds.Edges}
	for _, n := range ds.Nodes {
		x.Nodes[n.ID] = n
	}
	return x
}

// Node returns node id, failing the test if there is none.
func (x Index) Node(t testing.TB, id graph.ID) graph.Node {
	t.Helper()
	n, ok := x.Nodes[id]
	if !ok {
		t.Fatalf("no node %s", id)
	}
	return n
}

// Edge returns the edge from -kind-> to (of the given year for SUPPLIES),
// failing the test if there is none.
func (x Index) Edge(t testing.TB, from graph.ID, kind graph.EdgeKind, to graph.ID, year int) graph.Edge {
	t.Helper()
	for _, e := range x.Edges {
		if e.From == from && e.Kind == kind && e.To == to && e.Year == year {
			return e
		}
	}
	t.Fatalf("no edge %s -%s-> %s (year %d)", from, kind, to, year)
	return graph.Edge{}
}

// HasEdge reports whether an edge from -kind-> to exists (any year).
func (x Index) HasEdge(from graph.ID, kind graph.EdgeKind, to graph.ID) bool {
	for _, e := range x.Edges {
		if e.From == from && e.Kind == kind && e.To == to {
			return true
		}
	}
	return false
}

// Targets returns the nodes an event TARGETS, in edge order.
func (x Index) Targets(event graph.ID) []graph.ID {
	var out []graph.ID
	for _, e := range x.Edges {
		if e.From == event && e.Kind == graph.Targets {
			out = append(out, e.To)
		}
	}
	return out
}

// ByETO returns the node carrying an ETO provider ID, failing the test if
// there is none.
func (x Index) ByETO(t testing.TB, etoID string) graph.ID {
	t.Helper()
	for id, n := range x.Nodes {
		if n.ETOID == etoID {
			return id
		}
	}
	t.Fatalf("no node for ETO ID %s", etoID)
	return ""
}

// AcceptedFormsSnapshot is the fuzz targets' invariant: whatever a load
// accepts (b.Finish returns a dataset) forms a snapshot — unique IDs, every
// edge's ends present. A rejected load passes.
func AcceptedFormsSnapshot(t *testing.T, b *loaders.Builder) {
	t.Helper()
	ds, _, err := b.Finish()
	if err != nil || ds == nil {
		return
	}
	if _, err := graph.NewSnapshot(ds); err != nil {
		t.Errorf("an accepted load does not form a snapshot: %v", err)
	}
}
