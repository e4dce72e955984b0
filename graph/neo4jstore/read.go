package neo4jstore

import (
	"context"
	"fmt"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// maxReadAttempts bounds how often Snapshot starts again because a load
// was committed while it read.
const maxReadAttempts = 5

// Snapshot reads the committed load into a graph.Snapshot: one streamed
// query per label and relationship type, then the prior versions that
// loads in progress have saved. A load that is still running is invisible;
// if a load commits while Snapshot reads, Snapshot reads again.
func (s *Store) Snapshot(ctx context.Context) (*graph.Snapshot, error) {
	const op = "neo4jstore.Snapshot"
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.WithoutCancel(ctx))
	for attempt := 1; ; attempt++ {
		r, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			return readCommitted(ctx, tx)
		})
		if err != nil {
			return nil, wrap(ctx, op, err)
		}
		rd := r.(*reading)
		if rd == nil { // a load was committed during the read
			if attempt == maxReadAttempts {
				return nil, graph.Errorf(graph.Unavailable, op, "loads were committed during %d reads in a row", attempt)
			}
			continue
		}
		ds, err := rd.dataset()
		if err != nil {
			return nil, &graph.Error{Kind: graph.Internal, Op: op, Err: err}
		}
		snap, err := graph.NewSnapshot(ds)
		if err != nil {
			return nil, &graph.Error{Kind: graph.Internal, Op: op, Err: fmt.Errorf("load %d: %w", rd.meta.committed, err)}
		}
		if rd.meta.fingerprint != "" && snap.Version() != rd.meta.fingerprint {
			return nil, graph.Errorf(graph.Internal, op, "load %d read back with fingerprint %s, but it was written with %s",
				rd.meta.committed, snap.Version(), rd.meta.fingerprint)
		}
		return snap, nil
	}
}

// reading is what one read of the committed load returned.
type reading struct {
	meta  meta
	nodes []row
	edges []row
	undo  map[string]map[string]any // key -> saved properties
}

// row is a node or relationship as read: its content may be newer than
// the committed load (since > committed), in which case the saved prior
// version replaces it.
type row struct {
	kind     string // node kind or edge kind
	from, to string // edges only
	since    int64
	props    map[string]any
}

const (
	nodeRead = `MATCH (x:%s) WHERE x.loadFirst <= $c AND x.loadLast >= $c
RETURN x.contentSince AS since, properties(x) AS props`
	edgeRead = `MATCH (a)-[x:%s]->(b) WHERE x.loadFirst <= $c AND x.loadLast >= $c
RETURN a.id AS from, b.id AS to, x.contentSince AS since, properties(x) AS props`
	undoRead = `MATCH (u:ChipgraphUndo {savedFor: $c}) RETURN u.key AS key, properties(u) AS props`
)

// readCommitted reads the committed load in one transaction. Neo4j reads
// are read-committed, not snapshot-isolated, so the statements may see
// batches of a load in progress; the load ranges and saved versions undo
// their effect (see doc.go). It returns nil if the committed load changed
// while it read, since a commit is followed by deletions.
func readCommitted(ctx context.Context, tx neo4j.ManagedTransaction) (*reading, error) {
	rd := &reading{undo: map[string]map[string]any{}}
	var err error
	if rd.meta, err = txMeta(ctx, tx); err != nil {
		return nil, err
	}
	c := rd.meta.committed
	if c == 0 {
		return rd, nil
	}
	params := map[string]any{"c": c}
	for _, k := range graph.NodeKinds {
		err := stream(ctx, tx, fmt.Sprintf(nodeRead, k.Label()), params, func(rec *neo4j.Record) error {
			r, err := rowOf(rec, 0)
			r.kind = string(k)
			rd.nodes = append(rd.nodes, r)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	for _, k := range graph.EdgeKinds {
		err := stream(ctx, tx, fmt.Sprintf(edgeRead, k), params, func(rec *neo4j.Record) error {
			r, err := rowOf(rec, 2)
			r.kind = string(k)
			r.from, _ = rec.Values[0].(string)
			r.to, _ = rec.Values[1].(string)
			rd.edges = append(rd.edges, r)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	// Saved versions are read last: a content change seen above was saved
	// in the same transaction that made it, so it is visible by now.
	err = stream(ctx, tx, undoRead, params, func(rec *neo4j.Record) error {
		key, _ := rec.Values[0].(string)
		props, _ := rec.Values[1].(map[string]any)
		rd.undo[key] = props
		return nil
	})
	if err != nil {
		return nil, err
	}
	end, err := txMeta(ctx, tx)
	if err != nil {
		return nil, err
	}
	if end.committed != c {
		return nil, nil
	}
	return rd, nil
}

func rowOf(rec *neo4j.Record, at int) (row, error) {
	var r row
	var ok bool
	if r.since, ok = rec.Values[at].(int64); !ok {
		return r, fmt.Errorf("row without contentSince")
	}
	if r.props, ok = rec.Values[at+1].(map[string]any); !ok {
		return r, fmt.Errorf("row without properties")
	}
	return r, nil
}

func txMeta(ctx context.Context, tx neo4j.ManagedTransaction) (meta, error) {
	res, err := tx.Run(ctx, metaQuery, nil)
	if err != nil {
		return meta{}, err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return meta{}, err
	}
	return metaOf(rec)
}

// stream runs a query and hands each record to fn as it arrives.
func stream(ctx context.Context, tx neo4j.ManagedTransaction, query string, params map[string]any, fn func(*neo4j.Record) error) error {
	res, err := tx.Run(ctx, query, params)
	if err != nil {
		return err
	}
	for res.Next(ctx) {
		if err := fn(res.Record()); err != nil {
			return err
		}
	}
	return res.Err()
}

// dataset decodes the rows, replacing content newer than the committed
// load with the version saved for it.
func (rd *reading) dataset() (*graph.Dataset, error) {
	c := rd.meta.committed
	ds := &graph.Dataset{Nodes: make([]graph.Node, 0, len(rd.nodes)), Edges: make([]graph.Edge, 0, len(rd.edges))}
	for _, r := range rd.nodes {
		props := r.props
		if r.since > c {
			id, _ := props["id"].(string)
			if props = rd.undo[id]; props == nil {
				return nil, fmt.Errorf("load %d: node %s changed by a later load, but its committed version was not saved", c, id)
			}
		}
		n, err := decodeNode(graph.NodeKind(r.kind), props)
		if err != nil {
			return nil, err
		}
		ds.Nodes = append(ds.Nodes, n)
	}
	for _, r := range rd.edges {
		e, err := decodeEdge(r.from, r.to, graph.EdgeKind(r.kind), r.props)
		if err != nil {
			return nil, err
		}
		if r.since > c {
			props := rd.undo[e.Key()]
			if props == nil {
				return nil, fmt.Errorf("load %d: edge %s changed by a later load, but its committed version was not saved", c, e.Key())
			}
			if e, err = decodeEdge(r.from, r.to, graph.EdgeKind(r.kind), props); err != nil {
				return nil, err
			}
		}
		ds.Edges = append(ds.Edges, e)
	}
	return ds, nil
}
