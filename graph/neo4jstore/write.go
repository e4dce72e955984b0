package neo4jstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/schema"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Write replaces the store's content with ds (see doc.go for how readers are
// kept on the previous version until it completes). Nothing is written if ds
// is invalid: an edge to a missing node or a malformed date gives an error
// of kind Invalid, a repeated node ID or edge key one of kind Conflict. A
// Write that fails or is cancelled part-way leaves the previous version
// served and can simply be run again.
func (s *Store) Write(ctx context.Context, ds *graph.Dataset, opt graph.WriteOptions) (graph.WriteStats, error) {
	const op = "neo4jstore.Write"
	start := time.Now()
	p, err := prepare(ds)
	if err != nil {
		return graph.WriteStats{}, &graph.Error{Kind: graph.KindOf(err), Op: op, Err: err}
	}
	batch := cmp.Or(opt.BatchSize, s.batchSize)
	if err := s.applySchema(ctx); err != nil {
		return graph.WriteStats{}, wrap(ctx, op, fmt.Errorf("applying schema: %w", err))
	}
	sess := s.session(ctx, neo4j.AccessModeWrite, 10000)
	defer sess.Close(context.WithoutCancel(ctx))

	l := &load{sess: sess, batch: batch, progress: opt.Progress}
	if err := l.begin(ctx); err != nil {
		return graph.WriteStats{}, wrap(ctx, op, fmt.Errorf("starting load: %w", err))
	}
	if err := l.writeNodes(ctx, p); err != nil {
		return graph.WriteStats{}, interrupted(ctx, op, l, err)
	}
	if err := l.writeEdges(ctx, p); err != nil {
		return graph.WriteStats{}, interrupted(ctx, op, l, err)
	}
	version, err := l.commit(ctx, p)
	if err != nil {
		return graph.WriteStats{}, interrupted(ctx, op, l, err)
	}
	nodes, edges := p.ds.Counts()
	stats := graph.WriteStats{Nodes: nodes, Edges: edges, Version: version}
	if err := l.cleanup(ctx); err != nil {
		stats.Duration = time.Since(start)
		return stats, wrap(ctx, op, fmt.Errorf("load %d is complete and served as version %d, "+
			"but removing superseded data failed (it is invisible to readers; the next load removes it): %w",
			l.id, version, err))
	}
	stats.Duration = time.Since(start)
	return stats, nil
}

// interrupted wraps the error of a load that stopped before its commit.
func interrupted(ctx context.Context, op string, l *load, err error) error {
	kind := graph.KindOf(wrap(ctx, op, err))
	if kind == graph.Unavailable {
		err = fmt.Errorf("load %d interrupted (the previous version is still served; "+
			"running the load again completes it): %w", l.id, err)
	} else {
		err = fmt.Errorf("load %d failed (the previous version is still served): %w", l.id, err)
	}
	return &graph.Error{Kind: kind, Op: op, Err: err}
}

// plan is a validated dataset ready to write.
type plan struct {
	ds          *graph.Dataset // canonical order
	fingerprint string
	kinds       map[graph.ID]graph.NodeKind
}

// prepare checks ds as a whole before anything is written, and puts it in
// canonical order so that loads of equal content write equal batches.
func prepare(ds *graph.Dataset) (*plan, error) {
	cp := &graph.Dataset{Nodes: slices.Clone(ds.Nodes), Edges: slices.Clone(ds.Edges)}
	snap, err := graph.NewSnapshot(cp) // duplicate IDs, unknown references
	if err != nil {
		return nil, err
	}
	p := &plan{ds: snap.Dataset(), fingerprint: snap.Version(), kinds: make(map[graph.ID]graph.NodeKind, len(cp.Nodes))}
	for i := range p.ds.Nodes {
		n := &p.ds.Nodes[i]
		if n.Kind.Label() == "" {
			return nil, graph.Errorf(graph.Invalid, "", "node %s has unknown kind %q", n.ID, n.Kind)
		}
		for _, d := range []graph.Date{n.Announced, n.Date, n.Effective, n.Expires} {
			if err := checkDate(d); err != nil {
				return nil, graph.Errorf(graph.Invalid, "", "node %s: %v", n.ID, err)
			}
		}
		p.kinds[n.ID] = n.Kind
	}
	for i := range p.ds.Edges { // duplicate edge keys: NewSnapshot rejected them
		e := &p.ds.Edges[i]
		if !slices.Contains(graph.EdgeKinds, e.Kind) {
			return nil, graph.Errorf(graph.Invalid, "", "edge %s has unknown kind %q", e.Key(), e.Kind)
		}
		for _, d := range []graph.Date{e.ValidFrom, e.ValidTo} {
			if err := checkDate(d); err != nil {
				return nil, graph.Errorf(graph.Invalid, "", "edge %s: %v", e.Key(), err)
			}
		}
	}
	return p, nil
}

// checkDate rejects dates that are not calendar dates: they could not be
// stored as Neo4j DATE values and read back unchanged.
func checkDate(d graph.Date) error {
	if d != 0 && graph.DateOf(d.Time()) != d {
		return fmt.Errorf("%d is not a calendar date (want yyyymmdd)", int32(d))
	}
	return nil
}

// applySchema runs schema/*.cypher, each statement in its own transaction
// (Neo4j does not mix schema and data changes in one).
func (s *Store) applySchema(ctx context.Context) error {
	stmts, err := schema.CypherStatements()
	if err != nil {
		return graph.Errorf(graph.Internal, "", "%v", err)
	}
	for _, stmt := range stmts {
		if _, err := neo4j.ExecuteQuery(ctx, s.driver, stmt, nil, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(s.db), neo4j.ExecuteQueryWithWritersRouting()); err != nil {
			return fmt.Errorf("%s: %w", firstLine(stmt), err)
		}
	}
	return nil
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// load is one run of Write.
type load struct {
	sess      neo4j.SessionWithContext
	batch     int
	progress  func(graph.Progress)
	id        int64 // this load's ID
	committed int64 // the committed load when this one started
	// fresh: the store held no chipgraph node when this load began, so
	// every row is new and is written with CREATE, without the checks and
	// undo copies an upsert needs (nothing is committed that readers could
	// be reading).
	fresh bool
}

func (l *load) begin(ctx context.Context) error {
	rec, err := l.single(ctx, `MERGE (m:ChipgraphMeta {id: 'meta'})
  ON CREATE SET m.version = 0, m.committed = 0, m.nextLoad = 0
SET m.nextLoad = m.nextLoad + 1
RETURN m.nextLoad AS load, m.committed AS committed, `+noRows()+` AS fresh`, nil)
	if err != nil {
		return err
	}
	if rec == nil {
		return graph.Errorf(graph.Internal, "", "no meta node")
	}
	l.id, l.committed, l.fresh = rec.Values[0].(int64), rec.Values[1].(int64), rec.Values[2].(bool)
	return nil
}

// noRows is a Cypher expression that is true when no node of any chipgraph
// label exists (a label scan each, stopping at the first node).
func noRows() string {
	var conds []string
	for _, k := range graph.NodeKinds {
		conds = append(conds, "NOT EXISTS { (:"+k.Label()+") }")
	}
	return strings.Join(conds, " AND ")
}

// lockMeta starts every write after begin: it takes the meta node's write
// lock for the rest of the transaction and lets the statement go on only if
// no newer load has started. Writers are thereby serialised batch by batch,
// and a load that has been overtaken writes nothing more.
const lockMeta = `MATCH (m:ChipgraphMeta {id: 'meta'})
SET m.writer = $load
WITH m WHERE m.nextLoad = $load
`

// upsertTail is shared by node and relationship upserts; x is the node or
// relationship the row MERGEd. It saves the committed content of x before
// overwriting it (if the content changed and x is part of the committed
// load), writes the new content, and extends x's load range.
const upsertTail = `WITH x, row, x.loadFirst AS first,
     coalesce(x.loadFirst <= $committed AND x.loadLast >= $committed, false) AS present,
     coalesce(x.contentHash <> row.hash, true) AS changed,
     coalesce(x.contentSince <= $committed, false) AS committedContent
CALL (x, row, present, changed, committedContent) {
  WITH * WHERE present AND changed AND committedContent
  CREATE (u:ChipgraphUndo)
  SET u = properties(x), u.key = row.key, u.savedFor = $committed
}
CALL (x, row, changed) {
  WITH * WHERE changed
  SET x = row.props, x.contentHash = row.hash, x.contentSince = $load
}
SET x.loadFirst = CASE WHEN present THEN first ELSE $load END, x.loadLast = $load
RETURN count(*) AS written`

// nodeUpsert returns the upsert statement for one label. Labels and
// relationship types cannot be parameters; they come from the closed sets
// graph.NodeKinds and graph.EdgeKinds, checked in prepare.
func nodeUpsert(label string) string {
	return lockMeta + "UNWIND $rows AS row\nMERGE (x:" + label + " {id: row.id})\n" + upsertTail
}

// nodeCreate and edgeCreate write rows new to the store (see load.fresh):
// each row's props already hold its content hash (createProps), and the
// load's own bookkeeping, the same for every row, comes from the statement's
// parameter rather than with each row.
func nodeCreate(label string) string {
	return lockMeta + "UNWIND $rows AS row\nCREATE (x:" + label + ")\n" + createSet + "RETURN count(*) AS written"
}

func edgeCreate(kind graph.EdgeKind, fromLabel, toLabel string) string {
	return lockMeta + "UNWIND $rows AS row\nMATCH (a:" + fromLabel + " {id: row.from})\nMATCH (b:" + toLabel +
		" {id: row.to})\nCREATE (a)-[x:" + string(kind) + "]->(b)\n" + createSet + "RETURN count(*) AS written"
}

const createSet = "SET x = row.props, x.contentSince = $load, x.loadFirst = $load, x.loadLast = $load\n"

// createProps adds the content hash of a row first written by this load.
func (l *load) createProps(props map[string]any, hash string) map[string]any {
	props["contentHash"] = hash
	return props
}

func edgeUpsert(kind graph.EdgeKind, fromLabel, toLabel string) string {
	key := ""
	if kind == graph.Supplies {
		key = " {year: row.props.year}"
	}
	return lockMeta + "UNWIND $rows AS row\nMATCH (a:" + fromLabel + " {id: row.from})\nMATCH (b:" + toLabel +
		" {id: row.to})\nMERGE (a)-[x:" + string(kind) + key + "]->(b)\n" + upsertTail
}

func (l *load) writeNodes(ctx context.Context, p *plan) error {
	total, done := len(p.ds.Nodes), 0
	for _, kind := range graph.NodeKinds {
		var idx []int
		for i := range p.ds.Nodes {
			if p.ds.Nodes[i].Kind == kind {
				idx = append(idx, i)
			}
		}
		row := func(i int) any {
			n := &p.ds.Nodes[i]
			if l.fresh {
				return map[string]any{"props": l.createProps(nodeProps(n), nodeHash(n))}
			}
			return map[string]any{"id": string(n.ID), "key": string(n.ID), "hash": nodeHash(n), "props": nodeProps(n)}
		}
		q := nodeUpsert(kind.Label())
		if l.fresh {
			q = nodeCreate(kind.Label())
		}
		if err := l.writeRows(ctx, q, idx, row, "nodes", &done, total); err != nil {
			return fmt.Errorf("writing %s nodes: %w", kind.Label(), err)
		}
	}
	return nil
}

func (l *load) writeEdges(ctx context.Context, p *plan) error {
	type group struct {
		kind     graph.EdgeKind
		from, to graph.NodeKind
	}
	groups := map[group][]int{}
	var order []group
	for i := range p.ds.Edges {
		e := &p.ds.Edges[i]
		g := group{e.Kind, p.kinds[e.From], p.kinds[e.To]}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], i)
	}
	slices.SortFunc(order, func(a, b group) int {
		return cmp.Or(cmp.Compare(slices.Index(graph.EdgeKinds, a.kind), slices.Index(graph.EdgeKinds, b.kind)),
			cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to))
	})
	row := func(i int) any {
		e := &p.ds.Edges[i]
		if l.fresh {
			return map[string]any{"from": string(e.From), "to": string(e.To), "props": l.createProps(edgeProps(e), edgeHash(e))}
		}
		return map[string]any{"from": string(e.From), "to": string(e.To), "key": e.Key(), "hash": edgeHash(e), "props": edgeProps(e)}
	}
	total, done := len(p.ds.Edges), 0
	for _, g := range order {
		q := edgeUpsert(g.kind, g.from.Label(), g.to.Label())
		if l.fresh {
			q = edgeCreate(g.kind, g.from.Label(), g.to.Label())
		}
		if err := l.writeRows(ctx, q, groups[g], row, "edges", &done, total); err != nil {
			return fmt.Errorf("writing %s edges from %s to %s: %w", g.kind, g.from.Label(), g.to.Label(), err)
		}
	}
	return nil
}

// writeRows writes the rows of the items idx in batches, one transaction
// per batch. The next batch's rows are built while the current one runs,
// so that encoding them overlaps with the server's work.
func (l *load) writeRows(ctx context.Context, query string, idx []int, row func(int) any, phase string, done *int, total int) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []any, 1)
	go func() {
		defer close(batches)
		for rest := idx; len(rest) > 0; {
			n := min(l.batch, len(rest))
			rows := make([]any, n)
			for j, i := range rest[:n] {
				rows[j] = row(i)
			}
			select {
			case batches <- rows:
			case <-ctx.Done():
				return
			}
			rest = rest[n:]
		}
	}()
	for rows := range batches {
		rec, err := l.single(ctx, query, map[string]any{"rows": rows})
		if err != nil {
			return err
		}
		if rec == nil {
			return graph.Errorf(graph.Internal, "", "write returned no count")
		}
		if written := rec.Values[0].(int64); written != int64(len(rows)) {
			return l.shortWrite(written, len(rows))
		}
		*done += len(rows)
		if l.progress != nil {
			l.progress(graph.Progress{Phase: phase, Done: *done, Total: total})
		}
	}
	return ctx.Err()
}

// shortWrite explains a batch that wrote fewer rows than it was given:
// either a newer load has started (lockMeta stopped the statement), or
// nodes an edge needs went missing under it.
func (l *load) shortWrite(written int64, want int) error {
	if written == 0 {
		return graph.Errorf(graph.Conflict, "", "a newer load started while load %d was running; "+
			"only one load may run at a time", l.id)
	}
	return graph.Errorf(graph.Internal, "", "batch wrote %d of %d rows: nodes were deleted during the load", written, want)
}

// single runs one statement in a write transaction of its own (retried by
// the driver on transient errors) and returns its only record, or nil if it
// returned none. Every statement gets $load and $committed.
func (l *load) single(ctx context.Context, query string, params map[string]any) (*neo4j.Record, error) {
	if params == nil {
		params = map[string]any{}
	}
	params["load"], params["committed"] = l.id, l.committed
	recs, err := l.sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, query, params)
		if err != nil {
			return nil, err
		}
		return res.Collect(ctx)
	})
	if err != nil {
		return nil, err
	}
	switch r := recs.([]*neo4j.Record); len(r) {
	case 0:
		return nil, nil
	case 1:
		return r[0], nil
	default:
		return nil, graph.Errorf(graph.Internal, "", "statement returned %d records, want 1", len(r))
	}
}

// commit makes this load the one readers read, if no newer load started.
func (l *load) commit(ctx context.Context, p *plan) (int64, error) {
	rec, err := l.single(ctx, lockMeta+`SET m.committed = $load, m.version = m.version + 1, m.fingerprint = $fingerprint,
    m.loadedAt = datetime(), m.nodeCount = $nodes, m.edgeCount = $edges
RETURN m.version AS version`, map[string]any{"fingerprint": p.fingerprint,
		"nodes": int64(len(p.ds.Nodes)), "edges": int64(len(p.ds.Edges))})
	if err != nil {
		return 0, err
	}
	if rec == nil {
		return 0, l.shortWrite(0, 1)
	}
	return rec.Values[0].(int64), nil
}

// cleanup deletes what no reader of this (now committed) load can see:
// relationships and nodes last written by an earlier load, and saved prior
// versions. For each label and type it finds them with one scan, then
// deletes them by element ID in batches; each batch checks again, under the
// meta lock, that they are still stale. If a newer load has started,
// lockMeta makes every batch delete nothing: that load cleans up when it
// commits.
func (l *load) cleanup(ctx context.Context) error {
	type target struct{ find, del string }
	var targets []target
	for _, k := range graph.EdgeKinds {
		if l.fresh {
			break // nothing older than this load but undo nodes
		}
		targets = append(targets, target{
			"MATCH ()-[x:" + string(k) + "]->() WHERE x.loadLast < $load RETURN elementId(x)",
			"MATCH ()-[x:" + string(k) + "]->() WHERE elementId(x) = id AND x.loadLast < $load DELETE x"})
	}
	for _, k := range graph.NodeKinds {
		if l.fresh {
			break
		}
		targets = append(targets, target{
			"MATCH (x:" + k.Label() + ") WHERE x.loadLast < $load RETURN elementId(x)",
			"MATCH (x:" + k.Label() + ") WHERE elementId(x) = id AND x.loadLast < $load DETACH DELETE x"})
	}
	targets = append(targets, target{
		"MATCH (x:ChipgraphUndo) WHERE x.savedFor < $load RETURN elementId(x)",
		"MATCH (x:ChipgraphUndo) WHERE elementId(x) = id AND x.savedFor < $load DELETE x"})
	deleted := 0
	for _, tg := range targets {
		ids, err := l.elementIDs(ctx, tg.find)
		if err != nil {
			return err
		}
		for len(ids) > 0 {
			n := min(l.batch, len(ids))
			rec, err := l.single(ctx, lockMeta+"UNWIND $ids AS id\n"+tg.del+"\nRETURN count(*) AS deleted",
				map[string]any{"ids": ids[:n]})
			if err != nil {
				return err
			}
			if rec == nil {
				return graph.Errorf(graph.Internal, "", "cleanup returned no count")
			}
			if rec.Values[0].(int64) == 0 {
				return nil // overtaken by a newer load, which cleans up instead
			}
			deleted += int(rec.Values[0].(int64))
			ids = ids[n:]
			if l.progress != nil {
				l.progress(graph.Progress{Phase: "cleanup", Done: deleted, Total: deleted})
			}
		}
	}
	return nil
}

// elementIDs runs a query returning element IDs and collects them.
func (l *load) elementIDs(ctx context.Context, query string) ([]any, error) {
	ids, err := l.sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		var ids []any
		err := stream(ctx, tx, query, map[string]any{"load": l.id}, func(rec *neo4j.Record) error {
			ids = append(ids, rec.Values[0])
			return nil
		})
		return ids, err
	})
	if err != nil {
		return nil, err
	}
	return ids.([]any), nil
}
