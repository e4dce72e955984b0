package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/memstore"
	"github.com/chipgraph/chipgraph/synth"
)

// Run runs the conformance suite. open is called once per subtest and must
// return an empty store (version 0, no content) that it closes itself when
// the test ends (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) graph.Store) {
	t.Run("Empty", func(t *testing.T) { testEmpty(t, open(t)) })
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, open(t)) })
	t.Run("Idempotent", func(t *testing.T) { testIdempotent(t, open(t)) })
	t.Run("Updates", func(t *testing.T) { testUpdates(t, open(t)) })
	t.Run("Rejects", func(t *testing.T) { testRejects(t, open(t)) })
	t.Run("Interrupted", func(t *testing.T) { testInterrupted(t, open(t)) })
	t.Run("InterruptedFirst", func(t *testing.T) { testInterruptedFirst(t, open(t)) })
	t.Run("ConcurrentReaders", func(t *testing.T) { testConcurrentReaders(t, open(t)) })
}

// Small batches make even the sample dataset span several transactions in
// stores that batch.
const smallBatch = 4

func testEmpty(t *testing.T, s graph.Store) {
	ctx := context.Background()
	if v := version(t, s); v != 0 {
		t.Errorf("Version of an empty store = %d, want 0", v)
	}
	snap := snapshot(t, s)
	if snap.NumNodes() != 0 || snap.NumEdges() != 0 {
		t.Errorf("empty store: snapshot has %d nodes, %d edges", snap.NumNodes(), snap.NumEdges())
	}
	if _, err := s.Snapshot(ctx); err != nil {
		t.Errorf("second Snapshot: %v", err)
	}
}

func testRoundTrip(t *testing.T, s graph.Store) {
	for _, tc := range []struct {
		name string
		ds   *graph.Dataset
	}{
		{"Sample", Sample()},
		{"Generated", Generated(500, 0)},
		{"Synth", UniqueEdges(synth.Generate(2000, 7))},
		{"SampleUpdated", SampleUpdated()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stats := write(t, s, tc.ds, smallBatch*25)
			nodes, edges := tc.ds.Counts()
			if !equalCounts(stats.Nodes, nodes) || !equalCounts(stats.Edges, edges) {
				t.Errorf("WriteStats counts = %v, %v; want %v, %v", stats.Nodes, stats.Edges, nodes, edges)
			}
			checkContent(t, s, tc.ds)
		})
	}
}

func testIdempotent(t *testing.T, s graph.Store) {
	ds := Sample()
	first := write(t, s, ds, smallBatch)
	snap1 := snapshot(t, s)
	second := write(t, s, Sample(), smallBatch)
	snap2 := snapshot(t, s)
	if snap1.Version() != snap2.Version() {
		t.Errorf("reloading the same data changed the fingerprint: %s -> %s", snap1.Version(), snap2.Version())
	}
	if d := diff(snap1.Dataset(), snap2.Dataset()); d != "" {
		t.Errorf("reloading the same data changed the content:\n%s", d)
	}
	if !equalCounts(first.Nodes, second.Nodes) || !equalCounts(first.Edges, second.Edges) {
		t.Errorf("counts differ between identical loads: %v %v vs %v %v", first.Nodes, first.Edges, second.Nodes, second.Edges)
	}
	if second.Version <= first.Version {
		t.Errorf("second load has version %d, first %d: want it higher", second.Version, first.Version)
	}
	if v := version(t, s); v != second.Version {
		t.Errorf("Version() = %d, Write reported %d", v, second.Version)
	}
	checkContent(t, s, ds)
}

func testUpdates(t *testing.T, s graph.Store) {
	steps := []struct {
		name string
		ds   func() *graph.Dataset
	}{
		{"Load", Sample},
		{"Update", SampleUpdated}, // share changed, note cleared, edge/node dropped, node added
		{"Revert", Sample},        // the dropped facts come back, the added ones go
		{"Grow", func() *graph.Dataset { return Generated(300, 0) }},
		{"Shrink", func() *graph.Dataset { return Generated(300, 1) }},
		{"Empty", func() *graph.Dataset { return &graph.Dataset{} }},
		{"Reload", Sample},
	}
	prev := int64(0)
	for _, step := range steps {
		ds := step.ds()
		stats := write(t, s, ds, smallBatch*10)
		if stats.Version <= prev {
			t.Errorf("%s: version %d after version %d", step.name, stats.Version, prev)
		}
		prev = stats.Version
		checkContent(t, s, ds)
		if t.Failed() {
			t.Fatalf("after step %s", step.name)
		}
	}
}

func testRejects(t *testing.T, s graph.Store) {
	ctx := context.Background()
	base := Sample()
	stats := write(t, s, base, smallBatch)
	for _, tc := range []struct {
		name string
		ds   *graph.Dataset
		kind graph.ErrorKind
	}{
		{"UnknownTarget", func() *graph.Dataset {
			ds := SampleUpdated()
			ds.Edges = append(ds.Edges, graph.Edge{From: "firm:acme", To: "input:missing", Kind: graph.Supplies,
				Share: 10, Year: 2024})
			return ds
		}(), graph.Invalid},
		{"UnknownSource", func() *graph.Dataset {
			ds := SampleUpdated()
			ds.Edges = append(ds.Edges, graph.Edge{From: "firm:missing", To: "input:euv", Kind: graph.Makes, Share: graph.NoShare})
			return ds
		}(), graph.Invalid},
		{"DuplicateNode", func() *graph.Dataset {
			ds := SampleUpdated()
			ds.Nodes = append(ds.Nodes, graph.Node{ID: "firm:acme", Kind: graph.KindFirm, Name: "Other"})
			return ds
		}(), graph.Conflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Write(ctx, tc.ds, graph.WriteOptions{BatchSize: smallBatch})
			if err == nil {
				t.Fatal("Write accepted an invalid dataset")
			}
			if k := graph.KindOf(err); k != tc.kind {
				t.Errorf("Write error kind = %v, want %v (%v)", k, tc.kind, err)
			}
			if v := version(t, s); v != stats.Version {
				t.Errorf("version changed from %d to %d by a rejected write", stats.Version, v)
			}
			checkContent(t, s, base)
		})
	}
}

func testInterrupted(t *testing.T, s graph.Store) {
	base, next := Generated(300, 0), Generated(300, 1)
	stats := write(t, s, base, smallBatch*10)

	// Cancelled before it starts: nothing happens.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Write(ctx, next, graph.WriteOptions{}); graph.KindOf(err) != graph.Unavailable {
		t.Errorf("Write with a cancelled context: error %v (kind %v), want kind Unavailable", err, graph.KindOf(err))
	}
	if v := version(t, s); v != stats.Version {
		t.Errorf("version changed from %d to %d by a cancelled write", stats.Version, v)
	}
	checkContent(t, s, base)

	// Cancelled after its first batch: a store either completes the write
	// (if it applies writes atomically) or fails with Unavailable and keeps
	// the previous version. Either way running it again completes it.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	st, err := s.Write(ctx, next, graph.WriteOptions{BatchSize: smallBatch * 10, Progress: func(graph.Progress) { cancel() }})
	switch {
	case err == nil:
		if st.Version <= stats.Version {
			t.Errorf("completed write has version %d, previous %d", st.Version, stats.Version)
		}
		checkContent(t, s, next)
	case graph.KindOf(err) != graph.Unavailable:
		t.Errorf("interrupted Write: error %v (kind %v), want kind Unavailable", err, graph.KindOf(err))
	default:
		t.Logf("interrupted write: %v", err)
		if v := version(t, s); v != stats.Version {
			t.Errorf("version changed from %d to %d by an interrupted write", stats.Version, v)
		}
		checkContent(t, s, base)
	}
	again := write(t, s, next, smallBatch*10)
	if again.Version <= stats.Version {
		t.Errorf("re-run has version %d, previous %d", again.Version, stats.Version)
	}
	checkContent(t, s, next)
}

// testInterruptedFirst: the first write into an empty store (which a store
// may take a faster path for, nothing being there to keep) is cancelled
// after its first batch; the store stays empty or completes it, and running
// it again completes it over whatever the first attempt left.
func testInterruptedFirst(t *testing.T, s graph.Store) {
	ds := Generated(300, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := s.Write(ctx, ds, graph.WriteOptions{BatchSize: smallBatch * 10, Progress: func(graph.Progress) { cancel() }})
	switch {
	case err == nil:
		checkContent(t, s, ds)
	case graph.KindOf(err) != graph.Unavailable:
		t.Errorf("interrupted first Write: error %v (kind %v), want kind Unavailable", err, graph.KindOf(err))
	default:
		if v := version(t, s); v != 0 {
			t.Errorf("version %d after an interrupted first write, want 0", v)
		}
		snap, err := s.Snapshot(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if snap.NumNodes() != 0 {
			t.Errorf("an interrupted first write left %d nodes visible", snap.NumNodes())
		}
	}
	if st := write(t, s, ds, smallBatch*10); st.Version < 1 {
		t.Errorf("re-run has version %d", st.Version)
	}
	checkContent(t, s, ds)
}

// testConcurrentReaders writes one dataset, then replaces it with another
// while goroutines take snapshots in a loop. Every snapshot must be exactly
// the old or the new content, and once a reader has seen the new content it
// never sees the old again. Besides the free-running readers, the Progress
// callback stops the write after some of its batches and takes snapshots
// then: until Write returns, those must show the old content.
func testConcurrentReaders(t *testing.T, s graph.Store) {
	ctx := context.Background()
	oldDS, newDS := Generated(1000, 0), Generated(1000, 1)
	oldFP, newFP := fingerprint(Generated(1000, 0)), fingerprint(Generated(1000, 1))
	write(t, s, oldDS, 200)

	const readers = 4
	done := make(chan struct{})
	var wg sync.WaitGroup
	seen := make([][]string, readers)
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				snap, err := s.Snapshot(ctx)
				if err != nil {
					t.Errorf("reader %d: Snapshot during a write: %v", r, err)
					return
				}
				seen[r] = append(seen[r], snap.Version())
			}
		}()
	}

	calls, midway := 0, 0
	var midErr []string
	progress := func(p graph.Progress) {
		if calls++; p.Phase == "cleanup" || calls%3 != 0 {
			return
		}
		snap, err := s.Snapshot(ctx)
		midway++
		switch {
		case err != nil:
			midErr = append(midErr, fmt.Sprintf("%s %d/%d: %v", p.Phase, p.Done, p.Total, err))
		case snap.Version() != oldFP:
			midErr = append(midErr, fmt.Sprintf("%s %d/%d: snapshot %s, want the old content %s",
				p.Phase, p.Done, p.Total, snap.Version(), oldFP))
		}
	}
	_, err := s.Write(ctx, newDS, graph.WriteOptions{BatchSize: 200, Progress: progress})
	close(done)
	wg.Wait()
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	for _, e := range midErr {
		t.Errorf("snapshot while Write had not returned: %s", e)
	}
	total := 0
	for r, fps := range seen {
		total += len(fps)
		sawNew := false
		for i, fp := range fps {
			switch fp {
			case oldFP:
				if sawNew {
					t.Errorf("reader %d: snapshot %d went back to the old content after the new", r, i)
				}
			case newFP:
				sawNew = true
			default:
				t.Errorf("reader %d: snapshot %d has fingerprint %s: neither old (%s) nor new (%s) content", r, i, fp, oldFP, newFP)
			}
		}
	}
	t.Logf("%d snapshots by %d concurrent readers, %d taken between batches", total, readers, midway)
	checkContent(t, s, Generated(1000, 1))
}

// checkContent compares the store's snapshot with the one the embedded
// store makes of ds: same fingerprint, same nodes and edges field by field.
func checkContent(t *testing.T, s graph.Store, ds *graph.Dataset) {
	t.Helper()
	want := reference(t, ds)
	got := snapshot(t, s)
	if d := diff(want.Dataset(), got.Dataset()); d != "" {
		t.Errorf("snapshot differs from what was written (- want, + got):\n%s", d)
	}
	if got.Version() != want.Version() {
		t.Errorf("snapshot fingerprint = %s, want %s", got.Version(), want.Version())
	}
	if got.NumNodes() != want.NumNodes() || got.NumEdges() != want.NumEdges() {
		t.Errorf("snapshot has %d nodes, %d edges; want %d, %d", got.NumNodes(), got.NumEdges(), want.NumNodes(), want.NumEdges())
	}
}

// reference is the snapshot the embedded store serves for ds.
func reference(t *testing.T, ds *graph.Dataset) *graph.Snapshot {
	t.Helper()
	ctx := context.Background()
	m := memstore.New()
	cp := &graph.Dataset{Nodes: append([]graph.Node(nil), ds.Nodes...), Edges: append([]graph.Edge(nil), ds.Edges...)}
	if _, err := m.Write(ctx, cp, graph.WriteOptions{}); err != nil {
		t.Fatalf("memstore rejected the reference dataset: %v", err)
	}
	snap, err := m.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func fingerprint(ds *graph.Dataset) string {
	return graph.MustSnapshot(ds).Version()
}

func write(t *testing.T, s graph.Store, ds *graph.Dataset, batch int) graph.WriteStats {
	t.Helper()
	stats, err := s.Write(context.Background(), ds, graph.WriteOptions{BatchSize: batch})
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return stats
}

func snapshot(t *testing.T, s graph.Store) *graph.Snapshot {
	t.Helper()
	snap, err := s.Snapshot(context.Background())
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	return snap
}

func version(t *testing.T, s graph.Store) int64 {
	t.Helper()
	v, err := s.Version(context.Background())
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	return v
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

// diff compares two canonical datasets node by node and edge by edge,
// printing each with %#v (which, unlike ==, treats NaN shares as equal),
// and returns at most 20 differing lines.
func diff(want, got *graph.Dataset) string {
	key := func(v any) string {
		switch x := v.(type) {
		case *graph.Node:
			return string(x.ID)
		case *graph.Edge:
			return x.Key()
		}
		return ""
	}
	wm, gm := map[string]string{}, map[string]string{}
	var order []string
	for i := range want.Nodes {
		k := key(&want.Nodes[i])
		wm[k] = fmt.Sprintf("%#v", want.Nodes[i])
		order = append(order, k)
	}
	for i := range want.Edges {
		k := key(&want.Edges[i])
		wm[k] = fmt.Sprintf("%#v", want.Edges[i])
		order = append(order, k)
	}
	for i := range got.Nodes {
		k := key(&got.Nodes[i])
		gm[k] = fmt.Sprintf("%#v", got.Nodes[i])
		if _, ok := wm[k]; !ok {
			order = append(order, k)
		}
	}
	for i := range got.Edges {
		k := key(&got.Edges[i])
		gm[k] = fmt.Sprintf("%#v", got.Edges[i])
		if _, ok := wm[k]; !ok {
			order = append(order, k)
		}
	}
	var b strings.Builder
	lines := 0
	for _, k := range order {
		w, g := wm[k], gm[k]
		if w == g {
			continue
		}
		if lines >= 20 {
			b.WriteString("...\n")
			break
		}
		if w != "" {
			fmt.Fprintf(&b, "- %s\n", w)
		}
		if g != "" {
			fmt.Fprintf(&b, "+ %s\n", g)
		}
		lines++
	}
	if len(want.Nodes) != len(got.Nodes) || len(want.Edges) != len(got.Edges) {
		fmt.Fprintf(&b, "counts: want %d nodes %d edges, got %d nodes %d edges\n",
			len(want.Nodes), len(want.Edges), len(got.Nodes), len(got.Edges))
	}
	return b.String()
}
