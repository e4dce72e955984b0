package memstore

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/chipgraph/chipgraph/graph"
)

// Store is an in-memory graph.Store. The zero value is not usable; call New.
type Store struct {
	mu      sync.RWMutex
	snap    *graph.Snapshot
	version int64
}

var _ graph.Store = (*Store)(nil)

// New returns an empty store (version 0, empty snapshot).
func New() *Store {
	return &Store{snap: graph.MustSnapshot(&graph.Dataset{})}
}

// Of returns a new store holding a copy of ds: the embedded store of
// `chipgraph serve` without Neo4j.
func Of(ctx context.Context, ds *graph.Dataset) (*Store, error) {
	s := New()
	if _, err := s.Write(ctx, ds, graph.WriteOptions{}); err != nil {
		return nil, err
	}
	return s, nil
}

// Write replaces the content with a copy of ds. The new snapshot is built
// before the lock is taken, so readers are never blocked by a build and
// never see a partial one.
func (s *Store) Write(ctx context.Context, ds *graph.Dataset, opt graph.WriteOptions) (graph.WriteStats, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return graph.WriteStats{}, &graph.Error{Kind: graph.Unavailable, Op: "memstore.Write", Err: err}
	}
	cp := &graph.Dataset{Nodes: slices.Clone(ds.Nodes), Edges: slices.Clone(ds.Edges)}
	snap, err := graph.NewSnapshot(cp)
	if err != nil {
		return graph.WriteStats{}, err
	}
	if opt.Progress != nil {
		opt.Progress(graph.Progress{Phase: "nodes", Done: len(cp.Nodes), Total: len(cp.Nodes)})
		opt.Progress(graph.Progress{Phase: "edges", Done: len(cp.Edges), Total: len(cp.Edges)})
	}
	s.mu.Lock()
	s.snap = snap
	s.version++
	v := s.version
	s.mu.Unlock()
	nodes, edges := cp.Counts()
	return graph.WriteStats{Nodes: nodes, Edges: edges, Version: v, Duration: time.Since(start)}, nil
}

// Version returns the number of completed writes.
func (s *Store) Version(ctx context.Context) (int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.version, nil
}

// Snapshot returns the current snapshot.
func (s *Store) Snapshot(ctx context.Context) (*graph.Snapshot, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.snap, nil
}

// Close does nothing; it exists to satisfy graph.Store.
func (s *Store) Close(ctx context.Context) error { return nil }
