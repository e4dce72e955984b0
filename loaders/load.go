package loaders

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/chipgraph/chipgraph/data"
	"github.com/chipgraph/chipgraph/graph"
)

// SourceLoader loads one source of a kind other than "curated" (an ETO
// release, a screening list) into b. It reports every problem in the data
// to b (Builder.Report) and returns an error only when it cannot go on: the
// source cannot be read at all, or ctx is done.
type SourceLoader func(ctx context.Context, b *Builder, spec Spec) error

// Options tunes Load.
type Options struct {
	// Loaders maps a source kind ("eto", "csl") to its loader. The curated
	// format is built in. cmd/chipgraph fills this map, so that this
	// package needs no registration at init time and does not import the
	// packages of the other formats.
	Loaders map[string]SourceLoader
}

// Report summarises a Load, failed or not.
type Report struct {
	Specs    []Spec         // what was loaded, in load order
	Nodes    map[string]int // nodes per label, every label present
	Edges    map[string]int // edges per relationship type, every type present
	Problems Problems       // what stops the load; empty if it succeeded
	Warnings Problems       // worth a look, but loaded anyway
	Duration time.Duration
}

// Load reads the sources named by specs, checks all of them together and
// returns the dataset, ready for a graph.Writer. With no specs it loads the
// bundled curated dataset (Bundled). Curated sources are read first, in the
// order given, then the others in the order given, so that their loaders
// can link what they read to curated nodes (the ETO crosswalk).
//
// If the data has any problem, Load returns no dataset and an error of kind
// graph.Invalid that wraps the Problems (errors.As); the report lists them,
// with the counts of what was read. Other errors (a kind without a loader,
// an unreadable source, a cancelled ctx) leave the report partly filled.
func Load(ctx context.Context, specs []Spec, opts Options) (*graph.Dataset, Report, error) {
	const op = "loaders.Load"
	start := time.Now()
	if len(specs) == 0 {
		specs = []Spec{Bundled}
	}
	ordered := slices.Clone(specs)
	slices.SortStableFunc(ordered, func(a, b Spec) int {
		return boolRank(a.Kind != "curated") - boolRank(b.Kind != "curated")
	})
	rep := Report{Specs: ordered}
	b := NewBuilder()
	for _, s := range ordered {
		if err := ctx.Err(); err != nil {
			return nil, rep, &graph.Error{Op: op, Err: err}
		}
		var err error
		switch {
		case s.IsBundled():
			err = LoadCurated(b, data.FS, "data")
		case s.Kind == "curated":
			err = LoadCurated(b, os.DirFS(s.Path), s.Path)
		default:
			load := opts.Loaders[s.Kind]
			if load == nil {
				return nil, rep, graph.Errorf(graph.Invalid, op, "no loader for %q sources in this build (%s)", s.Kind, s)
			}
			err = load(ctx, b, s)
		}
		if err != nil {
			return nil, rep, &graph.Error{Op: op, Err: fmt.Errorf("%s: %w", s, err)}
		}
	}

	ds, warnings, err := b.Finish()
	rep.Nodes, rep.Edges = counts(b)
	rep.Warnings = warnings
	rep.Duration = time.Since(start)
	if err != nil {
		rep.Problems = slices.DeleteFunc(slices.Clone(b.Problems()), func(p Problem) bool { return p.Warning })
		return nil, rep, &graph.Error{Kind: graph.Invalid, Op: op, Err: rep.Problems}
	}
	return ds, rep, nil
}

// counts returns the Builder's counts with every label and type present.
func counts(b *Builder) (nodes, edges map[string]int) {
	nodes, edges = b.Counts()
	for _, k := range graph.NodeKinds {
		nodes[k.Label()] += 0
	}
	for _, k := range graph.EdgeKinds {
		edges[string(k)] += 0
	}
	return nodes, edges
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
