// Package storetest is the one conformance suite every graph.Store passes:
// graph/memstore runs it in its tests, graph/neo4jstore against a real
// Neo4j. Run checks what the graph.Writer and graph.Reader contracts
// promise: a snapshot holds exactly what was written (compared field by
// field and by fingerprint with the embedded store's), reloads are
// idempotent, updates and removals between loads take effect, invalid input
// is rejected without touching the served version, an interrupted load
// leaves the previous version and can be re-run, and readers during a load
// see the old or the new content, never a mix.
//
// It also provides the datasets the suite uses (Sample, Generated; it also
// round-trips a synth graph), for store-specific tests and
// measurements. It imports graph, memstore (the reference) and synth, and
// is imported only by tests.
package storetest
