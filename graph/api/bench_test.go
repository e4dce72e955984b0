package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/synth"
)

// benchQuery runs one query b.N times through the handler and reports the
// median latency (p50-ns) besides the mean (ns/op).
func benchQuery(b *testing.B, h http.Handler, query string) {
	b.Helper()
	body, err := json.Marshal(map[string]string{"query": query})
	if err != nil {
		b.Fatal(err)
	}
	run := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := run(); rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
		b.Fatalf("%d %s", rec.Code, rec.Body)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		run()
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
}

// BenchmarkNode: a node query with its relationships, over the bundled
// dataset.
func BenchmarkNode(b *testing.B) {
	srv := bundledServer(b)
	benchQuery(b, srv, `{ node(id: "firm:huawei") { id name sources { id } ... on Firm { roles country { id name }
		subsidiaries { id } products { id name } controls { id date } } } }`)
}

// BenchmarkConnection50: a 50-item page of firms with their country and
// sources, from a graph of 2,000 firms, so that the page is full and deep
// in the list.
func BenchmarkConnection50(b *testing.B) {
	srv := newTestServer(b, syntheticFirms(2000), Options{})
	benchQuery(b, srv, `{ firms(first: 50, after: "`+encodeCursor("firm:f01000")+`") { totalCount
		pageInfo { hasNextPage endCursor } edges { cursor node { id name roles country { id name } sources { id title } } } } }`)
}

// BenchmarkConnection50Bundled: a 50-item page of firms of the bundled
// dataset.
func BenchmarkConnection50Bundled(b *testing.B) {
	srv := bundledServer(b)
	benchQuery(b, srv, `{ firms(first: 50) { totalCount pageInfo { hasNextPage endCursor }
		edges { cursor node { id name roles country { id name } sources { id title } } } } }`)
}

// BenchmarkSearch: a search over the bundled dataset.
func BenchmarkSearch(b *testing.B) {
	srv := bundledServer(b)
	benchQuery(b, srv, `{ search(text: "litho", first: 20) { id name } }`)
}

// syntheticFirms returns the fixture plus n firms, each headquartered in a
// country and citing a source.
func syntheticFirms(n int) *graph.Dataset {
	ds := fixture()
	countries := []graph.ID{"country:CHN", "country:JPN", "country:NLD", "country:TWN", "country:USA"}
	for i := range n {
		id := graph.ID(fmt.Sprintf("firm:f%05d", i))
		ds.Nodes = append(ds.Nodes, graph.Node{ID: id, Kind: graph.KindFirm, Name: fmt.Sprintf("Firm %d", i),
			Roles: []string{"equipment"}, Sources: []graph.ID{"source:test-a"}})
		ds.Edges = append(ds.Edges, graph.Edge{From: id, Kind: graph.HeadquarteredIn, To: countries[i%len(countries)],
			Share: graph.NoShare, Sources: []graph.ID{"source:test-a"}})
	}
	return ds
}

// BenchmarkSwap measures putting a snapshot of a synthetic graph of 10^5
// nodes into service: the analysis engine and the search index built over
// it, and the memory release after them (the part of a reload after the
// store's read).
func BenchmarkSwap(b *testing.B) {
	snap := graph.MustSnapshot(synth.Generate(100_000, 1))
	h := &Holder{}
	for b.Loop() {
		h.Swap(snap)
	}
}
