package api

import (
	"context"
	"errors"
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
