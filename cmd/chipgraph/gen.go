package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/loaders"
	"github.com/chipgraph/chipgraph/synth"
)

const genUsage = `
Write a deterministic synthetic supply chain (package synth) as curated
CSV files (the format of data/README.md) into DIR, for benchmarks and load
tests. The same tier and seed always give the same files.

Tiers: S (about 10^3 nodes), M (10^5), L (10^6), or a number of nodes (1k,
250k, 2e6). About 5.5 edges per node: a requirement DAG 12 levels deep with
OR-groups, firms with power-law supplier degrees and market shares, fabs with
an installed base, products, and dated export-control events. Planted
chokepoints with known answers: input:planted-chokepoint-1 ... -5, each
supplied only by firm:planted-monopolist-1 ... -5 (see package synth).

The output passes "chipgraph validate curated:DIR" and can be served next to
the bundled dataset ("chipgraph serve --data curated:DIR"): IDs that the
bundled dataset also uses (the synthetic countries take real ISO codes) are
renamed with a SYN- or syn- prefix, so country:USA becomes country:SYN-USA.

DIR is created if needed; an existing DIR must be empty unless --force is
given, which overwrites the curated files in it.`

func runGen(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("chipgraph gen --out DIR [--tier S|M|L|N] [--seed N] [--force]", genUsage)
	tier := fs.String("tier", "S", "size: S, M, L, or a number of nodes (1k, 250k, 1e6)")
	seed := fs.Int64("seed", 1, "random seed; equal seeds give equal data")
	out := fs.String("out", "", "directory to write the CSV files into (required)")
	force := fs.Bool("force", false, "overwrite the curated files in a non-empty --out")
	rest, err := parseFlags(env, fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("unexpected argument %q", rest[0])
	}
	if *out == "" {
		return usageErrorf("--out DIR is required")
	}
	n, err := synth.ParseTier(*tier)
	if err != nil {
		return usageError{err}
	}
	if entries, err := os.ReadDir(*out); err == nil && len(entries) > 0 && !*force {
		return fmt.Errorf("%s is not empty (give --force to overwrite the curated files in it)", *out)
	}
	start := time.Now()
	ds, err := synthDataset(ctx, n, *seed)
	if err != nil {
		return err
	}
	generated := time.Since(start)
	if err := loaders.WriteCurated(*out, ds); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Wrote %s, %s (tier %s, seed %d) to %s in %s (generated in %s).\n",
		count(len(ds.Nodes), "node"), count(len(ds.Edges), "edge"), *tier, *seed, *out,
		time.Since(start).Round(time.Millisecond), generated.Round(time.Millisecond))
	return nil
}

// synthDataset returns package synth's dataset of n nodes for seed, adapted
// to the curated format and to being loaded next to the bundled dataset:
//   - IDs the bundled dataset also uses are renamed (renameClashes);
//   - source nodes cite no sources (sources.csv has no sources column);
//   - an edge repeated with the same graph.Edge.Key (the generator may draw
//     the same requirement twice) is kept once, as the first drawn;
//   - a share above 100 % (a sum of rounded shares, such as a country's
//     33.4 + 33.4 + 33.3) is capped at 100, the most the format accepts.
//
// gen writes it and bench measures it, so both see the same data.
func synthDataset(ctx context.Context, n int, seed int64) (*graph.Dataset, error) {
	bundled, _, err := loaders.Load(ctx, nil, loaders.Options{})
	if err != nil {
		return nil, fmt.Errorf("reading the bundled dataset: %w", err)
	}
	taken := make(map[graph.ID]bool, len(bundled.Nodes))
	for i := range bundled.Nodes {
		taken[bundled.Nodes[i].ID] = true
	}
	ds := synth.Generate(n, seed)
	renameClashes(ds, taken)
	for i := range ds.Nodes {
		if ds.Nodes[i].Kind == graph.KindSource {
			ds.Nodes[i].Sources = nil
		}
	}
	for i := range ds.Edges {
		if e := &ds.Edges[i]; e.HasShare() && e.Share > 100 {
			e.Share = 100
		}
	}
	seen := make(map[string]bool, len(ds.Edges))
	ds.Edges = slices.DeleteFunc(ds.Edges, func(e graph.Edge) bool {
		k := e.Key()
		dup := seen[k]
		seen[k] = true
		return dup
	})
	ds.Canonicalize()
	return ds, nil
}

// renameClashes gives every node of ds whose ID is taken a prefixed ID
// ("SYN-" for countries, whose slugs are upper case; "syn-" otherwise), and
// rewrites every reference to it.
func renameClashes(ds *graph.Dataset, taken map[graph.ID]bool) {
	renamed := map[graph.ID]graph.ID{}
	for i := range ds.Nodes {
		id := ds.Nodes[i].ID
		if !taken[id] {
			continue
		}
		prefix := "syn-"
		if id.Kind() == graph.KindCountry {
			prefix = "SYN-"
		}
		to := graph.ID(string(id.Kind()) + ":" + prefix + id.Slug())
		for taken[to] {
			to = graph.ID(strings.Replace(string(to), ":", ":"+prefix, 1))
		}
		renamed[id] = to
		ds.Nodes[i].ID = to
	}
	if len(renamed) == 0 {
		return
	}
	ref := func(id graph.ID) graph.ID {
		if to, ok := renamed[id]; ok {
			return to
		}
		return id
	}
	for i := range ds.Nodes {
		ds.Nodes[i].Issuer = ref(ds.Nodes[i].Issuer)
		for j, s := range ds.Nodes[i].Sources {
			ds.Nodes[i].Sources[j] = ref(s)
		}
	}
	for i := range ds.Edges {
		e := &ds.Edges[i]
		e.From, e.To = ref(e.From), ref(e.To)
		for j, s := range e.Sources {
			e.Sources[j] = ref(s)
		}
	}
}
