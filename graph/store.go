package graph

import (
	"context"
	"time"
)

// Writer stores a complete Dataset. Write replaces the previous content:
// facts absent from ds are removed, facts present are created or updated, so
// writing the same Dataset twice changes nothing. Readers keep seeing the
// previous data version until Write has finished; a failed Write leaves the
// previous version in place and can be retried.
type Writer interface {
	Write(ctx context.Context, ds *Dataset, opt WriteOptions) (WriteStats, error)
}

// Reader gives the current data version and a Snapshot of it.
type Reader interface {
	// Version returns the store's data version, which changes only when a
	// Write completes.
	Version(ctx context.Context) (int64, error)
	// Snapshot returns the current content as an immutable Snapshot.
	Snapshot(ctx context.Context) (*Snapshot, error)
}

// Store is a Writer and Reader.
type Store interface {
	Writer
	Reader
	Close(ctx context.Context) error
}

// WriteOptions tunes a Write.
type WriteOptions struct {
	BatchSize int            // rows per transaction; 0 means the store's default
	Progress  func(Progress) // called after each batch, if set
}

// Progress reports how far a Write has got.
type Progress struct {
	Phase       string // "nodes", "edges", "cleanup"
	Done, Total int
}

// WriteStats summarises a completed Write.
type WriteStats struct {
	Nodes    map[string]int // per label
	Edges    map[string]int // per relationship type
	Version  int64          // the data version the write produced
	Duration time.Duration
}
