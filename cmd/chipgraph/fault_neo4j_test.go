package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/api"
	"github.com/chipgraph/chipgraph/graph/neo4jstore"
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
	load := func() *exec.Cmd { return loadCmd(cfg, spec) }

	// Kill it once it reports writing progress.
	cmd := load()
	at, _ := untilMidway(t, cmd, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
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

// loadCmd is `chipgraph load` of spec into the Neo4j of cfg, as a child
// process (this test binary running main: see TestMain).
func loadCmd(cfg neo4jstore.Config, spec string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "load", "--neo4j-uri", cfg.URI, "--batch-size", "500", spec)
	cmd.Env = append(os.Environ(), "CHIPGRAPH_TEST_MAIN=1")
	if cfg.User != "" {
		cmd.Env = append(cmd.Env, "NEO4J_USER="+cfg.User, "NEO4J_PASSWORD="+cfg.Password)
	}
	return cmd
}

// untilMidway starts a load and calls fault once it reports writing the
// edges part-way ("edges: 12600/41900 (30%) 3.1s"); it returns that line
// and the load's exit error once the load has ended.
func untilMidway(t *testing.T, cmd *exec.Cmd, fault func()) (string, error) {
	t.Helper()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	hit := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "edges: ") && midway.MatchString(line) {
				fault()
				hit <- line
				for sc.Scan() { // drain
				}
				return
			}
		}
		hit <- ""
	}()
	var at string
	select {
	case at = <-hit:
	case <-time.After(3 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("the load reported no progress within 3 minutes")
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err = <-waited:
	case <-time.After(3 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("the load did not end within 3 minutes of the fault")
	}
	if at == "" {
		t.Fatal("the load finished before the fault could be injected")
	}
	return at, err
}

// TestNeo4jKilledAndRestarted: the Neo4j a server follows is killed with
// SIGKILL — once while served, once in the middle of a load — and started
// again. Throughout, the server answers from the last complete version and
// never serves another; the outage shows in /readyz within a few polls,
// without internal addresses, and clears on recovery; the interrupted load,
// run again, converges to a clean load's fingerprint and is served. It runs
// on a private Neo4j (neo4jtest.StartPrivate), not the shared test server.
func TestNeo4jKilledAndRestarted(t *testing.T) {
	neo := neo4jtest.StartPrivate(t)
	cfg := neo.Config
	ctx := context.Background()
	store, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Write(ctx, storetest.Sample(), graph.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	store.Close(ctx)
	served := graph.MustSnapshot(storetest.Sample()).Version()

	const poll = 100 * time.Millisecond
	holder := api.NewHolder()
	stop := followNeo4j(ctx, &neo4jServeFlags{cfg: cfg, poll: poll}, holder, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer stop()
	srv := api.NewServer(holder, api.Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if st := holder.Status(); !st.Ready || st.Version != served {
		t.Fatalf("after start: %+v", st)
	}

	// Every version the server puts into service, watched all along.
	allowed := map[string]bool{served: true}
	var mu sync.Mutex
	seen := map[string]bool{}
	watching, watched := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(watched)
		for {
			v := holder.Status().Version
			mu.Lock()
			seen[v] = true
			mu.Unlock()
			select {
			case <-watching:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	checkServing := func(when, want string) {
		t.Helper()
		if st := holder.Status(); !st.Ready || st.Version != want {
			t.Errorf("%s: ready %v, version %s; want %s", when, st.Ready, st.Version, want)
		}
		r := httptest.NewRecorder()
		srv.ServeHTTP(r, httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(`{ node(id: "country:NLD") { id } }`), nil))
		if r.Code != http.StatusOK || !strings.Contains(r.Body.String(), `"country:NLD"`) {
			t.Errorf("%s: a query got %d %s", when, r.Code, r.Body)
		}
	}
	outage := func(when string, start time.Time) time.Duration {
		t.Helper()
		eventually(t, when+": the outage is reported", func() bool { return holder.Status().LastError != "" })
		took := time.Since(start)
		r := httptest.NewRecorder()
		srv.ServeHTTP(r, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		if port := cfg.URI[strings.LastIndex(cfg.URI, ":")+1:]; strings.Contains(r.Body.String(), port) {
			t.Errorf("%s: /readyz shows the internal address: %s", when, r.Body)
		}
		return took
	}
	recovery := func(when, want string) time.Duration {
		t.Helper()
		start := time.Now()
		eventually(t, when+": recovery clears the error", func() bool {
			st := holder.Status()
			return st.LastError == "" && st.Version == want
		})
		return time.Since(start)
	}

	// 1. Killed while served.
	killed := time.Now()
	neo.Kill()
	detected := outage("killed while served", killed)
	checkServing("with Neo4j killed", served)
	neo.Start()
	recovered := recovery("restarted", served)
	checkServing("after the restart", served)
	t.Logf("killed while served: outage reported %s after the SIGKILL (poll %s); error cleared %s after Neo4j answered again",
		detected.Round(time.Millisecond), poll, recovered.Round(time.Millisecond))

	// 2. Killed in the middle of a load.
	dir := t.TempDir()
	if code, _, stderr := runCmd(t, "gen", "--tier", "8k", "--seed", "5", "--out", dir); code != exitOK {
		t.Fatalf("gen: exit %d: %s", code, stderr)
	}
	spec := "curated:" + dir
	var killedMid time.Time
	at, loadErr := untilMidway(t, loadCmd(cfg, spec), func() { killedMid = time.Now(); neo.Kill() })
	if loadErr == nil {
		t.Fatal("the load succeeded although Neo4j was killed while it wrote")
	}
	t.Logf("Neo4j killed at %q; the load failed: %v", at, loadErr)
	outage("killed mid-load", killedMid)
	checkServing("with Neo4j killed mid-load", served)
	neo.Start()
	recovery("restarted after the killed load", served)
	checkServing("after the restart, the half load discarded", served)

	// 3. The same load again converges to a clean load, and is served.
	want, _, err := loaders.Load(ctx, []loaders.Spec{{Kind: "curated", Path: dir}}, loaders.Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantFP := graph.MustSnapshot(want).Version()
	allowed[wantFP] = true
	if out, err := loadCmd(cfg, spec).CombinedOutput(); err != nil {
		t.Fatalf("reload: %v\n%s", err, out)
	}
	eventually(t, "the reload is served", func() bool { return holder.Status().Version == wantFP })

	close(watching)
	<-watched
	for v := range seen {
		if !allowed[v] {
			t.Errorf("the server served %s, a version no load completed", v)
		}
	}
}
