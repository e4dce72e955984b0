package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/neo4jstore"
	"github.com/chipgraph/chipgraph/loaders"
)

const loadUsage = `
Check data sources as "chipgraph validate" does and, if there is no problem,
write them to Neo4j, replacing what the database held: facts absent from the
sources are removed. Nothing is written if any source has a problem.

Servers reading the database keep seeing the previous data until the load
completes; then its data version goes up and they reload. An interrupted
load (Ctrl-C, Neo4j stopped) leaves the previous data in place and can
simply be run again.

Sources are KIND:PATH: curated:DIR, eto:DIR, csl:FILE. With none, the
curated dataset built into the binary is loaded.

Progress is drawn as a bar when stderr is a terminal, and printed as plain
lines otherwise. The summary (nodes and edges written per kind, rates,
duration) goes to stdout.

Environment: NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE (default
neo4j), NEO4J_BATCH_SIZE.`

func runLoad(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("chipgraph load --neo4j-uri URI [--batch-size N] [KIND:PATH ...]", loadUsage)
	cfg := neo4jstore.ConfigFromEnv(env.Getenv)
	fs.StringVar(&cfg.URI, "neo4j-uri", cfg.URI, "Neo4j to load into, e.g. bolt://127.0.0.1:7687 (required; default $NEO4J_URI)")
	fs.IntVar(&cfg.BatchSize, "batch-size", cfg.BatchSize,
		"rows per write transaction (default $NEO4J_BATCH_SIZE, else "+strconv.Itoa(neo4jstore.DefaultBatchSize)+")")
	paths, err := parseFlags(env, fs, args)
	if err != nil {
		return err
	}
	if cfg.URI == "" {
		return usageErrorf("no Neo4j to load into: give --neo4j-uri or set NEO4J_URI")
	}
	if cfg.BatchSize < 0 {
		return usageErrorf("--batch-size must be positive")
	}
	specs, err := parseSpecs(paths)
	if err != nil {
		return err
	}

	ds, rep, err := loaders.Load(ctx, specs, loadOptions())
	var problems loaders.Problems
	if errors.As(err, &problems) {
		for _, p := range rep.Problems {
			fmt.Fprintln(env.Stderr, p)
		}
		for _, p := range rep.Warnings {
			fmt.Fprintln(env.Stderr, p)
		}
		return fmt.Errorf("%s, %s: nothing was loaded", count(len(rep.Problems), "problem"), count(len(rep.Warnings), "warning"))
	}
	if err != nil {
		return err
	}
	for _, p := range rep.Warnings {
		fmt.Fprintln(env.Stderr, p)
	}
	fmt.Fprintf(env.Stderr, "Checked %s in %s: %s, %s, %s.\n", joinSpecs(rep.Specs),
		rep.Duration.Round(time.Millisecond), count(len(ds.Nodes), "node"), count(len(ds.Edges), "edge"),
		count(len(rep.Warnings), "warning"))

	store, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close(context.WithoutCancel(ctx))
	before, err := store.Version(ctx)
	if err != nil {
		return err
	}
	pr := newProgressPrinter(env.Stderr, isTerminal(env.Stderr))
	stats, err := store.Write(ctx, ds, graph.WriteOptions{BatchSize: cfg.BatchSize, Progress: pr.report})
	pr.finish()
	if err != nil {
		if stats.Version == 0 {
			fmt.Fprintf(env.Stderr, "Neo4j still serves data version %d.\n", before)
		}
		return err
	}
	writeLoadSummary(env.Stdout, cfg, stats, pr, before)
	return nil
}

func joinSpecs(specs []loaders.Spec) string {
	parts := make([]string, len(specs))
	for i, s := range specs {
		parts[i] = s.String()
	}
	return strings.Join(parts, " ")
}

// isTerminal reports whether w is a terminal (a character device), where
// a progress bar can be redrawn in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressPrinter shows a Write's progress: a bar redrawn in place on a
// terminal, otherwise a line per phase and per tenth of it. It also records
// when each phase ended, for the rates in the summary.
type progressPrinter struct {
	w       io.Writer
	tty     bool
	start   time.Time
	phase   string
	tenth   int                  // last tenth printed, in lines mode
	ends    map[string]time.Time // when each phase last reported
	drawn   bool                 // a bar is on screen and needs a newline
	lastBar time.Time
	removed int // nodes and relationships of earlier loads deleted
}

func newProgressPrinter(w io.Writer, tty bool) *progressPrinter {
	return &progressPrinter{w: w, tty: tty, start: time.Now(), ends: map[string]time.Time{}}
}

func (p *progressPrinter) report(pr graph.Progress) {
	now := time.Now()
	p.ends[pr.Phase] = now
	if pr.Phase != p.phase {
		if p.drawn {
			fmt.Fprintln(p.w)
			p.drawn = false
		}
		p.phase, p.tenth = pr.Phase, -1
	}
	if pr.Phase == "cleanup" { // reported once, by finish
		p.removed = pr.Done
		return
	}
	frac := 1.0
	if pr.Total > 0 {
		frac = float64(pr.Done) / float64(pr.Total)
	}
	elapsed := now.Sub(p.start).Round(100 * time.Millisecond)
	if p.tty {
		if pr.Done < pr.Total && now.Sub(p.lastBar) < 100*time.Millisecond {
			return // redraw at most ten times a second
		}
		p.lastBar = now
		const width = 30
		fill := int(frac * width)
		fmt.Fprintf(p.w, "\r%-7s [%s%s] %3.0f%% %d/%d  %s", pr.Phase, strings.Repeat("=", fill),
			strings.Repeat(" ", width-fill), frac*100, pr.Done, pr.Total, elapsed)
		p.drawn = true
		return
	}
	if t := int(frac * 10); t > p.tenth {
		p.tenth = t
		fmt.Fprintf(p.w, "%s: %d/%d (%.0f%%) %s\n", pr.Phase, pr.Done, pr.Total, frac*100, elapsed)
	}
}

func (p *progressPrinter) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
	if p.removed > 0 {
		fmt.Fprintf(p.w, "cleanup: removed %d nodes and relationships of earlier loads\n", p.removed)
	}
}

func writeLoadSummary(w io.Writer, cfg neo4jstore.Config, stats graph.WriteStats, p *progressPrinter, before int64) {
	db := cfg.Database
	if db == "" {
		db = "neo4j"
	}
	fmt.Fprintf(w, "Loaded into %s (database %s): data version %d -> %d.\n", cfg.URI, db, before, stats.Version)
	nodes, edges := writeKindCounts(w, stats.Nodes, stats.Edges)
	fmt.Fprintln(w)
	nodesEnd, edgesEnd := p.ends["nodes"], p.ends["edges"]
	if nodesEnd.IsZero() {
		nodesEnd = p.start
	}
	if edgesEnd.IsZero() {
		edgesEnd = nodesEnd
	}
	fmt.Fprintf(w, "%s in %s (%s), %s in %s (%s); total %s.\n",
		count(nodes, "node"), nodesEnd.Sub(p.start).Round(time.Millisecond), rate(nodes, nodesEnd.Sub(p.start), "nodes"),
		count(edges, "edge"), edgesEnd.Sub(nodesEnd).Round(time.Millisecond), rate(edges, edgesEnd.Sub(nodesEnd), "rels"),
		stats.Duration.Round(time.Millisecond))
}

func rate(n int, d time.Duration, unit string) string {
	if d <= 0 || n == 0 {
		return "- " + unit + "/s"
	}
	return fmt.Sprintf("%.0f %s/s", float64(n)/d.Seconds(), unit)
}
