package api

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// marshalSequentially stands in for graphql.MarshalSliceConcurrently in the
// generated code (see generate.go). gqlgen marshals each element of a list
// of objects in a goroutine of its own, which pays off when resolvers wait
// on I/O; chipgraph's resolvers all read an in-memory snapshot and never
// wait, so those goroutines only add cost: on an upstream closure of 4,600
// items, growing their stacks took half the request's CPU time. Elements
// are marshalled in order on the caller's goroutine, each with its index in
// the field context and a panic turned into a field error, as gqlgen does.
func marshalSequentially(ctx context.Context, length int, _ int64, omitPanicHandler bool,
	marshal func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	for i := range length {
		fc := &graphql.FieldContext{Index: &i}
		child := graphql.WithFieldContext(ctx, fc)
		if omitPanicHandler {
			ret[i] = marshal(child, i)
			continue
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					graphql.AddError(child, graphql.Recover(child, r))
					ret[i] = graphql.Null
				}
			}()
			ret[i] = marshal(child, i)
		}()
	}
	return ret
}

// deferredGroup stands in for graphql.NewDeferredGroup in the generated code
// (see generate.go). gqlgen builds, for every object it marshals, the
// bookkeeping of @defer — the object's path, a field set and a map — which
// on an upstream closure of 3,754 items was 15 % of the request's CPU time,
// although nothing was deferred. The group is only written to for a field
// that is deferred (graphql.FieldSet.ResolveConcurrently) and only read when
// its Defers are not empty, so an object none of whose fields is deferred
// gets an empty group.
func deferredGroup(ctx context.Context, fields []graphql.CollectedField) graphql.DeferredGroup {
	for i := range fields {
		if fields[i].IsDeferred() {
			return graphql.NewDeferredGroup(ctx)
		}
	}
	return graphql.DeferredGroup{Context: ctx}
}
