package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// AheadBatch is aheadBatch, for TestAhead.
const AheadBatch = aheadBatch

// StreamRead runs query in a read transaction of a session that asks for
// every record at once, handing the records to fn through stream, as
// Snapshot reads; it returns stream's own error.
func (s *Store) StreamRead(ctx context.Context, query string, params map[string]any, fn func(*neo4j.Record) error) error {
	sess := s.session(ctx, neo4j.AccessModeRead, neo4j.FetchAll)
	defer sess.Close(context.WithoutCancel(ctx))
	var err error
	sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		err = stream(ctx, tx, query, params, fn)
		return nil, err
	})
	return err
}
