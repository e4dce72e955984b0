package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/chipgraph/chipgraph/graph/api"
	"github.com/chipgraph/chipgraph/graph/memstore"
	"github.com/chipgraph/chipgraph/graph/neo4jstore"
	"github.com/chipgraph/chipgraph/loaders"
)

const reportUsage = `
Print a report to standard output. "chokepoints": inputs
ranked by chokepoint score, the table of the GraphQL query chokepoints and of
GET /reports/chokepoints.json and .csv, made by the same code from the same
data (the curated dataset built into the binary plus every --data source,
loaded as "chipgraph serve" loads them).

--as-of DATE reads shares and controls at DATE (YYYY-MM-DD; default today,
UTC); --of ID ranks only the inputs upstream of that node; --first N keeps
the top N rows (default: every ranked input).

--format json prints one object: report, datasetVersion (the content
fingerprint of the data, as /readyz and /metrics report it), asOf,
parameters (as given, null when defaulted), generatedAt, generator,
scoreFormula, count and the rows in chokepoints. --format csv prints a header
row, then one row per input; the last five columns (datasetVersion, asOf, of,
first, generatedAt) stamp every row. A figure is reproduced by the same
datasetVersion, asOf and parameters.

"critical-suppliers": the single firms and countries whose removal makes
the item --of (required) infeasible, the table of the GraphQL query knockouts
and of GET /reports/critical-suppliers.json and .csv: --for ID (the holder;
default the item's maker), --as-of DATE, --threshold PERCENT (default 10)
and --ignore-controls (the physical supply chain) as in that query; stamped
the same way (the CSV's last eight columns).

With --neo4j-uri (or NEO4J_URI), the report is made from the graph last
loaded into that Neo4j by "chipgraph load", as "chipgraph serve --neo4j-uri"
serves it.`

// reportFlags maps the report's parameters (api.ParseReportParams) to the
// flags that set them, for error messages.
var reportFlags = map[string]string{"asOf": "--as-of", "of": "--of", "first": "--first", "for": "--for",
	"threshold": "--threshold", "ignoreControls": "--ignore-controls"}

func runReport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("chipgraph report chokepoints|critical-suppliers [--as-of DATE] [--of ID] [--first N] [--for ID] [--threshold PERCENT] [--ignore-controls] [--format json|csv] [--data KIND:PATH ... | --neo4j-uri URI]", reportUsage)
	asOf := fs.String("as-of", "", "the day shares and controls are read at, YYYY-MM-DD (default today, UTC)")
	of := fs.String("of", "", "rank only the inputs upstream of this node ID, e.g. product:ascend-910c")
	first := fs.Int("first", 0, "keep the top N rows (default: all)")
	holder := fs.String("for", "", "critical-suppliers: the firm or country that must obtain the item (default: its maker)")
	threshold := fs.String("threshold", "", "critical-suppliers: the share, in percent, the remaining suppliers must hold (default 10)")
	ignore := fs.Bool("ignore-controls", false, "critical-suppliers: set the recorded controls aside")
	format := fs.String("format", api.FormatJSON, "json or csv")
	var data specList
	fs.Var(&data, "data", "an extra data source KIND:PATH; repeatable")
	cfg := neo4jstore.ConfigFromEnv(env.Getenv)
	fs.StringVar(&cfg.URI, "neo4j-uri", cfg.URI, "report on the graph held in this Neo4j instead of the embedded store (default $NEO4J_URI)")
	rest, err := parseFlags(env, fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(rest) == 0:
		return usageErrorf("name the report: chipgraph report chokepoints|critical-suppliers")
	case rest[0] != "chokepoints" && rest[0] != "critical-suppliers":
		return usageErrorf("unknown report %q; the reports are chokepoints and critical-suppliers", rest[0])
	case len(rest) > 1:
		return usageErrorf("unexpected argument %q (data sources go in --data KIND:PATH)", rest[1])
	}
	if cfg.URI != "" && len(data) > 0 {
		return usageErrorf("--data feeds the embedded store; with --neo4j-uri, load data with \"chipgraph load\"")
	}
	if *format != api.FormatJSON && *format != api.FormatCSV {
		return usageErrorf("--format %q: want json or csv", *format)
	}
	if rest[0] == "critical-suppliers" {
		return runCriticalReport(ctx, env, fs, cfg, data, *format, *asOf, *of, *holder, *threshold, *ignore)
	}
	misplaced := ""
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "for" || f.Name == "threshold" || f.Name == "ignore-controls" {
			misplaced = f.Name
		}
	})
	if misplaced != "" {
		return usageErrorf("--%s belongs to the critical-suppliers report", misplaced)
	}
	// Only the flags given become parameters, so that --as-of "" is an
	// error as asOf= is for the HTTP report, not today's figures.
	q := url.Values{}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "as-of":
			q.Set("asOf", *asOf)
		case "of":
			q.Set("of", *of)
		case "first":
			q.Set("first", strconv.Itoa(*first))
		}
	})
	params, err := api.ParseReportParams(q)
	if err != nil {
		return flagError(err, true)
	}

	view, err := reportView(ctx, env, cfg, data)
	if err != nil {
		return err
	}
	rep, err := api.NewChokepointReport(ctx, view, params, "chipgraph "+buildVersion(), time.Now())
	if err != nil {
		return flagError(err, false)
	}
	return api.WriteReport(env.Stdout, rep, *format)
}

// flagError names the flag of a report parameter error; a malformed value
// is a usage error (exit 2), an unknown ID a failure (exit 1).
func flagError(err error, usage bool) error {
	var pe *api.ParamError
	if !errors.As(err, &pe) {
		return err
	}
	name := reportFlags[pe.Param]
	if name == "" {
		name = pe.Param
	}
	if usage {
		return usageErrorf("%s: %s", name, pe.Message)
	}
	return errors.New(name + ": " + pe.Message)
}

// loadView loads the bundled dataset and the extra sources into the
// embedded store and returns the view a server would answer from.
func loadView(ctx context.Context, env *Env, data []loaders.Spec) (*api.View, error) {
	specs := append([]loaders.Spec{loaders.Bundled}, data...)
	ds, rep, err := loaders.Load(ctx, specs, loadOptions())
	if err != nil {
		return nil, err
	}
	if len(rep.Warnings) > 0 {
		env.Logger.Warn("data loaded with warnings", "warnings", len(rep.Warnings), "first", rep.Warnings[0].String())
	}
	store, err := memstore.Of(ctx, ds)
	if err != nil {
		return nil, err
	}
	holder := api.NewHolder()
	if err := holder.Refresh(ctx, store); err != nil {
		return nil, err
	}
	return holder.View(), nil
}

// neo4jView reads the graph committed in Neo4j and returns the view a
// server following it would answer from.
func neo4jView(ctx context.Context, cfg neo4jstore.Config) (*api.View, error) {
	store, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer store.Close(context.WithoutCancel(ctx))
	if v, err := store.Version(ctx); err != nil {
		return nil, err
	} else if v == 0 {
		return nil, fmt.Errorf("%s holds no chipgraph data yet: load it with \"chipgraph load\"", cfg.URI)
	}
	holder := api.NewHolder()
	if err := holder.Refresh(ctx, store); err != nil {
		return nil, err
	}
	return holder.View(), nil
}

// reportView is the view a report reads: the graph loaded into Neo4j when
// a URI is configured, else the embedded data with the --data sources.
func reportView(ctx context.Context, env *Env, cfg neo4jstore.Config, data specList) (*api.View, error) {
	if cfg.URI != "" {
		return neo4jView(ctx, cfg)
	}
	return loadView(ctx, env, data)
}

// buildVersion is the binary's module version, as api.Options reports it
// by default: "(devel)" when built from a work tree.
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// runCriticalReport prints the critical-supplier report (see reportUsage).
func runCriticalReport(ctx context.Context, env *Env, fs *flag.FlagSet, cfg neo4jstore.Config, data specList,
	format, asOf, of, holder, threshold string, ignore bool) error {
	// Only the flags given become parameters, so that --as-of "" is an
	// error as asOf= is, not today's figures.
	q := url.Values{}
	usedFirst := false
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "as-of":
			q.Set("asOf", asOf)
		case "of":
			q.Set("of", of)
		case "for":
			q.Set("for", holder)
		case "threshold":
			q.Set("threshold", threshold)
		case "ignore-controls":
			q.Set("ignoreControls", strconv.FormatBool(ignore))
		case "first":
			usedFirst = true
		}
	})
	if usedFirst {
		return usageErrorf("--first belongs to the chokepoints report")
	}
	params, err := api.ParseCriticalParams(q)
	if err != nil {
		return flagError(err, true)
	}
	view, err := reportView(ctx, env, cfg, data)
	if err != nil {
		return err
	}
	rep, err := api.NewCriticalReport(ctx, view, params, "chipgraph "+buildVersion(), time.Now())
	if err != nil {
		var pe *api.ParamError
		return flagError(err, errors.As(err, &pe) && pe.Code == api.CodeBadUserInput)
	}
	return api.WriteCriticalReport(env.Stdout, rep, format)
}
