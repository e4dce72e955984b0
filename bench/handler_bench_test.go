package bench

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/api"
	"github.com/chipgraph/chipgraph/synth"
)

// Benchmarks of the four questions through the GraphQL handler in process
// (no HTTP, no Neo4j), on the tier M graph and the bench's parameters: the
// numbers to profile chipgraph's side of "chipgraph bench" with, e.g.
//
//	go test -run '^$' -bench Handler/Q1 -benchtime 200x -cpuprofile q1.prof ./graph/bench/
//
// p50-us is the median request time.
var (
	profSrv  *api.Server
	profArgs []args
)

func BenchmarkHandler(b *testing.B) {
	for _, q := range questions {
		b.Run(q.name, func(b *testing.B) { profRun(b, q) })
	}
}

func profRun(b *testing.B, q question) {
	if profSrv == nil {
		snap, err := graph.NewSnapshot(synth.Generate(100000, 1))
		if err != nil {
			b.Fatal(err)
		}
		h := api.NewHolder()
		h.Swap(snap)
		profSrv = api.NewServer(h, api.Options{Timeout: time.Minute}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if profArgs, err = pickArgs(snap, 8, graph.DateOf(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))); err != nil {
			b.Fatal(err)
		}
	}
	var bodies [][]byte
	for _, a := range profArgs {
		body, _ := json.Marshal(map[string]any{"query": q.graphql, "variables": a.vars(q)})
		bodies = append(bodies, body)
	}
	run := func(body []byte) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		profSrv.ServeHTTP(rec, req)
		return rec
	}
	for _, body := range bodies {
		if rec := run(body); rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
			b.Fatalf("%d %.300s", rec.Code, rec.Body)
		}
	}
	var lat []time.Duration
	i := 0
	for b.Loop() {
		t := time.Now()
		run(bodies[i%len(bodies)])
		lat = append(lat, time.Since(t))
		i++
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-us")
}
