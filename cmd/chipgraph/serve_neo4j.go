package main

import (
	"context"
	"flag"
	"log/slog"
	"sync"
	"time"

	"github.com/chipgraph/chipgraph/graph/api"
	"github.com/chipgraph/chipgraph/graph/neo4jstore"
)

// neo4jServeFlags are serve's flags for reading from Neo4j.
type neo4jServeFlags struct {
	cfg  neo4jstore.Config
	poll time.Duration
}

func addNeo4jServeFlags(fs *flag.FlagSet, env *Env) *neo4jServeFlags {
	f := &neo4jServeFlags{cfg: neo4jstore.ConfigFromEnv(env.Getenv)}
	fs.StringVar(&f.cfg.URI, "neo4j-uri", f.cfg.URI,
		"serve the graph held in this Neo4j (loaded with chipgraph load) instead of the embedded store (default $NEO4J_URI)")
	fs.DurationVar(&f.poll, "poll", 10*time.Second, "with --neo4j-uri: how often to check Neo4j's data version and reload")
	return f
}

// followNeo4j serves the graph held in Neo4j: it builds the first snapshot
// before returning if it can, then checks the data version every poll
// interval in the background, building each new version aside and swapping
// it in. If Neo4j cannot be reached (at start or later), the error is
// recorded in the holder's status (/readyz, /metrics), the last good
// snapshot stays in service, and the poller keeps trying. stop ends the
// poller and closes the connection.
func followNeo4j(ctx context.Context, f *neo4jServeFlags, holder *api.Holder, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var store *neo4jstore.Store
	connect := func() bool {
		s, err := neo4jstore.Open(ctx, f.cfg)
		if err != nil {
			holder.ReportError(err)
			log.Error("cannot open Neo4j; retrying", "uri", f.cfg.URI, "every", f.poll, "err", err)
			return false
		}
		store = s
		if err := holder.Refresh(ctx, store); err != nil {
			log.Error("cannot read the graph from Neo4j; retrying", "uri", f.cfg.URI, "every", f.poll, "err", err)
		}
		return true
	}
	connected := connect()
	wg.Add(1)
	go func() {
		defer wg.Done()
		if !connected {
			t := time.NewTicker(f.poll)
			defer t.Stop()
			for !connected {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					connected = connect()
				}
			}
		}
		holder.Poll(ctx, store, f.poll, log)
	}()
	return func() {
		cancel()
		wg.Wait()
		if store != nil {
			store.Close(context.Background())
		}
	}
}
