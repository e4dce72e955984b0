package neo4jstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/chipgraph/chipgraph/graph/neo4jstore"
	"github.com/chipgraph/chipgraph/graph/neo4jstore/neo4jtest"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestAhead reads through the snapshot read's stream on a real server:
// every record arrives in order; an error of fn, or a context cancelled
// while records are still coming, ends the stream with an error (never a
// silent short read); and the store reads again normally afterwards. It
// only reads, so it does not wipe the database.
func TestAhead(t *testing.T) {
	ctx := context.Background()
	s, err := neo4jstore.Open(ctx, neo4jtest.Config(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	const batch = neo4jstore.AheadBatch
	const rows = 5 * batch / 2 // full batches and a partial one
	// count reads the rows, stopping at record stop: fn fails there with
	// fail, or the context is cancelled there. It returns how many records
	// fn saw and the stream's error.
	count := func(stop int, fail error) (int, error) {
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		seen := 0
		err := s.StreamRead(cctx, `UNWIND range(1, $n) AS i RETURN i`, map[string]any{"n": rows}, func(r *neo4j.Record) error {
			if seen++; r.Values[0].(int64) != int64(seen) {
				t.Fatalf("record %d holds %v", seen, r.Values[0])
			}
			if seen == stop {
				if fail != nil {
					return fail
				}
				cancel()
			}
			return nil
		})
		return seen, err
	}
	if n, err := count(-1, nil); err != nil || n != rows {
		t.Fatalf("full read: %d records, %v; want %d", n, err, rows)
	}
	boom := errors.New("boom")
	if n, err := count(700, boom); !errors.Is(err, boom) || n != 700 {
		t.Errorf("fn failing at record 700: %v after %d records, want its error after 700", err, n)
	}
	// Cancelled before the last batch: stopped at the next one, with an
	// error (the context's, or the driver's for the cancelled receive). In
	// the last batch the read may complete, but never without every record.
	for _, stop := range []int{1, batch} {
		if n, err := count(stop, nil); err == nil || n != batch {
			t.Errorf("cancelled at record %d: %v after %d records, want an error after %d", stop, err, n, batch)
		}
	}
	if n, err := count(rows-1, nil); err == nil && n != rows {
		t.Errorf("cancelled in the last batch: no error after %d of %d records", n, rows)
	}
	if n, err := count(-1, nil); err != nil || n != rows {
		t.Fatalf("read after the interrupted ones: %d records, %v; want %d", n, err, rows)
	}
}
