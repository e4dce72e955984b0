package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/api"
	"github.com/chipgraph/chipgraph/graph/memstore"
	"github.com/chipgraph/chipgraph/graph/neo4jstore"
	"github.com/chipgraph/chipgraph/graph/neo4jstore/neo4jtest"
	"github.com/chipgraph/chipgraph/graph/storetest"
	"github.com/chipgraph/chipgraph/loaders"
)

// TestFollowNeo4j: serve's snapshot follows the loads into Neo4j, and
// survives Neo4j going away (the last good snapshot stays in service and the
// failure shows in the status) and coming back.
func TestFollowNeo4j(t *testing.T) {
	store := neo4jtest.Open(t) // wiped
	cfg := neo4jtest.Config(t)
	ctx := context.Background()
	write := func(ds *graph.Dataset) string {
		t.Helper()
		if _, err := store.Write(ctx, ds, graph.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		return graph.MustSnapshot(ds).Version()
	}
	fpSample := write(storetest.Sample())

	proxy := neo4jtest.NewProxy(t, cfg.URI)
	f := &neo4jServeFlags{cfg: cfg, poll: 20 * time.Millisecond}
	f.cfg.URI, f.cfg.MaxRetryTime = proxy.URI(), 200*time.Millisecond
	holder := api.NewHolder()
	stop := followNeo4j(ctx, f, holder, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer stop()
	if st := holder.Status(); !st.Ready || st.Version != fpSample {
		t.Fatalf("after start: ready %v, version %s; want ready with %s (%s)", st.Ready, st.Version, fpSample, st.LastError)
	}

	fpUpdated := write(storetest.SampleUpdated())
	eventually(t, "the new load is served", func() bool { return holder.Status().Version == fpUpdated })

	proxy.Cut()
	write(storetest.Sample()) // a load the server cannot see
	eventually(t, "the reload failure is reported", func() bool { return holder.Status().LastError != "" })
	if st := holder.Status(); !st.Ready || st.Version != fpUpdated {
		t.Errorf("with Neo4j unreachable: ready %v, version %s; want the last good snapshot %s", st.Ready, st.Version, fpUpdated)
	}

	proxy.Restore()
	eventually(t, "the load made meanwhile is served", func() bool {
		st := holder.Status()
		return st.Version == fpSample && st.LastError == ""
	})
}

// TestFollowNeo4jWiped: a Neo4j wiped while served (MATCH (n) DETACH DELETE
// n: the data and the version node gone) is refused, the last good snapshot
// keeps answering, and /readyz reports not ready with the reason; a load
// into the wiped database is served again.
func TestFollowNeo4jWiped(t *testing.T) {
	store := neo4jtest.Open(t) // wiped
	cfg := neo4jtest.Config(t)
	ctx := context.Background()
	if _, err := store.Write(ctx, storetest.Sample(), graph.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	served := graph.MustSnapshot(storetest.Sample()).Version()
	f := &neo4jServeFlags{cfg: cfg, poll: 20 * time.Millisecond}
	holder := api.NewHolder()
	stop := followNeo4j(ctx, f, holder, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer stop()
	if st := holder.Status(); !st.Ready || st.Version != served {
		t.Fatalf("after start: %+v", st)
	}
	if err := neo4jtest.Wipe(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the wiped store is refused", func() bool { return holder.Status().Refused != "" })
	if st := holder.Status(); st.Version != served || st.Nodes == 0 {
		t.Errorf("after the wipe the server serves %s with %d nodes; want %s", st.Version, st.Nodes, served)
	}
	srv := api.NewServer(holder, api.Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "went back") {
		t.Errorf("/readyz after the wipe: %d %s", rec.Code, rec.Body)
	}
	reloaded, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer reloaded.Close(ctx)
	if _, err := reloaded.Write(ctx, storetest.SampleUpdated(), graph.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	// A complete load into the wiped database (version 1 again, not below
	// the version served) is served.
	want := graph.MustSnapshot(storetest.SampleUpdated()).Version()
	eventually(t, "the reloaded store is served", func() bool {
		st := holder.Status()
		return st.Version == want && st.Refused == ""
	})
}

func TestFollowNeo4jUnreachable(t *testing.T) {
	f := &neo4jServeFlags{cfg: neo4jstore.Config{URI: "bolt://127.0.0.1:1", MaxRetryTime: 100 * time.Millisecond}, poll: time.Hour}
	holder := api.NewHolder()
	stop := followNeo4j(context.Background(), f, holder, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer stop()
	if st := holder.Status(); st.Ready || st.LastError == "" {
		t.Errorf("Neo4j unreachable at start: ready %v, last error %q; want not ready, with the error", st.Ready, st.LastError)
	}
}

// eventually waits (up to 20s) for a background poller to make cond true.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(20 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// sameAnswerQueries are questions researchers ask, over every part of the
// API: lookups, search, connections and each analysis.
var sameAnswerQueries = []string{
	`{ node(id: "firm:ymtc") { ... on Firm { activeControls(asOf: "2023-01-01") { event { id } effective expires reach through { id } } } } }`,
	`{ node(id: "firm:huawei") { id name sources { id title } ... on Firm { aliases roles country { id }
		parent { id } subsidiaries { id } products { id name } fabs { id } controls { id date effective kind } } } }`,
	`{ node(id: "product:ascend-910c") { id name ... on Product { type announced specs maker { id }
		fabricatedAt { fab { id } node validFrom validTo } requires { requires { id } group } } } }`,
	`{ node(id: "input:euv-lithography-tools") { id name ... on Input { type typeOf { id } makers { id }
		suppliers { supplier { id } share year basis sources { id } } } } }`,
	`{ search(text: "lithography", first: 10) { __typename id name } }`,
	`{ firms(first: 500) { totalCount nodes { id name roles country { id } } } }`,
	`{ products(first: 500) { totalCount nodes { id name type } } }`,
	`{ fabs(first: 500) { totalCount nodes { id name nodes status operator { id } } } }`,
	`{ inputs(first: 500) { totalCount nodes { id name type } } }`,
	`{ controlEvents(first: 500) { totalCount nodes { id name date effective kind issuer { id } } } }`,
	`{ dependencyPaths(from: "product:ascend-910c", to: "input:euv-lithography-tools", asOf: "2025-06-01") {
		length nodes { id } edges { from { id } to { id } kind share group } } }`,
	`{ upstream(of: "product:h20", maxDepth: 3, asOf: "2025-06-01") { tier node { id } } }`,
	`{ chokepoints(asOf: "2025-06-01", first: 20) { input { id } topSupplier { id } topShare hhi countryHHI
		supplierCount dependents controls { id } score } }`,
	`{ feasibility(item: "product:h20", for: "country:CHN", asOf: "2025-06-01") { feasible blockedBy { id } explanation } }`,
	`{ h20: feasibility(item: "product:h20", for: "country:CHN", asOf: "2025-09-01") { feasible status
		licences { control { id } grant { id conditions } policy status } buyerMeasures { event { id } binding } }
		h200: feasibility(item: "product:h200", for: "firm:bytedance", asOf: "2026-02-01") { status licences { control { id } } }
		ascend: feasibility(item: "product:ascend-910c", for: "firm:huawei", asOf: "2025-06-01") { status
		observed { evidenced routes strength direct { id quantity from until } upstream { id } } } }`,
	`{ node(id: "firm:nexperia") { ... on Firm { parentShare activeControls(asOf: "2025-10-01") { event { id licencePolicy
		suspendedBy { by { id } from until } } via } } }
		dataset { version currentTo nodes edges } }`,
	`{ scenario(asOf: "2025-06-01", controls: [{issuer: "country:JPN", covers: ["input:photoresists"],
		targets: ["country:CHN"]}]) { newlyInfeasible { item { id } holder { id } } chokepointChanges { input { id } delta } } }`,
}

// TestNeo4jAnswersMatchEmbedded loads the bundled dataset into Neo4j and
// checks that a server reading it answers every query exactly as the
// embedded server does.
func TestNeo4jAnswersMatchEmbedded(t *testing.T) {
	store := neo4jtest.Open(t)
	ctx := context.Background()
	ds, _, err := loaders.Load(ctx, nil, loadOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Nodes) == 0 {
		t.Fatal("the bundled dataset (data/*.csv) is empty")
	}
	if _, err := store.Write(ctx, ds, graph.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	mem := memstore.New()
	if _, err := mem.Write(ctx, ds, graph.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	serve := func(r graph.Reader) http.Handler {
		h := api.NewHolder()
		if err := h.Refresh(ctx, r); err != nil {
			t.Fatal(err)
		}
		return api.NewServer(h, api.Options{}, nil)
	}
	embedded, fromNeo4j := serve(mem), serve(store)
	ask := func(h http.Handler, query string) string {
		body, _ := json.Marshal(map[string]string{"query": query})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Body.String()
	}
	size := 0
	for _, q := range sameAnswerQueries {
		want, got := ask(embedded, q), ask(fromNeo4j, q)
		size += len(want)
		if strings.Contains(want, `"errors"`) {
			t.Errorf("embedded server: %.300s\nquery: %s", want, q)
			continue
		}
		if got != want {
			t.Errorf("answers differ for %s\nembedded: %.500s\nneo4j:    %.500s", q, want, got)
		}
	}
	t.Logf("%d queries, %d bytes of answers compared", len(sameAnswerQueries), size)
}
