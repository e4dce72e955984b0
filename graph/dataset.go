package graph

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
)

// Dataset is a complete, validated set of nodes and edges: what loaders
// produce and what a Writer stores. Loaders guarantee that IDs are unique and
// every edge endpoint exists.
type Dataset struct {
	Nodes []Node
	Edges []Edge
}

// Counts returns the number of nodes per label and edges per type.
func (d *Dataset) Counts() (nodes, edges map[string]int) {
	nodes, edges = map[string]int{}, map[string]int{}
	for i := range d.Nodes {
		nodes[d.Nodes[i].Kind.Label()]++
	}
	for i := range d.Edges {
		edges[string(d.Edges[i].Kind)]++
	}
	return nodes, edges
}

// Canonicalize sorts nodes by ID and edges by (from, kind, to, year) and
// normalises empty slices to nil, so that equal content compares equal
// whichever store it came back from.
func (d *Dataset) Canonicalize() {
	for i := range d.Nodes {
		n := &d.Nodes[i]
		n.Aliases = nilIfEmpty(n.Aliases)
		n.Sources = nilIfEmpty(n.Sources)
		n.Roles = nilIfEmpty(n.Roles)
		n.Nodes = nilIfEmpty(n.Nodes)
	}
	for i := range d.Edges {
		d.Edges[i].Sources = nilIfEmpty(d.Edges[i].Sources)
	}
	slices.SortFunc(d.Nodes, func(a, b Node) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(d.Edges, compareEdges)
}

func compareEdges(a, b Edge) int {
	return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.To, b.To),
		cmp.Compare(a.Year, b.Year))
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// Fingerprint returns a short content hash of a canonicalized dataset: the
// "dataset version" stamped on reports, equal for equal content in any store.
func (d *Dataset) Fingerprint() string {
	h := sha256.New()
	for i := range d.Nodes {
		fmt.Fprintf(h, "%#v\n", d.Nodes[i])
	}
	for i := range d.Edges {
		fmt.Fprintf(h, "%#v\n", d.Edges[i])
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}
