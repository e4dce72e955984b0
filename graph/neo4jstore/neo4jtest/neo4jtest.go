// Package neo4jtest connects tests to a real Neo4j server: the one named by
// NEO4J_URI (with NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE), as started
// by scripts/neo4j-local. Without NEO4J_URI, or under -short, tests that
// need it are skipped with a message saying so; with
// CHIPGRAPH_REQUIRE_NEO4J=1 (CI) a missing NEO4J_URI fails them instead.
//
// Tests that use the server wipe its database, so the test binaries of
// different packages must not use it at the same time: the first call to
// Config in a process takes an exclusive lock on a file in the temporary
// directory and holds it until the process exits, which serialises them
// (go test runs package binaries in parallel).
package neo4jtest

import (
	"context"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/chipgraph/chipgraph/graph/neo4jstore"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// SkipMessage is what tests print when they skip for want of a server.
const SkipMessage = "NEO4J_URI not set: skipping Neo4j tests (run scripts/neo4j-local start)"

// Config returns the store configuration from the environment, or skips
// (or fails, with CHIPGRAPH_REQUIRE_NEO4J=1) the test.
func Config(t testing.TB) neo4jstore.Config {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping Neo4j tests")
	}
	cfg := neo4jstore.ConfigFromEnv(os.Getenv)
	if cfg.URI == "" {
		if os.Getenv("CHIPGRAPH_REQUIRE_NEO4J") == "1" {
			t.Fatal("CHIPGRAPH_REQUIRE_NEO4J=1 but NEO4J_URI is not set (run scripts/neo4j-local start)")
		}
		t.Skip(SkipMessage)
	}
	if err := lockServer(cfg.URI, func() {
		t.Logf("waiting for another test process to finish with the Neo4j server at %s", cfg.URI)
	}); err != nil {
		t.Fatalf("locking the test server: %v", err)
	}
	return cfg
}

// Open returns a store on the test server, with the database wiped, closed
// when the test ends.
func Open(t testing.TB) *neo4jstore.Store {
	t.Helper()
	cfg := Config(t)
	ctx := context.Background()
	if err := Wipe(ctx, cfg); err != nil {
		t.Fatalf("wiping %s: %v", cfg.URI, err)
	}
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("opening %s: %v", cfg.URI, err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// Wipe deletes every node and relationship in the configured database, in
// batches: relationships first, since DETACH DELETE of a node with hundreds
// of thousands of them (a country after a tier L bench on the same server)
// does not fit one transaction's memory. Constraints and indexes stay.
func Wipe(ctx context.Context, cfg neo4jstore.Config) error {
	auth := neo4j.NoAuth()
	if cfg.User != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		return err
	}
	defer driver.Close(ctx)
	db := cfg.Database
	if db == "" {
		db = "neo4j"
	}
	sess := driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: db})
	defer sess.Close(ctx)
	// CALL ... IN TRANSACTIONS needs an auto-commit transaction: Run.
	for _, q := range []string{
		"MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
		"MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS",
	} {
		res, err := sess.Run(ctx, q, nil)
		if err != nil {
			return err
		}
		if _, err := res.Consume(ctx); err != nil {
			return err
		}
	}
	return nil
}

var (
	lockMu   sync.Mutex
	lockFile *os.File // held open (and locked) until the process exits
)

func lockServer(uri string, wait func()) error {
	lockMu.Lock()
	defer lockMu.Unlock()
	if lockFile != nil {
		return nil
	}
	h := fnv.New32a()
	h.Write([]byte(uri))
	path := filepath.Join(os.TempDir(), fmt.Sprintf("chipgraph-neo4j-test-%08x.lock", h.Sum32()))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return err
	}
	if err := lockExclusive(f, wait); err != nil {
		f.Close()
		return err
	}
	lockFile = f
	return nil
}
