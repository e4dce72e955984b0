//go:build tmpexp

package neo4jstore

import (
	"context"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func TestSnapTmp(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Config{URI: "bolt://127.0.0.1:7687"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1; i++ {
		st := time.Now()
		snap, err := s.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("snapshot %d nodes %d edges in %v", snap.NumNodes(), snap.NumEdges(), time.Since(st))
	}
	for _, q := range []string{
		"MATCH (a)-[x:SUPPLIES]->(b) WHERE x.loadFirst <= $c AND x.loadLast >= $c RETURN a.id AS from, b.id AS to, x.contentSince AS since, properties(x) AS props",
		"MATCH (a)-[x:SUPPLIES]->(b) WHERE x.loadFirst <= $c AND x.loadLast >= $c WITH substring(x.contentHash, 0, 2) AS bucket, collect([a.id, b.id, x.contentSince, properties(x)]) AS rows RETURN rows",
		"MATCH (a)-[x:SUPPLIES]->(b) WHERE x.loadFirst <= $c AND x.loadLast >= $c RETURN a.id AS from, b.id AS to, x.contentSince AS since, properties(x) AS props",
		"MATCH (a)-[x:SUPPLIES]->(b) WHERE x.loadFirst <= $c AND x.loadLast >= $c WITH substring(x.contentHash, 0, 2) AS bucket, collect([a.id, b.id, x.contentSince, properties(x)]) AS rows RETURN rows",
	} {
		for _, fetch := range []int{10000} {
			sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: "neo4j", FetchSize: fetch})
			st := time.Now()
			n := 0
			_, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
				res, err := tx.Run(ctx, q, map[string]any{"c": int64(3)})
				if err != nil {
					return nil, err
				}
				for res.Next(ctx) {
					if l, ok := res.Record().Values[0].([]any); ok && len(res.Record().Values) == 1 {
						n += len(l)
					} else {
						n++
					}
				}
				return nil, res.Err()
			})
			sess.Close(ctx)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("fetch %6d rows %d in %v: %.150s", fetch, n, time.Since(st), q)
		}
	}
}
