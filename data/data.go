// Package data embeds chipgraph's curated dataset (the CSV files in this
// folder, documented in README.md) so that the binary serves it with nothing
// else installed. It holds data only; loaders.LoadCurated parses it.
package data

import "embed"

// FS holds the curated CSV files at its root.
//
//go:embed *.csv README.md
var FS embed.FS
