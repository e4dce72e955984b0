package api

import (
	"context"
	"errors"
	"math"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/memstore"
)

// flakyReader is a graph.Reader whose failures the test controls.
type flakyReader struct {
	graph.Reader
	err error
}

func (f *flakyReader) Version(ctx context.Context) (int64, error) {
	if f.err != nil {
		return 0, f.err
	}
	return f.Reader.Version(ctx)
}

func TestHolder(t *testing.T) {
	ctx := context.Background()
	h := NewHolder()
	if st := h.Status(); st.Ready || h.View() != nil || h.Snapshot() != nil {
		t.Fatalf("new holder is ready: %+v", st)
	}

	store := memstore.New()
	if _, err := store.Write(ctx, fixture(), graph.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	r := &flakyReader{Reader: store}
	if err := h.Refresh(ctx, r); err != nil {
		t.Fatal(err)
	}
	st := h.Status()
	if !st.Ready || st.StoreVersion != 1 || st.Swaps != 1 || st.Nodes == 0 || st.NodesByLabel["Firm"] != 10 || st.LoadedAt.IsZero() {
		t.Fatalf("after first refresh: %+v", st)
	}
	first := h.Snapshot()

	// Same data version: nothing to do.
	if err := h.Refresh(ctx, r); err != nil || h.Status().Swaps != 1 || h.Snapshot() != first {
		t.Errorf("refresh without a new version swapped: %v %+v", err, h.Status())
	}

	// A failed reload keeps the snapshot in service.
	r.err = &graph.Error{Kind: graph.Unavailable, Op: "test", Err: errors.New("connection refused")}
	if err := h.Refresh(ctx, r); err == nil {
		t.Error("refresh did not report the failure")
	}
	st = h.Status()
	if !st.Ready || h.Snapshot() != first || st.Failures != 1 || st.LastError == "" || st.LastErrorAt.IsZero() {
		t.Errorf("after a failed reload: %+v", st)
	}

	// A new version is picked up and clears the error.
	r.err = nil
	if _, err := store.Write(ctx, fixture(), graph.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := h.Refresh(ctx, r); err != nil {
		t.Fatal(err)
	}
	st = h.Status()
	if h.Snapshot() == first || st.StoreVersion != 2 || st.Swaps != 2 || st.LastError != "" || st.Failures != 1 {
		t.Errorf("after a new version: %+v", st)
	}

	h.Swap(nil)
	if h.Snapshot() == nil {
		t.Error("Swap(nil) removed the snapshot")
	}
}

// TestPollStops: Poll returns when its context ends.
func TestPollStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := NewHolder().Poll(ctx, memstore.New(), 1, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Poll returned %v", err)
	}
}

// TestBoundHeap: while a snapshot is rebuilt beside a large one in service,
// the Go heap is capped at 2.5 times what is live plus 256 MiB, and the cap
// is lifted after; a limit the user set (GOMEMLIMIT) and a small live heap
// are left alone.
func TestBoundHeap(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64)) // as if no GOMEMLIMIT were set, whatever this run has
	small := boundHeap()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("a small live heap was capped at %d", got)
	}
	small()
	held := make([]byte, 400<<20) // a snapshot in service (live, though never written)
	runtime.GC()
	restore := boundHeap()
	got := debug.SetMemoryLimit(-1)
	restore()
	runtime.KeepAlive(held)
	if got < 1240<<20 || got > 1400<<20 {
		t.Fatalf("cap %d MiB with about 400 MiB live, want about 1,256 MiB (2.5 x 400 + 256)", got>>20)
	}
	if after := debug.SetMemoryLimit(-1); after != math.MaxInt64 {
		t.Fatalf("the cap stayed after the rebuild: %d", after)
	}
	debug.SetMemoryLimit(3 << 30) // the user's
	boundHeap()()
	if got := debug.SetMemoryLimit(-1); got != 3<<30 {
		t.Fatalf("the user's limit became %d", got)
	}
}
