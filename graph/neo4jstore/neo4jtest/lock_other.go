//go:build !unix

package neo4jtest

import "os"

// lockExclusive does nothing where flock is not available: run Neo4j tests
// with go test -p 1 there.
func lockExclusive(*os.File, func()) error { return nil }
