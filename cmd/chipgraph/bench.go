package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chipgraph/chipgraph/bench"
	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/neo4jstore"
	"github.com/chipgraph/chipgraph/synth"
)

const benchUsage = `
Measure chipgraph against the baselines a user would otherwise have, in one
run against one Neo4j, on the synthetic data of "chipgraph gen" (see
bench/PERFORMANCE.md for what every number means):

  Ingest    our loader (read the CSV files, validate, neo4jstore.Write)
            against Neo4j's LOAD CSV with CALL { ... } IN TRANSACTIONS on the
            same files and constraints: nodes/s, relationships/s, ratio.
  Snapshot  time to build the in-memory snapshot from Neo4j, and the
            resident memory of this process afterwards.
  Queries   Q1 upstream closure, Q2 k=5 dependency paths, Q3 chokepoints of
            a product, Q4 feasibility as of a date: p50, p99 and requests/s
            at 1, 4 and 16 concurrent clients over loopback HTTP against the
            GraphQL server (started in-process on 127.0.0.1), beside the same
            question in raw Cypher through the Go driver and through the
            Neo4j GraphQL Library (bench/peer, installed with npm ci and run
            on Node.js against the same Neo4j).

THE DATABASE IS WIPED: run bench against a Neo4j of its own. It refuses a
database holding data that an earlier bench run did not write, unless
--wipe is given. LOAD CSV reads the files from the server's import
directory (server.directories.import, or --import-dir), which must be
writable by this process.

--json prints every figure and a "ratios" object (above 1: chipgraph ahead)
on stdout; otherwise a table. Progress goes to stderr.`

func runBench(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("chipgraph bench --neo4j-uri URI [--tier S|M|L] [--json] [--requests N] [flags]", benchUsage)
	cfg := neo4jstore.ConfigFromEnv(env.Getenv)
	fs.StringVar(&cfg.URI, "neo4j-uri", cfg.URI, "the Neo4j to measure against, e.g. bolt://127.0.0.1:7687 (required; default $NEO4J_URI)")
	fs.IntVar(&cfg.BatchSize, "batch-size", cfg.BatchSize,
		"rows per write transaction, for both loaders (default $NEO4J_BATCH_SIZE, else "+strconv.Itoa(neo4jstore.DefaultBatchSize)+")")
	tier := fs.String("tier", "S", "data size: S (10^3 nodes), M (10^5), L (10^6), or a number of nodes")
	seed := fs.Int64("seed", 1, "random seed of the synthetic data")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	jsonFile := fs.String("json-file", "", "also write the JSON result to this file")
	requests := fs.Int("requests", 200, "requests per measurement (question x system x client count)")
	clients := fs.String("clients", "1,4,16", "concurrent client counts, comma-separated")
	budget := fs.Duration("budget", 20*time.Second, "time limit of one measurement; it stops early with fewer requests")
	asOf := fs.String("as-of", "2024-01-01", "the as-of date of every query")
	peer := fs.String("peer", "", "the @neo4j/graphql peer's folder (default bench/peer, if it exists)")
	importDir := fs.String("import-dir", "", "Neo4j's import directory as this process sees it (default: ask the server)")
	skip := fs.String("skip", "", "parts to leave out, comma-separated: "+strings.Join(bench.Parts, ", "))
	wipe := fs.Bool("wipe", false, "allow wiping a database that holds other data than an earlier bench run's")
	rest, err := parseFlags(env, fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("unexpected argument %q", rest[0])
	}
	if cfg.URI == "" {
		return usageErrorf("no Neo4j to measure against: give --neo4j-uri or set NEO4J_URI")
	}
	n, err := synth.ParseTier(*tier)
	if err != nil {
		return usageError{err}
	}
	if *requests <= 0 {
		return usageErrorf("--requests must be positive")
	}
	var cs []int
	for _, f := range strings.Split(*clients, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || c <= 0 || c > 256 {
			return usageErrorf("bad --clients %q: want numbers from 1 to 256, comma-separated", *clients)
		}
		cs = append(cs, c)
	}
	date, err := graph.ParseDate(*asOf)
	if err != nil || date == 0 {
		return usageErrorf("bad --as-of %q: want YYYY-MM-DD", *asOf)
	}
	skipped := map[string]bool{}
	for _, s := range strings.Split(*skip, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !slices.Contains(bench.Parts, s) {
			return usageErrorf("bad --skip %q: want some of %s", s, strings.Join(bench.Parts, ", "))
		}
		skipped[s] = true
	}
	peerDir := *peer
	if peerDir == "" {
		if _, err := os.Stat(filepath.Join("bench", "peer", "package-lock.json")); err == nil {
			peerDir = filepath.Join("bench", "peer")
		} else if !skipped[bench.PartPeer] {
			fmt.Fprintln(env.Stderr, "bench: bench/peer not found here (run from the repository root or give --peer DIR): the peer is skipped")
		}
	}
	if peerDir != "" {
		if peerDir, err = filepath.Abs(peerDir); err != nil {
			return err
		}
	}

	res, err := bench.Run(ctx, bench.Config{
		Neo4j: cfg, Tier: strings.ToUpper(*tier), Seed: *seed,
		Dataset:  func() (*graph.Dataset, error) { return synthDataset(ctx, n, *seed) },
		Requests: *requests, CellBudget: *budget, Clients: cs, AsOf: date,
		ImportDir: *importDir, PeerDir: peerDir, Skip: skipped, Wipe: *wipe,
		Log: func(format string, args ...any) {
			fmt.Fprintf(env.Stderr, "bench: "+format+"\n", args...)
		},
	})
	if err != nil {
		return err
	}
	if *jsonFile != "" {
		f, err := os.Create(*jsonFile)
		if err != nil {
			return err
		}
		werr := bench.WriteJSON(f, res)
		if err := f.Close(); werr == nil {
			werr = err
		}
		if werr != nil {
			return werr
		}
	}
	if *asJSON {
		return bench.WriteJSON(env.Stdout, res)
	}
	return bench.WriteText(env.Stdout, res)
}
