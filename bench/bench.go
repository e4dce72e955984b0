package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/api"
	"github.com/chipgraph/chipgraph/graph/neo4jstore"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Parts of a run that Config.Skip can leave out.
const (
	PartLoadCSV = "loadcsv" // the LOAD CSV baseline of the ingest
	PartQueries = "queries" // every query measurement
	PartCypher  = "cypher"  // the raw-Cypher floor of the queries
	PartPeer    = "peer"    // the @neo4j/graphql peer
)

// Parts lists what Skip accepts.
var Parts = []string{PartLoadCSV, PartQueries, PartCypher, PartPeer}

// Config says what to measure and where. Zero fields take the defaults
// noted.
type Config struct {
	Neo4j neo4jstore.Config // the server to measure against; its database is wiped

	Tier string // the tier's name, for the report
	Seed int64
	// Dataset returns the data to load. Run calls it once and drops the
	// dataset after the ingest, so that the memory figures of the
	// snapshot are not inflated by it: the caller must not keep it.
	Dataset func() (*graph.Dataset, error)

	Requests   int           // requests per measurement cell (query × system × clients); default 200
	CellBudget time.Duration // stop a cell after this long, with fewer requests; default 20s
	Clients    []int         // concurrent clients; default 1, 4, 16
	AsOf       graph.Date    // the as-of date of every query; default 2024-01-01
	ParamSets  int           // distinct parameter sets per query, used in turn; default 8

	// ImportDir is a directory the Neo4j server reads LOAD CSV files from
	// and this process can write to; "" asks the server
	// (server.directories.import).
	ImportDir string
	// PeerDir holds bench/peer (package.json, package-lock.json,
	// server.js); "" skips the peer.
	PeerDir string
	// Node and NPM are the node and npm commands; default "node", "npm".
	Node, NPM string

	Skip map[string]bool // parts to leave out (Parts)
	// Wipe allows wiping a database that holds data other than an earlier
	// bench run's. Without it, Run refuses to touch such a database.
	Wipe bool

	Log func(format string, args ...any) // progress lines; nil: none
}

func (c *Config) defaults() {
	if c.Requests <= 0 {
		c.Requests = 200
	}
	if c.CellBudget <= 0 {
		c.CellBudget = 20 * time.Second
	}
	if len(c.Clients) == 0 {
		c.Clients = []int{1, 4, 16}
	}
	if c.AsOf == 0 {
		c.AsOf = graph.MustDate("2024-01-01")
	}
	if c.ParamSets <= 0 {
		c.ParamSets = 8
	}
	if c.Neo4j.Database == "" {
		c.Neo4j.Database = "neo4j"
	}
	if c.Node == "" {
		c.Node = "node"
	}
	if c.NPM == "" {
		c.NPM = "npm"
	}
	if c.Log == nil {
		c.Log = func(string, ...any) {}
	}
}

// Result is every figure of a run. In JSON (chipgraph bench --json) field
// names are as tagged; durations are seconds, latencies milliseconds.
type Result struct {
	Tier      string    `json:"tier"`
	Seed      int64     `json:"seed"`
	Nodes     int       `json:"nodes"`
	Edges     int       `json:"edges"`
	Started   time.Time `json:"started"`
	Seconds   float64   `json:"seconds"` // the whole run
	Machine   Machine   `json:"machine"`
	AsOf      string    `json:"asOf"`
	Ingest    *Ingest   `json:"ingest,omitempty"`
	Snapshot  *Snapshot `json:"snapshot,omitempty"`
	Queries   []Cell    `json:"queries,omitempty"`
	Checks    []Check   `json:"checks,omitempty"`
	QueryArgs []string  `json:"queryArgs,omitempty"` // the parameter sets used, one line each
	// Ratios holds the comparisons (see report.go for the names): above 1
	// means chipgraph is better.
	Ratios  map[string]float64 `json:"ratios"`
	Targets []Target           `json:"targets,omitempty"`
	Notes   []string           `json:"notes,omitempty"`
}

// Machine describes where the run took place.
type Machine struct {
	GoVersion    string `json:"goVersion"`
	OS           string `json:"os"`
	Arch         string `json:"arch"`
	CPUs         int    `json:"cpus"`
	Neo4jVersion string `json:"neo4jVersion"`
	Neo4jEdition string `json:"neo4jEdition"`
	NodeVersion  string `json:"nodeVersion,omitempty"`
}

// Run measures what cfg asks for. Figures it could not take (a query the
// server cannot answer yet, a peer that did not start) are reported in the
// Result's cells and notes rather than failing the run; an error means the
// run could not go on (Neo4j unreachable, the ingest failed).
func Run(ctx context.Context, cfg Config) (*Result, error) {
	cfg.defaults()
	start := time.Now()
	res := &Result{Tier: cfg.Tier, Seed: cfg.Seed, Started: start.UTC(), AsOf: cfg.AsOf.String(),
		Ratios:  map[string]float64{},
		Machine: Machine{GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU()}}

	driver, err := openDriver(ctx, cfg.Neo4j)
	if err != nil {
		return nil, err
	}
	defer driver.Close(context.WithoutCancel(ctx))
	res.Machine.Neo4jVersion, res.Machine.Neo4jEdition = serverVersion(ctx, driver, cfg.Neo4j.Database)
	if err := checkWipe(ctx, driver, cfg.Neo4j.Database, cfg.Wipe); err != nil {
		return nil, err
	}

	ds, err := cfg.Dataset()
	if err != nil {
		return nil, err
	}
	res.Nodes, res.Edges = len(ds.Nodes), len(ds.Edges)
	cfg.Log("dataset: %d nodes, %d edges", res.Nodes, res.Edges)
	in := &ingester{cfg: cfg, driver: driver}
	ingest, err := in.run(ctx, ds)
	ds = nil //nolint:ineffassign // drop the only reference before the snapshot is measured
	if err != nil {
		return nil, err
	}
	res.Ingest = ingest
	res.Notes = append(res.Notes, in.notes...)

	store, err := neo4jstore.Open(ctx, cfg.Neo4j)
	if err != nil {
		return nil, err
	}
	defer store.Close(context.WithoutCancel(ctx))
	holder := api.NewHolder()
	snap, err := measureSnapshot(ctx, store, holder)
	if err != nil {
		return nil, err
	}
	res.Snapshot = snap
	cfg.Log("snapshot: %d nodes, %d edges in %.2fs, RSS %s", snap.Nodes, snap.Edges, snap.TotalSeconds, mib(snap.RSSAfterBytes))
	if err := measureRefresh(ctx, store, holder, snap); err != nil {
		return nil, err
	}
	cfg.Log("refresh: %.2fs with the old snapshot served, peak RSS %s", snap.RefreshSeconds, mib(snap.RefreshPeakBytes))

	if !cfg.Skip[PartQueries] {
		if err := runQueries(ctx, cfg, res, driver, holder); err != nil {
			return nil, err
		}
	}
	if rss, hwm := procMemory(); rss > 0 {
		res.Snapshot.RSSEndBytes, res.Snapshot.HWMBytes = rss, max(res.Snapshot.HWMBytes, hwm)
	}
	markBench(ctx, driver, cfg.Neo4j.Database)
	computeRatios(res)
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// Snapshot is the cost of serving from memory.
type Snapshot struct {
	Nodes int `json:"nodes"`
	Edges int `json:"edges"`
	// ReadSeconds is neo4jstore.Store.Snapshot: reading the committed load
	// from Neo4j and building the graph.Snapshot. IndexSeconds is what the
	// server adds before serving it (api.Holder.SwapVersion: the search
	// index). TotalSeconds is their sum: the snapshot build time.
	ReadSeconds  float64 `json:"readSeconds"`
	IndexSeconds float64 `json:"indexSeconds"`
	TotalSeconds float64 `json:"totalSeconds"`
	// Resident memory of this process (VmRSS) before the build (after the
	// dataset was dropped and the heap returned to the OS), after it, and
	// at the end of the run; HWMBytes is the peak (VmHWM), which includes
	// the ingest. HeapBytes is the live Go heap after the build and a GC.
	RSSBeforeBytes int64 `json:"rssBeforeBytes"`
	RSSAfterBytes  int64 `json:"rssAfterBytes"`
	RSSEndBytes    int64 `json:"rssEndBytes,omitempty"`
	HWMBytes       int64 `json:"hwmBytes,omitempty"`
	HeapBytes      int64 `json:"heapBytes"`
	// A refresh: the same build again while the first snapshot is still in
	// service (api.Holder.Reload, as the server's poll rebuilds after a
	// load, with the heap bounded as it does), its time and the
	// peak resident memory of the process while it ran (VmHWM reset at its
	// start through /proc/self/clear_refs, else VmRSS sampled every 10 ms).
	RefreshSeconds   float64 `json:"refreshSeconds"`
	RefreshPeakBytes int64   `json:"refreshPeakBytes"`
}

func measureSnapshot(ctx context.Context, store *neo4jstore.Store, holder *api.Holder) (*Snapshot, error) {
	runtime.GC()
	debug.FreeOSMemory()
	before, _ := procMemory()
	version, err := store.Version(ctx)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	snap, err := store.Snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("building the snapshot: %w", err)
	}
	t1 := time.Now()
	holder.SwapVersion(snap, version)
	t2 := time.Now()
	runtime.GC()
	after, _ := procMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return &Snapshot{Nodes: snap.NumNodes(), Edges: snap.NumEdges(),
		ReadSeconds: t1.Sub(t0).Seconds(), IndexSeconds: t2.Sub(t1).Seconds(), TotalSeconds: t2.Sub(t0).Seconds(),
		RSSBeforeBytes: before, RSSAfterBytes: after, HeapBytes: int64(ms.HeapAlloc)}, nil
}

// measureRefresh builds the snapshot again with the one measureSnapshot
// built still served, and records the time and the peak memory in s.
func measureRefresh(ctx context.Context, store *neo4jstore.Store, holder *api.Holder, s *Snapshot) error {
	runtime.GC()
	_, s.HWMBytes = procMemory() // the peak so far (the ingest's), before it is reset
	reset := resetPeak()
	var sampled atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if rss, _ := procMemory(); rss > sampled.Load() {
				sampled.Store(rss)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	t0 := time.Now()
	err := holder.Reload(ctx, store)
	s.RefreshSeconds = time.Since(t0).Seconds()
	close(stop)
	<-done
	if err != nil {
		return fmt.Errorf("refreshing the snapshot: %w", err)
	}
	s.RefreshPeakBytes = sampled.Load()
	if _, hwm := procMemory(); reset && hwm > s.RefreshPeakBytes {
		s.RefreshPeakBytes = hwm
	}
	return nil
}

// serveAPI starts the GraphQL server on a loopback port; stop shuts it down.
func serveAPI(holder *api.Holder) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil)) // a log line per request would be measured too
	srv := &http.Server{Handler: api.NewServer(holder, api.Options{Timeout: 60 * time.Second}, quiet),
		ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			quiet.Error("serve", "err", err)
		}
	}()
	return "http://" + ln.Addr().String() + "/graphql", func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	}, nil
}

func openDriver(ctx context.Context, cfg neo4jstore.Config) (neo4j.DriverWithContext, error) {
	auth := neo4j.NoAuth()
	if cfg.User != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		return nil, fmt.Errorf("bad Neo4j URI %q: %w", cfg.URI, err)
	}
	if err := driver.VerifyConnectivity(ctx); err != nil {
		driver.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("cannot reach Neo4j at %s: %w", cfg.URI, err)
	}
	return driver, nil
}

// query runs one statement with ExecuteQuery on db and returns its records.
func query(ctx context.Context, d neo4j.DriverWithContext, db, stmt string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := neo4j.ExecuteQuery(ctx, d, stmt, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(db))
	if err != nil {
		return nil, err
	}
	return res.Records, nil
}

// autoCommit runs a statement in an auto-commit transaction, as CALL { ... }
// IN TRANSACTIONS requires, and waits for it to finish.
func autoCommit(ctx context.Context, d neo4j.DriverWithContext, db, stmt string, params map[string]any) error {
	sess := d.NewSession(ctx, neo4j.SessionConfig{DatabaseName: db})
	defer sess.Close(context.WithoutCancel(ctx))
	res, err := sess.Run(ctx, stmt, params)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

func serverVersion(ctx context.Context, d neo4j.DriverWithContext, db string) (version, edition string) {
	recs, err := query(ctx, d, db, "CALL dbms.components() YIELD versions, edition RETURN versions[0] AS v, edition", nil)
	if err != nil || len(recs) == 0 {
		return "unknown", ""
	}
	v, _ := recs[0].Values[0].(string)
	e, _ := recs[0].Values[1].(string)
	return v, e
}

// benchMarker labels the node a run leaves behind so that the next run
// knows the database holds only bench data.
const benchMarker = "ChipgraphBench"

// checkWipe refuses a database that holds data unless it is an earlier
// bench run's or wipe is set.
func checkWipe(ctx context.Context, d neo4j.DriverWithContext, db string, wipe bool) error {
	if wipe {
		return nil
	}
	recs, err := query(ctx, d, db, "RETURN EXISTS { MATCH (n) } AS data, EXISTS { MATCH (:"+benchMarker+") } AS bench", nil)
	if err != nil {
		return err
	}
	if len(recs) == 1 && recs[0].Values[0] == true && recs[0].Values[1] != true {
		return fmt.Errorf("database %q holds data that an earlier bench run did not write; "+
			"bench replaces it: give --wipe to allow that, or point --neo4j-uri at a server of its own", db)
	}
	return nil
}

func markBench(ctx context.Context, d neo4j.DriverWithContext, db string) {
	_, _ = query(ctx, d, db, "MERGE (:"+benchMarker+" {id: 'bench'})", nil)
}

// wipe deletes every node and relationship of db in batches:
// relationships first, since DETACH DELETE of a node with hundreds of
// thousands of them (a country at tier L) would not fit one transaction.
func wipe(ctx context.Context, d neo4j.DriverWithContext, db string) error {
	if err := autoCommit(ctx, d, db, "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS", nil); err != nil {
		return err
	}
	return autoCommit(ctx, d, db, "MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS", nil)
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
