// Command seqlists rewrites gqlgen's generated executor so that lists of
// objects are marshalled on the calling goroutine (api.marshalSequentially)
// rather than one goroutine per element (graphql.MarshalSliceConcurrently).
// It runs after gqlgen in graph/api/generate.go; see marshalSequentially
// for why. It fails if the call is no longer there, so that a gqlgen
// upgrade that renames it is noticed rather than silently undone.
//
//	go run ./internal/seqlists generated.go
package main

import (
	"bytes"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: seqlists FILE")
		os.Exit(2)
	}
	if err := rewrite(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "seqlists:", err)
		os.Exit(1)
	}
}

func rewrite(file string) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	from, to := []byte("graphql.MarshalSliceConcurrently("), []byte("marshalSequentially(")
	n := bytes.Count(src, from)
	if n == 0 && !bytes.Contains(src, to) {
		return fmt.Errorf("%s: no call of graphql.MarshalSliceConcurrently to rewrite (did gqlgen change?)", file)
	}
	out := bytes.ReplaceAll(src, from, to)
	if bytes.Equal(out, src) {
		return nil
	}
	return os.WriteFile(file, out, 0o644)
}
