package neo4jstore

import (
	"context"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// maxReadAttempts bounds how often Snapshot starts again because a load
// was committed while it read.
const maxReadAttempts = 5

// Snapshot reads the committed load into a graph.Snapshot: one streamed
// query per label, returning each node with the relationships that leave
// it, then the prior versions that loads in progress have saved. A load that is still running is invisible;
// if a load commits while Snapshot reads, Snapshot reads again.
//
// Rows are decoded into graph.Node and graph.Edge values as they stream in,
// so no record outlives its decoding; IDs, source lists and other repeated
// strings are shared between the rows that carry them.
func (s *Store) Snapshot(ctx context.Context) (*graph.Snapshot, error) {
	const op = "neo4jstore.Snapshot"
	// Every record is read, so the session asks for all of them at once:
	// with batches, Neo4j waits for the next request after each one, which
	// the driver sends only once the batch has been consumed. The records
	// still come as the connection delivers them (see ahead).
	sess := s.session(ctx, neo4j.AccessModeRead, neo4j.FetchAll)
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
		snap, err := graph.NewSnapshot(rd.ds)
		if err != nil {
			return nil, &graph.Error{Kind: graph.Internal, Op: op, Err: fmt.Errorf("load %d: %w", rd.meta.committed, err)}
		}
		if rd.meta.fingerprint != "" && snap.Version() != rd.meta.fingerprint {
			return nil, graph.Errorf(graph.Internal, op, "load %d read back with fingerprint %s, but it was written with %s",
				rd.meta.committed, snap.Version(), rd.meta.fingerprint)
		}
		if len(rd.ds.Nodes)+len(rd.ds.Edges) >= freeAfter {
			// The read left garbage several times the size of the snapshot
			// (records, boxed values, the driver's buffers) and the heap
			// grew to about twice the snapshot; hand the pages back to the
			// OS now rather than keep the peak resident (tier L: 1.5 GiB
			// instead of 2.7 GiB).
			debug.FreeOSMemory()
		}
		return snap, nil
	}
}

// freeAfter is the number of rows from which Snapshot returns freed memory
// to the OS right after the build.
const freeAfter = 100_000

// reading is what one read of the committed load returned.
type reading struct {
	meta meta
	ds   *graph.Dataset
}

// The read query, one per label: each node in the committed load with the
// relationships in the committed load that leave it. Every relationship
// leaves exactly one node, and a relationship of the committed load leaves a
// node of it, so this reads each relationship once; returning a node's
// relationships as one list keeps the number of records (which cost far
// more than the values in them, on both ends) to the number of nodes. The
// relationship columns are contentSince, type, the far end's internal node
// ID (resolved to its chipgraph ID once every label is read: Neo4j then
// reads no property of the far node, a fifth of its time for the query) and
// one column per property chipgraph decodes, in the order of edgeFields, so that
// bookkeeping (contentHash, load ranges) stays on the server; a property
// that is absent comes back as null and leaves the field at its zero value.
// The condition on x.id, true of every node (each has a string ID), lets
// the planner walk the label's ID index in order instead of scanning the
// label and sorting it: rows then stream from the first node on, while
// Neo4j would otherwise collect and sort the whole label (three quarters
// of the nodes for products) before sending any.
var nodeRead = `MATCH (x:%s) WHERE x.id >= '' AND x.loadFirst <= $c AND x.loadLast >= $c
WITH x ORDER BY x.id
CALL (x) {
  MATCH (x)-[y:` + edgeTypes() + `]->(b) WHERE y.loadFirst <= $c AND y.loadLast >= $c
  RETURN collect([y.contentSince, type(y), id(b)` + columns("y", edgeFields) + `]) AS out
}
RETURN properties(x) AS props, out, id(x) AS nid`

const (
	undoRead  = `MATCH (u:ChipgraphUndo {savedFor: $c}) RETURN u.key AS key, properties(u) AS props`
	countRead = `MATCH (m:ChipgraphMeta {id: 'meta'}) RETURN m.nodeCount, m.edgeCount`
)

// canonicalKinds lists the labels in the order of their ID prefixes. Read
// in that order, each label's nodes by ID (the read query orders them) and
// each node's relationships as graph.Dataset.Canonicalize orders edges,
// the dataset arrives in canonical order and NewSnapshot need not sort its
// million rows (it checks, and sorts if not).
var canonicalKinds = func() []graph.NodeKind {
	ks := slices.Clone(graph.NodeKinds)
	slices.SortFunc(ks, func(a, b graph.NodeKind) int { return strings.Compare(string(a)+":", string(b)+":") })
	return ks
}()

// edgeColumns is the number of columns before the properties in a
// relationship's list.
const edgeColumns = 3

func edgeTypes() string {
	ts := make([]string, len(graph.EdgeKinds))
	for i, k := range graph.EdgeKinds {
		ts[i] = string(k)
	}
	return strings.Join(ts, "|")
}

// edgeKinds maps relationship types to edge kinds.
var edgeKinds = func() map[string]graph.EdgeKind {
	m := map[string]graph.EdgeKind{}
	for _, k := range graph.EdgeKinds {
		m[string(k)] = k
	}
	return m
}()

// columns lists the properties fs decode, of the variable v.
func columns[T any](v string, fs []field[T]) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(", " + v + "." + f.prop)
	}
	return b.String()
}

// stale is a row whose content a later load has changed (contentSince >
// committed): its committed version is among the saved ones.
type stale struct {
	edge bool
	i    int    // index in Dataset.Nodes or Dataset.Edges
	key  string // node ID or edge key
}

// readCommitted reads the committed load in one transaction. Neo4j reads
// are read-committed, not snapshot-isolated, so the statements may see
// batches of a load in progress; the load ranges and saved versions undo
// their effect (see doc.go). It returns nil if the committed load changed
// while it read, since a commit is followed by deletions.
func readCommitted(ctx context.Context, tx neo4j.ManagedTransaction) (*reading, error) {
	rd := &reading{ds: &graph.Dataset{}}
	var err error
	if rd.meta, err = txMeta(ctx, tx); err != nil {
		return nil, err
	}
	c := rd.meta.committed
	if c == 0 {
		return rd, nil
	}
	ds := rd.ds
	if nodes, edges, err := txCounts(ctx, tx); err == nil {
		ds.Nodes = make([]graph.Node, 0, nodes)
		ds.Edges = make([]graph.Edge, 0, edges)
	}
	in := newInterner()
	at := make(map[int64]int32, cap(ds.Nodes))  // Neo4j's node ID -> index in ds.Nodes
	ends := make([]int64, 0, cap(ds.Edges))     // ds.Edges[i] leads to the node ends[i]
	starts := make([]int32, 0, cap(ds.Nodes)+1) // ds.Nodes[i]'s relationships from ds.Edges[starts[i]]
	var staleEdges []int                        // ds.Edges indexes of rows a later load changed
	var changed []stale
	params := map[string]any{"c": c}
	for _, k := range canonicalKinds {
		err := stream(ctx, tx, fmt.Sprintf(nodeRead, k.Label()), params, func(rec *neo4j.Record) error {
			props, ok := rec.Values[0].(map[string]any)
			if !ok {
				return fmt.Errorf("%s node without properties", k.Label())
			}
			since, ok := props["contentSince"].(int64)
			if !ok {
				return fmt.Errorf("%s node without contentSince", k.Label())
			}
			id, ok := props["id"].(string)
			if !ok {
				return fmt.Errorf("%s node without a string id", k.Label())
			}
			nid, _ := rec.Values[2].(int64)
			at[nid] = int32(len(ds.Nodes))
			n := graph.Node{ID: graph.ID(id), Kind: k}
			if since > c {
				changed = append(changed, stale{i: len(ds.Nodes), key: id})
			} else if err := in.node(&n, props); err != nil {
				return err
			}
			ds.Nodes = append(ds.Nodes, n)
			starts = append(starts, int32(len(ds.Edges)))
			out, _ := rec.Values[1].([]any)
			for _, v := range out {
				cols, ok := v.([]any)
				if !ok || len(cols) != edgeColumns+len(edgeFields) {
					return fmt.Errorf("node %s: malformed relationship row", id)
				}
				since, ok := cols[0].(int64)
				if !ok {
					return fmt.Errorf("node %s: relationship without contentSince", id)
				}
				t, _ := cols[1].(string)
				kind, ok := edgeKinds[t]
				if !ok {
					return fmt.Errorf("node %s: unknown relationship type %q", id, t)
				}
				end, ok := cols[2].(int64)
				if !ok {
					return fmt.Errorf("node %s: relationship without its far end", id)
				}
				e := graph.Edge{From: n.ID, Kind: kind, Share: math.NaN()}
				if err := in.edge(&e, cols[edgeColumns:]); err != nil {
					return err
				}
				if since > c {
					staleEdges = append(staleEdges, len(ds.Edges))
				}
				ds.Edges = append(ds.Edges, e)
				ends = append(ends, end)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	starts = append(starts, int32(len(ds.Edges)))
	// Every far end is a node of the load: name it, then put each node's
	// relationships in canonical order (see canonicalKinds).
	for i, end := range ends {
		j, ok := at[end]
		if !ok {
			return nil, fmt.Errorf("load %d: relationship %s from %s leads to a node outside the load", c, ds.Edges[i].Kind, ds.Edges[i].From)
		}
		ds.Edges[i].To = ds.Nodes[j].ID
	}
	at, ends = nil, nil
	// Rows a later load changed are found again by key after the sort
	// (rare: only while a load runs).
	staleKeys := make(map[string]bool, len(staleEdges))
	for _, i := range staleEdges {
		staleKeys[ds.Edges[i].Key()] = true
	}
	for ni := range ds.Nodes {
		if from, to := starts[ni], starts[ni+1]; to-from > 1 {
			slices.SortFunc(ds.Edges[from:to], func(a, b graph.Edge) int { return graph.CompareEdges(&a, &b) })
		}
	}
	if len(staleKeys) > 0 {
		for i := range ds.Edges {
			if k := ds.Edges[i].Key(); staleKeys[k] {
				changed = append(changed, stale{edge: true, i: i, key: k})
			}
		}
	}
	// Saved versions are read last: a content change seen above was saved
	// in the same transaction that made it, so it is visible by now. Only
	// those of rows read above as changed are kept.
	var saved map[string]map[string]any
	if len(changed) > 0 {
		want := make(map[string]bool, len(changed))
		for _, r := range changed {
			want[r.key] = true
		}
		saved = make(map[string]map[string]any, len(changed))
		err = stream(ctx, tx, undoRead, params, func(rec *neo4j.Record) error {
			vals := rec.Values
			key, _ := vals[0].(string)
			if props, ok := vals[1].(map[string]any); ok && want[key] {
				saved[key] = props
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	end, err := txMeta(ctx, tx)
	if err != nil {
		return nil, err
	}
	if end.committed != c {
		return nil, nil
	}
	for _, r := range changed {
		props := saved[r.key]
		if !r.edge {
			if props == nil {
				return nil, fmt.Errorf("load %d: node %s changed by a later load, but its committed version was not saved", c, r.key)
			}
			n, err := decodeNode(ds.Nodes[r.i].Kind, props)
			if err != nil {
				return nil, err
			}
			ds.Nodes[r.i] = n
			continue
		}
		if props == nil {
			return nil, fmt.Errorf("load %d: edge %s changed by a later load, but its committed version was not saved", c, r.key)
		}
		e := &ds.Edges[r.i]
		if *e, err = decodeEdge(string(e.From), string(e.To), e.Kind, props); err != nil {
			return nil, err
		}
	}
	return rd, nil
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

// txCounts returns the size of the committed load as the meta node records
// it, for sizing the dataset; it is a hint, not a check.
func txCounts(ctx context.Context, tx neo4j.ManagedTransaction) (nodes, edges int, err error) {
	res, err := tx.Run(ctx, countRead, nil)
	if err != nil {
		return 0, 0, err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return 0, 0, err
	}
	hint := func(v any) int {
		n, _ := v.(int64)
		return int(min(max(n, 0), 1<<26))
	}
	return hint(rec.Values[0]), hint(rec.Values[1]), nil
}

// stream runs a query and hands each record to fn as it arrives, in order
// (see ahead).
func stream(ctx context.Context, tx neo4j.ManagedTransaction, query string, params map[string]any, fn func(*neo4j.Record) error) error {
	res, err := tx.Run(ctx, query, params)
	if err != nil {
		return err
	}
	return ahead(ctx, res, fn)
}

// aheadBatch is the number of records ahead passes to fn at a time.
const aheadBatch = 512

// ahead hands res's records to fn, in order, while a second goroutine
// receives and unpacks the next ones from the connection: the driver's
// decoding of Bolt values and fn's decoding into the dataset run side by
// side. It returns once that goroutine has stopped, so the transaction is
// never used by two goroutines at once.
func ahead(ctx context.Context, res neo4j.ResultWithContext, fn func(*neo4j.Record) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []*neo4j.Record, 4)
	done := make(chan error, 1)
	go func() {
		defer close(batches)
		b := make([]*neo4j.Record, 0, aheadBatch)
		for res.Next(ctx) {
			if b = append(b, res.Record()); len(b) == aheadBatch {
				select {
				case batches <- b:
				case <-ctx.Done():
					done <- ctx.Err()
					return
				}
				b = make([]*neo4j.Record, 0, aheadBatch)
			}
		}
		if len(b) > 0 {
			select {
			case batches <- b:
			case <-ctx.Done():
				done <- ctx.Err() // the last records were not handed on
				return
			}
		}
		done <- res.Err()
	}()
	stop := func(err error) error {
		cancel()
		for range batches { // let the receiver finish before the transaction goes on
		}
		<-done
		return err
	}
	for b := range batches {
		if err := ctx.Err(); err != nil { // given up: stop at the next batch
			return stop(err)
		}
		for _, rec := range b {
			if err := fn(rec); err != nil {
				return stop(err)
			}
		}
	}
	return <-done
}

// interner decodes property columns and shares equal strings and source
// lists between rows, so that the snapshot holds one copy of each ID (an
// edge's ends share the node's ID string) and of each source list.
type interner struct {
	strs  map[string]string
	lists map[string][]graph.ID // source lists by their IDs joined with NUL
	buf   []byte
}

func newInterner() *interner {
	return &interner{strs: map[string]string{}, lists: map[string][]graph.ID{}}
}

func (in *interner) str(s string) string {
	if t, ok := in.strs[s]; ok {
		return t
	}
	in.strs[s] = s
	return s
}

// sources decodes a list of source IDs. Equal lists share one backing
// array, whose capacity is its length so that an append copies.
func (in *interner) sources(prop string, v any) ([]graph.ID, error) {
	l, ok := v.([]any)
	if !ok {
		return nil, typeError(prop, "LIST<STRING>", v)
	}
	if len(l) == 0 {
		return nil, nil
	}
	in.buf = in.buf[:0]
	for _, x := range l {
		s, ok := x.(string)
		if !ok {
			return nil, typeError(prop, "LIST<STRING>", v)
		}
		in.buf = append(in.buf, s...)
		in.buf = append(in.buf, 0)
	}
	if ids, ok := in.lists[string(in.buf)]; ok {
		return ids, nil
	}
	ids := make([]graph.ID, len(l))
	for i, x := range l {
		ids[i] = graph.ID(in.str(x.(string)))
	}
	in.lists[string(in.buf)] = ids
	return ids, nil
}

// Properties whose values repeat across rows: kinds of things, statuses,
// IDs. Free text (names, notes, descriptions) is not interned.
var (
	nodeShared = map[string]bool{"roles": true, "type": true, "location": true, "nodes": true, "status": true,
		"issuer": true, "authority": true, "eventKind": true, "reach": true, "publisher": true, "licence": true}
	edgeSourcesCol = fieldCol(edgeFields, "sources")
	edgeSharedCols = fieldCols(edgeFields, "group", "basis", "node")
)

func fieldCol[T any](fs []field[T], prop string) int {
	for i := range fs {
		if fs[i].prop == prop {
			return i
		}
	}
	panic("neo4jstore: no field " + prop)
}

func fieldCols[T any](fs []field[T], props ...string) []bool {
	shared := make([]bool, len(fs))
	for _, p := range props {
		shared[fieldCol(fs, p)] = true
	}
	return shared
}

// node decodes the properties of a node into n (all but its ID, which
// the caller has set).
func (in *interner) node(n *graph.Node, props map[string]any) error {
	for k, v := range props {
		f, ok := nodeFieldIndex[k]
		if !ok {
			continue
		}
		var err error
		switch {
		case k == "sources":
			n.Sources, err = in.sources(k, v)
		case nodeShared[k]:
			err = f.dec(n, in.value(v))
		default:
			err = f.dec(n, v)
		}
		if err != nil {
			return fmt.Errorf("node %s: %w", n.ID, err)
		}
	}
	return nil
}

// edge decodes the property columns of an edge into e.
func (in *interner) edge(e *graph.Edge, vals []any) error {
	for i, v := range vals {
		if v == nil {
			continue
		}
		var err error
		switch {
		case i == edgeSourcesCol:
			e.Sources, err = in.sources("sources", v)
		case edgeSharedCols[i]:
			err = edgeFields[i].dec(e, in.value(v))
		default:
			err = edgeFields[i].dec(e, v)
		}
		if err != nil {
			return fmt.Errorf("edge %s: %w", e.Key(), err)
		}
	}
	return nil
}

// value interns a string or the strings of a list in place.
func (in *interner) value(v any) any {
	switch v := v.(type) {
	case string:
		return in.str(v)
	case []any:
		for i, x := range v {
			if s, ok := x.(string); ok {
				v[i] = in.str(s)
			}
		}
	}
	return v
}
