package api

import (
	"context"
	"errors"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// TestMarshalSequentially: elements are marshalled in order, each with its
// index in the field context, and a panicking element becomes null with an
// error at its path while the others are kept, as gqlgen's own
// MarshalSliceConcurrently does.
func TestMarshalSequentially(t *testing.T) {
	quiet := func(context.Context, any) error { return errors.New("element failed") }
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, quiet)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{})
	var order []int
	ret := marshalSequentially(ctx, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		order = append(order, i)
		if got := *graphql.GetFieldContext(ctx).Index; got != i {
			t.Errorf("element %d sees index %d", i, got)
		}
		if i == 1 {
			panic("boom")
		}
		return graphql.MarshalInt(i)
	})
	if len(order) != 3 || order[0] != 0 || order[1] != 1 || order[2] != 2 {
		t.Fatalf("marshalled in order %v", order)
	}
	if ret[1] != graphql.Null || ret[0] == graphql.Null || ret[2] == graphql.Null {
		t.Fatalf("result %v: want only element 1 null", ret)
	}
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 || errs[0].Path.String() != "[1]" || errs[0].Message != "element failed" {
		t.Fatalf("errors %v: want one, at path 1", errs)
	}
}

// TestDeferredGroup: an object with a deferred field gets gqlgen's own
// group (its path, a field set, a map to collect the deferred views in);
// one without gets an empty group carrying only the context. And a query
// with @defer still answers every field, over the transports the server
// offers (which resolve deferred fragments in the one response).
func TestDeferredGroup(t *testing.T) {
	ctx := graphql.WithFieldContext(context.Background(), &graphql.FieldContext{Field: graphql.CollectedField{}})
	plain := []graphql.CollectedField{{}}
	if g := deferredGroup(ctx, plain); g.Defers != nil || g.FieldSet != nil || g.Context != ctx {
		t.Errorf("no deferred field: group %+v, want an empty one with the context", g)
	}
	deferred := []graphql.CollectedField{{}, {Deferrables: []*graphql.Deferrable{{Label: "x"}}}}
	if !deferred[1].IsDeferred() {
		t.Fatal("the test's field is not deferred")
	}
	if g := deferredGroup(ctx, deferred); g.Defers == nil || g.FieldSet == nil {
		t.Errorf("a deferred field: group %+v, want gqlgen's", g)
	}

	srv := bundledServer(t)
	r := post(t, srv, `{ node(id: "firm:tsmc") { id ... @defer(label: "later") { name } } }`, nil)
	assertJSON(t, r.Data, `{"node": {"id": "firm:tsmc", "name": "TSMC"}}`)
}
