package schema

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

// Cypher holds the Neo4j schema files (*.cypher) at its root: uniqueness
// constraints, indexes and the meta node, all idempotent.
//
//go:embed *.cypher
var Cypher embed.FS

// CypherStatements returns the statements of every *.cypher file, files in
// name order and statements in file order, with comments removed. A
// statement ends with a ";" at the end of a line; lines starting with "//"
// are comments. graph/neo4jstore runs them one by one before each load.
func CypherStatements() ([]string, error) {
	names, err := fs.Glob(Cypher, "*.cypher")
	if err != nil {
		return nil, err
	}
	var stmts []string
	for _, name := range names { // fs.Glob returns names in lexical order
		data, err := Cypher.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var cur []string
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "//") {
				continue
			}
			end := strings.HasSuffix(line, ";")
			cur = append(cur, strings.TrimSuffix(line, ";"))
			if end {
				stmts = append(stmts, strings.Join(cur, "\n"))
				cur = nil
			}
		}
		if len(cur) > 0 {
			return nil, fmt.Errorf("schema/%s: last statement does not end with \";\"", name)
		}
	}
	return stmts, nil
}
