// Package graph holds chipgraph's domain: the node and edge kinds of the
// semiconductor supply-chain knowledge graph, their IDs and dates, the error
// vocabulary, the Writer/Reader interfaces that stores implement, and
// Snapshot, the immutable in-memory projection that analysis and the API read.
//
// graph is the root package in the "standard package layout" sense: it must
// not import a database driver, gqlgen, or any other chipgraph package.
// Dependencies live in subpackages (memstore, neo4jstore, analysis, api).
package graph
