// Package bench is the harness behind `chipgraph bench`: it measures, in one
// run against one Neo4j server, how chipgraph compares with the baselines a
// user would otherwise have (issue 7, bench/PERFORMANCE.md):
//
//   - Ingest: our loader (neo4jstore.Write) against Neo4j's own LOAD CSV
//     with CALL { ... } IN TRANSACTIONS, on the same curated CSV files and
//     the same constraints (ingest.go);
//   - Snapshot: the time to read the committed graph from Neo4j into a
//     graph.Snapshot, and the process's resident memory afterwards;
//   - Queries Q1-Q4 (upstream closure, k=5 dependency paths, chokepoints of
//     one product, feasibility as of a date) over HTTP against the GraphQL
//     server run in-process on a loopback port, each beside the same
//     question asked as raw Cypher through the Go driver (the floor a
//     Neo4j-backed API would have) and through the Neo4j GraphQL Library
//     (@neo4j/graphql, the peer in bench/peer, run on Node.js), at 1, 4 and
//     16 concurrent clients with bounded request counts (queries.go,
//     drive.go, peer.go);
//
// and reports every figure with the ratios between them (report.go).
//
// The harness wipes the database it is given. It lives outside graph/ because
// it is a tool, not part of the domain: it imports the stores, the loaders, the
// API and the analysis packages; nothing imports it but cmd/chipgraph.
package bench
