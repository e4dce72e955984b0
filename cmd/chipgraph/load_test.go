package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/neo4jstore"
	"github.com/chipgraph/chipgraph/graph/neo4jstore/neo4jtest"
	"github.com/chipgraph/chipgraph/loaders"
)

const (
	goodData = "curated:../../loaders/testdata/curated/good"
	badData  = "curated:../../loaders/testdata/curated/bad"
)

func runWithEnv(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{
		Stdout: &out,
		Stderr: &errOut,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Getenv: func(k string) string { return vars[k] },
	}
	code = run(context.Background(), env, args)
	return code, out.String(), errOut.String()
}

func TestLoadUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no URI", []string{"load"}, "give --neo4j-uri or set NEO4J_URI"},
		{"bad spec", []string{"load", "--neo4j-uri", "bolt://127.0.0.1:1", "xml:foo"}, `unknown kind "xml"`},
		{"bad batch", []string{"load", "--neo4j-uri", "bolt://127.0.0.1:1", "--batch-size", "-3"}, "--batch-size must be positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runWithEnv(t, nil, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, exitUsage, tc.want)
			}
		})
	}
}

// TestLoadProblemsWriteNothing: invalid data is reported before any
// connection is made, so an unreachable server does not matter.
func TestLoadProblemsWriteNothing(t *testing.T) {
	code, stdout, stderr := runWithEnv(t, map[string]string{"NEO4J_URI": "bolt://127.0.0.1:1"}, "load", badData)
	if code != exitFailure || !strings.Contains(stderr, "nothing was loaded") || !strings.Contains(stderr, "firms.csv:") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}

func TestLoadUnreachable(t *testing.T) {
	code, _, stderr := runWithEnv(t, map[string]string{"NEO4J_URI": "bolt://127.0.0.1:1"}, "load", goodData)
	if code != exitFailure || !strings.Contains(stderr, "cannot reach Neo4j at bolt://127.0.0.1:1") {
		t.Errorf("exit %d, stderr: %s", code, stderr)
	}
}

func TestLoadNeo4j(t *testing.T) {
	cfg := neo4jtest.Config(t)
	ctx := context.Background()
	if err := neo4jtest.Wipe(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"NEO4J_URI": cfg.URI, "NEO4J_USER": cfg.User, "NEO4J_PASSWORD": cfg.Password,
		"NEO4J_DATABASE": cfg.Database}

	code, stdout, stderr := runWithEnv(t, vars, "load", "--batch-size", "2", goodData)
	if code != exitOK {
		t.Fatalf("load: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	for _, want := range []string{"data version 0 -> 1", "Nodes", "Firm", "SUPPLIES", "nodes/s", "rels/s"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	for _, want := range []string{"Checked curated:", "nodes: ", "(100%)"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("progress lacks %q:\n%s", want, stderr)
		}
	}

	// What Neo4j now serves is what the loader read.
	ds, _, err := loaders.Load(ctx, []loaders.Spec{{Kind: "curated", Path: strings.TrimPrefix(goodData, "curated:")}}, loadOptions())
	if err != nil {
		t.Fatal(err)
	}
	store, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close(ctx)
	snap, err := store.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := graph.MustSnapshot(ds).Version(); snap.Version() != want {
		t.Errorf("Neo4j serves fingerprint %s, the loader read %s", snap.Version(), want)
	}

	// A failing load leaves it alone.
	code, _, stderr = runWithEnv(t, vars, "load", badData)
	if code != exitFailure || !strings.Contains(stderr, "nothing was loaded") {
		t.Errorf("bad data: exit %d, stderr: %s", code, stderr)
	}
	if v, err := store.Version(ctx); err != nil || v != 1 {
		t.Errorf("version after a rejected load = %d, %v; want 1", v, err)
	}

	// Loading the same data again is a new version of the same content.
	code, stdout, _ = runWithEnv(t, vars, "load", goodData)
	if code != exitOK || !strings.Contains(stdout, "data version 1 -> 2") {
		t.Errorf("reload: exit %d, stdout: %s", code, stdout)
	}
}
