// Package neo4jstore keeps chipgraph's knowledge graph in Neo4j, the system
// of record when one is configured. It implements graph.Store: Write loads a
// whole graph.Dataset with batched, parameterised, idempotent Cypher;
// Snapshot reads the last completed load back into a graph.Snapshot; Version
// tells pollers when to read again. It owns the Cypher; the constraints and
// indexes it applies before each load live in schema/*.cypher. It imports
// graph, schema and the Neo4j driver, and nothing that imports it.
//
// # The graph in Neo4j
//
// One node per graph.Node, labelled with its kind (Firm, Country, Input,
// Product, Fab, ControlEvent, Source) and unique on "id" within the label;
// one relationship per graph.Edge, typed with its kind (SUPPLIES, REQUIRES,
// ...) and identified like graph.Edge.Key: (from, type, to), plus "year" for
// SUPPLIES. Properties are the camelCase field names; encode.go lists them
// and how zero values, unknown shares and dates are stored. Researchers can
// query this graph directly. Between loads it holds exactly the last load;
// while a load runs it also holds rows of that load, which a query can
// leave out by keeping to the committed one (see below):
//
//	MATCH (m:ChipgraphMeta {id: 'meta'})
//	MATCH (f:Firm)-[s:SUPPLIES]->(i:Input)
//	WHERE f.loadFirst <= m.committed <= f.loadLast AND s.loadFirst <= m.committed <= s.loadLast
//	RETURN f.name, i.name, s.share, s.year
//
// (Properties that a running load has changed still show their new values
// there; only Snapshot puts the saved ones back.)
//
// # Loads, versions, and what readers see
//
// A load (one Write) must never be half-visible: a reader sees the previous
// load until the new one is complete, even though the load spans many
// transactions and Neo4j reads are only read-committed. The design is
// multi-version bookkeeping on the rows themselves, with a single meta
// node (:ChipgraphMeta {id: 'meta'}) as the commit point:
//
//   - meta.nextLoad hands out load IDs (1, 2, 3, ...; a failed load's ID is
//     never reused); meta.committed is the ID of the load readers read;
//     meta.version counts completed loads and is what Version returns;
//     meta.fingerprint is the graph.Dataset.Fingerprint of the committed
//     content, meta.loadedAt its time, meta.nodeCount/edgeCount its size.
//   - Every chipgraph node and relationship carries the range of loads that
//     contain it, [loadFirst, loadLast], and contentSince, the load that
//     wrote its current property values (with contentHash, a hash of them).
//   - Load L, started when C was committed, upserts every row of its
//     dataset: it sets loadLast = L, keeps loadFirst if the row was part of
//     C and otherwise sets loadFirst = L, and rewrites the properties only
//     if contentHash differs. Before it overwrites properties that C's
//     readers still need (the row is part of C and contentSince <= C), it
//     copies them to a (:ChipgraphUndo {key, savedFor: C}) node in the same
//     transaction; key is the node ID or the edge key.
//   - When every row is written, one transaction sets meta.committed = L and
//     bumps meta.version. That is the commit: from then on readers read L.
//   - Afterwards, in batches, the load deletes rows with loadLast < L (facts
//     absent from the new dataset, and leftovers of failed loads) and undo
//     nodes saved for earlier loads. If that cleanup is interrupted, the
//     load is still complete; what is left is invisible and the next load
//     removes it.
//
// Snapshot reads meta.committed = C, then in one read transaction streams
// the rows with loadFirst <= C <= loadLast (one query per label, each node
// with its outgoing relationships collected beside it, every record asked
// for at once and decoded as it streams, the driver's unpacking of the next
// records on a second goroutine, so that no driver record is kept), takes the properties of rows with contentSince > C
// from the undo nodes saved for C, and reads meta again. Rows written by a
// load in progress are either outside the range or carry saved versions,
// so any interleaving of that load's committed batches reads as C. Only a
// commit followed by cleanup can take rows from under a reader of C, and
// the second meta read detects the commit: Snapshot then reads again at the
// new load. Finally the snapshot's fingerprint is checked against
// meta.fingerprint, so a mixed read cannot go unnoticed.
//
// Why not simpler: updating rows in place with MERGE ... SET would let a
// reader see half of a load; writing each load under fresh IDs would double
// the graph during a load and break the one-node-per-ID constraint that
// MERGE and researchers rely on. Here unchanged facts cost one property
// write per load, and only changed ones are copied.
//
// The meta node and the rows belong together: delete all of them or none
// (MATCH (n) DETACH DELETE n empties the store). Rows left behind by a
// deleted meta node would carry load IDs from the old count and linger,
// invisible, until the count catches up.
//
// A load into a store that holds no chipgraph node yet (the first load, or
// one after the database was emptied) has nothing to keep readers on and
// nothing to compare with: it writes every row with CREATE instead of
// MERGE, without the undo checks, and skips the cleanup of older rows. It
// still commits through the meta node, so a reader sees nothing until it
// completes. Whether the store is empty is decided in the transaction that
// hands out the load ID; a load that starts later sees this one's rows and
// takes the upsert path, and one that started earlier is stopped by the
// meta lock (below), so CREATE never meets an existing row.
//
// Writers are serialised: each write transaction starts by taking the meta
// node's write lock and goes on only if meta.nextLoad is still its own load
// ID. A load overtaken by a newer one therefore stops (error of kind
// Conflict) instead of interleaving with it.
//
// # Failure
//
// Input is validated as a whole before anything is written (unknown
// references: Invalid; repeated IDs or edge keys: Conflict). Each batch is
// one transaction run with session.ExecuteWrite, so transient failures are
// retried by the driver. A load that is cancelled, loses the server or
// exhausts its retries returns an error of kind Unavailable, the previous
// load stays committed, and running the load again completes it: rows
// already written by the failed attempt are simply re-touched. Driver errors
// map to graph kinds in wrap (store.go).
//
// # Batch size and speed
//
// DefaultBatchSize (1000 rows per transaction) was chosen by loading a
// synthetic graph of 100,001 nodes and 261,999 edges (storetest.Generated)
// into Neo4j 5.26 Community on a 2-core machine shared with the loader, with
// batches of 500, 1000, 2000, 5000 and 10000 rows (BenchmarkLoad). 1000
// and 5000 were equally fast, about 20,000 nodes/s and 23,000 rels/s into an
// empty database and 28,000-30,000 nodes/s and 31,000-37,000 rels/s when
// reloading or updating; 500 and 2000 were up to 20% slower on some phases
// and 10000 up to 30% slower. Of the equals, the smaller batch keeps
// transactions (and retried work) small. Building a snapshot of that graph
// from Neo4j takes 4-5 s, most of it the driver receiving 350,000 records.
//
// Those rates into an empty database predate the CREATE path for a first
// load. With it, "chipgraph bench --tier M" (100,000 nodes, 525,428
// relationships, 1000-row batches) measured 30,000-37,000 nodes/s and
// 29,000-33,000 rels/s (bench/PERFORMANCE.md); batches of 5000 were no
// faster.
package neo4jstore
