package api

import (
	"context"
	"io"
	"strconv"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/chipgraph/chipgraph/graph/api/model"
)

// An upstream closure at tier M holds some 3,750 items, and gqlgen marshals
// each as an object: a field context, a field set and a marshaler per field,
// for `{ node { id } tier }` about a dozen allocations an item, most of the
// request's time (bench/PERFORMANCE.md). When the selection is plain — only
// fields, without directives, fragments or arguments, of those below — the
// list is written directly instead, byte for byte as gqlgen writes it
// (TestFastUpstreamSameBytes compares them over many selections):
//
//	UpstreamItem: node, tier, __typename
//	node (any Node): id, name
//
// Anything else (via, __typename or fragments on node, @skip, @include,
// @defer, a missing node) takes gqlgen's path. The generated list marshaler
// calls fastUpstream first (put in place by internal/seqlists after gqlgen).

// fastLists can be turned off by tests, to compare with gqlgen's path;
// fastListsUsed counts the lists written by the fast path.
var (
	fastLists     = true
	fastListsUsed atomic.Int64
)

// fastUpstream returns a marshaler of the whole list, or nil when the
// selection or the values need gqlgen's path.
func fastUpstream(ctx context.Context, sel ast.SelectionSet, v []*model.UpstreamItem) graphql.Marshaler {
	if !fastLists || !plainSelection(sel) {
		return nil
	}
	oc := graphql.GetOperationContext(ctx)
	type field struct {
		alias string
		kind  byte // 'n' node, 't' tier, 'T' __typename
		sub   []graphql.CollectedField
	}
	var fields []field
	for _, f := range graphql.CollectFields(oc, sel, []string{"UpstreamItem"}) {
		out := field{alias: f.Alias}
		switch f.Name {
		case "tier":
			out.kind = 't'
		case "__typename":
			out.kind = 'T'
		case "node":
			if !plainSelection(f.Selections) {
				return nil
			}
			out.kind, out.sub = 'n', graphql.CollectFields(oc, f.Selections, []string{"Node"})
			for _, g := range out.sub {
				if g.Name != "id" && g.Name != "name" {
					return nil
				}
			}
		default:
			return nil
		}
		fields = append(fields, out)
	}
	for _, it := range v {
		if it == nil || it.Node == nil {
			return nil // gqlgen reports the null
		}
	}
	fastListsUsed.Add(1)
	return graphql.WriterFunc(func(w io.Writer) {
		var num [20]byte
		io.WriteString(w, "[")
		for i, it := range v {
			if i > 0 {
				io.WriteString(w, ",")
			}
			io.WriteString(w, "{")
			for j, f := range fields {
				if j > 0 {
					io.WriteString(w, ",")
				}
				graphql.MarshalString(f.alias).MarshalGQL(w)
				io.WriteString(w, ":")
				switch f.kind {
				case 't':
					w.Write(strconv.AppendInt(num[:0], int64(it.Tier), 10))
				case 'T':
					io.WriteString(w, `"UpstreamItem"`)
				case 'n':
					n := it.Node.Ref().GraphNode()
					io.WriteString(w, "{")
					for k, g := range f.sub {
						if k > 0 {
							io.WriteString(w, ",")
						}
						graphql.MarshalString(g.Alias).MarshalGQL(w)
						io.WriteString(w, ":")
						if g.Name == "id" {
							graphql.MarshalString(string(n.ID)).MarshalGQL(w)
						} else {
							graphql.MarshalString(n.Name).MarshalGQL(w)
						}
					}
					io.WriteString(w, "}")
				}
			}
			io.WriteString(w, "}")
		}
		io.WriteString(w, "]")
	})
}

// plainSelection reports whether sel holds only fields, without directives
// or arguments (whatever their names).
func plainSelection(sel ast.SelectionSet) bool {
	for _, s := range sel {
		f, ok := s.(*ast.Field)
		if !ok || len(f.Directives) > 0 || len(f.Arguments) > 0 {
			return false
		}
	}
	return true
}
