package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/synth"
)

// hostileQueries are the small requests an external review found to
// exhaust the server (issue 14). Each must be rejected before any walk over
// the document, whatever its transport.
func hostileQueries() map[string]string {
	var b strings.Builder
	// Fragments that each spread two others: 2^26 fields from 2 KB.
	b.WriteString("query Q { ...A0 }\n")
	for i := range 26 {
		fmt.Fprintf(&b, "fragment A%d on Query { ...A%d ...B%d }\n", i, i+1, i+1)
		fmt.Fprintf(&b, "fragment B%d on Query { ...A%d ...B%d }\n", i, i+1, i+1)
	}
	b.WriteString("fragment A26 on Query { __typename }\nfragment B26 on Query { __typename }\n")
	aliases := func(n int, field string) string {
		var q strings.Builder
		q.WriteString("{")
		for i := range n {
			fmt.Fprintf(&q, " a%d: %s", i, field)
		}
		q.WriteString(" }")
		return q.String()
	}
	return map[string]string{
		"exponential fragments": b.String(),
		// The review's sizes exceed the body limit; these fit in it and
		// still exceed the field limit.
		"2,000 __schema aliases":   aliases(2_000, "__schema { queryType { name } }"),
		"3,000 search first: 0":    aliases(3_000, `search(text: "a", first: 0) { id }`),
		"6,000 __typename aliases": aliases(6_000, "__typename"),
		"two __schema roots":       `{ a: __schema { queryType { name } } b: __schema { queryType { name } } }`,
	}
}

func TestHostileQueriesRejected(t *testing.T) {
	srv := bundledServer(t)
	for name, q := range hostileQueries() {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			r := post(t, srv, q, nil)
			took := time.Since(start)
			if codes := r.codes(); len(codes) != 1 || codes[0] != CodeComplexityLimit {
				t.Errorf("POST (%d bytes): codes %v, want %s: %.300s", len(q), codes, CodeComplexityLimit, r.Raw)
			}
			t.Logf("POST %d bytes rejected in %s", len(q), took)
			if len(q) < 8<<10 { // GET carries small documents
				if codes := get(t, srv, q, nil).codes(); len(codes) != 1 || codes[0] != CodeComplexityLimit {
					t.Errorf("GET: codes %v", codes)
				}
			}
		})
	}
	// GraphiQL's introspection query and the dashboard-sized queries pass.
	if r := post(t, srv, `{ __schema { types { name fields { name args { name type { name kind ofType { name } } } } } } }`, nil); len(r.Errors) > 0 {
		t.Errorf("introspection rejected: %s", r.Raw)
	}
}

// The parsed-query cache holds only small documents, within its byte budget.
func TestQueryCacheBounded(t *testing.T) {
	c := newQueryCache(64 << 10)
	ctx := context.Background()
	for i := range 100 {
		q := fmt.Sprintf("{ a%d: __typename }", i) + strings.Repeat(" ", 2000)
		c.Add(ctx, q, nil)
	}
	if c.used > 64<<10 || len(c.docs) == 0 || len(c.docs) != len(c.order) {
		t.Errorf("cache holds %d documents, %d bytes; budget %d", len(c.docs), c.used, 64<<10)
	}
	big := "{ __typename }" + strings.Repeat(" ", maxCachedQuery)
	c.Add(ctx, big, nil)
	if _, ok := c.Get(ctx, big); ok {
		t.Error("a document above maxCachedQuery was cached")
	}
}

// Beyond MaxInFlight requests a request waits, then gets 503 with
// Retry-After.
func TestInFlightCap(t *testing.T) {
	srv := bundledServer(t)
	for range cap(srv.inflight) {
		srv.inflight <- struct{}{}
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape("{ __typename }"), nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("with every slot taken: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	<-srv.inflight
	if r := get(t, srv, "{ __typename }", nil); r.Status != http.StatusOK {
		t.Errorf("with a slot free: %d %s", r.Status, r.Raw)
	}
}

// Analysis costs grow with the graph: on a tier-M-sized graph one
// chokepoints query passes the default limit, 90 aliased ones (each with
// its own date, as in the review) do not.
func TestAnalysisCostScales(t *testing.T) {
	for nodes, want := range map[int]int{500: 1, 5_000: 1, 100_000: 5, 1_000_000: 15} {
		if got := graphScale(nodes); got != want {
			t.Errorf("graphScale(%d) = %d, want %d", nodes, got, want)
		}
	}
	c := complexity(func() int { return graphScale(100_000) })
	one := c.Query.Chokepoints(1, nil, nil, nil)
	if one > 50_000 || 90*one <= 50_000 {
		t.Errorf("one chokepoints query at 10^5 nodes costs %d: want it under the default limit and 90 of them over", one)
	}
	if s := c.Query.Scenario(1, nil, nil, nil, nil); s > 50_000 || 9*s <= 50_000 {
		t.Errorf("one scenario at 10^5 nodes costs %d: want it under the default limit and 9 of them over", s)
	}
}

// The hostile requests again, on a generated graph of tier M's size (10^5
// nodes), where the analysis fields cost what they cost there: each
// request is rejected, or stops at the request timeout with UNAVAILABLE,
// or answers. The figures (time, heap) are logged, not asserted.
func TestHostileQueriesTierM(t *testing.T) {
	const timeout = 50 * time.Millisecond // a new date's chokepoint table takes ~0.7 s here: 14 times as long
	ds := synth.Generate(100_000, 1)
	srv := newTestServer(t, ds, Options{Timeout: timeout})
	v := srv.Holder().View()
	product := v.Snap.Node(v.Snap.OfKind(graph.KindProduct)[0]).ID
	inputs := v.Snap.OfKind(graph.KindInput)
	input := v.Snap.Node(inputs[len(inputs)-1]).ID
	country := v.Snap.Node(v.Snap.OfKind(graph.KindCountry)[0]).ID

	var chokepoints, scenarios strings.Builder
	day := graph.MustDate("2020-01-01")
	chokepoints.WriteString("{")
	for i := range 90 { // each its own date, as in the review
		fmt.Fprintf(&chokepoints, ` c%d: chokepoints(of: "%s", asOf: "%s") { input { id } score }`, i, product, day.Time().AddDate(0, 0, i*30).Format(time.DateOnly))
	}
	chokepoints.WriteString(" }")
	scenarios.WriteString("{")
	for i := range 9 {
		fmt.Fprintf(&scenarios, ` s%d: scenario(controls: [{issuer: "%s", covers: ["%s"], targets: ["%s"]}], asOf: "%s") { newlyInfeasible { item { id } } chokepointChanges { input { id } } }`,
			i, country, input, country, day.Time().AddDate(0, 0, i*100).Format(time.DateOnly))
	}
	scenarios.WriteString(" }")
	rejected := hostileQueries()
	rejected["90 aliased chokepoints, distinct dates"] = chokepoints.String()
	rejected["9 aliased scenarios"] = scenarios.String()
	for name, q := range rejected {
		start := time.Now()
		if codes := post(t, srv, q, nil).codes(); len(codes) != 1 || codes[0] != CodeComplexityLimit {
			t.Errorf("%s: codes %v, want %s", name, codes, CodeComplexityLimit)
		}
		t.Logf("%s (%d bytes): rejected in %s", name, len(q), time.Since(start).Round(time.Microsecond))
	}

	// Requests the limits let through: each answers, or stops at the
	// timeout with UNAVAILABLE (a new date's chokepoint table takes longer
	// than the timeout to build here).
	allowed := map[string]string{
		"chokepoints, a new date": fmt.Sprintf(`{ chokepoints(of: "%s", asOf: "2023-03-03") { input { id } score } }`, product),
		"upstream, depth 20":      fmt.Sprintf(`{ upstream(of: "%s", maxDepth: 20) { node { id } tier via { from { id } } } }`, product),
		"100 paths, depth 20": fmt.Sprintf(`{ dependencyPaths(from: "%s", to: "%s", maxDepth: 20, first: 100) { length nodes { id } } }`,
			product, input),
		"scenario": fmt.Sprintf(`{ scenario(controls: [{issuer: "%s", covers: ["%s"], targets: ["%s"]}], asOf: "2024-04-04", targets: ["%s"]) { newlyInfeasible { item { id } } chokepointChanges { input { id } } } }`,
			country, input, country, country),
	}
	stopped := 0
	for name, q := range allowed {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		r := post(t, srv, q, nil)
		took := time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&after)
		switch codes := r.codes(); {
		case len(codes) == 0:
			t.Logf("%s: answered in %s", name, took.Round(time.Millisecond))
		case len(codes) == 1 && codes[0] == CodeUnavailable:
			stopped++
			t.Logf("%s: stopped at the timeout after %s", name, took.Round(time.Millisecond))
		default:
			t.Errorf("%s: codes %v: %.300s", name, codes, r.Raw)
		}
		t.Logf("%s: live heap %d MiB before, %d MiB after, %d MiB allocated", name,
			before.HeapAlloc>>20, after.HeapAlloc>>20, (after.TotalAlloc-before.TotalAlloc)>>20)
	}
	if stopped == 0 {
		t.Errorf("no request reached the %s timeout: the test no longer shows the analysis stopping", timeout)
	}

	// The chokepoint report stops at the timeout too, with 503 and Retry-After.
	rec := serve(t, srv, httptest.NewRequest(http.MethodGet, "/reports/chokepoints.json?asOf=2022-02-02", nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("chokepoint report at a new date: %d %.300s", rec.Code, rec.Body.String())
	}
}
