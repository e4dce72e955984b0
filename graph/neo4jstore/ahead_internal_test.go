package neo4jstore

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestAhead runs a query on a real server through ahead, as the snapshot
// read does: every record arrives in order; an error of fn, or a context
// cancelled while records are still coming, ends the stream with an error
// (never a silent short read); and the session is usable again afterwards.
// It only reads, so it needs no lock on the server's database.
func TestAhead(t *testing.T) {
	cfg := ConfigFromEnv(os.Getenv)
	if cfg.URI == "" || testing.Short() {
		if os.Getenv("CHIPGRAPH_REQUIRE_NEO4J") == "1" {
			t.Fatal("NEO4J_URI is not set and CHIPGRAPH_REQUIRE_NEO4J=1")
		}
		t.Skip("NEO4J_URI not set: no Neo4j server to test against")
	}
	ctx := context.Background()
	s, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	const rows = 5 * aheadBatch / 2 // full batches and a partial one
	// count reads the rows through stream, stopping at record stop: fn
	// fails there with fail, or the context is cancelled there. It returns
	// how many records fn saw and stream's own error.
	count := func(stop int, fail error) (int, error) {
		sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, FetchSize: neo4j.FetchAll})
		defer sess.Close(context.Background())
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var seen int
		var serr error
		sess.ExecuteRead(cctx, func(tx neo4j.ManagedTransaction) (any, error) {
			seen = 0
			serr = stream(cctx, tx, `UNWIND range(1, $n) AS i RETURN i`, map[string]any{"n": rows}, func(r *neo4j.Record) error {
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
			return nil, serr
		})
		return seen, serr
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
	for _, stop := range []int{1, aheadBatch} {
		if n, err := count(stop, nil); err == nil || n != aheadBatch {
			t.Errorf("cancelled at record %d: %v after %d records, want an error after %d", stop, err, n, aheadBatch)
		}
	}
	if n, err := count(rows-1, nil); err == nil && n != rows {
		t.Errorf("cancelled in the last batch: no error after %d of %d records", n, rows)
	}
	if n, err := count(-1, nil); err != nil || n != rows {
		t.Fatalf("read after the interrupted ones: %d records, %v; want %d", n, err, rows)
	}
}
