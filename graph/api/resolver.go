package api

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/api/model"
)

// Resolver is the root of gqlgen's resolvers. It holds no data: root
// resolvers read the View pinned in the request's context (viewOf), and
// model resolvers read the snapshot their object came from. Resolvers stay
// thin: arguments -> domain call -> model values.
type Resolver struct{}

// viewOf returns the View the request reads, pinned by Server.serveGraphQL.
// It fails once the request's deadline has passed, so that every root
// field honours the per-request timeout.
func viewOf(ctx context.Context) (*View, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, ok := ctx.Value(viewKey{}).(*View)
	if !ok || v == nil {
		return nil, codedError(CodeUnavailable, "no data loaded yet; retry shortly")
	}
	return v, nil
}

// snapshotOf returns the snapshot the request reads.
func snapshotOf(ctx context.Context) (*graph.Snapshot, error) {
	v, err := viewOf(ctx)
	if err != nil {
		return nil, err
	}
	return v.Snap, nil
}

// parseID checks an ID argument's form and kind: BAD_USER_INPUT if it is
// malformed or of a kind not in kinds (any kind if kinds is empty). arg
// names the argument in messages.
func parseID(arg, s string, kinds ...graph.NodeKind) (graph.ID, error) {
	id, err := graph.ParseID(s)
	if err != nil {
		return "", userError("%s: %v", arg, err)
	}
	if len(kinds) > 0 && !slices.Contains(kinds, id.Kind()) {
		want := make([]string, len(kinds))
		for i, k := range kinds {
			want[i] = string(k) + ":"
		}
		return "", userError("%s: %s is %s %s ID; want %s %s ID", arg, id, article(string(id.Kind())), id.Kind(),
			article(want[0]), strings.Join(want, " or "))
	}
	return id, nil
}

// lookup resolves an ID argument to a node index: BAD_USER_INPUT if
// malformed or of the wrong kind, NOT_FOUND if the graph has no such node.
func lookup(snap *graph.Snapshot, arg, s string, kinds ...graph.NodeKind) (int32, error) {
	id, err := parseID(arg, s, kinds...)
	if err != nil {
		return 0, err
	}
	i, ok := snap.Index(id)
	if !ok {
		return 0, notFound("%s: no node %s", arg, id)
	}
	return i, nil
}

// lookupOpt is lookup for an optional argument; ok is false if s is nil.
func lookupOpt(snap *graph.Snapshot, arg string, s *string, kinds ...graph.NodeKind) (i int32, ok bool, err error) {
	if s == nil {
		return 0, false, nil
	}
	i, err = lookup(snap, arg, *s, kinds...)
	return i, err == nil, err
}

// firstArg checks a `first` argument: the default if nil, BAD_USER_INPUT
// outside 0..MaxFirst.
func firstArg(first *int, def int) (int, error) {
	if first == nil {
		return def, nil
	}
	if *first < 0 || *first > MaxFirst {
		return 0, userError("first: %d is out of range; want 0 to %d", *first, MaxFirst)
	}
	return *first, nil
}

// intArg checks an integer argument against [lo, hi].
func intArg(arg string, v *int, def, lo, hi int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < lo || *v > hi {
		return 0, userError("%s: %d is out of range; want %d to %d", arg, *v, lo, hi)
	}
	return *v, nil
}

// asOfArg returns the as-of date: the argument, or today (UTC).
func asOfArg(asOf *graph.Date) graph.Date {
	if asOf == nil || asOf.IsZero() {
		return graph.Today()
	}
	return *asOf
}

// node returns the model of node i.
func node(snap *graph.Snapshot, i int32) model.Node { return model.NodeAt(snap, i) }

// nodeAs returns the model of node i as its concrete type; the caller knows
// the kind (from the edge kind's endpoints).
func nodeAs[T model.Node](snap *graph.Snapshot, i int32) T {
	return model.NodeAt(snap, i).(T)
}

// nodesAs returns the models of nodes is, skipping any not of type T.
func nodesAs[T model.Node](snap *graph.Snapshot, is []int32) []T {
	out := make([]T, 0, len(is))
	for _, i := range is {
		if n, ok := model.NodeAt(snap, i).(T); ok {
			out = append(out, n)
		}
	}
	return out
}

// nodes returns the models of nodes is.
func nodes(snap *graph.Snapshot, is []int32) []model.Node {
	out := make([]model.Node, len(is))
	for k, i := range is {
		out[k] = model.NodeAt(snap, i)
	}
	return out
}

// sourceModels returns the Source models for a list of source IDs, skipping any
// the snapshot does not hold (loaders guarantee they exist).
func sourceModels(snap *graph.Snapshot, ids []graph.ID) []*model.Source {
	out := make([]*model.Source, 0, len(ids))
	for _, id := range ids {
		if i, ok := snap.Index(id); ok {
			if s, ok := model.NodeAt(snap, i).(*model.Source); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// outEdges returns the indexes of node i's outgoing edges of kind k, in
// target ID order.
func outEdges(snap *graph.Snapshot, i int32, k graph.EdgeKind) []int32 {
	var out []int32
	for _, e := range snap.Out(i) {
		if snap.Edge(e).Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// inEdges returns the indexes of node i's incoming edges of kind k, in
// source ID order.
func inEdges(snap *graph.Snapshot, i int32, k graph.EdgeKind) []int32 {
	var out []int32
	for _, e := range snap.In(i) {
		if snap.Edge(e).Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// outNodes returns the targets of node i's outgoing edges of kind k, in ID
// order, without repeats.
func outNodes(snap *graph.Snapshot, i int32, k graph.EdgeKind) []int32 {
	var out []int32
	for _, e := range outEdges(snap, i, k) {
		_, to := snap.Ends(e)
		if len(out) == 0 || out[len(out)-1] != to {
			out = append(out, to)
		}
	}
	return out
}

// inNodes returns the sources of node i's incoming edges of kind k, in ID
// order, without repeats.
func inNodes(snap *graph.Snapshot, i int32, k graph.EdgeKind) []int32 {
	var out []int32
	for _, e := range inEdges(snap, i, k) {
		from, _ := snap.Ends(e)
		if len(out) == 0 || out[len(out)-1] != from {
			out = append(out, from)
		}
	}
	return out
}

// hasEdge reports whether an edge of kind k runs from node from to node to.
func hasEdge(snap *graph.Snapshot, from int32, k graph.EdgeKind, to int32) bool {
	for _, e := range snap.Out(from) {
		if _, t := snap.Ends(e); t == to && snap.Edge(e).Kind == k {
			return true
		}
	}
	return false
}

// checkControlInputs checks the IDs and fields of hypothetical controls:
// BAD_USER_INPUT for malformed or wrongly-kinded IDs and unknown reach
// values, NOT_FOUND for IDs the graph does not hold. arg names the argument.
func checkControlInputs(snap *graph.Snapshot, arg string, cs []*model.ControlInput) error {
	for k, c := range cs {
		at := func(field string) string { return fmt.Sprintf("%s[%d].%s", arg, k, field) }
		if _, err := lookup(snap, at("issuer"), c.Issuer, graph.KindCountry); err != nil {
			return err
		}
		for _, id := range c.Covers {
			if _, err := lookup(snap, at("covers"), id, graph.KindInput, graph.KindProduct); err != nil {
				return err
			}
		}
		for _, id := range c.Targets {
			if _, err := lookup(snap, at("targets"), id, graph.KindFirm, graph.KindCountry); err != nil {
				return err
			}
		}
		if c.Reach != nil && *c.Reach != "hq" && *c.Reach != "fdp" {
			return userError("%s: %q; want hq or fdp", at("reach"), *c.Reach)
		}
	}
	return nil
}

// article returns the indefinite article for a kind name: "an input", "a fab".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}
