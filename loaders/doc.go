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
// The pieces:
//
//   - Load (load.go) is the entry point: it reads a list of Specs
//     (KIND:PATH; none means the bundled dataset), dispatching "curated" to
//     LoadCurated and other kinds to the SourceLoaders in Options, and
//     returns the dataset with a Report (counts, problems, warnings).
//   - ReadCSV (csvfile.go) is the CSV reader every loader shares: header
//     checks, line numbers, byte-order marks, invalid UTF-8, merge-conflict
//     markers, rows of the wrong length, cells by column name.
//   - LoadCurated (curated.go) reads the format of data/README.md.
//   - Builder (builder.go) collects nodes, edges and problems; Finish runs
//     the whole-graph checks (builder.go's checkGraph, validate.go).
//
// loaders imports graph and data (the embedded CSV files), never a store.
package loaders
