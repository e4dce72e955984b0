package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/loaders"
)

const validateUsage = `
Parse and check data sources as a load would, without writing anything, and
print the number of nodes per label and edges per type read, then every
problem as file:line: column: message. Exits with status 1 if there is any
problem (warnings alone do not fail).

Sources are KIND:PATH: curated:DIR (CSV files in the format of
data/README.md), eto:DIR, csl:FILE. With none, the curated dataset built into
the binary is checked. Several sources are checked together, as they would
be loaded: an ID defined twice or a reference from one to another counts.

--json prints {"nodes": {Label: n}, "edges": {TYPE: n}, "problems": [...],
"warnings": [...]} instead, each problem an object with file, line, column
and message.`

func runValidate(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("chipgraph validate [--json] [KIND:PATH ...]", validateUsage)
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	paths, err := parseFlags(env, fs, args)
	if err != nil {
		return err
	}
	specs, err := parseSpecs(paths)
	if err != nil {
		return err
	}

	_, rep, err := loaders.Load(ctx, specs, loadOptions())
	var problems loaders.Problems
	if err != nil && !errors.As(err, &problems) {
		return err // not a verdict on the data: it could not be checked
	}
	if *asJSON {
		err = writeValidateJSON(env.Stdout, rep)
	} else {
		err = writeValidateText(env.Stdout, rep)
	}
	if err != nil {
		return err
	}
	if n := len(rep.Problems); n > 0 {
		return fmt.Errorf("%s found", count(n, "problem"))
	}
	return nil
}

func writeValidateText(w io.Writer, rep loaders.Report) error {
	fmt.Fprintf(w, "Checked")
	for _, s := range rep.Specs {
		fmt.Fprintf(w, " %s", s)
	}
	fmt.Fprintf(w, " in %s.\n", rep.Duration.Round(time.Millisecond))
	nodes, edges := writeKindCounts(w, rep.Nodes, rep.Edges)
	fmt.Fprintln(w)
	for _, p := range rep.Problems {
		fmt.Fprintln(w, p)
	}
	for _, p := range rep.Warnings {
		fmt.Fprintln(w, p)
	}
	if len(rep.Problems) > 0 || len(rep.Warnings) > 0 {
		fmt.Fprintln(w)
	}
	var err error
	if len(rep.Problems) > 0 {
		_, err = fmt.Fprintf(w, "%s, %s: nothing would be loaded.\n", count(len(rep.Problems), "problem"), count(len(rep.Warnings), "warning"))
	} else {
		_, err = fmt.Fprintf(w, "ok: %s, %s, %s.\n", count(nodes, "node"), count(edges, "edge"), count(len(rep.Warnings), "warning"))
	}
	return err
}

// writeCounts prints a titled table of names and counts, and returns the total.
// writeKindCounts prints the number of nodes per label and of edges per
// type, every kind listed, and returns the totals.
func writeKindCounts(w io.Writer, nodeCounts, edgeCounts map[string]int) (nodes, edges int) {
	labels := make([]string, len(graph.NodeKinds))
	for i, k := range graph.NodeKinds {
		labels[i] = k.Label()
	}
	types := make([]string, len(graph.EdgeKinds))
	for i, k := range graph.EdgeKinds {
		types[i] = string(k)
	}
	return writeCounts(w, "Nodes", labels, nodeCounts), writeCounts(w, "Edges", types, edgeCounts)
}

func writeCounts(w io.Writer, title string, names []string, counts map[string]int) int {
	width, total := 0, 0
	for _, name := range names {
		width = max(width, len(name))
	}
	fmt.Fprintf(w, "\n%s\n", title)
	for _, name := range names {
		fmt.Fprintf(w, "  %-*s %6d\n", width, name, counts[name])
		total += counts[name]
	}
	return total
}

func writeValidateJSON(w io.Writer, rep loaders.Report) error {
	out := struct {
		Nodes    map[string]int   `json:"nodes"`
		Edges    map[string]int   `json:"edges"`
		Problems loaders.Problems `json:"problems"`
		Warnings loaders.Problems `json:"warnings"`
	}{rep.Nodes, rep.Edges, rep.Problems, rep.Warnings}
	if out.Problems == nil {
		out.Problems = loaders.Problems{}
	}
	if out.Warnings == nil {
		out.Warnings = loaders.Problems{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// count formats "1 problem", "3 problems".
func count(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
