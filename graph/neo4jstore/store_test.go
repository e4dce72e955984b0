package neo4jstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/neo4jstore"
	"github.com/chipgraph/chipgraph/graph/neo4jstore/neo4jtest"
	"github.com/chipgraph/chipgraph/graph/storetest"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func TestConformance(t *testing.T) {
	neo4jtest.Config(t) // skip the whole suite at once without a server
	storetest.Run(t, func(t *testing.T) graph.Store { return neo4jtest.Open(t) })
}

func TestOpenUnreachable(t *testing.T) {
	ctx := context.Background()
	_, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: "bolt://127.0.0.1:1", MaxRetryTime: time.Second})
	if graph.KindOf(err) != graph.Unavailable {
		t.Errorf("Open on a closed port: %v (kind %v), want kind Unavailable", err, graph.KindOf(err))
	}
	_, err = neo4jstore.Open(ctx, neo4jstore.Config{})
	if graph.KindOf(err) != graph.Invalid {
		t.Errorf("Open without a URI: %v (kind %v), want kind Invalid", err, graph.KindOf(err))
	}
}

// TestInterruptedLoad cancels a load after its third batch: the load must
// fail with Unavailable, the previous version must stay served, and running
// the load again must complete it.
func TestInterruptedLoad(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	base, next := storetest.Generated(2000, 0), storetest.Generated(2000, 1)
	first, err := s.Write(ctx, base, graph.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, phase := range []string{"nodes", "edges"} {
		cctx, cancel := context.WithCancel(ctx)
		batches := 0
		_, err = s.Write(cctx, next, graph.WriteOptions{BatchSize: 100, Progress: func(p graph.Progress) {
			if p.Phase == phase {
				if batches++; batches == 3 {
					cancel()
				}
			}
		}})
		cancel()
		if err == nil {
			t.Fatalf("cancelled in phase %s, Write succeeded", phase)
		}
		if graph.KindOf(err) != graph.Unavailable {
			t.Errorf("cancelled in phase %s: %v (kind %v), want kind Unavailable", phase, err, graph.KindOf(err))
		}
		t.Logf("cancelled in phase %s: %v", phase, err)
		checkServed(t, s, base, first.Version)
	}
	again, err := s.Write(ctx, next, graph.WriteOptions{})
	if err != nil {
		t.Fatalf("re-run: %v", err)
	}
	checkServed(t, s, next, again.Version)
	checkClean(t, s, next)
}

// TestOvertaken starts a second load while a first one is running (from
// the first one's progress callback): the first must stop with Conflict,
// the second must complete and be served.
func TestOvertaken(t *testing.T) {
	s := neo4jtest.Open(t)
	other, err := neo4jstore.Open(context.Background(), neo4jtest.Config(t))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(context.Background())
	ctx := context.Background()
	a, b := storetest.Generated(500, 0), storetest.Generated(500, 1)
	var bStats graph.WriteStats
	var bErr error
	started := false
	_, err = s.Write(ctx, a, graph.WriteOptions{BatchSize: 50, Progress: func(p graph.Progress) {
		if !started {
			started = true
			bStats, bErr = other.Write(ctx, b, graph.WriteOptions{})
		}
	}})
	if bErr != nil {
		t.Fatalf("overtaking load: %v", bErr)
	}
	if graph.KindOf(err) != graph.Conflict {
		t.Errorf("overtaken load: %v (kind %v), want kind Conflict", err, graph.KindOf(err))
	}
	checkServed(t, s, b, bStats.Version)
	checkClean(t, s, b)
}

// TestFailedLoadLeftovers runs loads that fail at different points, then
// loads that complete, and checks nothing of the failed ones shows.
func TestFailedLoadLeftovers(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	sample, updated := storetest.Sample(), storetest.SampleUpdated()
	st, err := s.Write(ctx, sample, graph.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A failed load of the updated data after every possible batch.
	for stop := 1; ; stop++ {
		cctx, cancel := context.WithCancel(ctx)
		n := 0
		_, err := s.Write(cctx, updated, graph.WriteOptions{BatchSize: 3, Progress: func(p graph.Progress) {
			if p.Phase != "cleanup" {
				if n++; n == stop {
					cancel()
				}
			}
		}})
		cancel()
		if err == nil || n < stop {
			break // the load got through every batch
		}
		checkServed(t, s, sample, st.Version)
	}
	// Then the original data again: facts the failed loads added or
	// changed must be gone or restored.
	st, err = s.Write(ctx, storetest.Sample(), graph.WriteOptions{BatchSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	checkServed(t, s, sample, st.Version)
	checkClean(t, s, sample)
}

func checkServed(t *testing.T, s *neo4jstore.Store, ds *graph.Dataset, version int64) {
	t.Helper()
	ctx := context.Background()
	v, err := s.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v != version {
		t.Errorf("version = %d, want %d", v, version)
	}
	snap, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := graph.MustSnapshot(cloneDataset(ds)).Version(); snap.Version() != want {
		t.Errorf("served fingerprint %s, want %s", snap.Version(), want)
	}
}

// checkClean checks that after a completed load the database holds exactly
// the dataset, the meta node, and no saved versions.
func checkClean(t *testing.T, s *neo4jstore.Store, ds *graph.Dataset) {
	t.Helper()
	cfg := neo4jtest.Config(t)
	ctx := context.Background()
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.NoAuth())
	if cfg.User != "" {
		driver, err = neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""))
	}
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(ctx)
	db := cfg.Database
	if db == "" {
		db = "neo4j"
	}
	res, err := neo4j.ExecuteQuery(ctx, driver, `MATCH (n) WITH count(n) AS nodes
OPTIONAL MATCH ()-[r]->() WITH nodes, count(r) AS rels
OPTIONAL MATCH (u:ChipgraphUndo) RETURN nodes, rels, count(u) AS undo`, nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(db))
	if err != nil {
		t.Fatal(err)
	}
	rec := res.Records[0]
	nodes, rels, undo := rec.Values[0].(int64), rec.Values[1].(int64), rec.Values[2].(int64)
	if nodes != int64(len(ds.Nodes))+1 || rels != int64(len(ds.Edges)) || undo != 0 {
		t.Errorf("database holds %d nodes, %d relationships, %d saved versions; want %d (with the meta node), %d, 0",
			nodes, rels, undo, len(ds.Nodes)+1, len(ds.Edges))
	}
}

func cloneDataset(ds *graph.Dataset) *graph.Dataset {
	return &graph.Dataset{Nodes: append([]graph.Node(nil), ds.Nodes...), Edges: append([]graph.Edge(nil), ds.Edges...)}
}

// TestServerLost cuts the connection to Neo4j in the middle of a load: the
// load must fail with Unavailable, and once the server is back the
// previous version must still be served and the load must complete when run
// again.
func TestServerLost(t *testing.T) {
	cfg := neo4jtest.Config(t)
	neo4jtest.Open(t) // wipe
	proxy := neo4jtest.NewProxy(t, cfg.URI)
	cfg.URI, cfg.MaxRetryTime = proxy.URI(), time.Second
	ctx := context.Background()
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	base, next := storetest.Generated(1000, 0), storetest.Generated(1000, 1)
	first, err := s.Write(ctx, base, graph.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	batches := 0
	_, err = s.Write(ctx, next, graph.WriteOptions{BatchSize: 100, Progress: func(p graph.Progress) {
		if batches++; batches == 3 {
			proxy.Cut()
		}
	}})
	if graph.KindOf(err) != graph.Unavailable {
		t.Fatalf("load with the server gone: %v (kind %v), want kind Unavailable", err, graph.KindOf(err))
	}
	t.Logf("server lost: %v", err)
	if _, err := s.Version(ctx); graph.KindOf(err) != graph.Unavailable {
		t.Errorf("Version with the server gone: %v (kind %v), want kind Unavailable", err, graph.KindOf(err))
	}
	if _, err := s.Snapshot(ctx); graph.KindOf(err) != graph.Unavailable {
		t.Errorf("Snapshot with the server gone: %v (kind %v), want kind Unavailable", err, graph.KindOf(err))
	}
	proxy.Restore()
	checkServed(t, s, base, first.Version)
	again, err := s.Write(ctx, next, graph.WriteOptions{})
	if err != nil {
		t.Fatalf("re-run: %v", err)
	}
	checkServed(t, s, next, again.Version)
	checkClean(t, s, next)
}
