// Package loaders turns source files into a validated graph.Dataset:
// parse -> validate -> resolve references -> dataset for a graph.Writer.
//
// Each source format has its own loader (the curated CSV format in this
// package; the ETO dataset in loaders/eto; the Consolidated Screening List in
// loaders/csl). They all write into one Builder, which merges facts about the
// same node from several sources, checks what only the whole picture can
// show (unknown references, requirement cycles, share totals) and collects
// every Problem with its file, line and column. Nothing is returned for
// writing while any problem remains, so a store is never half-loaded.
//
// loaders imports graph, never a store.
package loaders
