package graph_test

import (
	"slices"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/synth"
)

// BenchmarkNewSnapshot measures building a snapshot of a synthetic graph of
// 10^5 nodes (about 5.5 edges per node) from a dataset already in memory:
// the part of a reload that does not depend on the store.
func BenchmarkNewSnapshot(b *testing.B) {
	ds := synth.Generate(100_000, 1)
	b.ReportAllocs()
	for b.Loop() {
		cp := &graph.Dataset{Nodes: slices.Clone(ds.Nodes), Edges: slices.Clone(ds.Edges)}
		if _, err := graph.NewSnapshot(cp); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFingerprint measures the content hash alone.
func BenchmarkFingerprint(b *testing.B) {
	ds := synth.Generate(100_000, 1)
	ds.Canonicalize()
	b.ReportAllocs()
	for b.Loop() {
		_ = ds.Fingerprint()
	}
}
