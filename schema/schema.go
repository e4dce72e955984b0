// Package schema holds chipgraph's schemas as source files embedded in the
// binary: the GraphQL SDL (*.graphqls, this file's concern) that graph/api
// generates its server from and serves at /schema.graphql, and the Neo4j
// constraints and indexes (*.cypher, embedded separately). It imports nothing
// from chipgraph.
package schema

import (
	"cmp"
	"embed"
	"io/fs"
	"slices"
	"strings"
)

// GraphQL holds the GraphQL SDL files (*.graphqls) at its root.
//
//go:embed *.graphqls
var GraphQL embed.FS

// SDL returns the whole GraphQL schema as one document: entities.graphqls
// (which defines type Query) first, then the other *.graphqls files in name
// order, each preceded by a comment naming it.
func SDL() string {
	names, err := fs.Glob(GraphQL, "*.graphqls")
	if err != nil {
		panic(err) // the pattern is a constant
	}
	slices.SortStableFunc(names, func(a, b string) int {
		return cmp.Compare(rank(a), rank(b))
	})
	var b strings.Builder
	for _, name := range names {
		data, err := GraphQL.ReadFile(name)
		if err != nil {
			panic(err) // embedded files are always readable
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString("# " + name + "\n")
		b.Write(data)
	}
	return b.String()
}

func rank(name string) int {
	if name == "entities.graphqls" {
		return 0
	}
	return 1
}
