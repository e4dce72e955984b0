package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/neo4jstore/neo4jtest"
	"github.com/chipgraph/chipgraph/graph/storetest"
	"github.com/chipgraph/chipgraph/loaders"
)

// TestMain lets a test run this binary's main as a child process
// (CHIPGRAPH_TEST_MAIN=1): the fault tests kill it with SIGKILL mid-load.
func TestMain(m *testing.M) {
	if os.Getenv("CHIPGRAPH_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

var midway = regexp.MustCompile(`\((?:[3-8]\d)%\)`)

// TestLoadKilledMidway: `chipgraph load` killed with SIGKILL while it writes
// leaves the previous load in service (version and content), and running
// the same load again converges to the content of a clean load.
func TestLoadKilledMidway(t *testing.T) {
	store := neo4jtest.Open(t) // wiped
	cfg := neo4jtest.Config(t)
	ctx := context.Background()
	if _, err := store.Write(ctx, storetest.Sample(), graph.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	before, err := store.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	served := graph.MustSnapshot(storetest.Sample()).Version()

	dir := t.TempDir()
	if code, _, stderr := runCmd(t, "gen", "--tier", "8k", "--seed", "3", "--out", dir); code != exitOK {
		t.Fatalf("gen: exit %d: %s", code, stderr)
	}
	spec := "curated:" + dir
	load := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "load", "--neo4j-uri", cfg.URI, "--batch-size", "500", spec)
		cmd.Env = append(os.Environ(), "CHIPGRAPH_TEST_MAIN=1")
		if cfg.User != "" {
			cmd.Env = append(cmd.Env, "NEO4J_USER="+cfg.User, "NEO4J_PASSWORD="+cfg.Password)
		}
		return cmd
	}

	// Kill it once it reports writing progress.
	cmd := load()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			// Part-way through writing the edges: "edges: 12600/41900 (30%) 3.1s".
			if line := sc.Text(); strings.HasPrefix(line, "edges: ") && midway.MatchString(line) {
				_ = cmd.Process.Signal(syscall.SIGKILL)
				killed <- line
				for sc.Scan() { // drain
				}
				return
			}
		}
		killed <- ""
	}()
	var at string
	select {
	case at = <-killed:
	case <-time.After(3 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("the load reported no progress within 3 minutes")
	}
	_ = cmd.Wait()
	if at == "" {
		t.Fatal("the load finished before it could be killed")
	}
	t.Logf("killed at %q", at)

	if v, err := store.Version(ctx); err != nil || v != before {
		t.Fatalf("after the kill: version %d (%v), want %d", v, err, before)
	}
	snap, err := store.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Version() != served {
		t.Errorf("after the kill the store serves %s, want the previous load %s", snap.Version(), served)
	}

	// The same load again completes and equals a clean load.
	if out, err := load().CombinedOutput(); err != nil {
		t.Fatalf("reload: %v\n%s", err, out)
	}
	want, _, err := loaders.Load(ctx, []loaders.Spec{{Kind: "curated", Path: dir}}, loaders.Options{}) // load writes exactly the sources given
	if err != nil {
		t.Fatal(err)
	}
	snap, err = store.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, wantFP := snap.Version(), graph.MustSnapshot(want).Version(); got != wantFP {
		t.Errorf("after the reload: fingerprint %s, want the clean load's %s", got, wantFP)
	}
}
