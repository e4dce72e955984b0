// Command seqlists rewrites gqlgen's generated executor in three places
// where its per-object overhead dominates large answers: lists of objects
// are marshalled on the calling goroutine (api.marshalSequentially) rather
// than one goroutine per element (graphql.MarshalSliceConcurrently), an
// object builds its @defer bookkeeping only when one of its fields is
// deferred (api.deferredGroup instead of graphql.NewDeferredGroup), and a
// list of upstream items with a plain selection is written directly
// (api.fastUpstream). It runs
// after gqlgen in graph/api/generate.go; see those functions for why. It
// fails if a call is no longer there, so that a gqlgen upgrade that renames
// it is noticed rather than silently undone.
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

// upstreamList opens the generated marshaler of a list of UpstreamItem,
// where the fast path for plain selections goes (api.fastUpstream).
const upstreamList = "func (ec *executionContext) marshalNUpstreamItem2ᚕᚖgithubᚗcomᚋchipgraphᚋchipgraphᚋgraphᚋapiᚋmodelᚐUpstreamItemᚄ(ctx context.Context, sel ast.SelectionSet, v []*model.UpstreamItem) graphql.Marshaler {\n"

func rewrite(file string) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	out := src
	for _, r := range []struct{ from, to string }{
		{"graphql.MarshalSliceConcurrently(", "marshalSequentially("},
		{"deferred := graphql.NewDeferredGroup(ctx)\n", "deferred := deferredGroup(ctx, fields)\n"},
		{upstreamList, upstreamList + "\tif m := fastUpstream(ctx, sel, v); m != nil {\n\t\treturn m\n\t}\n"},
	} {
		from, to := []byte(r.from), []byte(r.to)
		if bytes.Contains(to, from) && bytes.Contains(out, to) {
			continue // an insertion already made
		}
		if !bytes.Contains(out, from) && !bytes.Contains(out, to) {
			return fmt.Errorf("%s: no %q to rewrite (did gqlgen change?)", file, r.from)
		}
		out = bytes.ReplaceAll(out, from, to)
	}
	if bytes.Equal(out, src) {
		return nil
	}
	return os.WriteFile(file, out, 0o644)
}
