package bench

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph"
)

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for _, tt := range []struct {
		p    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := percentile(d, tt.p); got != tt.want {
			t.Errorf("percentile(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := percentile(d[:1], 0.99); got != time.Millisecond {
		t.Errorf("percentile of one = %v", got)
	}
}

// fakeTarget answers after a fixed delay and fails every failEvery-th request.
type fakeTarget struct {
	delay     time.Duration
	failEvery int64
	n         atomic.Int64
}

func (f *fakeTarget) system() string { return "fake" }

func (f *fakeTarget) ask(ctx context.Context, q question, a args) error {
	k := f.n.Add(1)
	select {
	case <-time.After(f.delay):
	case <-ctx.Done():
		return ctx.Err()
	}
	if f.failEvery > 0 && k%f.failEvery == 0 {
		return errors.New("boom")
	}
	return nil
}

func TestMeasure(t *testing.T) {
	all := []args{{product: "product:a"}, {product: "product:b"}}
	c := measure(context.Background(), &fakeTarget{delay: time.Millisecond, failEvery: 5}, q1, all, 3, 20, time.Minute)
	if c.Requests != 20 || c.Errors != 4 || c.Truncated || c.Cancelled != 0 {
		t.Errorf("cell %+v: want 20 requests, 4 errors", c)
	}
	if c.Error != "boom" || c.P50Ms <= 0 || c.P99Ms < c.P50Ms || c.Throughput <= 0 {
		t.Errorf("cell %+v: want figures of the 16 successes and the first error", c)
	}

	// A system slower than the hard limit: requests are cancelled, counted
	// apart, and with none completed the cell has no figures.
	slow := measure(context.Background(), &fakeTarget{delay: time.Hour}, q1, all, 2, 10, 10*time.Millisecond)
	if slow.Cancelled != 2 || slow.Requests != 2 || slow.ok() || !strings.Contains(slow.Error, "hard limit") {
		t.Errorf("slow cell %+v: want 2 cancelled requests and an error", slow)
	}
}

func TestRatiosAndTargets(t *testing.T) {
	res := &Result{Tier: "M", Ratios: map[string]float64{},
		Ingest:   &Ingest{Ours: Loader{NodesPerSec: 30000, RelsPerSec: 9000}, LoadCSV: &Loader{NodesPerSec: 15000, RelsPerSec: 10000}},
		Snapshot: &Snapshot{TotalSeconds: 12, RSSAfterBytes: 1 << 30, RefreshSeconds: 14, RefreshPeakBytes: 3 << 30}}
	for i, q := range questions {
		f := float64(i + 1)
		res.Queries = append(res.Queries,
			Cell{Query: q.name, System: SysChipgraph, Clients: 16, Requests: 10, P50Ms: 1, P99Ms: 2, Throughput: 100 * f},
			Cell{Query: q.name, System: SysCypher, Clients: 16, Requests: 10, P50Ms: 10 * f, P99Ms: 20, Throughput: 10},
			Cell{Query: q.name, System: SysPeer, Clients: 16, Requests: 10, P50Ms: 12, P99Ms: 30, Throughput: 10})
	}
	res.Queries = append(res.Queries, Cell{Query: "Q4", System: SysPeer, Clients: 1, Error: "down"})
	computeRatios(res)
	for name, want := range map[string]float64{
		"ingest.nodesPerSec":           2,
		"ingest.relsPerSec":            0.9,
		"Q2.c16.p50.vsCypher":          20,
		"Q3.c16.throughput.vsPeer":     30,
		"median.c16.throughput.vsPeer": 25,
		"median.c16.p50.vsCypher":      25,
		"median.c16.p99.vsPeer":        15,
	} {
		if got, ok := res.Ratios[name]; !ok || got != want {
			t.Errorf("ratio %s = %v (present %v), want %v", name, got, ok, want)
		}
	}
	met := map[string]bool{}
	for _, tg := range res.Targets {
		met[tg.Name] = tg.Met
	}
	for name, want := range map[string]bool{
		"loader vs LOAD CSV":                         false, // rels 0.9x
		"loader rates":                               false, // 9k rels/s
		"p50 vs raw Cypher, every query":             true,  // Q1 10x, the others more
		"throughput vs @neo4j/graphql at 16 clients": true,
		"snapshot build":                             true,
		"server resident memory":                     true,
		"peak memory during a refresh":               false, // 3 GiB
	} {
		if got, ok := met[name]; !ok || got != want {
			t.Errorf("target %q met = %v (present %v), want %v", name, got, ok, want)
		}
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, res); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"LOAD CSV", "Q4", "error", "Targets (issues 7 and 16):", "MISSED loader rates", "MISSED peak memory during a refresh"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, buf.String())
		}
	}
}

// TestLoadStatements checks the shape of the LOAD CSV statements: every
// node file and relationship kind has one, endpoints that may be of
// several kinds are found by their ID prefix.
func TestLoadStatements(t *testing.T) {
	files := map[string]bool{}
	for _, st := range append(append([]loadStatement(nil), loadCSVNodes...), loadCSVRels...) {
		files[st.file] = true
		q := st.cypher()
		if !strings.HasPrefix(q, "LOAD CSV WITH HEADERS FROM $url AS row\n") ||
			!strings.HasSuffix(q, "} IN TRANSACTIONS OF $batch ROWS") {
			t.Errorf("%s (%s): not a batched LOAD CSV:\n%s", st.file, st.what, q)
		}
	}
	for _, f := range []string{"sources.csv", "countries.csv", "firms.csv", "inputs.csv", "products.csv", "fabs.csv",
		"events.csv", "requires.csv", "supplies.csv", "relations.csv"} {
		if !files[f] {
			t.Errorf("no statement reads %s", f)
		}
	}
	ep := endpoint("a", "supplier", []graph.NodeKind{graph.KindFirm, graph.KindCountry})
	for _, want := range []string{"MATCH (a:Firm {id: row.supplier}) WHERE row.supplier STARTS WITH 'firm:' RETURN a",
		"UNION", "MATCH (a:Country {id: row.supplier}) WHERE row.supplier STARTS WITH 'country:' RETURN a"} {
		if !strings.Contains(ep, want) {
			t.Errorf("endpoint lacks %q:\n%s", want, ep)
		}
	}
}
