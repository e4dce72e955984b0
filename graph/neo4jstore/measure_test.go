package neo4jstore_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/neo4jstore/neo4jtest"
	"github.com/chipgraph/chipgraph/graph/storetest"
	"github.com/chipgraph/chipgraph/synth"
)

// BenchmarkLoad measures load and snapshot rates on a synthetic graph
// (synth/) in the Neo4j at NEO4J_URI, which it wipes. It takes
// minutes:
//
//	NEO4J_URI=bolt://127.0.0.1:7687 go test -run '^$' -bench BenchmarkLoad \
//	  -benchtime 1x -v -timeout 60m ./graph/neo4jstore
//
// CHIPGRAPH_MEASURE_NODES (default 100000) sets the graph size and
// CHIPGRAPH_MEASURE_BATCHES (default 500,1000,5000,10000) the batch sizes.
// For each batch size it loads the graph into an empty database (every row
// created), loads it again (every row unchanged), loads a changed version
// (edits, removals), and builds a snapshot; it logs nodes/s and
// relationships/s for each phase. A smaller load runs first to warm the
// server up. It reports the create phase's rates at the last batch size
// (nodes/s, rels/s).
func BenchmarkLoad(b *testing.B) {
	n := synth.Medium
	if v, err := strconv.Atoi(os.Getenv("CHIPGRAPH_MEASURE_NODES")); err == nil {
		n = v
	}
	batches := []int{500, 1000, 5000, 10000}
	if v := os.Getenv("CHIPGRAPH_MEASURE_BATCHES"); v != "" {
		batches = nil
		for _, f := range strings.Split(v, ",") {
			size, err := strconv.Atoi(f)
			if err != nil {
				b.Fatal(err)
			}
			batches = append(batches, size)
		}
	}
	base := storetest.UniqueEdges(synth.Generate(n, 1))
	changed := perturb(storetest.UniqueEdges(synth.Generate(n, 1)))
	b.Logf("graph: %d nodes, %d edges (changed version: %d nodes, %d edges)",
		len(base.Nodes), len(base.Edges), len(changed.Nodes), len(changed.Edges))
	// Warm the server up (JIT, page cache) so that the first batch size
	// measured is not penalised.
	warm := neo4jtest.Open(b)
	if _, err := warm.Write(context.Background(), storetest.UniqueEdges(synth.Generate(n/5, 2)), graph.WriteOptions{}); err != nil {
		b.Fatal(err)
	}
	var created measurement
	for b.Loop() {
		for _, batch := range batches {
			s := neo4jtest.Open(b) // wiped
			for _, run := range []struct {
				name string
				ds   *graph.Dataset
			}{{"create", base}, {"reload", base}, {"change", changed}} {
				m := measure(b, s, run.ds, batch)
				if run.name == "create" {
					created = m
				}
				b.Logf("batch %5d %-6s: nodes %6.0f/s (%5.1fs)  rels %6.0f/s (%5.1fs)  commit+cleanup %4.1fs  total %5.1fs",
					batch, run.name, m.nodeRate, m.nodes.Seconds(), m.edgeRate, m.edges.Seconds(),
					m.cleanup.Seconds(), m.total.Seconds())
			}
			start := time.Now()
			snap, err := s.Snapshot(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("batch %5d snapshot: %d nodes, %d edges in %.2fs", batch, snap.NumNodes(), snap.NumEdges(),
				time.Since(start).Seconds())
		}
	}
	b.ReportMetric(created.nodeRate, "nodes/s")
	b.ReportMetric(created.edgeRate, "rels/s")
}

// perturb makes a later version of ds: one node in 50 dropped with its
// edges, one edge in 10 dropped, one name in 13 and one share in 7 changed.
func perturb(ds *graph.Dataset) *graph.Dataset {
	out := &graph.Dataset{}
	gone := map[graph.ID]bool{}
	for i, n := range ds.Nodes {
		switch {
		case i%50 == 49 && n.Kind != graph.KindSource && n.Kind != graph.KindCountry:
			gone[n.ID] = true
			continue
		case i%13 == 0:
			n.Name += " (renamed)"
		}
		out.Nodes = append(out.Nodes, n)
	}
	for i, e := range ds.Edges {
		switch {
		case gone[e.From] || gone[e.To] || i%10 == 9:
			continue
		case i%7 == 0 && e.HasShare():
			e.Share /= 2
		}
		out.Edges = append(out.Edges, e)
	}
	return out
}

type measurement struct {
	nodes, edges, cleanup, total time.Duration
	nodeRate, edgeRate           float64
}

func measure(t testing.TB, s graph.Store, ds *graph.Dataset, batch int) measurement {
	t.Helper()
	var m measurement
	start := time.Now()
	last := map[string]time.Time{} // time of each phase's last progress report
	progress := func(p graph.Progress) { last[p.Phase] = time.Now() }
	_, err := s.Write(context.Background(), ds, graph.WriteOptions{BatchSize: batch, Progress: progress})
	if err != nil {
		t.Fatal(err)
	}
	end := time.Now()
	m.total = end.Sub(start)
	nodesEnd := last["nodes"]
	edgesEnd := last["edges"]
	m.nodes = nodesEnd.Sub(start) // includes applying the schema
	m.edges = edgesEnd.Sub(nodesEnd)
	m.cleanup = end.Sub(edgesEnd) // commit and cleanup
	m.nodeRate = float64(len(ds.Nodes)) / m.nodes.Seconds()
	m.edgeRate = float64(len(ds.Edges)) / m.edges.Seconds()
	return m
}
