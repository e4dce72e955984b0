package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/api"
	"github.com/chipgraph/chipgraph/graph/neo4jstore"
	"github.com/chipgraph/chipgraph/graph/neo4jstore/neo4jtest"
	"github.com/chipgraph/chipgraph/graph/storetest"
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
