package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chipgraph/chipgraph/graph/api"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Systems compared.
const (
	SysChipgraph = "chipgraph" // GraphQL over HTTP, in-process server on the snapshot
	SysCypher    = "cypher"    // the same question in Cypher, neo4j.ExecuteQuery
	SysPeer      = "peer"      // GraphQL over HTTP to @neo4j/graphql on Node.js
)

// Cell is one measurement: a question asked of one system by Clients
// concurrent clients, Requests times in all (fewer if the cell's time
// budget ran out: Truncated). Latencies are of the successful requests.
type Cell struct {
	Query     string `json:"query"`
	System    string `json:"system"`
	Clients   int    `json:"clients"`
	Requests  int    `json:"requests"`
	Errors    int    `json:"errors"`
	Truncated bool   `json:"truncated,omitempty"`
	// Cancelled counts requests still running at the cell's hard limit
	// (three times its budget), cancelled then. Their latency so far, a
	// lower bound, counts in the percentiles; they do not count as
	// completed in the throughput.
	Cancelled  int     `json:"cancelled,omitempty"`
	Seconds    float64 `json:"seconds"`
	P50Ms      float64 `json:"p50Ms"`
	P99Ms      float64 `json:"p99Ms"`
	MeanMs     float64 `json:"meanMs"`
	Throughput float64 `json:"throughput"` // successful requests per second
	Error      string  `json:"error,omitempty"`
}

// ok reports whether the cell has figures.
func (c *Cell) ok() bool { return c != nil && c.Requests > c.Errors+c.Cancelled && c.Error == "" }

// target is a system that can be asked the questions.
type target interface {
	system() string
	ask(ctx context.Context, q question, a args) error
}

// httpTarget posts GraphQL to chipgraph or to the peer.
type httpTarget struct {
	sys    string
	url    string
	peer   bool
	client *http.Client
}

func newHTTPTarget(sys, url string, peer bool) *httpTarget {
	tr := &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64, DisableCompression: true,
		IdleConnTimeout: time.Minute}
	return &httpTarget{sys: sys, url: url, peer: peer, client: &http.Client{Transport: tr, Timeout: 2 * time.Minute}}
}

func (t *httpTarget) system() string { return t.sys }

func (t *httpTarget) ask(ctx context.Context, q question, a args) error {
	text := q.graphql
	if t.peer {
		text = q.peer
	}
	_, err := t.fetch(ctx, text, a.vars(q))
	return err
}

// fetch posts a query and returns its data, or an error for a non-200
// status or a response with errors.
func (t *httpTarget) fetch(ctx context.Context, query string, vars map[string]any) (json.RawMessage, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, raw)
	}
	if len(r.Errors) > 0 {
		code, _ := r.Errors[0].Extensions["code"].(string)
		if code != "" {
			return nil, fmt.Errorf("%s: %s", code, r.Errors[0].Message)
		}
		return nil, errors.New(r.Errors[0].Message)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return r.Data, nil
}

func unmarshal(data json.RawMessage, v any) error { return json.Unmarshal(data, v) }

// cypherTarget asks the raw-Cypher floor through the Go driver:
// ExecuteQuery with the database named (one round trip fewer), eager
// results, as a Neo4j-backed API would.
type cypherTarget struct {
	driver neo4j.DriverWithContext
	db     string
}

func (t *cypherTarget) system() string { return SysCypher }

func (t *cypherTarget) ask(ctx context.Context, q question, a args) error {
	_, err := neo4j.ExecuteQuery(ctx, t.driver, q.cypher, cypherParams(q, a), neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(t.db), neo4j.ExecuteQueryWithReadersRouting())
	return err
}

// rows returns the "row" column of every record.
func (t *cypherTarget) rows(ctx context.Context, q question, a args) ([]map[string]any, error) {
	res, err := neo4j.ExecuteQuery(ctx, t.driver, q.cypher, cypherParams(q, a), neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(t.db), neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(res.Records))
	for _, r := range res.Records {
		m, _ := r.Values[0].(map[string]any)
		out = append(out, m)
	}
	return out, nil
}

// cypherParams are the GraphQL variables plus the arguments the GraphQL
// queries give as literals (the peer's fields receive them too).
func cypherParams(q question, a args) map[string]any {
	p := a.vars(q)
	p["maxDepth"] = int64(8)
	switch q.name {
	case "Q2":
		p["first"] = int64(5)
	case "Q3":
		p["first"] = int64(20)
	}
	return p
}

// warm asks every parameter set once, unmeasured (plans, caches, the
// analysis engine of a new snapshot), within budget; it returns the first
// error.
func warm(ctx context.Context, t target, q question, all []args, budget time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, hardLimit*budget)
	defer cancel()
	deadline := time.Now().Add(budget)
	for _, a := range all {
		if err := t.ask(ctx, q, a); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			break
		}
	}
	return nil
}

// measure asks q of t n times from clients goroutines, cycling through
// the parameter sets, and stops early once budget has passed.
func measure(ctx context.Context, t target, q question, all []args, clients, n int, budget time.Duration) Cell {
	c := Cell{Query: q.name, System: t.system(), Clients: clients}
	outer := ctx
	ctx, cancel := context.WithTimeout(ctx, hardLimit*budget)
	defer cancel()
	lat := make([]time.Duration, n)
	failed := make([]bool, n)
	cut := make([]bool, n)
	var next, done atomic.Int64
	var firstErr sync.Once
	deadline := time.Now().Add(budget)
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := next.Add(1) - 1
				if k >= int64(n) || ctx.Err() != nil || time.Now().After(deadline) {
					return
				}
				t0 := time.Now()
				err := t.ask(ctx, q, all[int(k)%len(all)])
				lat[k] = time.Since(t0)
				switch {
				case err != nil && ctx.Err() != nil && outer.Err() == nil:
					cut[k] = true
				case err != nil:
					failed[k] = true
					firstErr.Do(func() { c.Error = err.Error() })
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	c.Seconds = elapsed.Seconds()
	c.Requests = int(done.Load())
	c.Truncated = c.Requests < n
	var ok []time.Duration // completed, and cut at the hard limit (lower bounds)
	completed := 0
	for k := range c.Requests {
		switch {
		case failed[k]:
			c.Errors++
		case cut[k]:
			c.Cancelled++
			ok = append(ok, lat[k])
		default:
			completed++
			ok = append(ok, lat[k])
		}
	}
	if completed == 0 {
		if c.Error == "" {
			c.Error = fmt.Sprintf("no request completed within the hard limit of %s", hardLimit*budget)
		}
		return c
	}
	if c.Errors == 0 {
		c.Error = ""
	}
	slices.Sort(ok)
	var sum time.Duration
	for _, d := range ok {
		sum += d
	}
	c.P50Ms = ms(percentile(ok, 0.50))
	c.P99Ms = ms(percentile(ok, 0.99))
	c.MeanMs = ms(sum / time.Duration(len(ok)))
	c.Throughput = float64(completed) / elapsed.Seconds()
	return c
}

// hardLimit × the budget is when a cell cancels the requests it still has
// running: a system thousands of times slower than the others must not
// stretch a run to hours.
const hardLimit = 3

// percentile returns the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(float64(len(sorted))*p+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// runQueries measures every question on every system at every client
// count, and the checks, against the snapshot in holder.
func runQueries(ctx context.Context, cfg Config, res *Result, driver neo4j.DriverWithContext, holder *api.Holder) error {
	all, err := pickArgs(holder.Snapshot(), cfg.ParamSets, cfg.AsOf)
	if err != nil {
		res.Notes = append(res.Notes, "queries not measured: "+err.Error())
		return nil
	}
	for _, a := range all {
		res.QueryArgs = append(res.QueryArgs, a.String())
	}
	url, stop, err := serveAPI(holder)
	if err != nil {
		return err
	}
	defer stop()
	chip := newHTTPTarget(SysChipgraph, url, false)
	cy := &cypherTarget{driver: driver, db: cfg.Neo4j.Database}
	targets := []target{chip}
	if !cfg.Skip[PartCypher] {
		targets = append(targets, cy)
	}
	if !cfg.Skip[PartPeer] && cfg.PeerDir != "" {
		p, err := startPeer(ctx, cfg)
		if err != nil {
			res.Notes = append(res.Notes, "peer not measured: "+err.Error())
		} else {
			defer p.stop()
			res.Machine.NodeVersion = p.nodeVersion
			targets = append(targets, newHTTPTarget(SysPeer, p.url, true))
		}
	}

	for _, q := range questions {
		if !cfg.Skip[PartCypher] {
			if err := warm(ctx, chip, q, all[:1], cfg.CellBudget); err == nil {
				cctx, cancel := context.WithTimeout(ctx, hardLimit*cfg.CellBudget)
				res.Checks = append(res.Checks, check(cctx, q, all[0], chip, cy))
				cancel()
			}
		}
		// Warm every system up first, then measure them in turn at each
		// client count, so that none is favoured by coming after the others.
		var ready []target
		for _, t := range targets {
			if err := warm(ctx, t, q, all, cfg.CellBudget); err != nil {
				for _, c := range cfg.Clients {
					res.Queries = append(res.Queries, Cell{Query: q.name, System: t.system(), Clients: c, Error: err.Error()})
				}
				cfg.Log("%s %s: %s fails: %v", q.name, q.title, t.system(), tail(err.Error(), 300))
				continue
			}
			ready = append(ready, t)
		}
		for _, c := range cfg.Clients {
			for _, t := range ready {
				cell := measure(ctx, t, q, all, c, cfg.Requests, cfg.CellBudget)
				res.Queries = append(res.Queries, cell)
				cfg.Log("%s %-9s %2d clients: p50 %.2f ms, p99 %.2f ms, %.0f req/s (%d requests, %d errors)",
					q.name, t.system(), c, cell.P50Ms, cell.P99Ms, cell.Throughput, cell.Requests, cell.Errors)
				if err := ctx.Err(); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
