// Package memstore is chipgraph's embedded store: it keeps the current
// Snapshot in memory and swaps it atomically on Write. It is the default
// when no Neo4j is configured, and it passes the same conformance suite
// (graph/storetest) as the Neo4j store. It imports only package graph.
package memstore
