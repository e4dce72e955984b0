package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chipgraph/chipgraph/graph/api"
	"github.com/chipgraph/chipgraph/graph/memstore"
	"github.com/chipgraph/chipgraph/loaders"
)

// defaultAddr is where serve listens without --addr or CHIPGRAPH_ADDR:
// loopback only, since the API has no authentication.
const defaultAddr = "127.0.0.1:8080"

// specList is a repeatable --data flag.
type specList []loaders.Spec

func (l *specList) String() string {
	parts := make([]string, len(*l))
	for i, s := range *l {
		parts[i] = s.String()
	}
	return strings.Join(parts, " ")
}

func (l *specList) Set(v string) error {
	s, err := loaders.ParseSpec(v)
	if err != nil {
		return err
	}
	*l = append(*l, s)
	return nil
}

// runServe loads the data into the embedded store and serves the GraphQL
// API until ctx is cancelled (SIGINT, SIGTERM), then shuts down gracefully.
func runServe(ctx context.Context, env *Env, args []string) error {
	start := time.Now()
	fs := newFlags("chipgraph serve [--addr HOST:PORT] [--data KIND:PATH ... | --neo4j-uri URI [--poll DURATION]]", `
Serve the knowledge graph over GraphQL. With no Neo4j configured, the
embedded store holds the curated dataset built into the binary plus every
--data source (curated:DIR, eto:DIR, csl:FILE), checked together as by
"chipgraph validate": any problem stops the server before it starts.

With --neo4j-uri (or NEO4J_URI), it serves the graph last loaded into Neo4j
by "chipgraph load" instead, checks Neo4j's data version every --poll
interval, and swaps in each new version once it is completely loaded. If
Neo4j becomes unreachable it keeps serving the last good snapshot, and
/readyz and /metrics report the failing reloads. If Neo4j turns up empty or
with an older data version (wiped, recreated, restored from an old backup),
the server refuses it, keeps serving the last good snapshot and reports
not ready with the reason; --accept-regression accepts such a store.

Routes: / (GraphiQL playground with an example query), /dashboard (the
dashboard: chokepoints, dependencies, controls, access, scenarios), /graphql
(POST and GET), /schema.graphql (the SDL), /healthz, /readyz, /metrics
(Prometheus), /reports/chokepoints.json and /reports/chokepoints.csv
(?asOf=&of=&first=), /assets/ (the pages' files). The pages carry everything
they load and work without internet access.
SIGINT or SIGTERM stops it after in-flight requests finish (10s at most).

Browsers let a web page read this API's answers only if its origin is
allowed: --cors-origin https://dash.example.org (comma-separated, or * for
any) for a dashboard served elsewhere. The API has no authentication, so
allow only sites you trust, and keep the default loopback address unless
the network in front of it is yours.`)
	addr := fs.String("addr", "", "listen address HOST:PORT (default $CHIPGRAPH_ADDR, else "+defaultAddr+")")
	cors := fs.String("cors-origin", "", "web origins whose pages may call the API from a browser, comma-separated\n"+
		"(https://dash.example.org), or * for any (default $CHIPGRAPH_CORS_ORIGINS, else none)")
	timeout := fs.Duration("timeout", 10*time.Second, "time limit of one GraphQL root field (an analysis)")
	maxComplexity := fs.Int("max-complexity", 50_000, "complexity limit of one GraphQL operation (about the number of items it may return)")
	acceptRegression := fs.Bool("accept-regression", false, "with --neo4j-uri: serve the store's data even if it is empty or older than\nthe version served (default: refuse it and keep the last good snapshot)")
	var data specList
	fs.Var(&data, "data", "an extra data source KIND:PATH; repeatable")
	nf := addNeo4jServeFlags(fs, env)
	rest, err := parseFlags(env, fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("unexpected argument %q (data sources go in --data KIND:PATH)", rest[0])
	}
	if *addr == "" {
		*addr = env.Getenv("CHIPGRAPH_ADDR")
	}
	if *cors == "" {
		*cors = env.Getenv("CHIPGRAPH_CORS_ORIGINS")
	}
	origins, err := parseOrigins(*cors)
	if err != nil {
		return usageErrorf("--cors-origin: %v", err)
	}
	if *timeout <= 0 {
		return usageErrorf("--timeout must be positive, got %s", *timeout)
	}
	if *maxComplexity <= 0 {
		return usageErrorf("--max-complexity must be positive, got %d", *maxComplexity)
	}
	if *addr == "" {
		*addr = defaultAddr
	}
	log := env.Logger

	holder := api.NewHolder()
	holder.AcceptRegression = *acceptRegression
	var sources string
	if neo := nf.cfg.URI; neo != "" {
		if len(data) > 0 {
			return usageErrorf("--data feeds the embedded store; with --neo4j-uri, load data with \"chipgraph load\"")
		}
		stop := followNeo4j(ctx, nf, holder, log) // serve_neo4j.go
		defer stop()
		sources = "neo4j " + neo
	} else {
		specs := append([]loaders.Spec{loaders.Bundled}, data...)
		ds, rep, err := loaders.Load(ctx, specs, loadOptions())
		if err != nil {
			return err
		}
		if len(rep.Warnings) > 0 {
			log.Warn("data loaded with warnings", "warnings", len(rep.Warnings), "first", rep.Warnings[0].String())
		}
		store, err := memstore.Of(ctx, ds)
		if err != nil {
			return err
		}
		if err := holder.Refresh(ctx, store); err != nil {
			return err
		}
		sources = fmt.Sprint(specs)
	}

	srv := &http.Server{
		Handler: api.NewServer(holder, api.Options{Timeout: *timeout, MaxComplexity: *maxComplexity,
			AllowOrigins: origins}, log),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	st := holder.Status()
	log.Info("serving", "addr", ln.Addr().String(), "playground", "http://"+ln.Addr().String()+"/", "dashboard", "http://"+ln.Addr().String()+"/dashboard",
		"version", st.Version, "nodes", st.Nodes, "edges", st.Edges,
		"sources", sources, "startup_ms", float64(time.Since(start).Microseconds())/1000)

	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// parseOrigins reads a comma-separated list of web origins
// (scheme://host[:port], as a browser sends them in Origin) or "*".
func parseOrigins(list string) ([]string, error) {
	var out []string
	for _, o := range strings.Split(list, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o != "*" {
			u, err := url.Parse(o)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
				(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
				return nil, fmt.Errorf("%q is not an origin like https://dash.example.org", o)
			}
			o = u.Scheme + "://" + u.Host
		}
		out = append(out, o)
	}
	return out, nil
}
