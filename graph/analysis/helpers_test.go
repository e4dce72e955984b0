package analysis_test

import (
	"testing"

	"github.com/chipgraph/chipgraph/graph"
)

// ds builds a graph.Dataset in a few lines: nodes are created on first
// mention with the kind their ID prefix names; edges carry a test source.
type ds struct {
	d    graph.Dataset
	seen map[graph.ID]int
}

func newDS() *ds { return &ds{seen: map[graph.ID]int{}} }

var testSource = []graph.ID{"source:test"}

// node adds (or returns) the node with this ID.
func (b *ds) node(id string) *graph.Node {
	i, ok := b.seen[graph.ID(id)]
	if !ok {
		i = len(b.d.Nodes)
		b.seen[graph.ID(id)] = i
		b.d.Nodes = append(b.d.Nodes, graph.Node{ID: graph.ID(id), Kind: graph.ID(id).Kind(), Name: graph.ID(id).Slug(),
			Sources: testSource})
	}
	return &b.d.Nodes[i]
}

// edge options
type opt func(*graph.Edge)

func group(g string) opt { return func(e *graph.Edge) { e.Group = g } }
func valid(from, to string) opt {
	return func(e *graph.Edge) { e.ValidFrom, e.ValidTo = date(from), date(to) }
}

func date(s string) graph.Date { return graph.MustDate(s) }

func (b *ds) edge(from string, kind graph.EdgeKind, to string, opts ...opt) *ds {
	b.node(from)
	b.node(to)
	e := graph.Edge{From: graph.ID(from), To: graph.ID(to), Kind: kind, Share: graph.NoShare, Sources: testSource}
	for _, o := range opts {
		o(&e)
	}
	b.d.Edges = append(b.d.Edges, e)
	return b
}

// firm adds a firm headquartered in country, optionally with a parent.
func (b *ds) firm(id, country string, parent ...string) *ds {
	b.edge(id, graph.HeadquarteredIn, country)
	for _, p := range parent {
		b.edge(id, graph.SubsidiaryOf, p)
	}
	return b
}

func (b *ds) input(id, typ string) *ds {
	b.node(id).Type = typ
	return b
}

func (b *ds) requires(item, req string, opts ...opt) *ds {
	return b.edge(item, graph.Requires, req, opts...)
}

// supplies adds a SUPPLIES row; share < 0 means unknown.
func (b *ds) supplies(sup, item string, share float64, year int, basis string, opts ...opt) *ds {
	b.edge(sup, graph.Supplies, item, opts...)
	e := &b.d.Edges[len(b.d.Edges)-1]
	e.Year, e.Basis = year, basis
	if share >= 0 {
		e.Share = share
	}
	return b
}

// fab adds a fab operated by op and located in country.
func (b *ds) fab(id, op, country string) *ds {
	return b.edge(id, graph.OperatedBy, op).edge(id, graph.LocatedIn, country)
}

// event adds a control event effective on eff (YYYY-MM-DD) with a reach.
func (b *ds) event(id, issuer, eff, reach string) *graph.Node {
	b.node(issuer) // before taking a pointer: adding a node may move the slice
	n := b.node(id)
	n.Date, n.Issuer, n.Reach, n.EventKind = date(eff), graph.ID(issuer), reach, "rule"
	return n
}

func (b *ds) snap(t testing.TB) *graph.Snapshot {
	t.Helper()
	b.node("source:test")
	s, err := graph.NewSnapshot(&b.d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ids(xs ...string) []graph.ID {
	out := make([]graph.ID, len(xs))
	for i, x := range xs {
		out[i] = graph.ID(x)
	}
	return out
}
